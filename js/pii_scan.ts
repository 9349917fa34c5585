// The %pii_scan widget: a column inventory and a paged, highlighted, masked cell table.
import type { RenderProps } from "@anywidget/types";
import { checkbox, fmtInt, fmtPct, h, select, tint } from "./lib/dom";
import { exportControls, exportThroughParent } from "./lib/export";
import { help } from "./lib/help";
import { renderRisk } from "./lib/risk_view";
import { renderSearchPanel, type SearchState } from "./lib/search_panel";

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
  statistics?: string;
  handling: string;
  n_non_null: number;
  n_flagged: number;
  colour: string;
}

interface Summary {
  n_rows: number;
  n_columns: number;
  sample_size: number;
  mode: string;
  elapsed: number;
  inventory: ColumnRow[];
  quasi_identifiers: string[];
}

type Segment = [string, string];
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

interface Model {
  summary: Summary;
  status: string;
  progress: number;
  progress_message: string;
  error: string;
  page: number;
  page_size: number;
  flagged_rows_only: boolean;
  cell_columns: string[];
  page_data: PageData;
  reid: string | null;
}

const LEVEL_RANK: Record<string, number> = { high: 3, medium: 2, low: 1, none: 0 };
const ROLES = ["identifier", "quasi_identifier", "sensitive", "none"];
const PAGE_SIZES = [20, 50, 100, 200];

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

function render({ model, el }: RenderProps<Model>) {
  const ui = {
    tab: "inventory" as "inventory" | "cells" | "reid",
    reidRoot: null as HTMLElement | null,
    reidCleanup: null as null | (() => void),
    entity: "",
    role: "",
    sort: "risk",
    flaggedColumnsOnly: false,
    revealed: null as PageData | null,
    message: "",
    noColumns: false,
    varName: "pseudonymized",
    stored: "",
    navNote: "",
    navBad: false,
    foundRow: null as number | null,
    rowText: "",
  };
  const root = h("div", { class: "nbaudit nba-pii" });
  el.append(root);
  const exporter = exportControls(model, () => root, {
    label: "Export scan report",
    scope: "Insert the scan report in a Markdown cell below: the inventory, and the re-identification analysis once its tab is opened (no cell values)",
  });

  const colourOf = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const c of model.get("summary")?.inventory ?? []) out[c.entity] = c.colour;
    return out;
  };

  function chip(entity: string, colour: string) {
    if (!entity || entity === "NONE") return h("span", { class: "nba-muted" }, "—");
    return h(
      "span",
      { class: "nba-chip", style: { background: tint(colour, 0.25), borderColor: colour } },
      entity,
    );
  }

  function filtered(rows: ColumnRow[]): ColumnRow[] {
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

  function syncCellColumns() {
    const inv = model.get("summary")?.inventory ?? [];
    let cols = filtered(inv);
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

  function tabs() {
    const mk = (id: "inventory" | "cells" | "reid", label: string) =>
      h(
        "button",
        {
          class: `nba-tab${ui.tab === id ? " nba-active" : ""}`,
          "data-tab": id,
          onclick: () => {
            ui.tab = id;
            if (id === "reid" && !model.get("reid")) model.send({ type: "open_reid" });
            draw();
          },
        },
        label,
      );
    return h("div", { class: "nba-tabs", role: "tablist" }, mk("inventory", "Inventory"), mk("cells", "Cells"), mk("reid", "Re-identification"));
  }

  function filters(inv: ColumnRow[]) {
    const entities = [...new Set(inv.map((c) => c.entity))].filter((e) => e !== "NONE").sort();
    return h(
      "div",
      { class: "nba-toolbar" },
      select(
        [["", "all entities"], ...entities.map((e) => [e, e] as [string, string]), ["NONE", "no PII"]],
        ui.entity,
        (v) => {
          ui.entity = v;
          syncCellColumns();
          draw();
        },
        "Entity",
      ),
      select(
        [["", "all roles"], ...ROLES.map((r) => [r, roleWord(r)] as [string, string])],
        ui.role,
        (v) => {
          ui.role = v;
          syncCellColumns();
          draw();
        },
        "Role",
      ),
      select(
        [
          ["risk", "risk (highest first)"],
          ["flagged", "flagged cells"],
          ["column", "column order"],
        ],
        ui.sort,
        (v) => {
          ui.sort = v;
          draw();
        },
        "Sort by",
      ),
    );
  }

  function applyHandling() {
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

  function inventoryTable(inv: ColumnRow[]) {
    const rows = filtered(inv);
    const heads: Array<[string, string | null, string]> = [
      ["Column", null, "nba-sticky"],
      ["Entity", null, ""],
      ["Role", "role", ""],
      ["Level", "level", ""],
      ["Share", null, "nba-num"],
      ["Confidence", "confidence", "nba-num"],
      ["Flagged cells", null, "nba-num"],
      ["Handling", null, ""],
    ];
    const head = h("tr", {}, ...heads.map(([t, term, cls]) => h("th", { class: cls || undefined, "data-head": t.toLowerCase() }, t, term ? help(term) : null)));
    // Two rows per column: the figures, then the evidence across the full width (readable
    // without scrolling right); the column's name spans both and stays in view (sticky).
    const body = rows.flatMap((c) => [
      h(
        "tr",
        { class: `nba-level-${c.level} nba-figures`, "data-column": c.column },
        h("td", { class: "nba-sticky", rowspan: 2 }, h("div", { class: "nba-colname" }, c.column), h("div", { class: "nba-muted nba-nowrap" }, c.dtype)),
        h("td", {}, chip(c.entity, c.colour)),
        h("td", { class: "nba-nowrap", "data-role": c.role }, roleWord(c.role)),
        h("td", {}, h("span", { class: `nba-badge nba-badge-${c.level}` }, c.level)),
        h("td", { class: "nba-num" }, c.entity === "NONE" ? "—" : fmtPct(c.share)),
        h("td", { class: "nba-num" }, c.entity === "NONE" ? "—" : c.confidence.toFixed(2)),
        h(
          "td",
          { class: "nba-num" },
          c.entity === "NONE" ? "0" : `${fmtInt(c.n_flagged)} / ${fmtInt(c.n_non_null)}`,
        ),
        h("td", {}, c.entity === "NONE" ? "keep" : h("span", { class: "nba-handling" }, c.handling)),
      ),
      h(
        "tr",
        { class: `nba-level-${c.level} nba-evidence-row`, "data-evidence-for": c.column },
        h(
          "td",
          { class: "nba-evidence", colspan: heads.length - 1 },
          h("span", { class: "nba-evidence-label" }, "Evidence: "),
          h("span", { class: "nba-reasons" }, c.evidence),
          c.statistics ? h("span", { class: "nba-statistics" }, ` · ${c.statistics}`) : null,
        ),
      ),
    ]);
    if (!rows.length) {
      body.push(h("tr", {}, h("td", { colspan: heads.length, class: "nba-muted" }, "No column matches the filter.")));
    }
    return h("div", { class: "nba-scroll nba-inventory-scroll" }, h("table", { class: "nba-table nba-inventory" }, h("thead", {}, head), h("tbody", {}, ...body)));
  }

  function cellsView(s: Summary) {
    const data = ui.revealed ?? model.get("page_data");
    if (!data || !data.rows) return h("div", { class: "nba-muted" }, "No cells to show.");
    if (ui.noColumns) return h("div", { class: "nba-muted nba-note" }, "No column matches the filter.");
    const colours = colourOf();
    const byName: Record<string, ColumnRow> = {};
    for (const c of s.inventory) byName[c.column] = c;
    const go = (p: number, note = "", bad = false) => {
      ui.navNote = note;
      ui.navBad = bad;
      ui.foundRow = null;
      const target = Math.max(0, Math.min(data.n_pages - 1, Math.trunc(p)));
      if (target === data.page) {
        draw();
        return;
      }
      model.set("page", target);
      model.save_changes();
      if (note) draw();
    };
    // Jump to page: 1-based in the box; a number past either end shows the nearest page and
    // says so; text that is not a whole number changes nothing and says what is wanted.
    const pageBox = h("input", { type: "number", class: "nba-pagebox", min: 1, max: data.n_pages, step: 1, value: String(data.page + 1), "aria-label": "page number", "data-action": "page-number" });
    const jump = () => {
      const n = wholeNumber(pageBox.value);
      const range = `a whole number from 1 to ${fmtInt(data.n_pages)}`;
      if (n === null) go(data.page, `Page: type ${range}.`, true);
      else if (n < 1) go(0, `There is no page ${fmtInt(n)}: showing page 1.`, true);
      else if (n > data.n_pages) go(data.n_pages - 1, `There is no page ${fmtInt(n)}: showing the last page (${fmtInt(data.n_pages)}).`, true);
      else go(n - 1);
    };
    pageBox.addEventListener("change", jump);
    pageBox.addEventListener("keydown", (e: KeyboardEvent) => { if (e.key === "Enter") jump(); });
    const size = data.page_size;
    const sizes = PAGE_SIZES.includes(size) ? PAGE_SIZES : [...PAGE_SIZES, size].sort((a, b) => a - b);
    const sizeSelect = select(sizes.map((n) => [String(n), String(n)] as [string, string]), String(size), (v) => {
      const next = Number(v);
      // Keep the first row on screen in view.
      const first = data.page * data.page_size;
      ui.navNote = "";
      ui.foundRow = null;
      model.set("page_size", next);
      model.set("page", Math.floor(first / next));
      model.save_changes();
    }, "Rows per page");
    sizeSelect.querySelector("select")?.setAttribute("data-action", "page-size");
    const rowBox = h("input", { type: "text", inputmode: "numeric", class: "nba-rowbox", placeholder: "row #", value: ui.rowText, "aria-label": "row number to find", "data-action": "row-number" });
    rowBox.addEventListener("input", () => { ui.rowText = rowBox.value; });
    const find = () => {
      const n = wholeNumber(rowBox.value);
      const last = Math.max(0, s.n_rows - 1);
      if (n === null || n < 0 || n > last) {
        ui.navNote = `Find a row: type a row number (the # column) from 0 to ${fmtInt(last)}.`;
        ui.navBad = true;
        draw();
        return;
      }
      ui.navNote = "";
      model.send({ type: "find_row", row: n });
    };
    rowBox.addEventListener("keydown", (e: KeyboardEvent) => { if (e.key === "Enter") find(); });
    const nav = h(
      "div",
      { class: "nba-toolbar nba-pager" },
      h("button", { class: "nba-btn", "data-action": "prev", disabled: data.page <= 0, onclick: () => go(data.page - 1) }, "◀ Prev"),
      h("span", { class: "nba-pageinfo" }, `Page ${fmtInt(data.page + 1)} of ${fmtInt(data.n_pages)} · ${fmtInt(data.n_rows)} rows`),
      h("button", { class: "nba-btn", "data-action": "next", disabled: data.page >= data.n_pages - 1, onclick: () => go(data.page + 1) }, "Next ▶"),
      h("label", { class: "nba-control" }, "Go to page ", pageBox),
      sizeSelect,
      h("span", { class: "nba-control" }, h("label", { class: "nba-control" }, "Find row ", rowBox), h("button", { class: "nba-btn", "data-action": "find-row", onclick: find }, "Go")),
    );
    const filters2 = h(
      "div",
      { class: "nba-toolbar" },
      checkbox(model.get("flagged_rows_only"), (v) => {
        model.set("flagged_rows_only", v);
        model.set("page", 0);
        model.save_changes();
      }, "rows with PII only"),
      checkbox(ui.flaggedColumnsOnly, (v) => {
        ui.flaggedColumnsOnly = v;
        syncCellColumns();
      }, "columns with PII only"),
      checkbox(ui.revealed !== null, (v) => {
        if (v) model.send({ type: "reveal" });
        else {
          ui.revealed = null;
          draw();
        }
      }, "reveal values on this page", "nba-reveal"),
    );
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
    const head = h(
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
    const body = data.rows.map((r) =>
      h(
        "tr",
        { class: r.row === ui.foundRow ? "nba-found" : undefined, "data-row": r.row },
        h("td", { class: "nba-rownum" }, fmtInt(r.row)),
        ...r.cells.map((segments) =>
          h(
            "td",
            {},
            ...segments.map(([text, entity]) => {
              if (!entity) return text;
              if (entity.startsWith("~")) {
                // In a personal-data column but not matched on its own: masked, not highlighted.
                return h("span", { class: "nba-masked", title: `${entity.slice(1)} column (value not matched)` }, text);
              }
              const colour = colours[entity] ?? "#fd8d3c";
              return h("mark", { class: "nba-hit", title: entity, "data-entity": entity, style: { background: tint(colour, 0.3), borderColor: colour } }, text);
            }),
          ),
        ),
      ),
    );
    return h(
      "div",
      {},
      nav,
      navNote,
      filters2,
      note,
      h("div", { class: "nba-scroll nba-cells-scroll" }, h("table", { class: "nba-table nba-cells" }, h("thead", {}, head), h("tbody", {}, ...body))),
    );
  }

  function progressView() {
    const p = model.get("progress") ?? 0;
    return h(
      "div",
      { class: "nba-progress-wrap" },
      h("div", { class: "nba-progress-label" }, `Scanning… ${Math.round(100 * p)}% ${model.get("progress_message") ?? ""}`),
      h("div", { class: "nba-progress" }, h("div", { class: "nba-progress-bar", style: { width: `${Math.round(100 * p)}%` } })),
    );
  }

  function reidView(): Node {
    // The tab holds a child ReidRiskWidget (pre-selected with the scan's quasi-identifiers),
    // rendered by the same code as %reid_risk.
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

  function draw() {
    const status = model.get("status");
    const s = model.get("summary");
    const parts: Node[] = [];
    if (status === "running") parts.push(progressView());
    if (model.get("error")) parts.push(h("div", { class: "nba-error" }, model.get("error")));
    if (ui.message) parts.push(h("div", { class: "nba-error" }, ui.message));
    if (s && s.inventory) {
      parts.push(header(s), h("div", { class: "nba-toolbar" }, exporter.button), exporter.slot, tabs());
      if (ui.tab === "inventory") parts.push(filters(s.inventory), inventoryTable(s.inventory), applyHandling());
      else if (ui.tab === "cells") parts.push(filters(s.inventory), cellsView(s));
      else parts.push(reidView());
    }
    root.replaceChildren(...parts);
  }

  const onPage = () => {
    ui.revealed = null;
    draw();
  };
  const onMsg = (msg: unknown) => {
    const m = msg as { type?: string; data?: PageData; message?: string };
    const stored = msg as { type?: string; name?: string; rows?: number; key_source?: string };
    const found = msg as { type?: string; row?: number | null; found?: boolean; page?: number; error?: string };
    if (found?.type === "found") {
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
      draw();
      const tr = root.querySelector("tr.nba-found");
      const box = root.querySelector(".nba-cells-scroll");
      if (tr && box) {
        // Centre the row inside the table's own scroll box (the notebook does not move).
        box.scrollTop += tr.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 2;
      }
      return;
    }
    if (stored?.type === "stored") {
      ui.stored = `✓ ${stored.name}: ${fmtInt(stored.rows ?? 0)} rows, handling applied (key from ${stored.key_source}; the input is unchanged)`;
      draw();
      return;
    }
    if (m?.type === "revealed" && m.data) {
      ui.revealed = m.data;
      ui.message = "";
    } else if (m?.type === "error") {
      ui.message = m.message ?? "error";
    }
    draw();
  };
  const redraw = () => draw();
  const listeners: Array<[string, (msg?: unknown) => void]> = [
    ["change:page_data", onPage],
    ["change:summary", redraw],
    ["change:status", redraw],
    ["change:progress", redraw],
    ["change:error", redraw],
    ["change:reid", redraw],
    ["msg:custom", onMsg],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  draw();
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    ui.reidCleanup?.();
    exporter.cleanup();
  };
}

export default { render };
