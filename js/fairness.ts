// The %fairness widget: per-group bars with bootstrap intervals, disparities, a threshold
// slider with its trade-off chart, and mitigation before/after.
import type { RenderProps } from "@anywidget/types";
import { fmtInt, fmtPct, h, select, svg as s } from "./lib/dom";
import { exportControls } from "./lib/export";

type Num = number | null;
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
}
interface Model {
  metric: string;
  threshold: number;
  group_thresholds: Record<string, number>;
  limits: { ratio: number; difference: number };
  summary: Summary;
  tradeoff: { thresholds?: number[]; accuracy?: Num[]; demographic_parity_difference?: Num[]; equalized_odds_difference?: Num[] };
  mitigation: { constraints?: string; before?: Summary; after?: Summary };
  metrics: string[];
  status: string;
  error: string;
}

const LABELS: Record<string, string> = {
  selection_rate: "selection rate",
  true_positive_rate: "true positive rate",
  false_positive_rate: "false positive rate",
  false_negative_rate: "false negative rate",
  true_negative_rate: "true negative rate",
  precision: "precision",
  accuracy: "accuracy",
  base_rate: "base rate",
};
// Small groups named in the warning; the rest are counted (the table lists them all).
const SMALL_SHOWN = 10;
const pct = (v: Num) => (v === null || v === undefined ? "undefined" : fmtPct(v));

function bars(sum: Summary, metric: string) {
  const groups = sum.groups;
  const W = Math.max(360, Math.min(900, 80 + groups.length * 70)), H = 200, L = 40, B = 70;
  const svg = s("svg", { width: W + 80, height: H + B, class: "nba-bars", role: "img", "aria-label": `${LABELS[metric]} by group` });
  const y = (v: number) => H - v * (H - 10);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s("line", { x1: L, x2: W - 10, y1: y(t), y2: y(t), class: "nba-grid" }));
    svg.append(s("text", { x: L - 4, y: y(t) + 4, "text-anchor": "end", class: "nba-axis" }, `${t * 100}%`));
  }
  const bw = (W - L - 10) / Math.max(1, groups.length);
  groups.forEach((g, i) => {
    const v = g[metric] as Num;
    const ci = g[`${metric}_ci`] as [number, number] | null;
    const x = L + i * bw;
    const label = s("text", { x: x + bw / 2, y: H + 14, "text-anchor": "end", transform: `rotate(-30 ${x + bw / 2} ${H + 14})`, class: "nba-axis nba-group-label" }, g.group.length > 22 ? `${g.group.slice(0, 21)}…` : g.group);
    svg.append(label);
    if (v === null || v === undefined) {
      svg.append(s("text", { x: x + bw / 2, y: H - 6, "text-anchor": "middle", class: "nba-axis" }, "n/a"));
      return;
    }
    const bar = s("rect", { x: x + bw * 0.2, y: y(v), width: bw * 0.6, height: H - y(v), class: g.small ? "nba-bar nba-bar-small" : "nba-bar", "data-group": g.group, "data-value": v });
    bar.append(s("title", {}, `${g.group}: ${pct(v)}${ci ? ` (95% CI ${pct(ci[0])}–${pct(ci[1])})` : ""}, n=${g.count}${g.small ? " — small group, not reliable" : ""}`));
    svg.append(bar);
    if (ci) {
      const cx = x + bw / 2;
      svg.append(s("line", { x1: cx, x2: cx, y1: y(ci[0]), y2: y(ci[1]), class: "nba-ci" }));
      svg.append(s("line", { x1: cx - 5, x2: cx + 5, y1: y(ci[0]), y2: y(ci[0]), class: "nba-ci" }));
      svg.append(s("line", { x1: cx - 5, x2: cx + 5, y1: y(ci[1]), y2: y(ci[1]), class: "nba-ci" }));
    }
    if (g.small) svg.append(s("text", { x: x + bw / 2, y: y(v) - 4, "text-anchor": "middle", class: "nba-axis nba-warn-text" }, "⚠ small"));
  });
  const overall = sum.overall[metric];
  if (overall !== null && overall !== undefined) {
    svg.append(s("line", { x1: L, x2: W - 10, y1: y(overall), y2: y(overall), class: "nba-overall" }));
    svg.append(s("text", { x: W - 6, y: y(overall) + 4, "text-anchor": "start", class: "nba-axis" }, `overall ${pct(overall)}`));
  }
  return svg;
}

function disparityTable(rows: DisparityRow[], after?: DisparityRow[]) {
  const head = h("tr", {}, ...["Measure", after ? "Before" : "Value", ...(after ? ["After"] : []), "Pass mark", "Passes", "Groups compared"].map((t) => h("th", {}, t)));
  const body = rows.map((d, i) => {
    const a = after?.[i];
    const mark = d.kind === "ratio" ? `≥ ${d.threshold}` : `≤ ${d.threshold}`;
    const verdict = (p: boolean | null) => (p === null ? h("span", { class: "nba-muted" }, "undefined") : p ? h("span", { class: "nba-good" }, "✓ yes") : h("span", { class: "nba-badtext" }, "✗ no"));
    return h(
      "tr",
      { "data-measure": d.name, title: d.note },
      h("td", {}, d.name.replace(/_/g, " ")),
      h("td", { class: "nba-num" }, d.value === null ? "—" : d.value.toFixed(3)),
      ...(a ? [h("td", { class: "nba-num" }, a.value === null ? "—" : a.value.toFixed(3))] : []),
      h("td", { class: "nba-num" }, mark),
      h("td", {}, verdict(a ? a.passes : d.passes)),
      h("td", { class: "nba-muted" }, (a ?? d).groups ? `${(a ?? d).groups![0]} vs ${(a ?? d).groups![1]}` : (a ?? d).note),
    );
  });
  return h("table", { class: "nba-table nba-disparities" }, h("thead", {}, head), h("tbody", {}, ...body));
}

function tradeoffChart(t: Model["tradeoff"], current: number) {
  const W = 420, H = 170, L = 40, B = 30;
  const svg = s("svg", { width: W, height: H + B, class: "nba-threshold-chart", role: "img", "aria-label": "accuracy and disparity by threshold" });
  const xs = t.thresholds ?? [];
  const x = (v: number) => L + v * (W - L - 10);
  const y = (v: number) => H - v * (H - 10);
  for (const v of [0, 0.5, 1]) {
    svg.append(s("line", { x1: L, x2: W - 10, y1: y(v), y2: y(v), class: "nba-grid" }));
    svg.append(s("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end", class: "nba-axis" }, `${v * 100}%`));
    svg.append(s("text", { x: x(v), y: H + 14, "text-anchor": "middle", class: "nba-axis" }, String(v)));
  }
  const line = (vals: Num[] | undefined, cls: string) => {
    if (!vals) return;
    const pts = xs.map((tx, i) => (vals[i] === null ? null : `${x(tx)},${y(vals[i] as number)}`)).filter(Boolean);
    svg.append(s("polyline", { points: pts.join(" "), class: cls }));
  };
  line(t.accuracy, "nba-line-acc");
  line(t.demographic_parity_difference, "nba-line-dp");
  line(t.equalized_odds_difference, "nba-line-eo");
  svg.append(s("line", { x1: x(current), x2: x(current), y1: 0, y2: H, class: "nba-marker" }));
  svg.append(s("text", { x: L + (W - L) / 2, y: H + 28, "text-anchor": "middle", class: "nba-axis" }, "threshold"));
  return h(
    "div",
    {},
    svg,
    h("div", { class: "nba-legend" }, h("span", { class: "nba-key nba-key-acc" }, "accuracy"), h("span", { class: "nba-key nba-key-dp" }, "demographic parity difference"), h("span", { class: "nba-key nba-key-eo" }, "equalized odds difference")),
  );
}

function render({ model, el }: RenderProps<Model>) {
  const root = h("div", { class: "nbaudit nba-fair" });
  el.append(root);
  const ui = { constraints: "equalized_odds" };

  function groupTable(sum: Summary, metric: string) {
    const head = h("tr", {}, ...["Group", "n", LABELS[metric] ?? metric, "95% interval"].map((t) => h("th", {}, t)));
    const rows = sum.groups.map((g) => {
      const ci = g[`${metric}_ci`] as [number, number] | null;
      return h("tr", { class: g.small ? "nba-small" : "" }, h("td", {}, g.group, g.small ? h("span", { class: "nba-warn-text" }, " ⚠ small") : null), h("td", { class: "nba-num" }, fmtInt(g.count)), h("td", { class: "nba-num nba-metric-value" }, pct(g[metric] as Num)), h("td", { class: "nba-num nba-muted" }, ci ? `${pct(ci[0])} – ${pct(ci[1])}` : "—"));
    });
    return h("table", { class: "nba-table nba-groups" }, h("thead", {}, head), h("tbody", {}, ...rows));
  }

  // The threshold slider is made once and never re-created: re-creating it on every
  // update would drop the user's drag.
  const slider = h("input", { type: "range", min: 0, max: 1, step: 0.01, value: "0.5", class: "nba-threshold", "aria-label": "decision threshold" });
  const sliderValue = h("span", { class: "nba-threshold-value" }, "");
  slider.addEventListener("input", () => {
    sliderValue.textContent = Number(slider.value).toFixed(2);
    model.set("threshold", Number(slider.value));
    model.save_changes();
  });
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
        return h("div", { class: "nba-qi-row" }, h("span", { class: "nba-colname", title: g.group }, g.group), input, shown);
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
    h("div", { class: "nba-toolbar" }, h("span", {}, "approve when score ≥"), slider, sliderValue, thresholdInfo),
    h("label", { class: "nba-control" }, perGroup, " one threshold per group"),
    groupBox,
    thresholdChart,
  );
  const mainBox = h("div", {});
  const mitigationBox = h("div", {});
  const exporter = exportControls(model, () => root);
  root.replaceChildren(mainBox, thresholdBox, mitigationBox, h("div", { class: "nba-toolbar" }, exporter.button), exporter.slot);

  function draw() {
    const sum = model.get("summary");
    if (!sum || !sum.groups) {
      mainBox.replaceChildren(h("div", { class: "nba-muted" }, model.get("error") || "No audit yet."));
      thresholdBox.style.display = "none";
      mitigationBox.replaceChildren();
      return;
    }
    const metric = model.get("metric");
    const small = sum.groups.filter((g) => g.small).map((g) => g.group);
    const parts: Array<Node | null> = [
      h("div", { class: "nba-header" }, h("div", { class: "nba-title" }, "Fairness audit"), h("div", { class: "nba-subtitle" }, `${fmtInt(sum.n)} decisions · ${sum.groups.length} groups of ${sum.features.join(" × ")}${sum.dropped ? ` · ${fmtInt(sum.dropped)} rows dropped (missing label, decision or score)` : ""}`)),
      model.get("error") ? h("div", { class: "nba-error" }, model.get("error")) : null,
      small.length ? h("div", { class: "nba-note nba-warn" }, `⚠ ${small.slice(0, SMALL_SHOWN).join(", ")}${small.length > SMALL_SHOWN ? ` and ${fmtInt(small.length - SMALL_SHOWN)} more groups` : ""}: fewer than ${sum.min_group_size} rows. Their rates are shown greyed with wide intervals and left out of the disparities.`) : null,
      h("div", { class: "nba-toolbar" }, select(model.get("metrics").map((m) => [m, LABELS[m] ?? m] as [string, string]), metric, (v) => { model.set("metric", v); model.save_changes(); }, "Metric")),
      h("div", { class: "nba-chart-row" }, bars(sum, metric), groupTable(sum, metric)),
      h("div", { class: "nba-note" }, "Bars: the metric per group; whiskers: 95% bootstrap intervals (1,000 resamples); dashed line: all rows."),
      h("div", { class: "nba-section" }, "Disparities"),
      disparityTable(sum.disparities),
    ];
    mainBox.replaceChildren(...parts.filter((p): p is Node => p !== null));
    thresholdBox.style.display = sum.has_scores ? "" : "none";
    if (sum.has_scores) {
      const t = model.get("threshold");
      if (document.activeElement !== slider) slider.value = String(t);
      sliderValue.textContent = t.toFixed(2);
      thresholdInfo.textContent = `accuracy ${pct(sum.overall.accuracy)} · selection rate ${pct(sum.overall.selection_rate)}`;
      thresholdChart.replaceChildren(tradeoffChart(model.get("tradeoff"), t));
    }
    const mit = model.get("mitigation");
    const mparts: Array<Node | null> = [
      h("div", { class: "nba-section" }, "Mitigation (fairlearn ThresholdOptimizer, post-processing)"),
      h(
        "div",
        { class: "nba-toolbar" },
        select([["equalized_odds", "equalized odds"], ["demographic_parity", "demographic parity"], ["true_positive_rate_parity", "equal opportunity"]], ui.constraints, (v) => { ui.constraints = v; }, "Constraint"),
        h("button", { class: "nba-btn nba-primary", "data-action": "mitigate", disabled: model.get("status") === "running", onclick: () => model.send({ type: "mitigate", constraints: ui.constraints }) }, model.get("status") === "running" ? "Fitting…" : "Mitigate"),
      ),
      mit && mit.before && mit.after
        ? h(
            "div",
            { class: "nba-mitigation" },
            h("div", { class: "nba-note" }, `Group-specific thresholds for ${String(mit.constraints).replace(/_/g, " ")}: accuracy ${pct(mit.before.overall.accuracy)} → ${pct(mit.after.overall.accuracy)}, selection rate ${pct(mit.before.overall.selection_rate)} → ${pct(mit.after.overall.selection_rate)}.`),
            disparityTable(mit.before.disparities, mit.after.disparities),
          )
        : null,
    ];
    mitigationBox.replaceChildren(...mparts.filter((p): p is Node => p !== null));
  }
  const keys = ["summary", "metric", "mitigation", "status", "error", "tradeoff"];
  for (const k of keys) model.on(`change:${k}`, draw);
  draw();
  return () => {
    for (const k of keys) model.off(`change:${k}`, draw);
    exporter.cleanup();
  };
}

export default { render };
