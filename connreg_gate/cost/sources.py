"""Read usage from files: JSONL or CSV request logs, and OTLP JSON GenAI spans.

Bad lines are reported with file and line and skipped (fatal with strict=True);
duplicate request ids are counted once; negative or absurd token counts are rejected.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterator

from connreg_gate.cost.records import PROVIDER_ALIASES, UsageRecord, normalise_provider
from connreg_gate.errors import InputError

MAX_TOKENS_PER_RECORD = 50_000_000  # beyond any model's context window times batch size


class UsageInputError(InputError):
    pass


class Problems:
    """Collects per-line problems; raises at the first one when strict."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.messages: list[str] = []
        self.duplicates = 0

    def add(self, where: str, message: str) -> None:
        text = f"{where}: {message}"
        if self.strict:
            raise UsageInputError(text + " (strict mode)")
        self.messages.append(text)


def parse_timestamp(value: Any) -> dt.datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # seconds, or milliseconds/nanoseconds when too large to be seconds
        seconds = float(value)
        while seconds > 1e11:
            seconds /= 1000
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    if type(value) is str:
        try:  # Python 3.11+ parses "Z" itself; the slow path below covers 3.10 and epochs
            ts = dt.datetime.fromisoformat(value)
            return ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            pass
    if isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        if text.replace(".", "", 1).isdigit():
            return parse_timestamp(float(text))
        ts = dt.datetime.fromisoformat(text)
        return ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)
    raise ValueError(f"bad timestamp {value!r}")


def _int(value: Any, field: str, required: bool) -> int:
    if type(value) is int and 0 <= value <= MAX_TOKENS_PER_RECORD:  # the common case, first
        return value
    if value is None or value == "":
        if required:
            raise ValueError(f"missing {field}")
        return 0
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a number")
    try:
        number = int(value) if not isinstance(value, float) else int(value) if value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        try:
            f = float(value)
            number = int(f) if f.is_integer() else None
        except (TypeError, ValueError):
            number = None
    if number is None:
        raise ValueError(f"{field} must be a whole number, got {value!r}")
    if number < 0:
        raise ValueError(f"{field} is negative ({number})")
    if number > MAX_TOKENS_PER_RECORD:
        raise ValueError(f"{field} is implausibly large ({number})")
    return number


def record_from_mapping(row: dict[str, Any], where: str) -> UsageRecord:
    provider = row.get("provider")
    model = row.get("model")
    if not provider or type(provider) is not str:
        raise ValueError("missing provider")
    if not model or type(model) is not str:
        raise ValueError("missing model")
    cached = row.get("cached_tokens")
    cached = _int(cached if cached is not None else row.get("cached_input_tokens"), "cached_tokens", False)
    cache_write = _int(row.get("cache_write_tokens"), "cache_write_tokens", False)
    input_tokens = _int(row.get("input_tokens"), "input_tokens", True)
    if cached + cache_write > input_tokens:
        raise ValueError(f"cached tokens ({cached + cache_write}) exceed input_tokens ({input_tokens}); input_tokens must include them")
    consumer = row.get("consumer") or row.get("feature") or row.get("tag") or ""
    requests = row.get("requests")
    request_id = row.get("request_id")
    # Positional construction: this runs once per record, a million times per report.
    return UsageRecord(
        parse_timestamp(row.get("timestamp")),
        PROVIDER_ALIASES.get(provider) or normalise_provider(provider),
        model if model[0] != " " and model[-1] != " " else model.strip(),
        input_tokens,
        _int(row.get("output_tokens"), "output_tokens", True),
        cached,
        cache_write,
        1 if requests is None else (_int(requests, "requests", False) or 1),
        request_id if type(request_id) is str else str(request_id or ""),
        consumer if type(consumer) is str else str(consumer),
        where,
    )


def _open(path: Path) -> Any:
    try:
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise UsageInputError(f"{path}: no such usage file") from None
    except OSError as exc:
        raise UsageInputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _json_decoder() -> Any:
    """orjson when installed (3x faster on a million lines), else the standard library."""
    try:
        import orjson

        return orjson.loads
    except ImportError:  # pragma: no cover - orjson is a dependency, but stay usable without it
        return lambda b: json.loads(b.decode("utf-8"))


def _open_binary(path: Path) -> Any:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise UsageInputError(f"{path}: no such usage file") from None
    except OSError as exc:
        raise UsageInputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_jsonl(path: Path, problems: Problems) -> Iterator[UsageRecord]:
    decode = _json_decoder()
    name = str(path)
    with _open_binary(path) as fh:
        n = 0
        try:
            for line in fh:
                n += 1
                if not line.strip():
                    continue
                try:
                    row = decode(line)
                    if type(row) is not dict:
                        raise ValueError("not a JSON object")
                    # No per-record `source` string: only problems need file:line.
                    yield record_from_mapping(row, "")
                except (ValueError, TypeError) as exc:
                    problems.add(f"{name}:{n}", str(exc))
        except OSError as exc:
            raise UsageInputError(f"{name}:{n + 1}: cannot read: {exc.strerror or exc}") from None


def read_csv(path: Path, problems: Problems) -> Iterator[UsageRecord]:
    with _open(path) as fh:
        reader = csv.DictReader(fh)
        required = {"timestamp", "provider", "model", "input_tokens", "output_tokens"}
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise UsageInputError(f"{path}:1: CSV header lacks {', '.join(sorted(missing))}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                yield record_from_mapping(row, where)
            except (ValueError, TypeError) as exc:
                problems.add(where, str(exc))


def _attr_value(v: dict[str, Any]) -> Any:
    for key in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if key in v:
            return v[key]
    return None


def read_otlp(path: Path, problems: Problems) -> Iterator[UsageRecord]:
    """OTLP/JSON trace export (one document, or one per line): spans with GenAI attributes."""
    with _open(path) as fh:
        text = fh.read()
    docs: list[tuple[int, Any]] = []
    try:
        docs = [(1, json.loads(text))]
    except ValueError:
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    docs.append((n, json.loads(line)))
                except ValueError as exc:
                    problems.add(f"{path}:{n}", f"invalid JSON: {exc}")
    for n, doc in docs:
        for rs in (doc or {}).get("resourceSpans", []) or []:
            for ss in rs.get("scopeSpans", []) or []:
                for span in ss.get("spans", []) or []:
                    attrs = {a.get("key"): _attr_value(a.get("value") or {}) for a in span.get("attributes", []) or []}
                    provider = attrs.get("gen_ai.provider.name") or attrs.get("gen_ai.system")
                    if not provider or "gen_ai.usage.input_tokens" not in attrs:
                        continue
                    where = f"{path}:{n} span {span.get('spanId', '?')}"
                    try:
                        yield record_from_mapping({
                            "timestamp": span.get("endTimeUnixNano") or span.get("startTimeUnixNano"),
                            "provider": provider,
                            "model": attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model"),
                            "input_tokens": attrs.get("gen_ai.usage.input_tokens"),
                            "output_tokens": attrs.get("gen_ai.usage.output_tokens"),
                            "cached_tokens": attrs.get("gen_ai.usage.cache_read.input_tokens")
                                             or attrs.get("gen_ai.usage.cached_tokens"),
                            "cache_write_tokens": attrs.get("gen_ai.usage.cache_creation.input_tokens"),
                            "request_id": attrs.get("gen_ai.response.id") or span.get("spanId"),
                            "consumer": attrs.get("app.feature") or attrs.get("gen_ai.agent.name") or "",
                        }, where)
                    except (ValueError, TypeError) as exc:
                        problems.add(where, str(exc))


def read_file(path: Path, problems: Problems) -> Iterator[UsageRecord]:
    name = path.name.lower()
    if name.endswith(".csv"):
        return read_csv(path, problems)
    if name.endswith((".otlp.json", ".otlp.jsonl")) or "otlp" in name or "traces" in name:
        return read_otlp(path, problems)
    if name.endswith(".json"):
        return read_otlp(path, problems)
    return read_jsonl(path, problems)


def dedupe(records: Iterator[UsageRecord], problems: Problems) -> Iterator[UsageRecord]:
    seen: set[tuple[str, str]] = set()
    for r in records:
        if r.request_id:
            key = (r.provider, r.request_id)
            if key in seen:
                problems.duplicates += 1
                continue
            seen.add(key)
        yield r
