"""The live page at ``/``: one self-contained HTML document (no CDN, no external file).

It polls ``/v1/live`` every second and ``/v1/event-names`` every five, and writes every
value with ``textContent`` (an event name is text, never markup).
"""

from __future__ import annotations

__all__ = ["PAGE"]

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>journeylab serve</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
  h1 { font-size: 1.2rem; margin: 0 0 .2rem; }
  .muted { color: #666; }
  .tiles { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
  .tile { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
  .tile b { display: block; font-size: 1.5rem; }
  table { border-collapse: collapse; margin: .4rem 0 1.2rem; }
  th, td { text-align: left; padding: .2rem .8rem .2rem 0; border-bottom: 1px solid #eee; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .bad { color: #b2182b; }
  svg { border: 1px solid #eee; }
  .cols { display: flex; gap: 2rem; flex-wrap: wrap; }
</style>
</head>
<body>
<h1>journeylab serve</h1>
<div class="muted">lake <span id="lake"></span> &middot; up <span id="uptime"></span> s
 &middot; <span id="state"></span></div>
<div class="tiles">
  <div class="tile">events / s (10 s)<b id="eps">&ndash;</b></div>
  <div class="tile">accepted<b id="accepted">&ndash;</b></div>
  <div class="tile">rejected<b id="rejected" class="bad">&ndash;</b></div>
  <div class="tile">landed in the lake<b id="landed">&ndash;</b></div>
  <div class="tile">waiting in the log<b id="pending">&ndash;</b></div>
</div>
<svg id="spark" width="600" height="60" role="img" aria-label="events per second, last 2 minutes"></svg>
<div class="cols">
<div>
<h2>Last events</h2>
<table><thead><tr><th>received</th><th>name</th><th>userId</th><th>eventAt</th></tr></thead>
<tbody id="last"></tbody></table>
</div>
<div>
<h2>Rejections by reason</h2>
<table><thead><tr><th>reason</th><th>records</th></tr></thead><tbody id="reasons"></tbody></table>
<h2>Refused requests</h2>
<table><thead><tr><th>reason</th><th>requests</th></tr></thead><tbody id="refused"></tbody></table>
<h2>Event names in the lake</h2>
<table><thead><tr><th>name</th><th>events</th><th>users</th></tr></thead>
<tbody id="names"></tbody></table>
</div>
</div>
<script>
"use strict";
const history = [];
function text(id, value) { document.getElementById(id).textContent = value; }
function rows(id, data) {
  const body = document.getElementById(id);
  body.replaceChildren();
  for (const cells of data) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      if (typeof cell === "number") td.className = "num";
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}
function spark() {
  const svg = document.getElementById("spark");
  const top = Math.max(1, ...history);
  const step = 600 / 120;
  const pts = history.map((v, i) => `${(i * step).toFixed(1)},${(58 - 56 * v / top).toFixed(1)}`);
  svg.innerHTML = "";
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2166ac");
  line.setAttribute("stroke-width", "2");
  svg.appendChild(line);
}
async function live() {
  try {
    const r = await fetch("v1/live", {credentials: "same-origin", cache: "no-store"});
    if (!r.ok) { text("state", "live data: HTTP " + r.status); return; }
    const s = await r.json();
    text("lake", s.lake);
    text("uptime", s.uptime_seconds);
    text("state", s.flush_error ? "flush failing: " + s.flush_error : "ok");
    text("eps", s.events_per_second);
    text("accepted", s.accepted.toLocaleString());
    text("rejected", s.rejected.toLocaleString());
    text("landed", s.landed.toLocaleString());
    text("pending", s.pending.toLocaleString());
    history.push(s.events_per_second);
    if (history.length > 120) history.shift();
    spark();
    rows("last", s.last_events.map(e => [e.receivedAt, e.name, e.userId, e.eventAt]));
    rows("reasons", Object.entries(s.rejected_by_reason));
    rows("refused", Object.entries(s.refused_by_reason));
  } catch (err) {
    text("state", "server unreachable");
  }
}
async function names() {
  try {
    const r = await fetch("v1/event-names", {credentials: "same-origin", cache: "no-store"});
    if (!r.ok) return;
    const doc = await r.json();
    rows("names", doc.names.map(n => [n.name, n.events, n.users]));
  } catch (err) { /* shown by live() */ }
}
live(); names();
setInterval(live, 1000);
setInterval(names, 5000);
</script>
</body>
</html>
"""
