"""The dashboards' one stylesheet (inline in every page): WCAG AA contrast in light and
dark, responsive to a phone, printable."""

CSS = """
:root{--bg:#ffffff;--fg:#1b1f24;--muted:#57606a;--card:#f6f8fa;--line:#d0d7de;--accent:#0550ae;
--good:#1a7f37;--warn:#9a6700;--bad:#cf222e;--na:#57606a;--track:#e6e9ed}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--card:#161b22;--line:#30363d;
--accent:#58a6ff;--good:#3fb950;--warn:#d29922;--bad:#ff7b72;--na:#8b949e;--track:#21262d}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}a:focus,button:focus,summary:focus{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--card);padding:6px;z-index:9}
header{border-bottom:1px solid var(--line);padding:12px 20px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}
header h1{font-size:18px;margin:0 16px 0 0}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
nav a{display:inline-block;padding:6px 10px;border-radius:6px;text-decoration:none;border:1px solid var(--line)}
nav a[aria-current=page]{background:var(--accent);color:var(--bg);border-color:var(--accent)}
main{padding:16px 20px;max-width:1200px;margin:0 auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:16px;min-width:0}
section.card h2{font-size:16px;margin:0 0 10px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}
.kpi .v{font-size:28px;font-weight:700}.kpi .k{color:var(--muted);font-size:13px}
.big{font-size:56px;font-weight:800;line-height:1}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid currentColor}
.healthy,.pass,.OK,.good{color:var(--good)}.degraded,.partial,.WARNING,.warn{color:var(--warn)}
.down,.fail,.OVER,.CRITICAL,.bad,.unregistered{color:var(--bad)}.na,.NO_BUDGET,.stale,.unknown{color:var(--na)}
.empty{border:1px dashed var(--line);border-radius:8px;padding:14px;color:var(--muted)}
.empty code{color:var(--fg)}
.hgrid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.hcell{border:1px solid var(--line);border-left:6px solid currentColor;border-radius:6px;padding:8px;background:var(--bg)}
.hcell .id{color:var(--fg);font-weight:600}.hcell .st{font-size:13px}
svg.chart{max-width:100%;height:auto;display:block}
svg .lbl,svg .val,svg .axis,svg .nlbl{fill:var(--fg);font-size:12px}svg .axis{fill:var(--muted);font-size:11px}
svg .track{fill:var(--track)}svg .bar{fill:var(--good)}svg .bar.warn{fill:var(--warn)}svg .bar.bad{fill:var(--bad)}svg .bar.na{fill:var(--na)}
svg .target{stroke:var(--fg);stroke-width:2;stroke-dasharray:3 2}
svg .grid{stroke:var(--line)}svg .series{stroke-width:2}
svg .s0{stroke:#0969da;fill:#0969da}svg .s1{stroke:#bf3989;fill:#bf3989}svg .s2{stroke:#1a7f37;fill:#1a7f37}
svg .s3{stroke:#9a6700;fill:#9a6700}svg .s4{stroke:#8250df;fill:#8250df}svg .s5{stroke:#cf222e;fill:#cf222e}
svg path.series{fill:none}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0 0;padding:0;list-style:none;font-size:13px}
.legend li::before{content:"";display:inline-block;width:12px;height:3px;margin-right:6px;vertical-align:middle;background:currentColor}
.legend .s0{color:#0969da}.legend .s1{color:#bf3989}.legend .s2{color:#1a7f37}.legend .s3{color:#9a6700}.legend .s4{color:#8250df}.legend .s5{color:#cf222e}
svg .edge{stroke:var(--line);stroke-width:1.5}svg .node circle{fill:var(--good)}svg .node.unregistered circle{fill:var(--bad)}
svg .node.stale circle{fill:var(--na)}svg .hub circle{fill:var(--card);stroke:var(--accent);stroke-width:2}
svg .hlbl{fill:var(--fg);font-size:10px}svg .app circle{fill:var(--accent)}svg .albl{fill:var(--bg);font-size:12px;font-weight:700}
svg .track-arc{stroke:var(--track);stroke-width:10}svg .arc{stroke-width:10}svg .arc.good{stroke:var(--good)}
svg .arc.warn{stroke:var(--warn)}svg .arc.bad{stroke:var(--bad)}svg .gval{fill:var(--fg);font-size:18px;font-weight:700}
details summary{cursor:pointer;color:var(--accent)}
ol.actions li{margin:4px 0}.blockers li{color:var(--bad)}
.gauges{display:flex;flex-wrap:wrap;gap:12px}.gauges figure{margin:0;width:150px}.gauges figcaption{font-size:13px;text-align:center}
footer{color:var(--muted);font-size:12px;padding:12px 20px;text-align:center}
@media (max-width:600px){main{padding:10px}.big{font-size:42px}header{padding:10px}}
@media print{nav,.skip{display:none}body{background:#fff;color:#000}section.card{break-inside:avoid;border-color:#999}}
"""
