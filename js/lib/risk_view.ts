// The re-identification explorer: risk now, one control per quasi-identifier, a suppression
// budget, live figures, class-size histogram, trade-off chart (SVG), search and code.
import type { AnyModel } from "@anywidget/types";
import { fmtInt, fmtPct, h, svg as s } from "./dom";
import { exportControls } from "./export";

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
  riskiest?: Array<{ values: Array<{ name: string; value: string }>; records: number }>;
}
interface Point { levels: Record<string, number>; loss: number; entropy: number; k: number; suppressed: number; satisfied: boolean; source: string }

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
  search_result: { levels?: Record<string, number> | null; info_loss?: number; nodes_evaluated?: number; lattice_size?: number; seconds?: number; metric?: string };
  code: string;
  status: string;
  error: string;
}


function card(label: string, value: string, hint = "", cls = "") {
  return h("div", { class: `nba-card ${cls}`.trim(), title: hint }, h("div", { class: "nba-card-value" }, value), h("div", { class: "nba-card-label" }, label));
}

function figureCards(f: Figures, population: number | null) {
  const n = f.n_records || 1;
  const cards = [
    card("k (smallest class)", fmtInt(f.k), "Every record shares its quasi-identifier values with at least k-1 others."),
    card("classes", fmtInt(f.n_classes)),
    card("unique records", `${fmtInt(f.sample_uniques)} (${fmtPct(f.sample_uniques / n)})`, "Records alone in their class: re-identified by anyone who knows their quasi-identifiers.", f.sample_uniques ? "nba-bad" : ""),
    card(`records in classes < ${f.target_k}`, fmtInt(f.records_below_k), "", f.records_below_k ? "nba-bad" : ""),
    card("highest risk", fmtPct(f.highest_risk), "Prosecutor risk of the most exposed record (1/k)."),
    card("average risk", fmtPct(f.average_risk), "Prosecutor risk averaged over records (classes / records)."),
  ];
  if (population) {
    cards.push(card("journalist risk", fmtPct(f.journalist_risk), `Highest risk against a population of ${fmtInt(population)}.`));
    cards.push(card("marketer risk", fmtPct(f.marketer_risk), "Expected share re-identified by matching everyone."));
  }
  for (const [name, l] of Object.entries(f.l_diversity ?? {})) {
    cards.push(card(`l-diversity · ${name}`, `${l} (entropy ${(f.entropy_l_diversity[name] ?? 0).toFixed(2)})`, "Distinct sensitive values in the worst class; entropy l in brackets."));
    cards.push(card(`t-closeness · ${name}`, (f.t_closeness[name] ?? 0).toFixed(3), "Largest distance of a class's distribution from the whole table's (0 = identical)."));
  }
  return h("div", { class: "nba-cards" }, ...cards);
}

function histogram(now: Figures, current: Figures) {
  const W = 360, H = 150, pad = 28;
  const bins = current.class_sizes ?? [];
  const max = Math.max(1, ...bins.map((b) => b.records), ...(now.class_sizes ?? []).map((b) => b.records));
  const svg = s("svg", { width: W, height: H + 34, class: "nba-hist", role: "img", "aria-label": "Records by class size" });
  const bw = (W - pad) / Math.max(1, bins.length);
  bins.forEach((b, i) => {
    const before = now.class_sizes?.[i]?.records ?? 0;
    const x = pad + i * bw;
    const hb = (before / max) * H, hc = (b.records / max) * H;
    svg.append(s("rect", { x: x + 3, y: H - hb, width: bw - 6, height: hb, class: "nba-bar-before" }));
    const bar = s("rect", { x: x + 7, y: H - hc, width: bw - 14, height: hc, class: i < 2 ? "nba-bar nba-bar-risky" : "nba-bar" });
    bar.append(s("title", {}, `class size ${b.size}: ${b.records} records in ${b.classes} classes (before: ${before})`));
    svg.append(bar);
    svg.append(s("text", { x: x + bw / 2, y: H + 14, "text-anchor": "middle", class: "nba-axis" }, b.size));
  });
  svg.append(s("text", { x: pad + (W - pad) / 2, y: H + 30, "text-anchor": "middle", class: "nba-axis" }, "class size (records per bar; grey = before)"));
  return svg;
}

function pareto(points: Point[]): Point[] {
  // Lower loss and higher k are better; the frontier is the points nothing beats on both.
  const sorted = [...points].sort((a, b) => a.loss - b.loss || b.k - a.k);
  const out: Point[] = [];
  let bestK = -1;
  for (const p of sorted) if (p.k > bestK) { out.push(p); bestK = p.k; }
  return out;
}

function tradeoff(points: Point[], current: Record<string, number>, onPick: (p: Point) => void) {
  const W = 420, H = 220, L = 44, B = 34;
  const svg = s("svg", { width: W, height: H + B, class: "nba-tradeoff", role: "img", "aria-label": "Information loss against k" });
  const maxK = Math.max(2, ...points.map((p) => p.k));
  const ly = (k: number) => H - (Math.log10(Math.max(1, k)) / Math.log10(maxK)) * (H - 10) ;
  const lx = (loss: number) => L + loss * (W - L - 10);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s("line", { x1: lx(t), x2: lx(t), y1: 0, y2: H, class: "nba-grid" }));
    svg.append(s("text", { x: lx(t), y: H + 14, "text-anchor": "middle", class: "nba-axis" }, `${t * 100}%`));
  }
  for (const k of [1, 2, 5, 10, 100, 1000, 10000].filter((k) => k <= maxK)) {
    svg.append(s("line", { x1: L, x2: W - 10, y1: ly(k), y2: ly(k), class: "nba-grid" }));
    svg.append(s("text", { x: L - 4, y: ly(k) + 4, "text-anchor": "end", class: "nba-axis" }, String(k)));
  }
  svg.append(s("text", { x: L + (W - L) / 2, y: H + 30, "text-anchor": "middle", class: "nba-axis" }, "information loss →"));
  svg.append(s("text", { x: 10, y: H / 2, transform: `rotate(-90 10 ${H / 2})`, "text-anchor": "middle", class: "nba-axis" }, "k (log)"));
  const front = pareto(points);
  if (front.length > 1) {
    svg.append(s("polyline", { points: front.map((p) => `${lx(p.loss)},${ly(p.k)}`).join(" "), class: "nba-front" }));
  }
  const same = (a: Record<string, number>, b: Record<string, number>) => Object.keys(a).every((q) => a[q] === b[q]);
  points.forEach((p, i) => {
    const onFront = front.includes(p);
    const dot = s("circle", {
      cx: lx(p.loss), cy: ly(p.k), r: same(p.levels, current) ? 7 : 5,
      class: `nba-dot${p.satisfied ? " nba-ok" : ""}${onFront ? " nba-onfront" : ""}${p.source === "search" ? " nba-found" : ""}${same(p.levels, current) ? " nba-current" : ""}`,
      "data-index": i,
      tabindex: 0,
    });
    dot.append(s("title", {}, `k=${p.k}, loss ${(100 * p.loss).toFixed(1)}%, suppressed ${p.suppressed}${p.source === "search" ? " (search)" : ""}\n${Object.entries(p.levels).map(([q, l]) => `${q}: ${l}`).join(", ")}\nclick to apply`));
    dot.addEventListener("click", () => onPick(p));
    svg.append(dot);
  });
  return svg;
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
        label.textContent = `level ${slider.value}: ${q.levels[Number(slider.value)] ?? ""}`;
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
      ref.label.textContent = `level ${lv}: ${ref.levels[lv] ?? ""}`;
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
    const rows = (f.riskiest ?? []).map((r) =>
      h("tr", {}, h("td", {}, r.values.map((v) => `${v.name} ${v.value}`).join(" + ")), h("td", { class: "nba-num" }, r.records === 1 ? "1 record alone" : `${fmtInt(r.records)} records`)),
    );
    return h(
      "div",
      {},
      h("div", { class: "nba-section" }, "Riskiest combinations"),
      h("div", { class: "nba-note" }, "The smallest classes left under the chosen levels and suppression (original values masked)."),
      h("table", { class: "nba-table nba-riskiest" }, h("tbody", {}, ...rows)),
    );
  }

  const exporter = exportControls(model as unknown as AnyModel, () => root);
  const topBox = h("div", {});
  const liveBox = h("div", { class: "nba-live" });
  const explorerBox = h("div", { class: "nba-explorer" }, controlsBox, liveBox);
  const bottomBox = h("div", {});
  root.replaceChildren(topBox, explorerBox, bottomBox);

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
        card("k", fmtInt(cur.k)),
        card("classes", fmtInt(cur.n_classes)),
        card("suppressed", `${fmtInt(cur.suppressed)} (${fmtPct(cur.suppressed / (cur.n_records || 1))})`),
        card("unique", fmtInt(cur.sample_uniques)),
        ...Object.entries(cur.l_diversity ?? {}).map(([n, l]) => card(`l · ${n}`, String(l))),
        card("information loss", fmtPct(info.entropy_share ?? 0), `Non-uniform entropy ${fmtInt(Math.round(info.entropy ?? 0))} as a share of its maximum (every value *), the measure the search minimizes. Loss metric ${fmtPct(info.loss ?? 0)}; DM* ${fmtInt(info.dm_star ?? 0)}; AECS ${(info.aecs ?? 0).toFixed(1)}.`),
      ),
      histogram(now, cur),
    );
    const bottom: Array<Node | null> = [
      h("div", { class: "nba-section" }, "Trade-off: information loss against k"),
      h("div", { class: "nba-note" }, "Every generalization you try is a point (green: meets the target; black ring: the search's optimum; blue: on screen now); the dashed line is the Pareto frontier. Information loss is non-uniform entropy, the measure the search minimizes. Click a point to apply it."),
      h("div", { class: "nba-chart-row" }, tradeoff(model.get("explored") ?? [], model.get("levels"), (p) => model.send({ type: "apply_point", levels: p.levels })), riskiest(cur)),
      h("div", { class: "nba-toolbar" }, findBtn, result && result.nodes_evaluated !== undefined ? h("span", { class: "nba-note nba-search-info" }, result.levels ? `Best: ${Object.entries(result.levels).map(([q, l]) => `${q} ${l}`).join(", ")} · entropy loss ${fmtInt(Math.round(result.info_loss ?? 0))} · ${fmtInt(result.nodes_evaluated)} of ${fmtInt(result.lattice_size ?? 0)} generalizations evaluated in ${(result.seconds ?? 0).toFixed(2)}\u00a0s` : `No generalization reaches k=${model.get("target_k")} within the budget.`) : null),
      h("div", { class: "nba-section" }, "Reproduce"),
      h("div", { class: "nba-toolbar" }, copy, h("span", { class: "nba-muted" }, "or store the result as"), varName, store, ui.stored ? h("span", { class: "nba-good nba-stored" }, ui.stored) : null),
      h("pre", { class: "nba-code" }, model.get("code") ?? ""),
      h("div", { class: "nba-toolbar" }, exporter.button),
      exporter.slot,
    ];
    bottomBox.replaceChildren(...bottom.filter((p): p is Node => p !== null));
  }

  const onMsg = (msg: unknown) => {
    const m = msg as { type?: string; name?: string; rows?: number; message?: string };
    if (m?.type === "stored") ui.stored = `✓ ${m.name}: ${fmtInt(m.rows ?? 0)} rows, generalized (the input is unchanged)`;
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
