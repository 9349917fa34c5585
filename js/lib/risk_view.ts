// The re-identification explorer: risk now, one control per quasi-identifier, a suppression
// budget, live figures, class-size histogram, trade-off chart (SVG), search and code.
import type { AnyModel } from "@anywidget/types";
import { fmtInt, fmtPct, h, svg as s } from "./dom";
import { chartBox, type ChartOptions } from "./chart";
import type { RiskMessage } from "./contracts";
import { exportControls } from "./export";
import { help } from "./help";

/** The one information-loss figure, named the same everywhere (Python: INFO_LOSS_LABEL). */
const LOSS = "information loss (non-uniform entropy)";

interface QI { name: string; max_level: number; kind: string; levels: string[] }
interface Bin { size: string; classes: number; records: number }
interface Figures {
  levels: Record<string, number>;
  k: number;
  n_classes: number;
  sample_uniques: number;
  records_below_k: number;
  suppressed: number;
  average_risk: number;
  highest_risk: number;
  journalist_risk: number;
  marketer_risk: number;
  l_diversity: Record<string, number>;
  entropy_l_diversity: Record<string, number>;
  t_closeness: Record<string, number>;
  info_loss: Record<string, number>;
  class_sizes: Bin[];
  n_records: number;
  target_k: number;
  satisfied: boolean;
  information_loss?: number;
  describe?: Record<string, string>;
  riskiest?: Array<{ values: Array<{ name: string; value: string; masked?: boolean; hint?: string }>; records: number; classes?: number }>;
}
interface Point { levels: Record<string, number>; describe?: Record<string, string>; loss: number; k: number; suppressed: number; satisfied: boolean; target_k?: number; source: string }

export interface RiskState {
  columns: string[];
  quasi_identifiers: string[];
  sensitive: string[];
  setup: { quasi_identifiers: QI[]; sensitive: string[]; n_records: number; population_size: number | null };
  now: Figures;
  levels: Record<string, number>;
  max_suppression: number;
  target_k: number;
  current: Figures;
  explored: Point[];
  search_result: { levels?: Record<string, number> | null; info_loss?: number; information_loss?: number | null; descriptions?: Record<string, string>; nodes_evaluated?: number; lattice_size?: number; seconds?: number; wall_seconds?: number; metric?: string };
  code: string;
  status: string;
  error: string;
}


function card(label: string, value: string, hint = "", cls = "", term = "") {
  return h(
    "div",
    { class: `nba-card ${cls}`.trim(), title: hint || undefined },
    h("div", { class: "nba-card-value" }, value),
    h("div", { class: "nba-card-label" }, label, term ? help(term) : null),
  );
}

function figureCards(f: Figures, population: number | null) {
  const n = f.n_records || 1;
  const cards = [
    card("k (smallest class)", fmtInt(f.k), "Every record shares its quasi-identifier values with at least k-1 others.", "", "k"),
    card("classes", fmtInt(f.n_classes)),
    card("unique records", `${fmtInt(f.sample_uniques)} (${fmtPct(f.sample_uniques / n)})`, "Records alone in their class: re-identified by anyone who knows their quasi-identifiers.", f.sample_uniques ? "nba-bad" : ""),
    card(`records in classes < ${f.target_k}`, fmtInt(f.records_below_k), "", f.records_below_k ? "nba-bad" : ""),
    card("highest risk (prosecutor)", fmtPct(f.highest_risk), "Prosecutor risk of the most exposed record (1/k).", "", "prosecutor"),
    card("average risk (prosecutor)", fmtPct(f.average_risk), "Prosecutor risk averaged over records (classes / records).", "", "prosecutor"),
  ];
  if (population) {
    cards.push(card("journalist risk", fmtPct(f.journalist_risk), `Highest risk against a population of ${fmtInt(population)}.`, "", "journalist"));
    cards.push(card("marketer risk", fmtPct(f.marketer_risk), "Expected share re-identified by matching everyone.", "", "marketer"));
  }
  for (const [name, l] of Object.entries(f.l_diversity ?? {})) {
    cards.push(card(`l-diversity · ${name}`, `${l} (entropy ${(f.entropy_l_diversity[name] ?? 0).toFixed(2)})`, "Distinct sensitive values in the worst class; entropy l in brackets.", "", "l"));
    cards.push(card(`t-closeness · ${name}`, (f.t_closeness[name] ?? 0).toFixed(3), "Largest distance of a class's distribution from the whole table's (0 = identical).", "", "t"));
  }
  return h("div", { class: "nba-cards" }, ...cards);
}

/** The time the user waited: "0.04 s", "1.6 s", "42 s". */
function secs(x: number): string {
  return `${x < 1 ? x.toFixed(2) : x < 10 ? x.toFixed(1) : Math.round(x)}\u00a0s`;
}

/** Short numbers for axis ticks: 950, 1.2k, 34k, 1.5M. */
function short(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** 0 and up to four round steps up to at least `max`. */
function ticks(max: number): number[] {
  const raw = Math.max(1, max) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(v);
  return out;
}

/** The chart in its box; each mark shows its text in the readout while hovered or focused. */
function boxed(chart: SVGSVGElement, options: ChartOptions, items: Array<[Element, string]>): HTMLElement {
  const box = chartBox(chart, options);
  for (const [mark, text] of items) box.hover(mark, text);
  return box.box;
}

function histogram(now: Figures, current: Figures) {
  const W = 400, T = 10, H = 150, L = 50, R = 10, B = 40;
  const bins = current.class_sizes ?? [];
  const max = Math.max(1, ...bins.map((b) => b.records), ...(now.class_sizes ?? []).map((b) => b.records));
  const yt = ticks(max);
  const top = yt[yt.length - 1];
  const svg = s("svg", { width: W, height: T + H + B, viewBox: `0 0 ${W} ${T + H + B}`, class: "nba-hist", role: "img", "aria-label": "Records by class size, before and after generalization" });
  const y = (v: number) => T + H - (v / top) * H;
  for (const v of yt) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "nba-grid" }));
    svg.append(s("text", { x: L - 5, y: y(v) + 3.5, "text-anchor": "end", class: "nba-axis" }, short(v)));
  }
  svg.append(s("text", { x: 11, y: T + H / 2, transform: `rotate(-90 11 ${T + H / 2})`, "text-anchor": "middle", class: "nba-axis" }, "records"));
  const bw = (W - L - R) / Math.max(1, bins.length);
  const items: Array<[Element, string]> = [];
  bins.forEach((b, i) => {
    const before = now.class_sizes?.[i];
    const x = L + i * bw;
    const hb = ((before?.records ?? 0) / top) * H, hc = (b.records / top) * H;
    svg.append(s("rect", { x: x + 3, y: T + H - hb, width: bw - 6, height: hb, class: "nba-bar-before" }));
    svg.append(s("rect", { x: x + 7, y: T + H - hc, width: Math.max(1, bw - 14), height: hc, class: i < 2 ? "nba-bar nba-bar-risky" : "nba-bar" }));
    // One transparent band per bin catches the pointer (bars of 0 records are not hoverable).
    const band = s("rect", { x, y: T, width: bw, height: H, class: "nba-hit", tabindex: 0, "data-bin": b.size });
    const text = `class size ${b.size}: ${fmtInt(b.records)} records in ${fmtInt(b.classes)} classes now · as is: ${fmtInt(before?.records ?? 0)} records in ${fmtInt(before?.classes ?? 0)} classes`;
    band.append(s("title", {}, text));
    svg.append(band);
    items.push([band, text]);
    svg.append(s("text", { x: x + bw / 2, y: T + H + 14, "text-anchor": "middle", class: "nba-axis" }, b.size));
  });
  svg.append(s("line", { x1: L, x2: W - R, y1: T + H, y2: T + H, class: "nba-axisline" }));
  svg.append(s("text", { x: L + (W - L - R) / 2, y: T + H + 32, "text-anchor": "middle", class: "nba-axis" }, "class size (records sharing their values) · grey: as is"));
  return boxed(svg, { name: "class_sizes", idle: "Hover a bar for exact counts." }, items);
}

function pareto(points: Point[]): Point[] {
  // Lower loss and higher k are better; the frontier is the points nothing beats on both.
  const sorted = [...points].sort((a, b) => a.loss - b.loss || b.k - a.k);
  const out: Point[] = [];
  let bestK = -1;
  for (const p of sorted) if (p.k > bestK) { out.push(p); bestK = p.k; }
  return out;
}

function levelsText(p: { levels: Record<string, number>; describe?: Record<string, string> }): string {
  return Object.entries(p.levels).map(([q, l]) => `${q}: ${p.describe?.[q] ?? `level ${l}`}`).join(", ");
}

function tradeoff(points: Point[], current: Record<string, number>, target: number, onPick: (p: Point) => void) {
  const W = 460, T = 12, H = 220, L = 54, R = 28, B = 42;
  const svg = s("svg", { width: W, height: T + H + B, viewBox: `0 0 ${W} ${T + H + B}`, class: "nba-tradeoff", role: "img", "aria-label": `k against ${LOSS}` });
  const maxK = Math.max(10, target * 2, ...points.map((p) => p.k));
  const P = 8; // the marks stay clear of the axes and their labels
  const ly = (k: number) => T + H - P - (Math.log10(Math.max(1, k)) / Math.log10(maxK)) * (H - 2 * P);
  const lx = (loss: number) => L + P + loss * (W - L - R - 2 * P);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s("line", { x1: lx(t), x2: lx(t), y1: T, y2: T + H, class: "nba-grid" }));
    svg.append(s("line", { x1: lx(t), x2: lx(t), y1: T + H, y2: T + H + 4, class: "nba-axisline" }));
    svg.append(s("text", { x: lx(t), y: T + H + 14, "text-anchor": "middle", class: "nba-axis" }, `${t * 100}%`));
  }
  const kTicks = [1, 2, 5, 10, 20, 50, 100, 1000, 10000, 100000, 1000000].filter((k) => k <= maxK);
  for (const k of kTicks) {
    svg.append(s("line", { x1: L, x2: W - R, y1: ly(k), y2: ly(k), class: "nba-grid" }));
    svg.append(s("text", { x: L - 5, y: ly(k) + 3.5, "text-anchor": "end", class: "nba-axis" }, short(k)));
  }
  svg.append(s("line", { x1: L, x2: W - R, y1: T + H, y2: T + H, class: "nba-axisline" }));
  svg.append(s("line", { x1: L, x2: L, y1: T, y2: T + H, class: "nba-axisline" }));
  svg.append(s("line", { x1: L, x2: W - R, y1: ly(target), y2: ly(target), class: "nba-target" }));
  svg.append(s("text", { x: W - R - 2, y: ly(target) - 4, "text-anchor": "end", class: "nba-axis nba-target-label" }, `target k = ${target}`));
  svg.append(s("text", { x: L + (W - L - R) / 2, y: T + H + 32, "text-anchor": "middle", class: "nba-axis" }, `${LOSS} →`));
  svg.append(s("text", { x: 11, y: T + H / 2, transform: `rotate(-90 11 ${T + H / 2})`, "text-anchor": "middle", class: "nba-axis" }, "k (smallest class, log)"));
  if (points.length < 2) {
    svg.append(s("text", { x: L + (W - L - R) / 2, y: T + H / 2 - 8, "text-anchor": "middle", class: "nba-empty" }, "Move a control or press Find the best generalization:"));
    svg.append(s("text", { x: L + (W - L - R) / 2, y: T + H / 2 + 8, "text-anchor": "middle", class: "nba-empty" }, "each generalization you try becomes a point here."));
  }
  const front = pareto(points);
  if (front.length > 1) {
    svg.append(s("polyline", { points: front.map((p) => `${lx(p.loss)},${ly(p.k)}`).join(" "), class: "nba-front" }));
  }
  const same = (a: Record<string, number>, b: Record<string, number>) => Object.keys(a).every((q) => a[q] === b[q]);
  const items: Array<[Element, string]> = [];
  points.forEach((p, i) => {
    const onFront = front.includes(p);
    const here = same(p.levels, current);
    const dot = s("circle", {
      cx: lx(p.loss), cy: ly(p.k), r: here ? 7 : 5,
      class: `nba-dot${p.satisfied ? " nba-ok" : ""}${onFront ? " nba-onfront" : ""}${p.source === "search" ? " nba-found" : ""}${here ? " nba-current" : ""}`,
      "data-index": i,
      tabindex: 0,
    });
    const text = `k = ${fmtInt(p.k)}${p.target_k ? ` (target ${p.target_k})` : ""} · ${LOSS} ${fmtPct(p.loss)} · suppressed ${fmtInt(p.suppressed)} records${p.source === "search" ? " · the search's optimum" : ""} · ${levelsText(p)}${here ? " · on screen now" : " · click to apply"}`;
    dot.append(s("title", {}, text));
    dot.addEventListener("click", () => onPick(p));
    dot.addEventListener("keydown", (e) => { if ((e as KeyboardEvent).key === "Enter") onPick(p); });
    svg.append(dot);
    items.push([dot, text]);
  });
  return boxed(svg, { name: "tradeoff", idle: "Hover a point for its exact figures; click it to apply it." }, items);
}

export function renderRisk(model: AnyModel<RiskState>, root: HTMLElement): () => void {
  const ui = { pickQI: false, varName: "anonymized", stored: "" };
  function set<K extends keyof RiskState>(key: K, value: RiskState[K]) {
    model.set(key, value);
    model.save_changes();
  }

  // The controls live in a box that is rebuilt only when the quasi-identifiers change:
  // rebuilding a slider while the user drags it would drop the drag.
  const sliders: Record<string, { input: HTMLInputElement; label: HTMLElement; levels: string[] }> = {};
  let controlsKey = "";
  const controlsBox = h("div", { class: "nba-explorer-controls" });

  function buildControls(setup: RiskState["setup"]) {
    for (const key of Object.keys(sliders)) delete sliders[key];
    const rows = setup.quasi_identifiers.map((q) => {
      const slider = h("input", { type: "range", min: 0, max: q.max_level, step: 1, value: "0", "data-qi": q.name, "aria-label": `generalization level of ${q.name}` });
      const label = h("span", { class: "nba-level" }, "");
      slider.addEventListener("input", () => {
        label.textContent = q.levels[Number(slider.value)] ?? `level ${slider.value}`;
        set("levels", { ...model.get("levels"), [q.name]: Number(slider.value) });
      });
      sliders[q.name] = { input: slider, label, levels: q.levels };
      return h("div", { class: "nba-qi-row" }, h("span", { class: "nba-colname", title: q.name }, q.name), slider, label);
    });
    const budgetLabel = h("span", { class: "nba-level" }, "");
    const budget = h("input", { type: "range", min: 0, max: 0.2, step: 0.005, value: String(model.get("max_suppression")), "aria-label": "suppression budget", "data-control": "suppression" });
    budget.value = String(model.get("max_suppression"));
    budgetLabel.textContent = `up to ${fmtPct(model.get("max_suppression"))} of records`;
    budget.addEventListener("input", () => { budgetLabel.textContent = `up to ${fmtPct(Number(budget.value))} of records`; });
    budget.addEventListener("change", () => set("max_suppression", Number(budget.value)));
    const k = h("input", { type: "number", min: 1, value: String(model.get("target_k")), class: "nba-k", "aria-label": "target k" });
    k.addEventListener("change", () => set("target_k", Math.max(1, Number(k.value) || 1)));
    controlsBox.replaceChildren(
      ...rows,
      h("div", { class: "nba-qi-row" }, h("span", { class: "nba-colname" }, "suppression"), budget, budgetLabel),
      h("div", { class: "nba-qi-row" }, h("span", { class: "nba-colname" }, "target k"), k, h("span", { class: "nba-level" }, "classes smaller than this are suppressed (within the budget)")),
    );
  }

  function syncControls() {
    const st = model.get("setup");
    const key = JSON.stringify(st?.quasi_identifiers ?? []);
    if (key !== controlsKey && st?.quasi_identifiers) {
      controlsKey = key;
      buildControls(st);
    }
    const levels = model.get("levels") ?? {};
    for (const [name, ref] of Object.entries(sliders)) {
      const lv = levels[name] ?? 0;
      if (document.activeElement !== ref.input) ref.input.value = String(lv);
      ref.label.textContent = ref.levels[lv] ?? `level ${lv}`;
      ref.label.title = `level ${lv} of ${ref.levels.length - 1}`;
    }
  }

  function attributePicker() {
    const qis = new Set(model.get("quasi_identifiers"));
    const sens = new Set(model.get("sensitive"));
    const boxes = model.get("columns").map((c) => {
      const q = h("input", { type: "checkbox", "data-column": c });
      q.checked = qis.has(c);
      q.addEventListener("change", () => {
        const next = model.get("columns").filter((x) => (x === c ? q.checked : qis.has(x)));
        if (next.length) set("quasi_identifiers", next);
      });
      return h("label", { class: `nba-control nba-pick${sens.has(c) ? " nba-muted" : ""}` }, q, ` ${c}`);
    });
    return h("div", { class: "nba-picker" }, h("div", { class: "nba-muted" }, "Quasi-identifiers (what an attacker may know):"), h("div", { class: "nba-toolbar" }, ...boxes));
  }

  function riskiest(f: Figures) {
    const qis = (model.get("setup")?.quasi_identifiers ?? []).map((q) => q.name);
    const head = h("tr", {}, ...qis.map((q) => h("th", { title: q }, q)), h("th", { class: "nba-num" }, "records"));
    const rows = (f.riskiest ?? []).map((r) =>
      h(
        "tr",
        {},
        ...r.values.map((v) => h(
          "td",
          { class: v.masked ? "nba-masked" : "", title: v.masked ? `masked: a value as it is of a column the scan flagged as personal data${v.hint ? `; ≈ its nearest generalization, ${v.hint}` : ""}` : undefined },
          v.value,
          v.hint ? h("span", { class: "nba-hint" }, ` ≈ ${v.hint}`) : null,
        )),
        h("td", { class: "nba-num" }, `${r.records === 1 ? "1 (alone)" : fmtInt(r.records)}${(r.classes ?? 1) > 1 ? ` × ${r.classes} classes` : ""}`),
      ),
    );
    return h(
      "div",
      { class: "nba-riskiest-box" },
      h("div", { class: "nba-section" }, "Riskiest combinations"),
      h("div", { class: "nba-note" }, "The smallest classes left under the chosen levels and suppression, with their generalized values. Values of columns a scan flagged as personal data are masked where they appear as they are (as in the scan's Cells tab)."),
      rows.length
        ? h("div", { class: "nba-scroll nba-riskiest-scroll" }, h("table", { class: "nba-table nba-riskiest" }, h("thead", {}, head), h("tbody", {}, ...rows)))
        : h("div", { class: "nba-muted" }, "No class left: every record was suppressed."),
    );
  }

  const exporter = exportControls(model as unknown as AnyModel, () => root);
  const topBox = h("div", {});
  const liveBox = h("div", { class: "nba-live" });
  const explorerBox = h("div", { class: "nba-explorer" }, controlsBox, liveBox);
  const bottomBox = h("div", {});
  root.replaceChildren(topBox, explorerBox, bottomBox);

  function searchInfo(result: RiskState["search_result"]): HTMLElement {
    if (!result.levels) return h("span", { class: "nba-note nba-search-info" }, `No generalization reaches k=${model.get("target_k")} within the budget (${fmtInt(result.nodes_evaluated ?? 0)} generalizations evaluated in ${secs(result.wall_seconds ?? result.seconds ?? 0)}).`);
    const words = levelsText({ levels: result.levels, describe: result.descriptions });
    const loss = result.information_loss;
    return h(
      "span",
      { class: "nba-note nba-search-info" },
      h("b", {}, "Best: "),
      words,
      loss !== undefined && loss !== null ? ` · ${LOSS} ${fmtPct(loss)}` : "",
      loss !== undefined && loss !== null ? help("info_loss") : null,
      ` · ${fmtInt(result.nodes_evaluated ?? 0)} of ${fmtInt(result.lattice_size ?? 0)} generalizations evaluated · found in ${secs(result.wall_seconds ?? result.seconds ?? 0)}`,
    );
  }

  function draw() {
    const st = model.get("setup");
    const now = model.get("now");
    const cur = model.get("current");
    if (!st || !st.quasi_identifiers || !now || !cur || !cur.class_sizes) {
      topBox.replaceChildren(h("div", { class: "nba-muted" }, model.get("error") || "No quasi-identifiers yet."));
      explorerBox.style.display = "none";
      bottomBox.replaceChildren();
      return;
    }
    explorerBox.style.display = "";
    syncControls();
    const result = model.get("search_result");
    const info = cur.info_loss ?? {};
    const sens = st.sensitive.length ? ` · sensitive: ${st.sensitive.join(", ")}` : "";
    const findBtn = h("button", { class: "nba-btn nba-primary", "data-action": "search", disabled: model.get("status") === "running", onclick: () => model.send({ type: "search", metric: "entropy" }) }, model.get("status") === "running" ? "Searching…" : `Find the best generalization for k=${model.get("target_k")}`);
    const copy = h("button", { class: "nba-btn", onclick: () => navigator.clipboard?.writeText(model.get("code")) }, "Copy code");
    const varName = h("input", { type: "text", value: ui.varName, class: "nba-var", "aria-label": "variable name" });
    varName.addEventListener("change", () => { ui.varName = varName.value; });
    const store = h("button", { class: "nba-btn", "data-action": "to-frame", onclick: () => model.send({ type: "to_frame", name: varName.value }) }, "Create DataFrame");
    const ok = cur.satisfied && cur.k >= model.get("target_k");
    const top: Array<Node | null> = [
      h("div", { class: "nba-header" }, h("div", { class: "nba-title" }, "Re-identification risk"), h("div", { class: "nba-subtitle" }, `${fmtInt(st.n_records)} records · quasi-identifiers: ${st.quasi_identifiers.map((q) => q.name).join(", ")}${sens}`)),
      // Export at the top, under the title, as in every nbaudit widget
      h("div", { class: "nba-toolbar" }, exporter.button),
      exporter.slot,
      model.get("error") ? h("div", { class: "nba-error" }, model.get("error")) : null,
      h("div", { class: "nba-section" }, "Risk now (no generalization)"),
      figureCards(now, st.population_size),
      h("div", { class: "nba-toolbar" }, h("button", { class: "nba-btn", onclick: () => { ui.pickQI = !ui.pickQI; draw(); } }, ui.pickQI ? "Done" : "Change quasi-identifiers")),
      ui.pickQI ? attributePicker() : null,
      h("div", { class: "nba-section" }, "Generalize"),
    ];
    topBox.replaceChildren(...top.filter((p): p is Node => p !== null));
    liveBox.replaceChildren(
      h("div", { class: `nba-verdict ${ok ? "nba-good" : "nba-badtext"}` }, ok ? `✓ ${model.get("target_k")}-anonymous` : `✗ not ${model.get("target_k")}-anonymous within the budget`),
      h(
        "div",
        { class: "nba-cards" },
        card("k", fmtInt(cur.k), "", "", "k"),
        card("classes", fmtInt(cur.n_classes)),
        card("suppressed", `${fmtInt(cur.suppressed)} (${fmtPct(cur.suppressed / (cur.n_records || 1))})`),
        card("unique", fmtInt(cur.sample_uniques)),
        ...Object.entries(cur.l_diversity ?? {}).map(([n, l]) => card(`l · ${n}`, String(l), "", "", "l")),
        card(LOSS, fmtPct(cur.information_loss ?? info.entropy_share ?? 0), "ARX's non-uniform entropy as a share of its maximum (every value *): the measure the search minimizes, shown the same in the chart and the reports.", "nba-loss", "info_loss"),
      ),
      histogram(now, cur),
    );
    const bottom: Array<Node | null> = [
      h("div", { class: "nba-section" }, "Trade-off: information loss against k"),
      h("div", { class: "nba-note" }, "Every generalization you try is a point (green: meets the target; ring: the search's optimum; blue: on screen now); the dashed line is the Pareto frontier. Click a point to apply it."),
      h("div", { class: "nba-chart-row" }, tradeoff(model.get("explored") ?? [], model.get("levels"), model.get("target_k"), (p) => model.send({ type: "apply_point", levels: p.levels })), riskiest(cur)),
      h("div", { class: "nba-toolbar" }, findBtn, result && result.nodes_evaluated !== undefined ? searchInfo(result) : null),
      h("div", { class: "nba-section" }, "Reproduce"),
      h("div", { class: "nba-toolbar" }, copy, h("span", { class: "nba-muted" }, "or store the result as"), varName, store, ui.stored ? h("span", { class: "nba-good nba-stored" }, ui.stored) : null),
      h("pre", { class: "nba-code" }, model.get("code") ?? ""),
    ];
    bottomBox.replaceChildren(...bottom.filter((p): p is Node => p !== null));
  }

  const onMsg = (msg: unknown) => {
    const m = msg as RiskMessage | null; // checked against the kernel by tests/test_contracts.py
    if (m?.type === "stored") ui.stored = `✓ ${m.name}: ${fmtInt(m.rows)} rows, generalized (the input is unchanged)`;
    else if (m?.type === "error") ui.stored = `✗ ${m.message}`;
    draw();
  };
  model.on("msg:custom", onMsg);
  const keys = ["setup", "now", "current", "explored", "search_result", "status", "error", "levels", "code", "quasi_identifiers"];
  for (const key of keys) model.on(`change:${key}`, draw);
  draw();
  return () => {
    for (const key of keys) model.off(`change:${key}`, draw);
    model.off("msg:custom", onMsg);
    exporter.cleanup();
  };
}
