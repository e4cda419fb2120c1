"""Usage from provider and observability APIs over httpx, with pagination.

- OpenAI: GET {base}/v1/organization/usage/completions (admin key, Bearer), daily
  buckets grouped by model, `page` = the previous `next_page` while `has_more`.
- Anthropic: GET {base}/v1/organizations/usage_report/messages (x-api-key admin key,
  anthropic-version), daily buckets grouped by model, same cursor pagination.
- OpenAI costs: GET {base}/v1/organization/costs, amounts per day and line item.
- Anthropic costs: GET {base}/v1/organizations/cost_report, amounts in cents.
- Langfuse: GET {base}/api/public/metrics/daily (Basic auth public:secret key),
  page-numbered (`meta.totalPages`).

Every error names the endpoint, never the token. ``transport`` lets tests point
the client at a real local server; production uses httpx's default transport.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from connreg_gate.cost.records import UsageRecord, normalise_provider
from connreg_gate.errors import InputError

MAX_PAGES = 1000


class UsageApiError(InputError):
    pass


def _get(client: Any, url: str, params: Any, headers: dict[str, str], auth: Any = None) -> dict[str, Any]:
    import httpx

    try:
        response = client.get(url, params=params, headers=headers, auth=auth)
    except httpx.HTTPError as exc:
        raise UsageApiError(f"usage API {url} is unreachable: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise UsageApiError(f"usage API {url} answered HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise UsageApiError(f"usage API {url} did not return JSON") from None
    if not isinstance(data, dict):
        raise UsageApiError(f"usage API {url} returned {type(data).__name__}, expected an object")
    return data


def _client(transport: Any, timeout: float) -> Any:
    import httpx

    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)


def _cursor_buckets(url: str, params: list[tuple[str, Any]], headers: dict[str, str], transport: Any,
                    timeout: float) -> Iterator[dict[str, Any]]:
    """Every time bucket of a cursor-paginated report (OpenAI and Anthropic both answer
    `{data: [buckets], has_more, next_page}` and take the cursor back as `page`)."""
    with _client(transport, timeout) as client:
        for _ in range(MAX_PAGES):
            page = _get(client, url, params, headers)
            yield from page.get("data") or []
            if not page.get("has_more") or not page.get("next_page"):
                return
            params = [p for p in params if p[0] != "page"] + [("page", page["next_page"])]
    raise UsageApiError(f"usage API {url}: more than {MAX_PAGES} pages")


def _openai(base: str, path: str, group_by: str, token: str, start: dt.datetime, transport: Any,
            timeout: float) -> Iterator[tuple[dt.datetime, dict[str, Any], str]]:
    url = base.rstrip("/") + path
    params = [("start_time", int(start.timestamp())), ("bucket_width", "1d"), ("group_by", group_by), ("limit", 31)]
    for bucket in _cursor_buckets(url, params, {"Authorization": f"Bearer {token}"}, transport, timeout):
        ts = dt.datetime.fromtimestamp(int(bucket["start_time"]), tz=dt.timezone.utc)
        for res in bucket.get("results") or []:
            yield ts, res, url


def _anthropic(base: str, path: str, group_by: str, token: str, start: dt.datetime, transport: Any,
               timeout: float, extra: list[tuple[str, Any]]) -> Iterator[tuple[dt.datetime, dict[str, Any], str]]:
    url = base.rstrip("/") + path
    params = [("starting_at", start.strftime("%Y-%m-%dT%H:%M:%SZ")), ("group_by[]", group_by), *extra]
    headers = {"x-api-key": token, "anthropic-version": "2023-06-01"}
    for bucket in _cursor_buckets(url, params, headers, transport, timeout):
        ts = dt.datetime.fromisoformat(str(bucket["starting_at"]).replace("Z", "+00:00"))
        for res in bucket.get("results") or []:
            yield ts, res, url


def openai_usage(base: str, token: str, start: dt.datetime, transport: Any = None, timeout: float = 30) -> Iterator[UsageRecord]:
    for ts, res, url in _openai(base, "/v1/organization/usage/completions", "model", token, start, transport, timeout):
        yield UsageRecord(ts, "openai", res.get("model") or "unknown", int(res.get("input_tokens") or 0),
                          int(res.get("output_tokens") or 0), int(res.get("input_cached_tokens") or 0), 0,
                          int(res.get("num_model_requests") or 0), "", res.get("project_id") or "", url)


def openai_costs(base: str, token: str, start: dt.datetime, transport: Any = None, timeout: float = 30) -> Iterator[UsageRecord]:
    """OpenAI's organization costs: what OpenAI billed, per day and line item."""
    from decimal import Decimal

    for ts, res, url in _openai(base, "/v1/organization/costs", "line_item", token, start, transport, timeout):
        amount = res.get("amount") or {}
        if str(amount.get("currency", "usd")).lower() != "usd":
            raise UsageApiError(f"usage API {url}: amounts in {amount.get('currency')!r}; only USD is supported")
        yield UsageRecord(ts, "openai", res.get("line_item") or "(all line items)", 0, 0, 0, 0, 0, "",
                          res.get("project_id") or "", url, Decimal(str(amount.get("value") or 0)))


def anthropic_usage(base: str, token: str, start: dt.datetime, transport: Any = None, timeout: float = 30) -> Iterator[UsageRecord]:
    for ts, res, url in _anthropic(base, "/v1/organizations/usage_report/messages", "model", token, start, transport,
                                   timeout, [("bucket_width", "1d"), ("limit", 31)]):
        creation = res.get("cache_creation") or {}
        cache_write = int(creation.get("ephemeral_5m_input_tokens") or 0) + int(creation.get("ephemeral_1h_input_tokens") or 0)
        cache_write += int(res.get("cache_creation_5m_input_tokens") or 0) + int(res.get("cache_creation_1h_input_tokens") or 0)
        cached = int(res.get("cache_read_input_tokens") or 0)
        uncached = int(res.get("uncached_input_tokens") or 0)
        # Anthropic reports input parts separately; our input_tokens includes all of them.
        # The report has no request count, so requests is 0 (no per-request prices apply).
        yield UsageRecord(ts, "anthropic", res.get("model") or "unknown", uncached + cached + cache_write,
                          int(res.get("output_tokens") or 0), cached, cache_write, 0, "", res.get("workspace_id") or "", url)


def anthropic_costs(base: str, token: str, start: dt.datetime, transport: Any = None, timeout: float = 30) -> Iterator[UsageRecord]:
    """Anthropic's cost report. `amount` is a decimal string in the currency's lowest
    unit (cents), so "123.45" is USD 1.2345."""
    from decimal import Decimal

    for ts, res, url in _anthropic(base, "/v1/organizations/cost_report", "description", token, start, transport, timeout, []):
        if str(res.get("currency", "USD")).upper() != "USD":
            raise UsageApiError(f"usage API {url}: amounts in {res.get('currency')!r}; only USD is supported")
        cents = Decimal(str(res.get("amount") or "0"))
        yield UsageRecord(ts, "anthropic", res.get("model") or res.get("description") or "(all)", 0, 0, 0, 0, 0,
                          "", res.get("workspace_id") or "", url, cents / 100)


def langfuse_usage(base: str, token: str, start: dt.datetime, transport: Any = None, timeout: float = 30) -> Iterator[UsageRecord]:
    """``token`` is "public_key:secret_key"."""
    url = base.rstrip("/") + "/api/public/metrics/daily"
    public, _, secret = token.partition(":")
    if not secret:
        raise UsageApiError(f"usage API {url}: the secret must be 'public_key:secret_key'")
    page_no = 1
    with _client(transport, timeout) as client:
        while page_no <= MAX_PAGES:
            params = {"fromTimestamp": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "page": page_no, "limit": 50}
            page = _get(client, url, params, {}, auth=(public, secret))
            for day in page.get("data") or []:
                ts = dt.datetime.fromisoformat(str(day["date"])).replace(tzinfo=dt.timezone.utc)
                for use in day.get("usage") or []:
                    model = use.get("model") or "unknown"
                    yield UsageRecord(ts, normalise_provider(_provider_of(model)), model, int(use.get("inputUsage") or 0),
                                      int(use.get("outputUsage") or 0), 0, 0, int(use.get("countObservations") or 0),
                                      "", "", url)
            meta = page.get("meta") or {}
            if page_no >= int(meta.get("totalPages") or 1):
                return
            page_no += 1
    raise UsageApiError(f"usage API {url}: more than {MAX_PAGES} pages")


def _provider_of(model: str) -> str:
    """Langfuse reports models, not providers: infer the provider from the name."""
    m = model.lower()
    for prefix, provider in (("gpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
                             ("text-embedding", "openai"), ("claude", "anthropic"), ("gemini", "google"),
                             ("mistral", "mistral"), ("command", "cohere"), ("grok", "xai"), ("deepseek", "deepseek")):
        if m.startswith(prefix):
            return provider
    return "unknown"


FETCHERS = {"openai": openai_usage, "anthropic": anthropic_usage, "langfuse": langfuse_usage,
            "openai_costs": openai_costs, "anthropic_costs": anthropic_costs}
DEFAULT_BASE = {"openai": "https://api.openai.com", "anthropic": "https://api.anthropic.com",
                "langfuse": "https://cloud.langfuse.com", "openai_costs": "https://api.openai.com",
                "anthropic_costs": "https://api.anthropic.com"}
