// The %pii_scan widget: a column inventory and a paged, highlighted, masked cell table.
//
// `render` only wires things up: what is drawn comes from small module-level functions that
// are given the view (`View`: the model, the root element, the view's own state `ui`, and
// `draw`) explicitly, so that each part can be read, and changed, on its own.
import type { AnyModel, RenderProps } from "@anywidget/types";
import type { Empty, ErrorMessage, MarkdownMessage, Status, StoredMessage } from "./lib/contracts";
import { checkbox, fmtInt, fmtPct, h, select, tint } from "./lib/dom";
import { exportControls, exportThroughParent } from "./lib/export";
import { help } from "./lib/help";
import { renderRisk } from "./lib/risk_view";
import { renderSearchPanel, type SearchState } from "./lib/search_panel";

// --- what the kernel sends (js/types/contracts.json maps PiiScanWidget to these) -------------

/** One column of the inventory (ColumnReport.to_dict()). */
interface ColumnRow {
  position: number;
  column: string;
  dtype: string;
  entity: string;
  role: string;
  level: string;
  share: number;
  confidence: number;
  evidence: string;
  /** Shape statistics of the sampled values ("" when none). */
  statistics: string;
  handling: string;
  n_non_null: number;
  n_flagged: number;
  /** Free text: entity -> cells of the sample that hold it. */
  contains: Record<string, number>;
  colour: string;
  /** Only the header says personal data: masked, but unverified. */
  possible: boolean;
  /** The column's own name is personal data: `column` is a masked stand-in. */
  label_masked: boolean;
}

/** PiiScan.to_dict(): the inventory, no cell values. */
interface Summary {
  n_rows: number;
  n_columns: number;
  sample_size: number;
  mode: string;
  /** "patterns" (no model) or "ner:<pipeline> <version>". */
  tier: string;
  elapsed: number;
  min_score: number;
  inventory: ColumnRow[];
  quasi_identifiers: string[];
  /** The frame's index, when the scan found personal data in it. */
  index: ColumnRow | null;
}

/** A piece of a cell: its text and the entity it matched ("" none; "~E" masked, unmatched). */
type Segment = [string, string];

/** PiiScan.page(...): the page of the cell table on screen, masked unless `revealed`. */
interface PageData {
  page: number;
  n_pages: number;
  n_rows: number;
  page_size: number;
  columns: string[];
  entities: string[];
  rows: Array<{ row: number; cells: Segment[][] }>;
  revealed: boolean;
  found_row?: number | null;
}

/** The synced traits this widget reads. */
interface Model {
  summary: Summary | Empty;
  status: Status;
  progress: number;
  progress_message: string;
  error: string;
  page: number;
  page_size: number;
  flagged_rows_only: boolean;
  cell_columns: string[];
  page_data: PageData | Empty;
  /** The Re-identification tab's ReidRiskWidget ("IPY_MODEL_<id>"), once opened. */
  reid: string | null;
}

/** The reply to `find_row`: the page that holds the row, or why there is none. */
interface FoundMessage {
  type: "found";
  row: number | null;
  found: boolean;
  page?: number;
  error: string;
}

/** The raw values of the page on screen (the reply to `reveal`; never a trait). */
interface RevealedMessage {
  type: "revealed";
  page: number;
  data: PageData;
}

/** "Apply handling": the pseudonymized frame stored, and where its key came from. */
interface HandlingStored extends StoredMessage {
  key_source: string;
}

/** Every custom message the kernel sends this widget. */
type PiiMessage = FoundMessage | RevealedMessage | HandlingStored | ErrorMessage | MarkdownMessage;

// --- the view's own state ---------------------------------------------------------------------

type Tab = "inventory" | "cells" | "reid";

interface UiState {
  tab: Tab;
  reidRoot: HTMLElement | null;
  reidCleanup: null | (() => void);
  entity: string;
  role: string;
  sort: string;
  flaggedColumnsOnly: boolean;
  revealed: PageData | null;
  message: string;
  noColumns: boolean;
  varName: string;
  stored: string;
  navNote: string;
  navBad: boolean;
  foundRow: number | null;
  rowText: string;
}

/** One rendered view: what every drawing function is given. */
interface View {
  model: AnyModel<Model>;
  root: HTMLElement;
  ui: UiState;
  exporter: ReturnType<typeof exportControls>;
  draw: () => void;
}

const LEVEL_RANK: Record<string, number> = { high: 3, medium: 2, low: 1, none: 0 };
const ROLES = ["identifier", "quasi_identifier", "sensitive", "none"];
const PAGE_SIZES = [20, 50, 100, 200];

function newUiState(): UiState {
  return {
    tab: "inventory",
    reidRoot: null,
    reidCleanup: null,
    entity: "",
    role: "",
    sort: "risk",
    flaggedColumnsOnly: false,
    revealed: null,
    message: "",
    noColumns: false,
    varName: "pseudonymized",
    stored: "",
    navNote: "",
    navBad: false,
    foundRow: null,
    rowText: "",
  };
}

const isSummary = (s: Summary | Empty | undefined): s is Summary => Boolean(s && s.inventory);
const isPage = (p: PageData | Empty | null | undefined): p is PageData => Boolean(p && p.rows);

/** A role as people write it ("quasi-identifier"), plural when n != 1; the machine name
 *  ("quasi_identifier") stays in the data. */
function roleWord(role: string, n = 1): string {
  const word = role.replace(/_/g, "-");
  return n === 1 || role === "sensitive" || role === "none" ? word : `${word}s`;
}

/** A whole number typed by the user, or null ("", "2.5", "abc", "1e400"). */
function wholeNumber(text: string): number | null {
  const t = text.trim().replace(/[,\s_]/g, "");
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

function inventoryOf(model: AnyModel<Model>): ColumnRow[] {
  const s = model.get("summary");
  return isSummary(s) ? s.inventory : [];
}

/** Entity -> its colour, from the inventory. */
function colourOf(inv: ColumnRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of inv) out[c.entity] = c.colour;
  return out;
}

function chip(entity: string, colour: string) {
  if (!entity || entity === "NONE") return h("span", { class: "nba-muted" }, "—");
  return h(
    "span",
    { class: "nba-chip", style: { background: tint(colour, 0.25), borderColor: colour } },
    entity,
  );
}

/** The inventory rows the entity and role filters keep, in the chosen order. */
function filtered(rows: ColumnRow[], ui: UiState): ColumnRow[] {
  let out = rows.filter(
    (r) => (!ui.entity || r.entity === ui.entity) && (!ui.role || r.role === ui.role),
  );
  if (ui.sort === "risk") {
    out = [...out].sort(
      (a, b) =>
        LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
        b.confidence - a.confidence ||
        a.position - b.position,
    );
  } else if (ui.sort === "flagged") {
    out = [...out].sort((a, b) => b.n_flagged - a.n_flagged || a.position - b.position);
  }
  return out;
}

/** The filters also choose the Cells tab's columns (all of them when no filter is set). */
function syncCellColumns({ model, ui }: View) {
  let cols = filtered(inventoryOf(model), ui);
  if (ui.flaggedColumnsOnly) cols = cols.filter((c) => c.entity !== "NONE");
  const names =
    ui.entity || ui.role || ui.flaggedColumnsOnly
      ? [...cols].sort((a, b) => a.position - b.position).map((c) => c.column)
      : [];
  ui.noColumns = names.length === 0 && Boolean(ui.entity || ui.role || ui.flaggedColumnsOnly);
  if (ui.noColumns) return;
  model.set("cell_columns", names);
  model.set("page", 0);
  model.save_changes();
}

function header(s: Summary) {
  const inv = s.inventory ?? [];
  const counts: Record<string, number> = {};
  for (const c of inv) if (c.entity !== "NONE") counts[c.role] = (counts[c.role] ?? 0) + 1;
  const flagged = inv.filter((c) => c.entity !== "NONE").length;
  const parts = [
    `${fmtInt(s.n_rows)} rows × ${fmtInt(s.n_columns)} columns`,
    `${flagged} column${flagged === 1 ? "" : "s"} with personal data`,
  ];
  for (const r of ROLES.slice(0, 3)) if (counts[r]) parts.push(`${counts[r]} ${roleWord(r, counts[r])}`);
  return h(
    "div",
    { class: "nba-header" },
    h("div", { class: "nba-title" }, "PII scan"),
    h("div", { class: "nba-subtitle" }, parts.join(" · ")),
    h(
      "div",
      { class: "nba-mode" },
      `${s.mode} · columns classified on up to ${fmtInt(s.sample_size)} sampled rows · ` +
        `flagged-cell counts cover every row · ${s.elapsed.toFixed(2)}\u00a0s`,
    ),
  );
}

function tabs(v: View) {
  const mk = (id: Tab, label: string) =>
    h(
      "button",
      {
        class: `nba-tab${v.ui.tab === id ? " nba-active" : ""}`,
        "data-tab": id,
        onclick: () => {
          v.ui.tab = id;
          if (id === "reid" && !v.model.get("reid")) v.model.send({ type: "open_reid" });
          v.draw();
        },
      },
      label,
    );
  return h("div", { class: "nba-tabs", role: "tablist" }, mk("inventory", "Inventory"), mk("cells", "Cells"), mk("reid", "Re-identification"));
}

function filters(v: View, inv: ColumnRow[]) {
  const { ui } = v;
  const entities = [...new Set(inv.map((c) => c.entity))].filter((e) => e !== "NONE").sort();
  const refilter = (apply: () => void) => {
    apply();
    syncCellColumns(v);
    v.draw();
  };
  return h(
    "div",
    { class: "nba-toolbar" },
    select(
      [["", "all entities"], ...entities.map((e) => [e, e] as [string, string]), ["NONE", "no PII"]],
      ui.entity,
      (value) => refilter(() => { ui.entity = value; }),
      "Entity",
    ),
    select(
      [["", "all roles"], ...ROLES.map((r) => [r, roleWord(r)] as [string, string])],
      ui.role,
      (value) => refilter(() => { ui.role = value; }),
      "Role",
    ),
    select(
      [
        ["risk", "risk (highest first)"],
        ["flagged", "flagged cells"],
        ["column", "column order"],
      ],
      ui.sort,
      (value) => {
        ui.sort = value;
        v.draw();
      },
      "Sort by",
    ),
  );
}

function applyHandling({ model, ui }: View) {
  const name = h("input", { type: "text", value: ui.varName, class: "nba-var", "aria-label": "variable name" });
  name.addEventListener("change", () => { ui.varName = name.value; });
  return h(
    "div",
    { class: "nba-toolbar" },
    h("button", { class: "nba-btn", "data-action": "apply-handling", onclick: () => model.send({ type: "apply_handling", name: name.value }) }, "Apply handling"),
    h("span", { class: "nba-muted" }, "to a new DataFrame named"),
    name,
    ui.stored ? h("span", { class: ui.stored.startsWith("✓") ? "nba-good nba-stored" : "nba-badtext" }, ui.stored) : null,
  );
}

// --- the Inventory tab --------------------------------------------------------------------------

const INVENTORY_HEADS: Array<[string, string | null, string]> = [
  ["Column", null, "nba-sticky"],
  ["Entity", null, ""],
  ["Role", "role", ""],
  ["Level", "level", ""],
  ["Share", null, "nba-num"],
  ["Confidence", "confidence", "nba-num"],
  ["Flagged cells", null, "nba-num"],
  ["Handling", null, ""],
];

/** Two rows per column: the figures, then the evidence across the full width (readable
 *  without scrolling right); the column's name spans both and stays in view (sticky). */
function inventoryRows(c: ColumnRow): HTMLElement[] {
  const none = c.entity === "NONE";
  return [
    h(
      "tr",
      { class: `nba-level-${c.level} nba-figures`, "data-column": c.column },
      h("td", { class: "nba-sticky", rowspan: 2 }, h("div", { class: "nba-colname" }, c.column), h("div", { class: "nba-muted nba-nowrap" }, c.dtype)),
      h("td", {}, chip(c.entity, c.colour)),
      h("td", { class: "nba-nowrap", "data-role": c.role }, roleWord(c.role)),
      h("td", {}, h("span", { class: `nba-badge nba-badge-${c.level}` }, c.level)),
      h("td", { class: "nba-num" }, none ? "—" : fmtPct(c.share)),
      h("td", { class: "nba-num" }, none ? "—" : c.confidence.toFixed(2)),
      h("td", { class: "nba-num" }, none ? "0" : `${fmtInt(c.n_flagged)} / ${fmtInt(c.n_non_null)}`),
      h("td", {}, none ? "keep" : h("span", { class: "nba-handling" }, c.handling)),
    ),
    h(
      "tr",
      { class: `nba-level-${c.level} nba-evidence-row`, "data-evidence-for": c.column },
      h(
        "td",
        { class: "nba-evidence", colspan: INVENTORY_HEADS.length - 1 },
        h("span", { class: "nba-evidence-label" }, "Evidence: "),
        h("span", { class: "nba-reasons" }, c.evidence),
        c.statistics ? h("span", { class: "nba-statistics" }, ` · ${c.statistics}`) : null,
      ),
    ),
  ];
}

function inventoryTable(inv: ColumnRow[], ui: UiState) {
  const rows = filtered(inv, ui);
  const head = h("tr", {}, ...INVENTORY_HEADS.map(([t, term, cls]) => h("th", { class: cls || undefined, "data-head": t.toLowerCase() }, t, term ? help(term) : null)));
  const body = rows.flatMap(inventoryRows);
  if (!rows.length) {
    body.push(h("tr", {}, h("td", { colspan: INVENTORY_HEADS.length, class: "nba-muted" }, "No column matches the filter.")));
  }
  return h("div", { class: "nba-scroll nba-inventory-scroll" }, h("table", { class: "nba-table nba-inventory" }, h("thead", {}, head), h("tbody", {}, ...body)));
}

// --- the Cells tab ------------------------------------------------------------------------------

/** Show page `p` (clamped) of `data`, with a note under the pager (`bad`: in red). */
function goToPage(v: View, data: PageData, p: number, note = "", bad = false) {
  v.ui.navNote = note;
  v.ui.navBad = bad;
  v.ui.foundRow = null;
  const target = Math.max(0, Math.min(data.n_pages - 1, Math.trunc(p)));
  if (target === data.page) {
    v.draw();
    return;
  }
  v.model.set("page", target);
  v.model.save_changes();
  if (note) v.draw();
}

/** Jump to page: 1-based in the box; a number past either end shows the nearest page and
 *  says so; text that is not a whole number changes nothing and says what is wanted. */
function pageBox(v: View, data: PageData) {
  const box = h("input", { type: "number", class: "nba-pagebox", min: 1, max: data.n_pages, step: 1, value: String(data.page + 1), "aria-label": "page number", "data-action": "page-number" });
  const jump = () => {
    const n = wholeNumber(box.value);
    const range = `a whole number from 1 to ${fmtInt(data.n_pages)}`;
    if (n === null) goToPage(v, data, data.page, `Page: type ${range}.`, true);
    else if (n < 1) goToPage(v, data, 0, `There is no page ${fmtInt(n)}: showing page 1.`, true);
    else if (n > data.n_pages) goToPage(v, data, data.n_pages - 1, `There is no page ${fmtInt(n)}: showing the last page (${fmtInt(data.n_pages)}).`, true);
    else goToPage(v, data, n - 1);
  };
  box.addEventListener("change", jump);
  box.addEventListener("keydown", (e: KeyboardEvent) => { if (e.key === "Enter") jump(); });
  return box;
}

function pageSizeSelect({ model, ui }: View, data: PageData) {
  const size = data.page_size;
  const sizes = PAGE_SIZES.includes(size) ? PAGE_SIZES : [...PAGE_SIZES, size].sort((a, b) => a - b);
  const control = select(sizes.map((n) => [String(n), String(n)] as [string, string]), String(size), (value) => {
    const next = Number(value);
    // Keep the first row on screen in view.
    const first = data.page * data.page_size;
    ui.navNote = "";
    ui.foundRow = null;
    model.set("page_size", next);
    model.set("page", Math.floor(first / next));
    model.save_changes();
  }, "Rows per page");
  control.querySelector("select")?.setAttribute("data-action", "page-size");
  return control;
}

/** "Find row": a row position (the # column), checked here, then asked of the kernel. */
function findRow(v: View, nRows: number) {
  const { ui } = v;
  const box = h("input", { type: "text", inputmode: "numeric", class: "nba-rowbox", placeholder: "row #", value: ui.rowText, "aria-label": "row number to find", "data-action": "row-number" });
  box.addEventListener("input", () => { ui.rowText = box.value; });
  const find = () => {
    const n = wholeNumber(box.value);
    const last = Math.max(0, nRows - 1);
    if (n === null || n < 0 || n > last) {
      ui.navNote = `Find a row: type a row number (the # column) from 0 to ${fmtInt(last)}.`;
      ui.navBad = true;
      v.draw();
      return;
    }
    ui.navNote = "";
    v.model.send({ type: "find_row", row: n });
  };
  box.addEventListener("keydown", (e: KeyboardEvent) => { if (e.key === "Enter") find(); });
  return h("span", { class: "nba-control" }, h("label", { class: "nba-control" }, "Find row ", box), h("button", { class: "nba-btn", "data-action": "find-row", onclick: find }, "Go"));
}

function pager(v: View, data: PageData, s: Summary) {
  return h(
    "div",
    { class: "nba-toolbar nba-pager" },
    h("button", { class: "nba-btn", "data-action": "prev", disabled: data.page <= 0, onclick: () => goToPage(v, data, data.page - 1) }, "◀ Prev"),
    h("span", { class: "nba-pageinfo" }, `Page ${fmtInt(data.page + 1)} of ${fmtInt(data.n_pages)} · ${fmtInt(data.n_rows)} rows`),
    h("button", { class: "nba-btn", "data-action": "next", disabled: data.page >= data.n_pages - 1, onclick: () => goToPage(v, data, data.page + 1) }, "Next ▶"),
    h("label", { class: "nba-control" }, "Go to page ", pageBox(v, data)),
    pageSizeSelect(v, data),
    findRow(v, s.n_rows),
  );
}

function cellFilters(v: View) {
  const { model, ui } = v;
  return h(
    "div",
    { class: "nba-toolbar" },
    checkbox(model.get("flagged_rows_only"), (on) => {
      model.set("flagged_rows_only", on);
      model.set("page", 0);
      model.save_changes();
    }, "rows with PII only"),
    checkbox(ui.flaggedColumnsOnly, (on) => {
      ui.flaggedColumnsOnly = on;
      syncCellColumns(v);
    }, "columns with PII only"),
    checkbox(ui.revealed !== null, (on) => {
      if (on) model.send({ type: "reveal" });
      else {
        ui.revealed = null;
        v.draw();
      }
    }, "reveal values on this page", "nba-reveal"),
  );
}

/** The pager's note (where "Find row" or "Go to page" went) and what reveal does. */
function cellNotes(ui: UiState): [HTMLElement | null, HTMLElement] {
  const navNote = ui.navNote
    ? h("div", { class: `nba-note nba-navnote${ui.navBad ? " nba-navbad" : ""}`, role: "status" }, ui.navNote)
    : null;
  const note = h(
    "div",
    { class: `nba-note${ui.revealed ? " nba-warn" : ""}` },
    ui.revealed
      ? "Raw values are shown for this page only. They are not saved in the notebook; paging or unticking masks them again."
      : "Values found to be personal data are masked. Tick “reveal” to see this page's raw values (not saved).",
  );
  return [navNote, note];
}

function cellsHead(data: PageData, inv: ColumnRow[]) {
  const byName: Record<string, ColumnRow> = {};
  for (const c of inv) byName[c.column] = c;
  return h(
    "tr",
    {},
    h("th", { class: "nba-rownum" }, "#"),
    ...data.columns.map((name, j) => {
      const info = byName[name];
      return h(
        "th",
        { title: info ? info.evidence : "" },
        h("div", { class: "nba-colname" }, name),
        info && info.entity !== "NONE"
          ? h("div", { class: "nba-colmeta" }, chip(info.entity, info.colour), ` ${fmtInt(info.n_flagged)} flagged`)
          : h("div", { class: "nba-colmeta nba-muted" }, data.entities[j] === "NONE" ? "no PII" : ""),
      );
    }),
  );
}

/** One piece of a cell: plain text, masked (a personal-data column, the value not matched on
 *  its own) or highlighted in its entity's colour. */
function segment([text, entity]: Segment, colours: Record<string, string>): Node | string {
  if (!entity) return text;
  if (entity.startsWith("~")) {
    return h("span", { class: "nba-masked", title: `${entity.slice(1)} column (value not matched)` }, text);
  }
  const colour = colours[entity] ?? "#fd8d3c";
  return h("mark", { class: "nba-hit", title: entity, "data-entity": entity, style: { background: tint(colour, 0.3), borderColor: colour } }, text);
}

function cellsBody(data: PageData, inv: ColumnRow[], foundRow: number | null) {
  const colours = colourOf(inv);
  return data.rows.map((r) =>
    h(
      "tr",
      { class: r.row === foundRow ? "nba-found" : undefined, "data-row": r.row },
      h("td", { class: "nba-rownum" }, fmtInt(r.row)),
      ...r.cells.map((segments) => h("td", {}, ...segments.map((seg) => segment(seg, colours)))),
    ),
  );
}

function cellsView(v: View, s: Summary) {
  const { ui } = v;
  const data = ui.revealed ?? v.model.get("page_data");
  if (!isPage(data)) return h("div", { class: "nba-muted" }, "No cells to show.");
  if (ui.noColumns) return h("div", { class: "nba-muted nba-note" }, "No column matches the filter.");
  const [navNote, note] = cellNotes(ui);
  return h(
    "div",
    {},
    pager(v, data, s),
    navNote,
    cellFilters(v),
    note,
    h("div", { class: "nba-scroll nba-cells-scroll" }, h("table", { class: "nba-table nba-cells" }, h("thead", {}, cellsHead(data, s.inventory)), h("tbody", {}, ...cellsBody(data, s.inventory, ui.foundRow)))),
  );
}

// --- progress, the Re-identification tab, and the whole view -----------------------------------

function progressView(model: AnyModel<Model>) {
  const p = model.get("progress") ?? 0;
  return h(
    "div",
    { class: "nba-progress-wrap" },
    h("div", { class: "nba-progress-label" }, `Scanning… ${Math.round(100 * p)}% ${model.get("progress_message") ?? ""}`),
    h("div", { class: "nba-progress" }, h("div", { class: "nba-progress-bar", style: { width: `${Math.round(100 * p)}%` } })),
  );
}

/** The tab holds a child ReidRiskWidget (pre-selected with the scan's quasi-identifiers),
 *  rendered by the same code as %reid_risk; it is built once, then kept. */
function reidView({ model, ui }: View): Node {
  const ref = model.get("reid");
  if (!ref) return h("div", { class: "nba-muted" }, ui.message || "Preparing the re-identification analysis…");
  if (!ui.reidRoot) {
    const root = h("div", { class: "nba-risk" });
    ui.reidRoot = root;
    const id = ref.replace(/^IPY_MODEL_/, "");
    model.widget_manager
      .get_model<SearchState>(id)
      .then((child) => {
        const panel = h("div", { class: "nbaudit nba-search-panel" });
        const view = h("div", {});
        // One Export per widget: this analysis goes into the scan report (top toolbar).
        exportThroughParent(child);
        const scope = h("div", { class: "nba-note nba-export-scope" }, "This analysis is part of the scan report: “Export scan report” at the top includes it.");
        root.replaceChildren(scope, panel, view);
        const cleanPanel = renderSearchPanel(child, panel);
        const cleanView = renderRisk(child, view);
        ui.reidCleanup = () => {
          cleanPanel();
          cleanView();
        };
      })
      .catch((err: unknown) => root.replaceChildren(h("div", { class: "nba-error" }, `Could not open the analysis: ${String(err)}`)));
  }
  return ui.reidRoot;
}

function draw(v: View) {
  const { model, ui, exporter } = v;
  const s = model.get("summary");
  const parts: Node[] = [];
  if (model.get("status") === "running") parts.push(progressView(model));
  if (model.get("error")) parts.push(h("div", { class: "nba-error" }, model.get("error")));
  if (ui.message) parts.push(h("div", { class: "nba-error" }, ui.message));
  if (isSummary(s)) {
    parts.push(header(s), h("div", { class: "nba-toolbar" }, exporter.button), exporter.slot, tabs(v));
    if (ui.tab === "inventory") parts.push(filters(v, s.inventory), inventoryTable(s.inventory, ui), applyHandling(v));
    else if (ui.tab === "cells") parts.push(filters(v, s.inventory), cellsView(v, s));
    else parts.push(reidView(v));
  }
  v.root.replaceChildren(...parts);
}

// --- messages from the kernel -------------------------------------------------------------------

function onFound({ ui, root, draw: redraw }: View, found: FoundMessage) {
  if (found.error) {
    ui.navNote = found.error;
    ui.navBad = true;
  } else if (typeof found.row === "number") {
    ui.foundRow = found.found ? found.row : null;
    ui.navNote = found.found
      ? `Row ${fmtInt(found.row)} is on page ${fmtInt((found.page ?? 0) + 1)} (highlighted).`
      : `Row ${fmtInt(found.row)} has no personal data in the columns shown: this is the page of the next row that has.`;
    ui.navBad = false;
  }
  redraw();
  const tr = root.querySelector("tr.nba-found");
  const box = root.querySelector(".nba-cells-scroll");
  if (tr && box) {
    // Centre the row inside the table's own scroll box (the notebook does not move).
    box.scrollTop += tr.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 2;
  }
}

function onMessage(v: View, msg: unknown) {
  const m = msg as Partial<PiiMessage> | null;
  const { ui } = v;
  if (m?.type === "found") {
    onFound(v, m as FoundMessage);
    return;
  }
  if (m?.type === "stored") {
    const stored = m as Partial<HandlingStored>;
    ui.stored = `✓ ${stored.name}: ${fmtInt(stored.rows ?? 0)} rows, handling applied (key from ${stored.key_source}; the input is unchanged)`;
    v.draw();
    return;
  }
  if (m?.type === "revealed" && (m as RevealedMessage).data) {
    ui.revealed = (m as RevealedMessage).data;
    ui.message = "";
  } else if (m?.type === "error") {
    ui.message = (m as Partial<ErrorMessage>).message ?? "error";
  }
  v.draw();
}

function render({ model, el }: RenderProps<Model>) {
  const root = h("div", { class: "nbaudit nba-pii" });
  el.append(root);
  const exporter = exportControls(model, () => root, {
    label: "Export scan report",
    scope: "Insert the scan report in a Markdown cell below: the inventory, and the re-identification analysis once its tab is opened (no cell values)",
  });
  const view: View = { model, root, ui: newUiState(), exporter, draw: () => draw(view) };
  const onPage = () => {
    view.ui.revealed = null;
    view.draw();
  };
  const redraw = () => view.draw();
  const listeners: Array<[string, (msg?: unknown) => void]> = [
    ["change:page_data", onPage],
    ["change:summary", redraw],
    ["change:status", redraw],
    ["change:progress", redraw],
    ["change:error", redraw],
    ["change:reid", redraw],
    ["msg:custom", (msg) => onMessage(view, msg)],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  view.draw();
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    view.ui.reidCleanup?.();
    exporter.cleanup();
  };
}

export default { render };
