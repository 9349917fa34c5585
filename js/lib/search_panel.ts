// The re-identification search's status panel: a warning before a search of a large
// lattice, progress and Cancel while it runs, and what a cut-short search returned.
// Shared by %reid_risk and the PII widget's re-identification tab.
import type { AnyModel } from "@anywidget/types";
import { h } from "./dom";
import type { RiskState } from "./risk_view";

/** The synced traits of ReidRiskWidget (js/types/contracts.json maps it here): the view's,
 *  and what this panel reads. `search_result` is SearchResult.to_dict() once a search ran. */
export interface SearchState extends RiskState {
  progress: number;
  progress_message: string;
  setup: RiskState["setup"] & { lattice_size?: number; search_note?: string };
  search_result: RiskState["search_result"] & {
    complete?: boolean;
    note?: string;
    stopped?: string | null;
    /** "exhaustive" or "greedy". */
    strategy?: string;
    /** The privacy model searched for: k, l, t and max_suppression (null: not asked). */
    criteria?: { k: number; l: number | null; t: number | null; max_suppression: number };
    /** The figures of the generalization found (null: none meets the target). */
    figures?: RiskState["current"] | null;
  };
}

/** The search panel; returns its cleanup. Works on any model with the risk widget's traits. */
export function renderSearchPanel(model: AnyModel<SearchState>, panel: HTMLElement): () => void {
  function draw() {
    const running = model.get("status") === "running";
    const note = model.get("setup")?.search_note ?? "";
    const result = model.get("search_result") ?? {};
    const parts: Node[] = [];
    if (running) {
      const p = Math.max(0, Math.min(1, model.get("progress") ?? 0));
      const cancel = h("button", { class: "nba-btn", "data-action": "cancel-search", onclick: () => model.send({ type: "cancel_search" }) }, "Cancel");
      parts.push(
        h("div", { class: "nba-progress-label" }, `Searching for the best generalization… ${Math.round(100 * p)}% · ${model.get("progress_message") ?? ""}`),
        h("div", { class: "nba-search-running" }, h("div", { class: "nba-progress" }, h("div", { class: "nba-progress-bar", style: { width: `${Math.round(100 * p)}%` } })), cancel),
      );
    } else if (result.note) {
      parts.push(h("div", { class: "nba-note nba-warn", "data-role": "search-note" }, result.note));
    } else if (note && result.nodes_evaluated === undefined) {
      parts.push(h("div", { class: "nba-note", "data-role": "lattice-note" }, `Before you search: ${note}`));
    }
    panel.replaceChildren(...parts);
    panel.style.display = parts.length ? "" : "none";
  }
  const keys = ["status", "progress", "progress_message", "setup", "search_result"];
  for (const key of keys) model.on(`change:${key}`, draw);
  draw();
  return () => {
    for (const key of keys) model.off(`change:${key}`, draw);
  };
}
