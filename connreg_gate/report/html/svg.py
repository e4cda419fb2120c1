"""Small, deterministic SVG charts. Every chart carries a title and description for
screen readers and is paired with a data table by the caller."""
from __future__ import annotations

import math
from html import escape
from typing import Iterable, Sequence

from connreg_gate import redact


def esc(value: object) -> str:
    return escape(redact.mask(str(value)), quote=True)


def _open(width: int, height: int, title: str, desc: str, cid: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMidYMid meet">'
            f'<title id="{cid}-t">{esc(title)}</title><desc id="{cid}-d">{esc(desc)}</desc>')


def hbars(cid: str, title: str, rows: Sequence[tuple[str, float, float, str]], unit: str = "%", max_value: float = 100.0) -> str:
    """Horizontal bars: (label, value, target or nan, css class)."""
    height = 28 * len(rows) + 10
    out = [_open(640, height, title, "; ".join(f"{l}: {v:g}{unit}" for l, v, _, _ in rows), cid)]
    for i, (label, value, target, cls) in enumerate(rows):
        y = 8 + i * 28
        w = max(0.0, min(1.0, value / max_value)) * 400
        out.append(f'<text x="0" y="{y + 14}" class="lbl">{esc(label[:28])}</text>')
        out.append(f'<rect x="200" y="{y}" width="400" height="18" class="track" rx="3"/>')
        out.append(f'<rect x="200" y="{y}" width="{w:.1f}" height="18" class="bar {cls}" rx="3"/>')
        if not math.isnan(target):
            tx = 200 + max(0.0, min(1.0, target / max_value)) * 400
            out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 2}" y2="{y + 20}" class="target"/>')
        out.append(f'<text x="606" y="{y + 14}" class="val">{value:g}{esc(unit)}</text>')
    out.append("</svg>")
    return "".join(out)


def lines(cid: str, title: str, series: Sequence[tuple[str, Sequence[tuple[str, float]]]], unit: str = "") -> str:
    """A line chart of one or more series over shared x labels (dates)."""
    xs = sorted({x for _, pts in series for x, _ in pts})
    if not xs:
        return ""
    ymax = max((y for _, pts in series for _, y in pts), default=1.0) or 1.0
    width, height, left, bottom = 640, 240, 56, 28
    plot_w, plot_h = width - left - 12, height - bottom - 12
    pos = {x: left + (plot_w * i / max(1, len(xs) - 1)) for i, x in enumerate(xs)}
    desc = "; ".join(f"{name}: " + ", ".join(f"{x} {y:g}{unit}" for x, y in pts[-5:]) for name, pts in series)
    out = [_open(width, height, title, desc, cid)]
    for k in range(5):
        y = 12 + plot_h * k / 4
        out.append(f'<line x1="{left}" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{ymax * (4 - k) / 4:.3g}</text>')
    for i, x in enumerate(xs):
        if i in (0, len(xs) - 1) or len(xs) <= 8:
            out.append(f'<text x="{pos[x]:.1f}" y="{height - 8}" class="axis" text-anchor="middle">{esc(x[5:] if len(x) == 10 else x)}</text>')
    for n, (name, pts) in enumerate(series):
        path = " ".join(f"{'M' if j == 0 else 'L'}{pos[x]:.1f},{12 + plot_h * (1 - y / ymax):.1f}" for j, (x, y) in enumerate(sorted(pts)))
        out.append(f'<path d="{path}" class="series s{n % 6}" fill="none"/>')
        for x, y in pts:
            out.append(f'<circle cx="{pos[x]:.1f}" cy="{12 + plot_h * (1 - y / ymax):.1f}" r="2.5" class="dot s{n % 6}"><title>{esc(name)} {esc(x)}: {y:g}{esc(unit)}</title></circle>')
    out.append("</svg>")
    legend = "".join(f'<li class="s{n % 6}"><span style="color:var(--fg)">{esc(name)}</span></li>' for n, (name, _) in enumerate(series))
    return "".join(out) + f'<ul class="legend" aria-hidden="true">{legend}</ul>'


def gauge(cid: str, title: str, value: float, limit: float, unit: str) -> str:
    frac = max(0.0, min(1.0, value / limit)) if limit else 0.0
    cls = "bad" if frac >= 0.9 else "warn" if frac >= 0.75 else "good"
    angle = math.pi * (1 - frac)
    x, y = 60 + 50 * math.cos(angle), 60 - 50 * math.sin(angle)
    large = 0
    out = [_open(120, 78, title, f"{value:g} of {limit:g} {unit} ({frac:.0%})", cid),
           '<path d="M10,60 A50,50 0 0 1 110,60" class="track-arc" fill="none"/>']
    if frac > 0:
        out.append(f'<path d="M10,60 A50,50 0 {large} 1 {x:.1f},{y:.1f}" class="arc {cls}" fill="none"/>')
    out.append(f'<text x="60" y="58" text-anchor="middle" class="gval">{frac:.0%}</text>')
    out.append(f'<text x="60" y="75" text-anchor="middle" class="axis">{value:g}/{limit:g} {esc(unit)}</text></svg>')
    return "".join(out)


def topology(cid: str, app: str, nodes: Iterable[tuple[str, str, str]]) -> str:
    """Radial layout: the app at the centre, one sector per category, connections on an
    outer ring within their sector. nodes: (id, category, state) with state in
    ok | unregistered | stale."""
    nodes = sorted(nodes, key=lambda n: (n[1], n[0]))
    cats = sorted({c for _, c, _ in nodes})
    width = height = 640
    cx = cy = 320
    out = [_open(width, height, f"Connection topology of {app}",
                 f"{len(nodes)} connections in {len(cats)} categories; "
                 + "; ".join(f"{c}: " + ", ".join(n for n, cc, _ in nodes if cc == c) for c in cats), cid)]
    if not cats:
        out.append("</svg>")
        return "".join(out)
    hub_r, node_r = 130, 255
    per_cat = {c: [n for n in nodes if n[1] == c] for c in cats}
    total = len(nodes)
    start = -math.pi / 2
    for c in cats:
        share = 2 * math.pi * len(per_cat[c]) / total
        mid = start + share / 2
        hx, hy = cx + hub_r * math.cos(mid), cy + hub_r * math.sin(mid)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{hx:.1f}" y2="{hy:.1f}" class="edge"/>')
        members = per_cat[c]
        for i, (nid, _, state) in enumerate(members):
            a = start + share * (i + 0.5) / len(members)
            nx, ny = cx + node_r * math.cos(a), cy + node_r * math.sin(a)
            out.append(f'<line x1="{hx:.1f}" y1="{hy:.1f}" x2="{nx:.1f}" y2="{ny:.1f}" class="edge"/>')
            anchor = "start" if math.cos(a) > 0.2 else "end" if math.cos(a) < -0.2 else "middle"
            dx = 14 if anchor == "start" else -14 if anchor == "end" else 0
            dy = 4 if anchor != "middle" else (20 if math.sin(a) > 0 else -14)
            out.append(f'<g class="node {state}"><circle cx="{nx:.1f}" cy="{ny:.1f}" r="9"/>'
                       f'<text x="{nx + dx:.1f}" y="{ny + dy:.1f}" text-anchor="{anchor}" class="nlbl">{esc(nid)}'
                       f'{" (unregistered)" if state == "unregistered" else " (stale)" if state == "stale" else ""}</text>'
                       f'<title>{esc(nid)}: {esc(c)}, {esc(state)}</title></g>')
        out.append(f'<g class="hub"><circle cx="{hx:.1f}" cy="{hy:.1f}" r="22"/><text x="{hx:.1f}" y="{hy + 4:.1f}" text-anchor="middle" class="hlbl">{esc(c)}</text></g>')
        start += share
    out.append(f'<g class="app"><circle cx="{cx}" cy="{cy}" r="38"/><text x="{cx}" y="{cy + 5}" text-anchor="middle" class="albl">{esc(app[:14])}</text></g>')
    out.append("</svg>")
    return "".join(out)
