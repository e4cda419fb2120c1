"""Turn tokens into money, in Decimal, with the currency explicit.

Prices come from the maintained `genai-prices` dataset unless a registry entry's
`cost.pricing` overrides them. genai-prices prices one request at a time with
"cliff" tiers (crossing a tier's input-token threshold reprices every token of
that request), so within one tier the price is linear in the token counts. We
derive each tier's linear coefficients once, from genai-prices itself, and then
price aggregated token sums: exact, and fast enough for millions of records.
"""
from __future__ import annotations

import bisect
from decimal import Decimal
from typing import Any, NamedTuple

from connreg_gate.cost.records import PRICE_PROVIDER

ZERO = Decimal(0)


class Coefficients(NamedTuple):
    per_request: Decimal
    input: Decimal  # per input token (cached ones included)
    output: Decimal
    cached: Decimal  # adjustment per cached input token (cache price minus input price)
    cache_write: Decimal  # adjustment per cache-write input token


class ModelPrice(NamedTuple):
    thresholds: tuple[int, ...]  # tier starts (input tokens per request), ascending
    tiers: tuple[Coefficients, ...]  # len(thresholds) + 1
    currency: str
    source: str  # "genai-prices" or "registry"
    flat_monthly: Decimal = ZERO

    def tier(self, input_tokens: int) -> int:
        return bisect.bisect_left(self.thresholds, input_tokens)

    def cost(self, tier: int, requests: int, input_tokens: int, output_tokens: int, cached: int, cache_write: int) -> Decimal:
        c = self.tiers[tier]
        return (c.per_request * requests + c.input * input_tokens + c.output * output_tokens
                + c.cached * cached + c.cache_write * cache_write)


def from_registry(pricing: dict[str, Any], currency: str = "USD") -> ModelPrice:
    """`cost.pricing` of a registry entry: per 1k or 1M tokens, per request, flat monthly."""
    unit = Decimal(1_000) if pricing.get("unit") == "1k_tokens" else Decimal(1_000_000)

    def d(key: str) -> Decimal:
        value = pricing.get(key)
        return Decimal(str(value)) if value is not None else ZERO

    inp = d("input") / unit
    cached = (d("cached_input") / unit - inp) if pricing.get("cached_input") is not None else ZERO
    coeffs = Coefficients(d("per_request"), inp, d("output") / unit, cached, ZERO)
    return ModelPrice((), (coeffs,), pricing.get("currency", currency), "registry", d("flat_monthly"))


class Pricer:
    """Looks up and caches prices per (provider, model)."""

    def __init__(self, overrides: dict[str, ModelPrice] | None = None) -> None:
        self._overrides = overrides or {}  # provider -> price for every model of that API
        self._cache: dict[tuple[str, str], ModelPrice | None] = {}

    def price(self, provider: str, model: str) -> ModelPrice | None:
        if provider in self._overrides:
            return self._overrides[provider]
        key = (provider, model)
        if key not in self._cache:
            self._cache[key] = self._from_dataset(provider, model)
        return self._cache[key]

    @staticmethod
    def _from_dataset(provider: str, model: str) -> ModelPrice | None:
        from genai_prices import Usage, calc_price
        from genai_prices.types import TieredPrices

        provider_id = PRICE_PROVIDER.get(provider)

        def p(inp: int, out: int = 0, cr: int = 0, cw: int = 0) -> Decimal:
            usage = Usage(input_tokens=inp, output_tokens=out, cache_read_tokens=cr, cache_write_tokens=cw)
            return calc_price(usage, model, provider_id=provider_id).total_price

        try:
            first = calc_price(Usage(input_tokens=1), model, provider_id=provider_id)
        except LookupError:
            return None
        thresholds: set[int] = set()
        for value in vars(first.model_price).values():
            if isinstance(value, TieredPrices):
                thresholds.update(t.start for t in value.tiers)
        ordered = tuple(sorted(thresholds))
        tiers = []
        for k in range(len(ordered) + 1):
            t = 1 if k == 0 else ordered[k - 1] + 1
            base = p(t)
            u_in = p(t + 1) - base
            deltas = []
            for kwargs in ({"out": 1}, {"cr": 1}, {"cw": 1}):
                try:
                    deltas.append(p(t, **kwargs) - base)
                except Exception:  # noqa: BLE001 - a model without that price dimension
                    deltas.append(ZERO)
            tiers.append(Coefficients(base - u_in * t, u_in, deltas[0], deltas[1], deltas[2]))
        return ModelPrice(ordered, tuple(tiers), "USD", "genai-prices")
