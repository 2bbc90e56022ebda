// Charts drawn as SVG by our own code: the tiles' sparklines, and the drill-down's day and
// the history's buckets.

const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children) if (c) e.append(c);
  return e;
}

/** The extent of the defined values (and `also`), widened when flat. */
function extent(values, also = []) {
  const defined = values.concat(also).filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  if (!defined.length) return null;
  let lo = Math.min(...defined), hi = Math.max(...defined);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  return [lo, hi];
}

/** Runs of consecutive defined points as "x,y" lists: a gap (no data) breaks the line. */
function runs(values, x, y) {
  const out = [];
  let run = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (run.length) out.push(run);
  return out;
}

/** A sparkline of `values` (nulls are gaps) with the plan as a dashed line. */
export function sparkline(values, plan, label) {
  const w = 120, h = 28, pad = 2;
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, class: "spark", role: "img", "aria-label": label || "" });
  const range = extent(values || [], plan === null || plan === undefined ? [] : [plan]);
  if (!range) return svg;
  const [lo, hi] = range;
  const x = (i) => pad + (i * (w - 2 * pad)) / Math.max(1, values.length - 1);
  const y = (v) => h - pad - ((v - lo) * (h - 2 * pad)) / (hi - lo);
  if (plan !== null && plan !== undefined && Number.isFinite(plan)) {
    svg.append(el("line", { x1: pad, x2: w - pad, y1: y(plan), y2: y(plan), class: "spark-plan" }));
  }
  for (const run of runs(values, x, y)) {
    if (run.length === 1) {
      const [cx, cy] = run[0].split(",");
      svg.append(el("circle", { cx, cy, r: 1.8, class: "spark-line" }));
    } else svg.append(el("polyline", { points: run.join(" "), class: "spark-line" }));
  }
  return svg;
}

/** A run of points as a line, or as a dot when it is a single point between gaps. */
function path(run, cls) {
  if (run.length > 1) return el("polyline", { points: run.join(" "), class: cls });
  const [cx, cy] = run[0].split(",");
  return el("circle", { cx, cy, r: 3, class: cls });
}

/** The day by interval: bars of `bars` (e.g. offered calls) with `barsPlan` as outlines,
 * and the indicator's `line` with its `linePlan` dashed, on a shared time axis. */
export function dayChart({ labels, bars, barsPlan, line, linePlan, title }) {
  const w = 720, h = 220, left = 40, right = 40, top = 12, bottom = 28;
  const n = Math.max(1, labels.length);
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, class: "day-chart", role: "img", "aria-label": title || "" });
  const slot = (w - left - right) / n;
  const barRange = extent(bars.concat(barsPlan), [0]);
  if (barRange) {
    const [, hi] = barRange;
    const by = (v) => h - bottom - (v * (h - top - bottom)) / hi;
    labels.forEach((_, i) => {
      const x = left + i * slot + slot * 0.15;
      if (barsPlan[i] !== null && barsPlan[i] !== undefined) {
        svg.append(el("rect", { x, y: by(barsPlan[i]), width: slot * 0.7, height: Math.max(0, h - bottom - by(barsPlan[i])), class: "bar-plan" }));
      }
      if (bars[i] !== null && bars[i] !== undefined) {
        svg.append(el("rect", { x: x + slot * 0.15, y: by(bars[i]), width: slot * 0.4, height: Math.max(0, h - bottom - by(bars[i])), class: "bar" }));
      }
    });
    svg.append(el("text", { x: 4, y: top + 8, class: "axis" }, document.createTextNode(String(Math.round(hi)))));
  }
  const lineRange = extent(line, linePlan);
  if (lineRange) {
    const [lo, hi] = lineRange;
    const x = (i) => left + i * slot + slot / 2;
    const y = (v) => h - bottom - ((v - lo) * (h - top - bottom)) / (hi - lo);
    for (const run of runs(linePlan, x, y)) svg.append(path(run, "line-plan"));
    for (const run of runs(line, x, y)) svg.append(path(run, "line"));
    svg.append(el("text", { x: w - right + 4, y: top + 8, class: "axis" }, document.createTextNode(String(Math.round(hi)))));
    svg.append(el("text", { x: w - right + 4, y: h - bottom, class: "axis" }, document.createTextNode(String(Math.round(lo)))));
  }
  const every = Math.max(1, Math.ceil(n / 8));
  labels.forEach((label, i) => {
    if (i % every === 0) svg.append(el("text", { x: left + i * slot, y: h - 8, class: "axis" }, document.createTextNode(label)));
  });
  return svg;
}
