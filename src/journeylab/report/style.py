"""The report page's stylesheet and the script that draws its charts (both inlined)."""

from __future__ import annotations

__all__ = ["CSS", "EMBED_JS"]

CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --line: #dcdcdc; --soft: #f6f7f9;
  --accent: #0072B2; --warn-bg: #fff6e0; --warn-line: #E69F00; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; line-height: 1.45; font-size: 15px; }
body { margin: 0 auto; max-width: 1480px; padding: 24px 28px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 12px; }
h2 { font-size: 1.35rem; margin: 40px 0 8px; padding-top: 12px; border-top: 2px solid var(--ink); }
h3 { font-size: 1.12rem; margin: 28px 0 8px; }
h4 { font-size: 1rem; margin: 20px 0 6px; }
p { margin: 6px 0 10px; max-width: 80ch; }
p.intro { color: var(--muted); }
header { padding-bottom: 8px; }
header table td:first-child { color: var(--muted); white-space: nowrap; padding-right: 24px; }
header .table-wrap { max-height: none; border: 0; }
nav ul { list-style: none; padding: 0; margin: 16px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
nav a { color: var(--accent); text-decoration: none; font-weight: 600; }
nav a:hover { text-decoration: underline; }
figure.jl-figure { margin: 18px 0 28px; }
p.how { background: var(--soft); border-left: 3px solid var(--accent); padding: 6px 10px;
  margin: 0 0 10px; max-width: none; }
.jl-figure-body { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 20px;
  align-items: start; }
.jl-chart { min-width: 300px; max-width: 100%; overflow-x: auto; }
.jl-figure-body .table-wrap { justify-self: start; max-width: 100%; }
@media (max-width: 1000px) { .jl-figure-body { grid-template-columns: minmax(0, 1fr); } }
.table-wrap { max-height: 460px; overflow: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; font-size: 0.82rem; }
caption { text-align: left; color: var(--muted); padding: 4px 6px; caption-side: top; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
td:first-child { white-space: nowrap; }
th { background: var(--soft); position: sticky; top: 0; font-weight: 600; }
td.code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 0.8rem; word-break: break-all; min-width: 28ch; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.notes { border: 1px solid var(--line); background: var(--soft); padding: 6px 12px;
  margin: 10px 0; }
.notes.warning { background: var(--warn-bg); border-color: var(--warn-line); }
.notes ul { margin: 4px 0; padding-left: 20px; }
.notes-title { font-weight: 600; margin: 4px 0; }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--muted); }
pre { background: var(--soft); border: 1px solid var(--line); padding: 10px 12px;
  overflow-x: auto; font-size: 0.82rem; line-height: 1.35; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; }
.jl-chart .error { color: #b00020; }
@media print { nav { display: none; } .table-wrap { max-height: none; } }
"""

# Draw every figure's chart with vega-embed (from the inlined bundle). Each figure gets
# data-rendered="true" or "error"; the body gets data-charts-ready="true" when all are done.
EMBED_JS = """
(function () {
  var params = new URLSearchParams(window.location.search);
  var opts = JSON.parse(document.getElementById("jl-embed-options").textContent);
  opts.renderer = params.get("renderer") === "canvas" ? "canvas" : "svg";
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.jl-figure"));
  var pending = figures.length;
  function done() {
    pending -= 1;
    if (pending <= 0) { document.body.dataset.chartsReady = "true"; }
  }
  if (!pending) { document.body.dataset.chartsReady = "true"; }
  figures.forEach(function (fig) {
    var target = fig.querySelector(".jl-chart");
    var spec = JSON.parse(fig.querySelector("script.jl-spec").textContent);
    window.vegaEmbed(target, spec, opts).then(function () {
      fig.dataset.rendered = "true";
      done();
    }).catch(function (err) {
      fig.dataset.rendered = "error";
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = "This chart could not be drawn (" + err + "); its numbers are in the table.";
      target.appendChild(p);
      console.error(err);
      done();
    });
  });
})();
"""
