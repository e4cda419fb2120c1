"""Aggregate usage into month-to-date spend per API and model, project the month,
and judge each budget.

Method (documented in the README):
- The month is the calendar month (UTC) of ``as_of``; ``as_of`` counts as a whole day.
- Daily run rate = month-to-date usage spend / elapsed days (1..``as_of``'s day).
- Projected month = run rate x days in the month + flat monthly fees.
- Status against ``budget_monthly``: OVER when actual or projected spend is above it,
  else CRITICAL at >= 90% of it spent, WARNING at >= 75%, else OK; NO_BUDGET without one.
- Exhaustion date: the day cumulative spend crossed the budget, or the day the run
  rate reaches it if that falls within this month; none otherwise.
- Money is Decimal throughout and rounded half-even to cents only when shown.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Iterable, NamedTuple

from connreg_gate.cost.pricing import ModelPrice, Pricer, ZERO, from_registry
from connreg_gate.cost.records import UsageRecord
from connreg_gate.registry.load import Registry

CENT = Decimal("0.01")
_MISSING: Any = object()
_EPOCH = dt.date(1970, 1, 1)


def _day(days_since_epoch: int, _cache: dict[int, dt.date] = {}) -> dt.date:  # noqa: B006 - a deliberate memo
    day = _cache.get(days_since_epoch)
    if day is None:
        day = _cache[days_since_epoch] = _EPOCH + dt.timedelta(days=days_since_epoch)
    return day


def money(d: Decimal | None) -> float | None:
    return None if d is None else float(d.quantize(CENT, rounding=ROUND_HALF_EVEN))


class _Sums:
    __slots__ = ("requests", "input", "output", "cached", "cache_write")

    def __init__(self) -> None:
        self.requests = self.input = self.output = self.cached = self.cache_write = 0


class ApiSpend(NamedTuple):
    id: str
    provider: str
    registered: bool
    currency: str
    month_to_date: Decimal
    projected_month: Decimal
    budget_monthly: Decimal | None
    remaining: Decimal | None
    status: str
    exhaustion_date: dt.date | None
    requests: int
    input_tokens: int
    output_tokens: int
    models: list[dict[str, Any]]
    consumers: list[dict[str, Any]]
    daily: list[dict[str, Any]]
    rate_limits: dict[str, Any]
    unpriced: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "provider": self.provider, "registered": self.registered, "currency": self.currency,
            "month_to_date": money(self.month_to_date), "projected_month": money(self.projected_month),
            "budget_monthly": money(self.budget_monthly), "remaining": money(self.remaining),
            "status": self.status,
            "exhaustion_date": self.exhaustion_date.isoformat() if self.exhaustion_date else None,
            "requests": self.requests, "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
            "models": self.models, "consumers": self.consumers, "daily": self.daily,
            "rate_limits": self.rate_limits, "unpriced_models": self.unpriced,
        }


def _entries_by_provider(registry: Registry | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if registry is None:
        return out
    for e in registry.entries:
        if e.section == "external_apis" and e.provider not in out:
            out[e.provider] = e
    return out


def status_for(actual: Decimal, projected: Decimal, budget: Decimal | None) -> str:
    if budget is None:
        return "NO_BUDGET"
    if actual > budget or projected > budget:
        return "OVER"
    if budget > 0 and actual >= budget * Decimal("0.9"):
        return "CRITICAL"
    if budget > 0 and actual >= budget * Decimal("0.75"):
        return "WARNING"
    return "OK"


def compute(records: Iterable[UsageRecord], registry: Registry | None, as_of: dt.date, warnings: list[str]) -> list[ApiSpend]:
    month_start = as_of.replace(day=1)
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    elapsed = (as_of - month_start).days + 1
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.timezone.utc)
    start = dt.datetime.combine(month_start, dt.time.min, tzinfo=dt.timezone.utc)
    entries = _entries_by_provider(registry)
    overrides: dict[str, ModelPrice] = {}
    for provider, e in entries.items():
        cost = e.data.get("cost") or {}
        if isinstance(cost, dict) and cost.get("pricing"):
            overrides[provider] = from_registry(cost["pricing"], cost.get("currency", "USD"))
    pricer = Pricer(overrides)

    # (provider, model, tier, day, consumer) -> sums; (provider, minute) -> [requests, tokens]
    sums: dict[tuple[str, str, int, dt.date, str], _Sums] = defaultdict(_Sums)
    per_minute: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    prices: dict[tuple[str, str], ModelPrice | None] = {}
    reported: dict[tuple[str, str, dt.date, str], Decimal] = defaultdict(lambda: ZERO)
    for r in records:
        ts = r.timestamp
        if not (start <= ts <= end):  # aware datetimes compare across zones
            continue
        if r.cost is not None:  # billed amounts from a provider's cost endpoint: no pricing needed
            reported[(r.provider, r.model, _day(int(ts.timestamp()) // 86400), r.consumer)] += r.cost
            continue
        key = (r.provider, r.model)
        price = prices.get(key, _MISSING)
        if price is _MISSING:
            price = prices[key] = pricer.price(r.provider, r.model)
        tier = price.tier(r.input_tokens) if price is not None and price.thresholds else 0
        epoch = int(ts.timestamp())
        day = _day(epoch // 86400)
        acc = sums[(r.provider, r.model, tier, day, r.consumer)]
        acc.requests += r.requests
        acc.input += r.input_tokens
        acc.output += r.output_tokens
        acc.cached += r.cached_tokens
        acc.cache_write += r.cache_write_tokens
        minute = per_minute[(r.provider, epoch // 60)]
        minute[0] += r.requests
        minute[1] += r.input_tokens + r.output_tokens

    by_provider: dict[str, list[tuple[tuple[str, str, int, dt.date, str], _Sums]]] = defaultdict(list)
    for k, s in sums.items():
        by_provider[k[0]].append((k, s))
    for rk in reported:
        by_provider.setdefault(rk[0], [])
    for provider, e in entries.items():
        if (e.data.get("cost") or {}).get("budget_monthly") is not None:
            by_provider.setdefault(provider, [])

    out = []
    for provider in sorted(by_provider):
        entry = entries.get(provider)
        models: dict[str, dict[str, Any]] = {}
        consumers: dict[str, list[Any]] = defaultdict(lambda: [ZERO, 0])
        daily: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
        unpriced: set[str] = set()
        spend = ZERO
        totals = _Sums()
        currency = "USD"
        flat = ZERO
        for (prov, model, tier, day, consumer), s in by_provider[provider]:
            price = prices[(prov, model)]
            m = models.setdefault(model, {"model": model, "requests": 0, "input_tokens": 0, "output_tokens": 0,
                                          "cached_tokens": 0, "spend": ZERO, "priced": price is not None,
                                          "price_source": price.source if price else None})
            m["requests"] += s.requests
            m["input_tokens"] += s.input
            m["output_tokens"] += s.output
            m["cached_tokens"] += s.cached
            totals.requests += s.requests
            totals.input += s.input
            totals.output += s.output
            if price is None:
                unpriced.add(model)
                continue
            currency = price.currency
            flat = price.flat_monthly
            amount = price.cost(tier, s.requests, s.input, s.output, s.cached, s.cache_write)
            m["spend"] += amount
            spend += amount
            daily[day] += amount
            consumers[consumer or "(untagged)"][0] += amount
            consumers[consumer or "(untagged)"][1] += s.requests
        for (prov, model, day, consumer), amount in sorted(reported.items()):
            if prov != provider:
                continue
            m = models.setdefault(model, {"model": model, "requests": 0, "input_tokens": 0, "output_tokens": 0,
                                          "cached_tokens": 0, "spend": ZERO, "priced": True, "price_source": "provider cost report"})
            m["spend"] += amount
            spend += amount
            daily[day] += amount
            consumers[consumer or "(untagged)"][0] += amount
        if provider in overrides:
            flat = overrides[provider].flat_monthly
            currency = overrides[provider].currency
        for model in sorted(unpriced):
            warnings.append(f"{provider}/{model}: no known price; its usage is reported but not costed "
                            "(set cost.pricing on the registry entry to price it)")
        run_rate = spend / elapsed
        mtd = spend + flat
        projected = run_rate * days_in_month + flat
        cost_cfg = (entry.data.get("cost") or {}) if entry else {}
        budget = Decimal(str(cost_cfg["budget_monthly"])) if cost_cfg.get("budget_monthly") is not None else None
        status = status_for(mtd, projected, budget)
        exhaustion = None
        if budget is not None:
            if mtd > budget:
                running = flat
                for day in sorted(daily):
                    running += daily[day]
                    if running > budget:
                        exhaustion = day
                        break
                exhaustion = exhaustion or as_of
            elif run_rate > 0:
                days_left = math.ceil((budget - mtd) / run_rate)
                candidate = as_of + dt.timedelta(days=days_left)
                exhaustion = candidate if candidate.month == as_of.month else None
        quotas = (entry.data.get("quotas") or {}) if entry else {}
        minutes = [v for (p, _), v in per_minute.items() if p == provider]
        peak_rpm = max((v[0] for v in minutes), default=0)
        peak_tpm = max((v[1] for v in minutes), default=0)
        rate_limits: dict[str, Any] = {"peak_rpm": peak_rpm, "peak_tpm": peak_tpm,
                                       "rpm_quota": quotas.get("rpm"), "tpm_quota": quotas.get("tpm")}
        for kind, peak in (("rpm", peak_rpm), ("tpm", peak_tpm)):
            quota = quotas.get(kind)
            rate_limits[f"{kind}_headroom_pct"] = round(100 * (1 - peak / quota), 1) if quota else None
        out.append(ApiSpend(
            id=entry.id if entry else provider, provider=provider, registered=entry is not None, currency=currency,
            month_to_date=mtd, projected_month=projected, budget_monthly=budget,
            remaining=(budget - mtd) if budget is not None else None, status=status, exhaustion_date=exhaustion,
            requests=totals.requests, input_tokens=totals.input, output_tokens=totals.output,
            models=[{**m, "spend": money(m["spend"])} for _, m in sorted(models.items())],
            consumers=[{"consumer": c, "spend": money(v[0]), "requests": v[1]}
                       for c, v in sorted(consumers.items(), key=lambda kv: (-kv[1][0], kv[0]))][:10],
            daily=[{"date": d.isoformat(), "spend": money(v)} for d, v in sorted(daily.items())],
            rate_limits=rate_limits, unpriced=sorted(unpriced),
        ))
    return out
