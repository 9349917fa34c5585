// The %dp widget: a log-scale epsilon slider, expected 95% half-widths rescaled in the browser
// (the Laplace scale is proportional to 1/epsilon), accuracy targets, the privacy-utility
// curve, the budget ledger, and Release. Before a release nothing here is a true aggregate.
import type { RenderProps } from "@anywidget/types";
import type { Empty, ErrorMessage, MarkdownMessage, Status, StoredMessage } from "./lib/contracts";
import { h, select, svg as s } from "./lib/dom";
import { exportControls } from "./lib/export";

type Num = number | null;
interface UnitEntry { kind: string; scale: number; half_width: number; half_width_975: number; shown: boolean; bounds?: [number, number] }
interface PlanRow { aggregate: string; epsilon: number; mechanism: string; bounds: string; sensitivity: number; scale: number; half_width_95: Num; relative_to_size: Num; target: Num; meets_target: boolean | null }
interface Plan { epsilon: number; delta: number; shares: Record<string, number>; scales: Record<string, number>; threshold: Num; rows: PlanRow[]; total_rows: number; unit: Record<string, UnitEntry> }
interface Ledger { epsilon_total: number; delta_total: number; spent: number; remaining: number; delta_spent: number; delta_remaining: number; entries: Array<{ release: number; query: string; epsilon: number; delta: number; shares: Record<string, number>; keys: string; repeat_of: number | null; time: string }> }
interface ReleaseRow { aggregate: string; value: Num; half_width_95: Num; lower: Num; upper: Num; [key: string]: unknown }
interface ReleaseInfo { number: number; epsilon: number; delta: number; shares: Record<string, number>; threshold: Num; repeat_of: number | null; note: string; time: string; rows: ReleaseRow[]; total_rows: number; library: string }
interface QueryInfo {
  description: string; by: string[]; labels: string[]; public_keys: boolean;
  keys: Record<string, { values: string[]; total: number }> | null; keys_text: string;
  unit: string | null; contributions: number; epsilon_total: number; delta: number;
  measurements: Array<{ label: string; kind: string; bounds: [number, number] | null; sensitivity: number; mechanism: string; shown: boolean }>;
}
/** The synced traits this widget reads (js/types/contracts.json maps DPWidget here); a bare
 *  DPWidget() has no query yet, so its query, plan and ledger are still empty. */
interface Model {
  epsilon: number; group_size: number; targets: Record<string, number | string>; sizes: Record<string, number>;
  query_info: QueryInfo | Empty; plan: Plan | Empty; ledger: Ledger | Empty; releases: ReleaseInfo[]; output_name: string;
  status: Status; error: string;
}
/** A release the session's budget refused (`DPWidget.release`). */
interface RefusedMessage { type: "refused"; message: string }
/** A release made: its number in the session's ledger and its note (a repeat, a warning). */
interface ReleasedMessage { type: "released"; number: number; note: string }
/** The released frame stored in the -o variable. */
interface ReleaseStored extends StoredMessage { release: number }
/** Every custom message the kernel sends this widget. */
type DpMessage = RefusedMessage | ReleasedMessage | ReleaseStored | ErrorMessage | MarkdownMessage;

const isQuery = (q: QueryInfo | Empty | undefined): q is QueryInfo => Boolean(q && q.labels);
const isPlan = (p: Plan | Empty | undefined): p is Plan => Boolean(p && p.unit);
const isLedger = (l: Ledger | Empty | undefined): l is Ledger => Boolean(l && l.entries);

const EPS_MIN = 0.01;
const STEPS = 1000;
const fmt = (v: Num | undefined, d = 3): string => (v === null || v === undefined || !isFinite(v) ? "—" : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(d)).toString());

/** Expected 95% half-width of `label` at query epsilon `eps`, from the unit (eps = 1) figures. */
export function halfWidth(unit: Record<string, UnitEntry>, label: string, eps: number, groupSize: number): Num {
  const u = unit[label];
  if (!u) return null;
  if (u.kind !== "mean") return u.half_width / eps;
  if (!groupSize || !u.bounds) return null;
  const [lo, hi] = u.bounds;
  const a = u.half_width_975 / eps;
  const b = unit["count"].half_width_975 / eps;
  if (groupSize <= b) return hi - lo;
  return Math.min(hi - lo, (a + ((hi - lo) / 2) * b) / (groupSize - b));
}

function targetOf(t: number | string | undefined, size: number | undefined): Num {
  if (t === undefined || t === "") return null;
  if (typeof t === "string" && t.trim().endsWith("%")) {
    const f = parseFloat(t) / 100;
    return size && isFinite(f) && f > 0 ? f * Math.abs(size) : null;
  }
  const n = Number(t);
  return isFinite(n) && n > 0 ? n : null;
}

function curve(unit: Record<string, UnitEntry>, label: string, eps: number, epsMax: number, groupSize: number, target: Num) {
  const W = 420, H = 170, L = 56, B = 30;
  const svg = s("svg", { width: W, height: H + B, class: "nba-dp-curve", role: "img", "aria-label": `expected error of ${label} against epsilon` });
  const lx0 = Math.log10(EPS_MIN), lx1 = Math.log10(Math.max(epsMax, EPS_MIN * 10));
  const xs: number[] = [];
  for (let i = 0; i <= 60; i++) xs.push(10 ** (lx0 + ((lx1 - lx0) * i) / 60));
  const ys = xs.map((e) => halfWidth(unit, label, e, groupSize));
  const valid = ys.filter((y): y is number => y !== null && isFinite(y) && y > 0);
  if (!valid.length) {
    svg.append(s("text", { x: 20, y: 40, class: "nba-axis" }, label.startsWith("mean") ? "give a group size to see the mean's error" : "no data"));
    return svg;
  }
  const ly0 = Math.log10(Math.min(...valid, target ?? Infinity)), ly1 = Math.log10(Math.max(...valid, target ?? 0));
  const x = (e: number) => L + ((Math.log10(e) - lx0) / (lx1 - lx0)) * (W - L - 10);
  const y = (v: number) => H - 5 - ((Math.log10(v) - ly0) / Math.max(1e-9, ly1 - ly0)) * (H - 15);
  for (const e of [0.01, 0.1, 1, 10, 100]) {
    if (e < EPS_MIN || e > 10 ** lx1) continue;
    svg.append(s("line", { x1: x(e), x2: x(e), y1: 0, y2: H, class: "nba-grid" }));
    svg.append(s("text", { x: x(e), y: H + 14, "text-anchor": "middle", class: "nba-axis" }, String(e)));
  }
  svg.append(s("text", { x: L - 4, y: y(10 ** ly1) + 8, "text-anchor": "end", class: "nba-axis" }, fmt(10 ** ly1, 2)));
  svg.append(s("text", { x: L - 4, y: y(10 ** ly0), "text-anchor": "end", class: "nba-axis" }, fmt(10 ** ly0, 2)));
  const pts = xs.map((e, i) => (ys[i] && (ys[i] as number) > 0 ? `${x(e)},${y(ys[i] as number)}` : null)).filter(Boolean);
  svg.append(s("polyline", { points: pts.join(" "), class: "nba-line-acc", fill: "none", stroke: "#2563eb", "stroke-width": 2 }));
  if (target) svg.append(s("line", { x1: L, x2: W - 10, y1: y(target), y2: y(target), stroke: "#16a34a", "stroke-dasharray": "4 3", class: "nba-dp-target" }));
  svg.append(s("line", { x1: x(eps), x2: x(eps), y1: 0, y2: H, class: "nba-marker", stroke: "#dc2626" }));
  svg.append(s("text", { x: L + (W - L) / 2, y: H + 28, "text-anchor": "middle", class: "nba-axis" }, "epsilon of this query (log scale) → 95% half-width (log scale)"));
  return svg;
}

function errorBar(row: ReleaseRow, lo: number, hi: number) {
  const W = 120, pad = 4;
  const sv = s("svg", { width: W, height: 14, class: "nba-dp-bar" });
  if (row.value === null || row.lower === null || row.upper === null || hi <= lo) return sv;
  const x = (v: number) => pad + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (W - 2 * pad);
  sv.append(s("line", { x1: x(row.lower), x2: x(row.upper), y1: 7, y2: 7, stroke: "#64748b", "stroke-width": 2 }));
  sv.append(s("circle", { cx: x(row.value), cy: 7, r: 3, fill: "#2563eb" }));
  return sv;
}

function render({ model, el }: RenderProps<Model>) {
  const root = h("div", { class: "nbaudit nba-dp" });
  el.append(root);
  const ui = { curve: "", eps: model.get("epsilon") };
  let timer: ReturnType<typeof setTimeout> | undefined;

  const info = h("div", {});
  const slider = h("input", { type: "range", min: 0, max: STEPS, step: 1, class: "nba-dp-epsilon", "aria-label": "epsilon (log scale)" });
  const epsText = h("span", { class: "nba-threshold-value nba-dp-epsilon-value" }, "");
  const sizeInput = h("input", { type: "number", min: 1, step: 1, placeholder: "e.g. 500", class: "nba-dp-group-size", "aria-label": "expected group size", style: { width: "7em" } });
  const splitBox = h("div", { class: "nba-note nba-dp-split" });
  const previewBox = h("div", {});
  const curveBox = h("div", {});
  const releaseBox = h("div", {});
  const ledgerBox = h("div", {});
  const releasesBox = h("div", {});
  const message = h("div", { class: "nba-dp-message" });
  const exporter = exportControls(model, () => root);

  const epsMax = () => Math.max(EPS_MIN * 10, model.get("query_info")?.epsilon_total ?? 1);
  const query = () => { const q = model.get("query_info"); return isQuery(q) ? q : null; };
  const toEps = (pos: number) => 10 ** (Math.log10(EPS_MIN) + ((Math.log10(epsMax()) - Math.log10(EPS_MIN)) * pos) / STEPS);
  const toPos = (eps: number) => Math.round(((Math.log10(eps) - Math.log10(EPS_MIN)) / (Math.log10(epsMax()) - Math.log10(EPS_MIN))) * STEPS);

  slider.addEventListener("input", () => {
    ui.eps = Number(toEps(Number(slider.value)).toPrecision(3));
    drawPreview(); // instant: rescaled here, no kernel round trip
    clearTimeout(timer);
    timer = setTimeout(() => { model.set("epsilon", ui.eps); model.save_changes(); }, 250);
  });
  sizeInput.addEventListener("change", () => { model.set("group_size", Number(sizeInput.value) || 0); model.save_changes(); });

  root.replaceChildren(
    info,
    h("div", { class: "nba-section" }, "Privacy budget of the next release"),
    h("div", { class: "nba-toolbar" }, h("span", {}, "epsilon"), slider, epsText, h("label", { class: "nba-control" }, "expected group size (public guess, for means) ", sizeInput)),
    splitBox,
    h("div", { class: "nba-section" }, "Expected error at 95% (from the noise scale, before any release)"),
    previewBox,
    curveBox,
    releaseBox,
    message,
    h("div", { class: "nba-section" }, "Budget ledger"),
    ledgerBox,
    releasesBox,
    h("div", { class: "nba-toolbar" }, exporter.button),
    exporter.slot,
  );

  function drawInfo() {
    const q = query();
    if (!q) { info.replaceChildren(h("div", { class: "nba-muted" }, model.get("error") || "No query yet.")); return; }
    const keys = q.by.length === 0 ? "One group: the whole table." : q.public_keys
      ? `Public group keys (${Object.entries(q.keys ?? {}).map(([k, v]) => `${v.total} ${k}`).join(" × ")}): given by you, so every combination is released, even empty ones, and rows with other keys are left out. Public keys reveal nothing about the data.`
      : "Private group keys: the groups come from the data, so a group is released only if its noisy count passes a threshold set by delta (smaller delta, higher threshold). Small groups are dropped; no key is shown before a release. Give public keys (keys=... / --keys) to release a fixed list instead.";
    const parts: Array<Node | null> = [
      h("div", { class: "nba-header" }, h("div", { class: "nba-title" }, "Differential privacy explorer"), h("div", { class: "nba-subtitle" }, `${q.description} · unit of privacy: ${q.unit ?? "one row"} · at most ${q.contributions} row(s) per unit`)),
      model.get("error") ? h("div", { class: "nba-error" }, model.get("error")) : null,
      h("div", { class: "nba-note nba-dp-keys" }, keys),
    ];
    info.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  function drawPreview() {
    const plan = model.get("plan");
    const q = query();
    if (!isPlan(plan) || !q) { previewBox.replaceChildren(); return; }
    const eps = ui.eps;
    if (document.activeElement !== slider) slider.value = String(toPos(eps));
    epsText.textContent = `ε = ${eps}`;
    const total = Object.values(plan.unit).length;
    const weights = plan.shares; const wsum = Object.values(weights).reduce((a, b) => a + b, 0) || 1;
    splitBox.textContent = `Split of this release across its ${total} noisy measurement(s): ${Object.keys(weights).map((k) => `${k} ε ${fmt((eps * weights[k]) / wsum)}`).join(" · ")}. ` +
      (plan.threshold !== null ? `Private keys: threshold ≈ ${fmt((plan.threshold * plan.epsilon) / eps)} (exact at ε ${plan.epsilon}: ${fmt(plan.threshold)}), delta ${plan.delta.toExponential(2)}.` : "");
    const targets = model.get("targets") ?? {}, sizes = model.get("sizes") ?? {};
    const gsize = model.get("group_size");
    const head = h("tr", {}, ...["Aggregate", "ε share", "Mechanism", "Clamp", "Sensitivity", "95% half-width", "Target (abs. or %)", "Reference size", "Meets?"].map((t) => h("th", {}, t)));
    const rows = q.labels.map((label) => {
      const r = plan.rows.find((x) => x.aggregate === label);
      const hw = Math.abs(eps - plan.epsilon) < 1e-12 && r ? r.half_width_95 : halfWidth(plan.unit, label, eps, gsize);
      const tgt = targetOf(targets[label], sizes[label]);
      const tIn = h("input", { type: "text", value: targets[label] === undefined ? "" : String(targets[label]), placeholder: "50 or 10%", "data-target": label, style: { width: "6em" } });
      tIn.addEventListener("change", () => { const t = { ...model.get("targets") }; if (tIn.value.trim()) t[label] = tIn.value.trim().endsWith("%") ? tIn.value.trim() : Number(tIn.value); else delete t[label]; model.set("targets", t); model.save_changes(); });
      const sIn = h("input", { type: "number", value: sizes[label] === undefined ? "" : String(sizes[label]), placeholder: "expected", "data-size": label, style: { width: "6em" } });
      sIn.addEventListener("change", () => { const z = { ...model.get("sizes") }; if (sIn.value) z[label] = Number(sIn.value); else delete z[label]; model.set("sizes", z); model.save_changes(); });
      const meets = hw === null || tgt === null ? h("span", { class: "nba-muted" }, "—") : hw <= tgt ? h("span", { class: "nba-good" }, "✓ yes") : h("span", { class: "nba-badtext" }, "✗ no");
      return h("tr", { "data-aggregate": label },
        h("td", {}, label), h("td", { class: "nba-num" }, fmt(r ? (r.epsilon * eps) / plan.epsilon : null)),
        h("td", { class: "nba-muted" }, r?.mechanism ?? ""), h("td", {}, r?.bounds ?? ""), h("td", { class: "nba-num" }, fmt(r?.sensitivity ?? null)),
        h("td", { class: "nba-num nba-dp-hw" }, hw === null ? "give a group size" : `± ${fmt(hw)}`),
        h("td", {}, tIn), h("td", {}, sIn), h("td", {}, meets));
    });
    previewBox.replaceChildren(
      h("div", { class: "nba-scroll" }, h("table", { class: "nba-table nba-dp-preview" }, h("thead", {}, head), h("tbody", {}, ...rows))),
      h("div", { class: "nba-note" }, "Half-widths come from the mechanisms' noise scales (OpenDP), which depend only on public parameters: bounds, contributions, epsilon. A target is absolute, or a percentage of a reference size you supply — never of the true value. The mean's error depends on the group size: give a public guess; after a release, the noisy count is used."),
    );
    if (!ui.curve || !q.labels.includes(ui.curve)) ui.curve = q.labels[0];
    curveBox.replaceChildren(
      h("div", { class: "nba-toolbar" }, select(q.labels.map((l) => [l, l] as [string, string]), ui.curve, (v) => { ui.curve = v; drawPreview(); }, "Privacy-utility curve of")),
      curve(plan.unit, ui.curve, eps, epsMax(), gsize, targetOf(targets[ui.curve], sizes[ui.curve])),
    );
    drawRelease();
  }

  function drawRelease() {
    const ledger = model.get("ledger");
    if (!isLedger(ledger)) return;
    const eps = ui.eps;
    const over = eps > ledger.remaining + 1e-12;
    const q = query();
    const before = (ledger.entries ?? []).filter((e) => e.query === q?.description);
    const running = model.get("status") === "running";
    releaseBox.replaceChildren(h("div", { class: "nba-toolbar" },
      h("button", { class: "nba-btn nba-primary", "data-action": "release", disabled: over || running, onclick: () => { clearTimeout(timer); model.send({ type: "release", epsilon: ui.eps }); } }, running ? "Releasing…" : `Release at ε ${eps} (spends it)`),
      h("span", { class: over ? "nba-badtext" : "nba-muted" }, over ? `Only ε ${fmt(ledger.remaining)} remains of ${fmt(ledger.epsilon_total)}.` : `Spends ε ${eps} of the ${fmt(ledger.remaining)} remaining; cannot be undone.`),
      before.length ? h("span", { class: "nba-warn-text nba-dp-repeat" }, ` ⚠ This query was released ${before.length} time(s): releasing again draws fresh noise and spends again.`) : null,
    ));
  }

  function drawLedger() {
    const ledger = model.get("ledger");
    if (!isLedger(ledger)) return;
    const pct = Math.min(100, (100 * ledger.spent) / ledger.epsilon_total);
    const bar = h("div", { class: "nba-dp-budget", style: { background: "var(--nba-bg2)", border: "1px solid var(--nba-border)", height: "10px", width: "320px", borderRadius: "5px" } }, h("div", { style: { background: "var(--nba-accent)", height: "100%", width: `${pct}%`, borderRadius: "5px" } }));
    const head = h("tr", {}, ...["Release", "Query", "ε", "δ", "Keys", "Note"].map((t) => h("th", {}, t)));
    const rows = ledger.entries.map((e) => h("tr", {}, h("td", { class: "nba-num" }, String(e.release)), h("td", {}, e.query), h("td", { class: "nba-num" }, fmt(e.epsilon)), h("td", { class: "nba-num" }, e.delta ? e.delta.toExponential(2) : "0"), h("td", {}, e.keys), h("td", { class: "nba-warn-text" }, e.repeat_of ? `repeats release ${e.repeat_of}: spent again` : "")));
    ledgerBox.replaceChildren(
      h("div", { class: "nba-toolbar nba-dp-spent" }, bar, h("span", {}, `spent ε ${fmt(ledger.spent)} of ${fmt(ledger.epsilon_total)} · remaining ε ${fmt(ledger.remaining)}${ledger.delta_total ? ` · δ spent ${ledger.delta_spent.toExponential(2)} of ${ledger.delta_total.toExponential(2)}` : ""}`)),
      ledger.entries.length ? h("div", { class: "nba-scroll" }, h("table", { class: "nba-table nba-dp-ledger" }, h("thead", {}, head), h("tbody", {}, ...rows))) : h("div", { class: "nba-muted" }, "Nothing released yet: previews spend nothing."),
    );
  }

  function drawReleases() {
    const rels = model.get("releases") ?? [];
    const q = query();
    releasesBox.replaceChildren(...rels.slice().reverse().map((r) => {
      const byCols = q?.by ?? [];
      const parts: Node[] = [h("div", { class: "nba-section" }, `Release ${r.number}: noisy values with 95% error bars (ε ${fmt(r.epsilon)}${r.delta ? `, δ ${r.delta.toExponential(2)}` : ""}, ${r.library})`)];
      if (r.note) parts.push(h("div", { class: "nba-note nba-warn nba-dp-note" }, r.note));
      const labels = [...new Set(r.rows.map((x) => x.aggregate))];
      for (const label of labels) {
        const rows = r.rows.filter((x) => x.aggregate === label);
        const lo = Math.min(...rows.map((x) => (x.lower ?? 0) as number)), hi = Math.max(...rows.map((x) => (x.upper ?? 0) as number));
        const head = h("tr", {}, ...[...byCols, label, "± 95%", ""].map((t) => h("th", {}, t)));
        const body = rows.map((x) => h("tr", {}, ...byCols.map((c) => h("td", {}, String(x[c] ?? "—"))), h("td", { class: "nba-num nba-dp-value" }, fmt(x.value)), h("td", { class: "nba-num" }, fmt(x.half_width_95)), h("td", {}, errorBar(x, lo, hi))));
        parts.push(h("div", { class: "nba-scroll nba-dp-release-scroll" }, h("table", { class: "nba-table nba-dp-release" }, h("thead", {}, head), h("tbody", {}, ...body))));
      }
      if (r.total_rows > r.rows.length) parts.push(h("div", { class: "nba-muted" }, `${r.rows.length} of ${r.total_rows} rows shown; the full table is in Python (-o or session.releases).`));
      return h("div", { class: "nba-dp-release-box", "data-release": r.number }, ...parts);
    }));
  }

  const onMsg = (msg: unknown) => {
    const m = msg as Partial<DpMessage> | null;
    if (m?.type === "refused" || m?.type === "error") message.replaceChildren(h("div", { class: "nba-error" }, (m as Partial<RefusedMessage>).message ?? ""));
    else if (m?.type === "released") { const r = m as Partial<ReleasedMessage>; message.replaceChildren(h("div", { class: "nba-good nba-dp-released" }, `✓ Release ${r.number} done.${r.note ? ` ${r.note}` : ""}`)); }
    else if (m?.type === "stored") message.append(h("div", { class: "nba-good" }, `Stored as ${(m as Partial<ReleaseStored>).name}.`));
  };
  model.on("msg:custom", onMsg);
  const onEps = () => { ui.eps = model.get("epsilon"); drawPreview(); };
  const all = () => { drawInfo(); drawPreview(); drawLedger(); drawReleases(); };
  const keys = ["query_info", "plan", "ledger", "releases", "status", "error", "targets", "sizes", "group_size"];
  for (const k of keys) model.on(`change:${k}`, all);
  model.on("change:epsilon", onEps);
  sizeInput.value = model.get("group_size") ? String(model.get("group_size")) : "";
  all();
  return () => {
    for (const k of keys) model.off(`change:${k}`, all);
    model.off("change:epsilon", onEps);
    model.off("msg:custom", onMsg);
    exporter.cleanup();
  };
}

export default { render };
