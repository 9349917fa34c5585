// The %fairness widget: per-group bars with intervals, disparities, a threshold slider with its
// trade-off chart, and mitigation before/after (scored on rows it was not fitted on).
//
// Charts are plain SVG: labels sit in a gutter measured to fit them (never rotated, never
// clipped; over-long ones end in "…" and show whole in the readout), every quantity has an
// axis, hovering (or focusing) a bar or the trade-off chart shows the exact value and its
// interval, and each chart has a "Download SVG" button. The same charts come from Python as
// plotly figures: audit.figure(metric), audit.figure("tradeoff"), mitigation.figure(metric).
import type { RenderProps } from "@anywidget/types";
import { fmtInt, fmtPct, h, select, svg as s } from "./lib/dom";
import { chartBox } from "./lib/chart";
import type { Empty, FairnessMessage } from "./lib/contracts";
import { exportControls } from "./lib/export";
import { help } from "./lib/help";

type Num = number | null;
type Pair = [number, number] | null;
interface Group { group: string; count: number; small: boolean; [metric: string]: unknown }
interface DisparityRow { name: string; value: Num; kind: string; threshold: number; passes: boolean | null; groups: string[] | null; note: string }
interface Summary {
  features: string[];
  n: number;
  dropped: number;
  threshold: Num;
  has_scores: boolean;
  min_group_size: number;
  groups: Group[];
  overall: Record<string, Num>;
  disparities: DisparityRow[];
  notes: string[];
  positive_name: string | null;
  /** What each metric is a share of ("positives"...) and its name, from fairness/_common.py. */
  denominators: Record<string, string>;
  labels: Record<string, string>;
  /** The separator of intersectional group labels (" × "). */
  join: string;
  /** Numeric features cut into bins, and how. */
  binned: Array<{ feature: string; values: number; bins: number; automatic: boolean; text: string }>;
}
/** A learned per-group rule; ThresholdOptimizer may randomize between two thresholds. */
interface Rule { group: string; rule: string; threshold: Num; share: Num; other_threshold: Num; other_share: Num }
interface Mitigation { constraints?: string; method?: string; evaluation?: string; fit_rows?: number; evaluation_rows?: number; group_thresholds?: Rule[] | null; before?: Summary; after?: Summary }
interface Model {
  metric: string;
  threshold: number;
  group_thresholds: Record<string, number>;
  limits: { ratio: number; difference: number };
  /** {} while no audit fits the widget (more groups than it shows). */
  summary: Summary | Empty;
  tradeoff: { thresholds?: number[]; accuracy?: Num[]; demographic_parity_difference?: Num[]; equalized_odds_difference?: Num[] };
  mitigation: Mitigation;
  metrics: string[];
  status: string;
  error: string;
}

/** A metric's name and denominator as the kernel sends them (one source: fairness/_common.py). */
const label = (sum: Summary, metric: string) => sum.labels[metric] ?? metric.replace(/_/g, " ");
const denominator = (sum: Summary, metric: string) => sum.denominators[metric] ?? "rows";
// Glossary keys of lib/help.ts for the parity measures.
const HELP_KEY: Record<string, string> = { disparate_impact_ratio: "disparate_impact" };
// Small groups named in the warning; the rest are counted (the table lists them all).
const SMALL_SHOWN = 10;
const FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
const LABEL_MAX = 260; // px: the widest label gutter; longer labels end in "…"
const pct = (v: Num | undefined) => (v === null || v === undefined ? "undefined" : fmtPct(v));
const range = (ci: Pair) => (ci ? `${pct(ci[0])} – ${pct(ci[1])}` : "—");
const num3 = (v: Num | undefined) => (v === null || v === undefined ? "—" : v.toFixed(3));

let measurer: CanvasRenderingContext2D | null = null;
function textWidth(text: string): number {
  if (!measurer) measurer = document.createElement("canvas").getContext("2d");
  if (!measurer) return text.length * 7;
  measurer.font = FONT;
  return measurer.measureText(text).width;
}

/** `text` shortened with "…" to fit `max` px. */
function fit(text: string, max: number): string {
  if (textWidth(text) <= max) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}…`) <= max) lo = mid; else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

// --- bars by group -------------------------------------------------------------------------
interface Series { label: string; cls: string; value: (g: Group) => Num }

/** Horizontal bars, one row per group (several series side by side within a row): labels in a
 *  gutter measured to fit, x axis 0–100% above and below, whiskers for the Wilson interval,
 *  the metric's denominator at the right (⚠ where it is under the minimum). The axes are
 *  SVGs of their own above and below the plot: with many groups the plot scrolls in its box
 *  and the axes stay in view. */
function groupBars(sum: Summary, metric: string, file: string, series?: Series[], others?: Summary, legend: HTMLElement | null = null) {
  const groups = sum.groups;
  const name = label(sum, metric);
  const many = series ?? [{ label: name, cls: "nba-bar", value: (g: Group) => g[metric] as Num }];
  const den = denominator(sum, metric);
  const labels = groups.map((g) => g.group);
  const gutter = Math.min(LABEL_MAX, Math.max(40, ...labels.map(textWidth))) + 12;
  const PW = 340, RIGHT = 120, TOP = 40, BOTTOM = 40, PAD = 4;
  const ROW = many.length > 1 ? 30 : 22, BAR = many.length > 1 ? 11 : 14;
  const W = gutter + PW + RIGHT, H = PAD + groups.length * ROW + PAD;
  const x = (v: number) => gutter + v * PW;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const axis = (height: number, cls: string) => s("svg", { width: W, height, viewBox: `0 0 ${W} ${height}`, class: `nba-bars-axis ${cls}`, "aria-hidden": "true" });
  const head = axis(TOP, "nba-bars-head"), foot = axis(BOTTOM, "nba-bars-foot");
  const svgEl = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "nba-bars", role: "img", "aria-label": `${name} by group` });
  for (const t of ticks) {
    head.append(s("line", { x1: x(t), x2: x(t), y1: TOP - 4, y2: TOP, class: "nba-grid" }));
    head.append(s("text", { x: x(t), y: TOP - 8, "text-anchor": "middle", class: "nba-axis" }, `${t * 100}%`));
    svgEl.append(s("line", { x1: x(t), x2: x(t), y1: 0, y2: H, class: "nba-grid" }));
    foot.append(s("line", { x1: x(t), x2: x(t), y1: 0, y2: 4, class: "nba-grid" }));
    foot.append(s("text", { x: x(t), y: 16, "text-anchor": "middle", class: "nba-axis" }, `${t * 100}%`));
  }
  foot.append(s("text", { x: gutter + PW / 2, y: BOTTOM - 6, "text-anchor": "middle", class: "nba-axis nba-axis-title" }, `${name} (share of ${den})`));
  head.append(s("text", { x: W - 4, y: TOP - 8, "text-anchor": "end", class: "nba-axis nba-axis-title" }, den));
  const hint = `Hover or focus a bar for its exact value and interval (${groups.length} groups).`;
  const chart = chartBox(svgEl, { name: file.replace(/\.svg$/, ""), file, idle: hint, legend, scroll: groups.length > 20, head, foot });
  groups.forEach((g, i) => {
    const y0 = PAD + i * ROW;
    const row = s("g", { class: "nba-bar-row", "data-group": g.group });
    row.append(s("rect", { x: 0, y: y0, width: W, height: ROW, class: "nba-hit" }));
    row.append(s("text", { x: gutter - 8, y: y0 + ROW / 2 + 4, "text-anchor": "end", class: "nba-group-label" }, fit(g.group, gutter - 12)));
    const n = g[`${metric}_n`] as number | undefined;
    const small = Boolean(g[`${metric}_small`] ?? g.small);
    const parts: string[] = [];
    many.forEach((ser, k) => {
      const source = k === 1 && others ? others.groups.find((o) => o.group === g.group) ?? g : g;
      const v = ser.value(source);
      const yb = y0 + (ROW - BAR * many.length) / 2 + k * BAR;
      const wilson = source[`${metric}_wilson`] as Pair;
      const boot = source[`${metric}_ci`] as Pair;
      if (v === null || v === undefined) {
        row.append(s("text", { x: x(0) + 4, y: yb + BAR - 2, class: "nba-axis" }, "undefined"));
        parts.push(`${ser.label}: undefined (no ${den})`);
        return;
      }
      const sn = source[`${metric}_n`] as number | undefined;
      const ssmall = Boolean(source[`${metric}_small`] ?? source.small);
      row.append(s("rect", { x: x(0), y: yb, width: Math.max(1, v * PW), height: BAR - 1, class: `${ser.cls}${ssmall ? " nba-bar-small" : ""}`, "data-group": g.group, "data-value": v, "data-series": ser.label }));
      if (wilson) {
        const cy = yb + (BAR - 1) / 2;
        row.append(s("line", { x1: x(wilson[0]), x2: x(wilson[1]), y1: cy, y2: cy, class: "nba-ci" }));
        for (const e of wilson) row.append(s("line", { x1: x(e), x2: x(e), y1: cy - 3, y2: cy + 3, class: "nba-ci" }));
      }
      const degenerate = boot && boot[1] - boot[0] < 1e-12;
      parts.push(`${ser.label} ${pct(v)}, 95% Wilson ${range(wilson)}` + (boot ? `, bootstrap ${degenerate ? "zero-width (too few rows to vary)" : range(boot)}` : "") + (sn !== undefined ? `, ${fmtInt(sn)} ${den}` : "") + (ssmall ? " — too few to trust" : ""));
    });
    row.append(s("text", { x: gutter + PW + 10, y: y0 + ROW / 2 + 4, class: small ? "nba-axis nba-warn-text" : "nba-axis" }, n === undefined ? fmtInt(g.count) : `${small ? "⚠ " : ""}${fmtInt(n)}`));
    const text = `${g.group} (${fmtInt(g.count)} rows): ${parts.join("; ")}`;
    row.append(s("title", {}, text));
    chart.hover(row, text);
    svgEl.append(row);
  });
  const overall = sum.overall[metric];
  if (!series && overall !== null && overall !== undefined) {
    head.append(s("line", { x1: x(overall), x2: x(overall), y1: 18, y2: TOP, class: "nba-overall" }));
    svgEl.append(s("line", { x1: x(overall), x2: x(overall), y1: 0, y2: H, class: "nba-overall" }));
    const anchor = overall > 0.7 ? "end" : "start";
    head.append(s("text", { x: x(overall) + (anchor === "end" ? -4 : 4), y: 14, "text-anchor": anchor, class: "nba-axis nba-overall-label" }, `all rows ${pct(overall)}`));
  }
  return chart.box;
}

function groupTable(sum: Summary, metric: string) {
  const den = denominator(sum, metric);
  const head = h("tr", {}, ...["Group", den, label(sum, metric), "95% Wilson", "bootstrap"].map((t) => h("th", {}, t)));
  const rows = sum.groups.map((g) => {
    const wilson = g[`${metric}_wilson`] as Pair;
    const boot = g[`${metric}_ci`] as Pair;
    const n = (g[`${metric}_n`] as number | undefined) ?? g.count;
    const small = Boolean(g[`${metric}_small`] ?? g.small);
    const degenerate = boot !== null && boot !== undefined && boot[1] - boot[0] < 1e-12;
    return h(
      "tr",
      { class: small ? "nba-small" : "", "data-group": g.group },
      h("td", { class: "nba-group-cell", title: g.group }, g.group),
      h("td", { class: "nba-num" }, fmtInt(n), small ? h("span", { class: "nba-warn-text", title: `fewer than ${sum.min_group_size} ${den}: too few to trust` }, " ⚠") : null),
      h("td", { class: "nba-num nba-metric-value" }, pct(g[metric] as Num)),
      h("td", { class: "nba-num nba-wilson" }, range(wilson)),
      h("td", { class: "nba-num nba-muted nba-boot" }, degenerate ? h("span", { class: "nba-warn-text", title: "The resamples never vary: too few rows, not certainty. Read the Wilson interval." }, "zero width: see Wilson") : range(boot)),
    );
  });
  return h("div", { class: sum.groups.length > 20 ? "nba-table-scroll" : "" }, h("table", { class: "nba-table nba-groups" }, h("thead", {}, head), h("tbody", {}, ...rows)));
}

function verdict(p: boolean | null | undefined) {
  return p === null || p === undefined ? h("span", { class: "nba-muted" }, "undefined") : p ? h("span", { class: "nba-good" }, "✓ passes") : h("span", { class: "nba-badtext" }, "✗ fails");
}

function measureCell(name: string) {
  return h("td", { class: "nba-measure" }, name.replace(/_/g, " "), " ", help(HELP_KEY[name] ?? name));
}

/** What the "groups compared" cell says: the pair, or why there is none (a refusal is
 *  explained once, above the chart, not in every row). */
function compared(d: DisparityRow | undefined): string {
  if (!d) return "";
  if (d.groups) return `${d.groups[0]} vs ${d.groups[1]}`;
  return d.note.startsWith("Disparities refused") ? "refused: no two groups large enough (see above)" : d.note;
}

function disparityTable(rows: DisparityRow[]) {
  const head = h("tr", {}, ...["Measure", "Value", "Pass mark", "Passes", "Groups compared"].map((t) => h("th", {}, t)));
  const body = rows.map((d) => h(
    "tr",
    { "data-measure": d.name, title: d.note },
    measureCell(d.name),
    h("td", { class: "nba-num" }, num3(d.value)),
    h("td", { class: "nba-num" }, d.kind === "ratio" ? `≥ ${d.threshold}` : `≤ ${d.threshold}`),
    h("td", {}, verdict(d.passes)),
    h("td", { class: "nba-muted nba-compared" }, compared(d)),
  ));
  return h("table", { class: "nba-table nba-disparities" }, h("thead", {}, head), h("tbody", {}, ...body));
}

function beforeAfterTable(before: DisparityRow[], after: DisparityRow[]) {
  const head = h("tr", {}, ...["Measure", "Before", "After", "Pass mark", "Passes before", "Passes after", "Groups compared after"].map((t) => h("th", {}, t)));
  const body = before.map((b) => {
    const a = after.find((x) => x.name === b.name);
    return h(
      "tr",
      { "data-measure": b.name, title: a?.note ?? b.note },
      measureCell(b.name),
      h("td", { class: "nba-num" }, num3(b.value)),
      h("td", { class: "nba-num" }, num3(a?.value)),
      h("td", { class: "nba-num" }, b.kind === "ratio" ? `≥ ${b.threshold}` : `≤ ${b.threshold}`),
      h("td", { "data-col": "passes-before" }, verdict(b.passes)),
      h("td", { "data-col": "passes-after" }, verdict(a?.passes)),
      h("td", { class: "nba-muted nba-compared" }, compared(a)),
    );
  });
  return h("table", { class: "nba-table nba-disparities" }, h("thead", {}, head), h("tbody", {}, ...body));
}

// --- trade-off chart -----------------------------------------------------------------------
function tradeoffChart(t: Model["tradeoff"], current: number) {
  const W = 520, H = 200, L = 52, R = 56, TOP = 16, B = 44;
  const svgEl = s("svg", { width: W, height: TOP + H + B, viewBox: `0 0 ${W} ${TOP + H + B}`, class: "nba-threshold-chart", role: "img", "aria-label": "accuracy and disparities by decision threshold" });
  const xs = t.thresholds ?? [];
  const x = (v: number) => L + v * (W - L - R);
  const y = (v: number) => TOP + H - v * H;
  const hint = "Hover the chart (or focus it and use the arrow keys) for the figures at a threshold.";
  const legend = h("div", { class: "nba-legend" }, h("span", { class: "nba-key nba-key-acc" }, "accuracy (left axis)"), h("span", { class: "nba-key nba-key-dp" }, "demographic parity difference (right)"), h("span", { class: "nba-key nba-key-eo" }, "equalized odds difference (right)"));
  const chart = chartBox(svgEl, { name: "fairness-tradeoff", file: "fairness-tradeoff.svg", idle: hint, legend });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svgEl.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "nba-grid" }));
    svgEl.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "nba-axis nba-axis-acc" }, `${v * 100}%`));
    svgEl.append(s("text", { x: W - R + 6, y: y(v) + 4, "text-anchor": "start", class: "nba-axis nba-axis-diff" }, v.toFixed(2)));
    svgEl.append(s("text", { x: x(v), y: TOP + H + 16, "text-anchor": "middle", class: "nba-axis" }, v.toFixed(2)));
  }
  svgEl.append(s("text", { x: 12, y: TOP + H / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${TOP + H / 2})`, class: "nba-axis nba-axis-title" }, "accuracy (%)"));
  svgEl.append(s("text", { x: W - 10, y: TOP + H / 2, "text-anchor": "middle", transform: `rotate(90 ${W - 10} ${TOP + H / 2})`, class: "nba-axis nba-axis-title" }, "difference (0 = parity)"));
  svgEl.append(s("text", { x: L + (W - L - R) / 2, y: TOP + H + 34, "text-anchor": "middle", class: "nba-axis nba-axis-title" }, "decision threshold on the score"));
  const line = (vals: Num[] | undefined, cls: string) => {
    if (!vals) return;
    // a gap where a value is undefined, not a line drawn across it
    let d = "", pen = false;
    xs.forEach((tx, i) => {
      const v = vals[i];
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(tx).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    svgEl.append(s("path", { d, class: cls }));
  };
  line(t.accuracy, "nba-line-acc");
  line(t.demographic_parity_difference, "nba-line-dp");
  line(t.equalized_odds_difference, "nba-line-eo");
  svgEl.append(s("line", { x1: x(current), x2: x(current), y1: TOP, y2: TOP + H, class: "nba-marker" }));
  svgEl.append(s("text", { x: x(current), y: TOP - 4, "text-anchor": "middle", class: "nba-axis" }, `now ${current.toFixed(2)}`));
  const cursor = s("line", { x1: 0, x2: 0, y1: TOP, y2: TOP + H, class: "nba-cursor", visibility: "hidden" });
  svgEl.append(cursor);
  const hit = s("rect", { x: L, y: TOP, width: W - L - R, height: H, class: "nba-hit", tabindex: 0, "aria-label": "trade-off chart: hover or use arrow keys" });
  svgEl.append(hit);
  let at = Math.max(0, xs.findIndex((v) => v >= current));
  const show = (i: number) => {
    if (!xs.length) return;
    at = Math.min(xs.length - 1, Math.max(0, i));
    cursor.setAttribute("x1", String(x(xs[at])));
    cursor.setAttribute("x2", String(x(xs[at])));
    cursor.setAttribute("visibility", "visible");
    chart.show(`threshold ${xs[at].toFixed(2)}: accuracy ${pct(t.accuracy?.[at])} · demographic parity difference ${num3(t.demographic_parity_difference?.[at])} · equalized odds difference ${num3(t.equalized_odds_difference?.[at])}`);
  };
  const hide = () => { cursor.setAttribute("visibility", "hidden"); chart.idle(); };
  hit.addEventListener("pointermove", (ev) => {
    const r = svgEl.getBoundingClientRect();
    const px = ((ev.clientX - r.left) / r.width) * W;
    show(Math.round(((px - L) / (W - L - R)) * (xs.length - 1)));
  });
  hit.addEventListener("pointerleave", hide);
  hit.addEventListener("focus", () => show(at));
  hit.addEventListener("blur", hide);
  hit.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowRight") { show(at + 1); ev.preventDefault(); }
    if (ev.key === "ArrowLeft") { show(at - 1); ev.preventDefault(); }
  });
  return chart.box;
}

// --- the widget ----------------------------------------------------------------------------
function render({ model, el }: RenderProps<Model>) {
  const root = h("div", { class: "nbaudit nba-fair" });
  el.append(root);
  // message: the last request the kernel could not carry out (a msg:custom {type: "error"})
  const ui = { constraints: "equalized_odds", message: "" };

  // The threshold slider is made once and never re-created: re-creating it on every
  // update would drop the user's drag.
  const slider = h("input", { type: "range", min: 0, max: 1, step: 0.01, value: "0.5", class: "nba-threshold", "aria-label": "decision threshold" });
  const sliderValue = h("span", { class: "nba-threshold-value" }, "");
  slider.addEventListener("input", () => {
    sliderValue.textContent = Number(slider.value).toFixed(2);
    model.set("threshold", Number(slider.value));
    model.save_changes();
  });
  const decisionWord = h("span", { class: "nba-decision-word" }, "positive decision when score ≥");
  const thresholdInfo = h("span", { class: "nba-muted" }, "");
  const thresholdChart = h("div", {});
  // Per-group thresholds: one slider per group, made when the option is ticked.
  const groupBox = h("div", { class: "nba-group-thresholds" });
  const perGroup = h("input", { type: "checkbox", "data-control": "per-group" });
  perGroup.addEventListener("change", () => {
    const sum = model.get("summary");
    if (perGroup.checked && sum) {
      const t = model.get("threshold");
      const start: Record<string, number> = {};
      const rows = sum.groups.map((g) => {
        start[g.group] = t;
        const input = h("input", { type: "range", min: 0, max: 1, step: 0.01, value: String(t), "data-group": g.group, "aria-label": `threshold for ${g.group}` });
        input.value = String(t);
        const shown = h("span", { class: "nba-threshold-value" }, t.toFixed(2));
        input.addEventListener("input", () => {
          shown.textContent = Number(input.value).toFixed(2);
          model.set("group_thresholds", { ...model.get("group_thresholds"), [g.group]: Number(input.value) });
          model.save_changes();
        });
        return h("div", { class: "nba-qi-row nba-fair-threshold-row" }, h("span", { class: "nba-colname", title: g.group }, g.group), input, shown);
      });
      groupBox.replaceChildren(...rows);
      model.set("group_thresholds", start);
    } else {
      groupBox.replaceChildren();
      model.set("group_thresholds", {});
    }
    slider.disabled = perGroup.checked;
    model.save_changes();
  });
  const thresholdBox = h(
    "div",
    { class: "nba-threshold-box" },
    h("div", { class: "nba-section" }, "Decision threshold"),
    h("div", { class: "nba-toolbar" }, decisionWord, slider, sliderValue, thresholdInfo),
    h("label", { class: "nba-control" }, perGroup, " one threshold per group"),
    groupBox,
    thresholdChart,
    h("div", { class: "nba-note" }, "From Python: audit.figure(\"tradeoff\") or audit.sweep(101).figure()."),
  );
  const mainBox = h("div", {});
  const mitigationBox = h("div", {});
  const exporter = exportControls(model, () => root);
  root.replaceChildren(mainBox, thresholdBox, mitigationBox);

  function draw() {
    const got = model.get("summary");
    const sum = got && "groups" in got ? (got as Summary) : null;
    if (!sum) {
      mainBox.replaceChildren(h("div", { class: "nba-muted" }, model.get("error") || "No audit yet."));
      thresholdBox.style.display = "none";
      mitigationBox.replaceChildren();
      return;
    }
    const metric = model.get("metric");
    const den = denominator(sum, metric);
    const positive = sum.positive_name || "positive decision";
    const small = sum.groups.filter((g) => Boolean(g[`${metric}_small`] ?? g.small)).map((g) => g.group);
    const notes = (sum.notes ?? []).map((n) => h("div", { class: "nba-note nba-fair-note", "data-note": n.startsWith("Disparities refused") ? "refused" : "binned" }, n));
    const parts: Array<Node | null> = [
      h("div", { class: "nba-header" }, h("div", { class: "nba-title" }, "Fairness audit"), h("div", { class: "nba-subtitle" }, `${fmtInt(sum.n)} decisions · ${sum.groups.length} groups of ${sum.features.join(" × ")}${sum.dropped ? ` · ${fmtInt(sum.dropped)} rows dropped (missing label, decision or score)` : ""}`)),
      // Export at the top, under the title, as in every nbaudit widget
      h("div", { class: "nba-toolbar" }, exporter.button),
      exporter.slot,
      model.get("error") ? h("div", { class: "nba-error" }, model.get("error")) : null,
      ui.message ? h("div", { class: "nba-error", "data-role": "message" }, ui.message) : null,
      ...notes,
      small.length ? h("div", { class: "nba-note nba-fair-warn" }, `⚠ ${small.slice(0, SMALL_SHOWN).join(", ")}${small.length > SMALL_SHOWN ? ` and ${fmtInt(small.length - SMALL_SHOWN)} more groups` : ""}: fewer than ${sum.min_group_size} ${den} behind the ${label(sum, metric)}. Their bars are grey, their intervals wide, and they are left out of the disparities that use this rate.`) : null,
      h("div", { class: "nba-toolbar" }, select(model.get("metrics").map((m) => [m, label(sum, m)] as [string, string]), metric, (v) => { model.set("metric", v); model.save_changes(); }, "Metric")),
      h("div", { class: "nba-chart-row" }, groupBars(sum, metric, `fairness-${metric}.svg`), groupTable(sum, metric)),
      h("div", { class: "nba-note" }, `Bars: the ${label(sum, metric)} per group (share of ${den}${metric === "selection_rate" ? (sum.positive_name ? ` decided “${positive}”` : " with a positive decision") : ""}); whiskers: 95% Wilson intervals; the table adds the bootstrap (1,000 resamples); dashed line: all rows. From Python: audit.figure("${metric}").`),
      h("div", { class: "nba-section" }, "Disparities"),
      disparityTable(sum.disparities),
    ];
    mainBox.replaceChildren(...parts.filter((p): p is Node => p !== null));
    thresholdBox.style.display = sum.has_scores ? "" : "none";
    if (sum.has_scores) {
      const t = model.get("threshold");
      if (document.activeElement !== slider) slider.value = String(t);
      sliderValue.textContent = t.toFixed(2);
      decisionWord.textContent = `${positive} when score ≥`;
      thresholdInfo.textContent = `accuracy ${pct(sum.overall.accuracy)} · selection rate ${pct(sum.overall.selection_rate)}`;
      thresholdChart.replaceChildren(tradeoffChart(model.get("tradeoff"), t));
    }
    const mit = model.get("mitigation");
    const done = mit && mit.before && mit.after;
    const rules = done && mit.group_thresholds ? mit.group_thresholds : null;
    const mparts: Array<Node | null> = [
      h("div", { class: "nba-section" }, "Mitigation (fairlearn ThresholdOptimizer, post-processing)"),
      h(
        "div",
        { class: "nba-toolbar" },
        select([["equalized_odds", "equalized odds"], ["demographic_parity", "demographic parity"], ["true_positive_rate_parity", "equal opportunity"]], ui.constraints, (v) => { ui.constraints = v; }, "Constraint"),
        h("button", { class: "nba-btn nba-primary", "data-action": "mitigate", disabled: model.get("status") === "running", onclick: () => { ui.message = ""; model.send({ type: "mitigate", constraints: ui.constraints }); } }, model.get("status") === "running" ? "Fitting…" : "Mitigate"),
      ),
      done
        ? h(
            "div",
            { class: "nba-mitigation" },
            h("div", { class: "nba-note nba-evaluation", "data-fit-rows": mit.fit_rows ?? 0, "data-eval-rows": mit.evaluation_rows ?? 0 }, `${String(mit.constraints).replace(/_/g, " ")}: ${mit.evaluation ?? ""}. Accuracy ${pct(mit.before!.overall.accuracy)} → ${pct(mit.after!.overall.accuracy)}, selection rate ${pct(mit.before!.overall.selection_rate)} → ${pct(mit.after!.overall.selection_rate)} (evaluation rows).`),
            h("div", { class: "nba-chart-row" },
              groupBars(mit.before!, metric, `fairness-mitigation-${metric}.svg`, [
                { label: "before", cls: "nba-bar nba-bar-before-mit", value: (g) => g[metric] as Num },
                { label: "after", cls: "nba-bar nba-bar-after", value: (g) => g[metric] as Num },
              ], mit.after, h("div", { class: "nba-legend nba-legend-mit" }, h("span", { class: "nba-key nba-key-before" }, "before"), h("span", { class: "nba-key nba-key-after" }, "after"), h("span", { class: "nba-muted" }, "on the evaluation rows"))),
              rules ? h("table", { class: "nba-table nba-rules" }, h("thead", {}, h("tr", {}, h("th", {}, "Group"), h("th", {}, "Learned decision rule"))), h("tbody", {}, ...rules.map((r) => h("tr", { "data-group": r.group }, h("td", { class: "nba-group-cell", title: r.group }, r.group), h("td", {}, r.rule))))) : null),
            h("div", { class: "nba-note" }, `Bars: the ${label(sum, metric)} per group before and after, on the evaluation rows (whiskers: 95% Wilson). From Python: mitigation.figure("${metric}"), mitigation.group_thresholds.`),
            beforeAfterTable(mit.before!.disparities, mit.after!.disparities),
          )
        : null,
    ];
    mitigationBox.replaceChildren(...mparts.filter((p): p is Node => p !== null));
  }
  const keys = ["summary", "metric", "mitigation", "status", "error", "tradeoff"];
  const onMsg = (msg: unknown) => {
    const m = msg as Partial<FairnessMessage> | null;
    if (m?.type !== "error") return; // the export reply is lib/export.ts's
    ui.message = `✗ ${m.message ?? "the kernel could not do this"}`;
    draw();
  };
  model.on("msg:custom", onMsg);
  for (const k of keys) model.on(`change:${k}`, draw);
  draw();
  return () => {
    model.off("msg:custom", onMsg);
    for (const k of keys) model.off(`change:${k}`, draw);
    exporter.cleanup();
  };
}

export default { render };
