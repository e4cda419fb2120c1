"""Reporters for `connreg cost`: a table and JSON (money rounded half-even to cents)."""
from __future__ import annotations

import json
from typing import Any, TextIO

from connreg_gate import redact
from connreg_gate.cost.project import ApiSpend, money


def as_dict(spends: list[ApiSpend], as_of: str, warnings: list[str], duplicates: int) -> dict[str, Any]:
    return redact.mask_data({
        "as_of": as_of,
        "apis": [s.to_dict() for s in spends],
        "warnings": warnings,
        "duplicates_ignored": duplicates,
    })


def write_json(spends: list[ApiSpend], as_of: str, warnings: list[str], duplicates: int, out: TextIO) -> None:
    json.dump(as_dict(spends, as_of, warnings, duplicates), out, indent=2)
    out.write("\n")


def write_table(spends: list[ApiSpend], as_of: str, warnings: list[str], duplicates: int, out: TextIO) -> None:
    out.write(f"LLM spend, month to date as of {as_of}\n")
    if not spends:
        out.write("  no usage found: pass --usage FILE, or set cost.usage on registry entries\n")
    for s in spends:
        budget = "-" if s.budget_monthly is None else f"{money(s.budget_monthly):,.2f}"
        exhaust = f"  runs out {s.exhaustion_date.isoformat()}" if s.exhaustion_date else ""
        out.write(f"  {s.id:<18} {s.status:<9} {s.currency} {money(s.month_to_date):>10,.2f}  projected "
                  f"{money(s.projected_month):>10,.2f}  budget {budget:>10}{exhaust}\n")
        for m in s.models:
            price = f"{m['spend']:,.2f}" if m["priced"] else "unpriced"
            out.write(f"      {m['model']:<32} {m['requests']:>9,} req {m['input_tokens']:>13,} in "
                      f"{m['output_tokens']:>12,} out  {price}\n")
        if s.consumers and not (len(s.consumers) == 1 and s.consumers[0]["consumer"] == "(untagged)"):
            top = ", ".join(f"{c['consumer']} {c['spend']:,.2f}" for c in s.consumers[:3])
            out.write(f"      top consumers: {top}\n")
        rl = s.rate_limits
        for kind in ("rpm", "tpm"):
            if rl.get(f"{kind}_quota"):
                out.write(f"      peak {kind} {rl[f'peak_{kind}']:,} of {rl[f'{kind}_quota']:,} "
                          f"({rl[f'{kind}_headroom_pct']}% headroom)\n")
    for w in warnings[:20]:
        out.write(redact.mask(f"warning: {w}") + "\n")
    if len(warnings) > 20:
        out.write(f"warning: ... and {len(warnings) - 20} more\n")
    if duplicates:
        out.write(f"{duplicates} duplicate request ids counted once\n")
