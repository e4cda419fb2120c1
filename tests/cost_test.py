from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from connreg_gate.cost import apis, project, sources
from connreg_gate.cost.pricing import Pricer
from connreg_gate.registry import load as registry_load
from testing.repos import make_repo
from testing.servers import QuietServer

REGISTRY = """version: 1
backend_connections: []
external_apis:
  - id: llm-main
    category: llm
    provider: openai
    quotas:
      rpm: 2
      tpm: 100000
    cost:
      pricing:
        unit: 1m_tokens
        input: 1.0
        output: 2.0
        cached_input: 0.5
      budget_monthly: {budget}
"""


def rec(ts: str, model="gpt-4o-mini", inp=1_000_000, out=500_000, **kw) -> str:
    return json.dumps({"timestamp": ts, "provider": "openai", "model": model, "input_tokens": inp, "output_tokens": out, **kw})


def spends(tmp_path: Path, lines: list[str], budget: str = "30", as_of=dt.date(2026, 11, 10)):
    reg_path = tmp_path / "connections_registry.yaml"
    reg_path.write_text(REGISTRY.format(budget=budget))
    usage = tmp_path / "usage.jsonl"
    usage.write_text("\n".join(lines) + "\n")
    problems = sources.Problems(strict=False)
    registry = registry_load.load(reg_path)
    warnings: list[str] = []
    records = sources.dedupe(sources.read_jsonl(usage, problems), problems)
    return project.compute(records, registry, as_of, warnings), problems, warnings


def test_projection_budget_and_exhaustion(tmp_path):
    # $1 + $1 = $2 per record (1M input at $1/M, 0.5M output at $2/M); 5 records by Nov 10.
    lines = [rec(f"2026-11-0{d}T12:00:00Z", request_id=f"r{d}") for d in (1, 2, 3, 4, 5)]
    [s], _, _ = spends(tmp_path, lines, budget="25")
    assert s.month_to_date == Decimal(10)
    assert s.projected_month == Decimal(30)  # $10 over 10 days -> $1/day x 30 days
    assert s.status == "OVER" and s.remaining == Decimal(15)
    assert s.exhaustion_date == dt.date(2026, 11, 25)  # $15 left at $1/day
    [s], _, _ = spends(tmp_path, lines, budget="40")
    assert s.status == "OK" and s.exhaustion_date is None  # $1/day never reaches $40 this month
    [s], _, _ = spends(tmp_path, lines + [rec("2026-11-10T08:00:00Z", inp=14_000_000, out=0, request_id="big")], budget="30")
    assert s.month_to_date == Decimal(24) and s.status == "OVER"  # projected 72
    [s], _, _ = spends(tmp_path, lines, budget="12.5")
    assert s.status == "OVER"
    [s], _, _ = spends(tmp_path, [rec("2026-11-01T00:00:00Z", inp=9_000_000, out=0)], budget="10", as_of=dt.date(2026, 11, 30))
    assert s.status == "CRITICAL" and s.projected_month == Decimal(9)
    [s], _, _ = spends(tmp_path, [rec("2026-11-01T00:00:00Z", inp=8_000_000, out=0)], budget="10", as_of=dt.date(2026, 11, 30))
    assert s.status == "WARNING"


def test_cached_tokens_timezones_duplicates_and_bad_lines(tmp_path):
    lines = [
        rec("2026-11-01T10:00:00Z", inp=1_000_000, out=0, cached_tokens=1_000_000, request_id="a"),  # all cached: $0.50
        rec("2026-11-01T10:00:00Z", inp=1_000_000, out=0, cached_tokens=1_000_000, request_id="a"),  # duplicate
        rec("2026-10-31T23:30:00-02:00", inp=1_000_000, out=0),  # = Nov 1 01:30 UTC: counts
        rec("2026-10-31T23:30:00+00:00", inp=1_000_000, out=0),  # October: not this month
        rec("2026-11-11T00:00:00Z", inp=1_000_000, out=0),  # after as_of
        '{"timestamp": "2026-11-02T00:00:00Z", "provider": "openai", "model": "m", "input_tokens": -5, "output_tokens": 1}',
        "not json",
        '{"timestamp": "2026-11-02T00:00:00Z", "provider": "openai", "input_tokens": 5, "output_tokens": 1}',
        '{"timestamp": "2026-11-02T00:00:00Z", "provider": "openai", "model": "m", "input_tokens": 1e12, "output_tokens": 1}',
    ]
    [s], problems, _ = spends(tmp_path, lines)
    assert s.month_to_date == Decimal("1.5")
    assert problems.duplicates == 1
    where = [m.split(": ", 1)[0].rsplit(":", 1)[1] for m in problems.messages]
    assert where == ["6", "7", "8", "9"]
    assert "negative" in problems.messages[0] and "missing model" in problems.messages[2]
    assert "implausibly large" in problems.messages[3]


def test_strict_mode_is_fatal(tmp_path):
    (tmp_path / "u.jsonl").write_text(rec("2026-11-01T00:00:00Z") + "\n{broken\n")
    proc = subprocess.run([sys.executable, "-m", "connreg_gate", "cost", "--usage", "u.jsonl", "--strict", "--as-of", "2026-11-05"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2 and "u.jsonl:2:" in proc.stderr


def test_genai_prices_dataset_and_unpriced_models(tmp_path):
    from genai_prices import Usage, calc_price

    lines = [rec("2026-11-02T00:00:00Z", model="gpt-4o-mini", inp=250_000, out=1000, cached_tokens=10_000),
             rec("2026-11-02T00:00:00Z", model="no-such-model-zz", inp=10, out=10)]
    usage = tmp_path / "u.jsonl"
    usage.write_text("\n".join(lines) + "\n")
    problems = sources.Problems(False)
    warnings: list[str] = []
    [s] = project.compute(sources.read_jsonl(usage, problems), None, dt.date(2026, 11, 2), warnings)
    expected = calc_price(Usage(input_tokens=250_000, output_tokens=1000, cache_read_tokens=10_000), "gpt-4o-mini", provider_id="openai").total_price
    assert s.month_to_date == expected
    assert s.unpriced == ["no-such-model-zz"] and s.status == "NO_BUDGET"
    assert any("no-such-model-zz: no known price" in w for w in warnings)


@pytest.mark.parametrize(("model", "provider_id", "inp"), [
    ("gemini-2.5-pro", "google", 150_000), ("gemini-2.5-pro", "google", 350_000), ("claude-sonnet-4-5", "anthropic", 1000)])
def test_tiered_prices_match_per_request_pricing(model, provider_id, inp):
    from genai_prices import Usage, calc_price

    ours = {"google": "google-gemini", "anthropic": "anthropic"}[provider_id]
    price = Pricer().price(ours, model)
    got = price.cost(price.tier(inp), 1, inp, 2000, 1000, 0)
    want = calc_price(Usage(input_tokens=inp, output_tokens=2000, cache_read_tokens=1000), model, provider_id=provider_id).total_price
    assert got == want


def test_csv_and_otlp_sources(tmp_path):
    csv_path = tmp_path / "u.csv"
    csv_path.write_text("timestamp,provider,model,input_tokens,output_tokens,consumer\n"
                        "2026-11-01T00:00:00Z,openai,gpt-4o-mini,100,50,search\n"
                        "2026-11-01T00:00:00Z,openai,gpt-4o-mini,abc,50,search\n")
    otlp = tmp_path / "traces.otlp.json"
    otlp.write_text(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"spanId": "s1", "endTimeUnixNano": "1793577600000000000", "attributes": [
            {"key": "gen_ai.provider.name", "value": {"stringValue": "anthropic"}},
            {"key": "gen_ai.request.model", "value": {"stringValue": "claude-sonnet-4-5"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "1200"}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "300"}}]},
        {"spanId": "s2", "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}]},
    ]}]}]}))
    problems = sources.Problems(False)
    csv_recs = list(sources.read_file(csv_path, problems))
    otlp_recs = list(sources.read_file(otlp, problems))
    assert [(r.provider, r.input_tokens, r.consumer) for r in csv_recs] == [("openai", 100, "search")]
    assert problems.messages == [f"{csv_path}:3: input_tokens must be a whole number, got 'abc'"]
    assert [(r.provider, r.model, r.input_tokens, r.output_tokens, r.timestamp.date().isoformat()) for r in otlp_recs] == [
        ("anthropic", "claude-sonnet-4-5", 1200, 300, "2026-11-02")]


class _Api(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict]] = []

    def log_message(self, *a):
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        _Api.seen.append((url.path, dict(self.headers)))
        if url.path == "/v1/organization/usage/completions":
            if self.headers.get("Authorization") != "Bearer sk-admin-openai-test-000111":
                return self._send(401, {"error": "bad key"})
            page = q.get("page", [None])[0]
            day = 1793491200  # 2026-11-01
            if page is None:
                return self._send(200, {"object": "page", "data": [{"object": "bucket", "start_time": day, "end_time": day + 86400, "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": 1_000_000, "output_tokens": 100_000,
                     "input_cached_tokens": 200_000, "num_model_requests": 40, "model": "gpt-4o-mini"}]}],
                    "has_more": True, "next_page": "page_2"})
            return self._send(200, {"object": "page", "data": [{"object": "bucket", "start_time": day + 86400, "end_time": day + 2 * 86400, "results": [
                {"object": "organization.usage.completions.result", "input_tokens": 500_000, "output_tokens": 0,
                 "input_cached_tokens": 0, "num_model_requests": 10, "model": "gpt-4o"}]}], "has_more": False, "next_page": None})
        if url.path == "/v1/organizations/usage_report/messages":
            if self.headers.get("x-api-key") != "sk-ant-admin01-test" or not self.headers.get("anthropic-version"):
                return self._send(401, {"error": "bad key"})
            if q.get("group_by[]") != ["model"]:
                return self._send(400, {"error": "group_by"})
            page = q.get("page", [None])[0]
            data = [{"starting_at": "2026-11-0%dT00:00:00Z" % (1 if page is None else 2), "ending_at": "x", "results": [
                {"model": "claude-sonnet-4-5", "uncached_input_tokens": 1000, "cache_read_input_tokens": 4000,
                 "cache_creation": {"ephemeral_5m_input_tokens": 500, "ephemeral_1h_input_tokens": 0}, "output_tokens": 700}]}]
            return self._send(200, {"data": data, "has_more": page is None, "next_page": "p2" if page is None else None})
        if url.path == "/api/public/metrics/daily":
            import base64
            if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"pk-lf-1:sk-lf-2").decode():
                return self._send(401, {"error": "bad key"})
            page = int(q["page"][0])
            return self._send(200, {"data": [{"date": f"2026-11-0{page}", "countTraces": 3, "countObservations": 5, "totalCost": 0.1,
                                              "usage": [{"model": "gpt-4o-mini", "inputUsage": 1000, "outputUsage": 100, "totalUsage": 1100,
                                                         "countTraces": 3, "countObservations": 5, "totalCost": 0.1}]}],
                                    "meta": {"page": page, "limit": 50, "totalItems": 2, "totalPages": 2}})
        if url.path == "/v1/organization/costs":
            if self.headers.get("Authorization") != "Bearer sk-admin-openai-test-000111" or q.get("group_by") != ["line_item"]:
                return self._send(401, {"error": "bad"})
            page = q.get("page", [None])[0]
            day = 1793491200 + (0 if page is None else 86400)
            return self._send(200, {"object": "page", "data": [{"object": "bucket", "start_time": day, "end_time": day + 86400, "results": [
                {"object": "organization.costs.result", "amount": {"value": 1.25 if page is None else 0.5, "currency": "usd"},
                 "line_item": "gpt-4o-mini, input", "project_id": "proj_1"}]}],
                "has_more": page is None, "next_page": "p2" if page is None else None})
        if url.path == "/v1/organizations/cost_report":
            if self.headers.get("x-api-key") != "sk-ant-admin01-test":
                return self._send(401, {"error": "bad"})
            return self._send(200, {"data": [{"starting_at": "2026-11-01T00:00:00Z", "ending_at": "2026-11-02T00:00:00Z", "results": [
                {"currency": "USD", "amount": "123.45", "description": "Claude Sonnet 4.5 Usage - Input Tokens",
                 "model": "claude-sonnet-4-5", "cost_type": "tokens"}]}], "has_more": False, "next_page": None})
        if url.path == "/broken":
            return self._send(500, {})
        self._send(404, {})


@pytest.fixture
def api_server():
    server = QuietServer(("127.0.0.1", 0), _Api)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def test_openai_usage_api_paginates(api_server):
    recs = list(apis.openai_usage(api_server, "sk-admin-openai-test-000111", START))
    assert [(r.model, r.input_tokens, r.cached_tokens, r.requests, r.timestamp.date().day) for r in recs] == [
        ("gpt-4o-mini", 1_000_000, 200_000, 40, 1), ("gpt-4o", 500_000, 0, 10, 2)]


def test_anthropic_usage_api_paginates(api_server):
    recs = list(apis.anthropic_usage(api_server, "sk-ant-admin01-test", START))
    assert [(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens, r.timestamp.day) for r in recs] == [
        (5500, 4000, 500, 700, 1), (5500, 4000, 500, 700, 2)]


def test_langfuse_metrics_api_paginates(api_server):
    recs = list(apis.langfuse_usage(api_server, "pk-lf-1:sk-lf-2", START))
    assert [(r.provider, r.model, r.input_tokens, r.requests, r.timestamp.day) for r in recs] == [
        ("openai", "gpt-4o-mini", 1000, 5, 1), ("openai", "gpt-4o-mini", 1000, 5, 2)]


def test_api_errors_name_endpoint_never_token(api_server):
    with pytest.raises(apis.UsageApiError) as info:
        list(apis.openai_usage(api_server, "sk-wrong-token-value-123", START))
    assert "/v1/organization/usage/completions answered HTTP 401" in str(info.value)
    assert "sk-wrong-token-value-123" not in str(info.value)
    from testing.servers import closed_port
    with pytest.raises(apis.UsageApiError) as info:
        list(apis.anthropic_usage(f"http://127.0.0.1:{closed_port()}", "sk-ant-secret-xyz", START))
    assert "unreachable" in str(info.value) and "sk-ant-secret-xyz" not in str(info.value)


def test_registry_api_source_through_cli_and_budget_gate(tmp_path, api_server):
    repo = make_repo(tmp_path / "r", {"ai.py": "from openai import OpenAI\n"})
    (repo / "connections_registry.yaml").write_text(f"""version: 1
backend_connections: []
external_apis:
  - id: openai
    category: llm
    provider: openai
    secrets_ref: env://OPENAI_ADMIN_KEY
    cost:
      model: gpt-4o-mini
      budget_monthly: 0.25
      usage:
        - type: openai
          url: {api_server}
""")
    env = {**__import__("os").environ, "OPENAI_ADMIN_KEY": "sk-admin-openai-test-000111"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "connreg_gate", *a], cwd=repo, capture_output=True, text=True, env=env)
    proc = run("cost", "--as-of", "2026-11-02", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [api] = json.loads(proc.stdout)["apis"]
    assert api["id"] == "openai" and api["status"] == "OVER" and api["requests"] == 50
    assert {m["model"] for m in api["models"]} == {"gpt-4o", "gpt-4o-mini"}
    proc = run("check", "--as-of", "2026-11-02")
    assert proc.returncode == 1
    assert "[budget] openai (openai) has spent USD" in proc.stdout and "against a budget of 0.25" in proc.stdout
    assert "sk-admin-openai-test-000111" not in proc.stdout + proc.stderr


def test_provider_cost_endpoints_are_billed_amounts(api_server):
    from decimal import Decimal

    recs = list(apis.openai_costs(api_server, "sk-admin-openai-test-000111", START))
    assert [(r.model, r.cost, r.timestamp.day) for r in recs] == [("gpt-4o-mini, input", Decimal("1.25"), 1), ("gpt-4o-mini, input", Decimal("0.5"), 2)]
    [ant] = apis.anthropic_costs(api_server, "sk-ant-admin01-test", START)
    assert ant.cost == Decimal("1.2345")  # the amount is in cents
    [s] = project.compute(iter(recs), None, dt.date(2026, 11, 2), [])
    assert s.month_to_date == Decimal("1.75") and s.models[0]["price_source"] == "provider cost report"
    assert s.projected_month == Decimal("26.25")  # 1.75 over 2 days x 30
