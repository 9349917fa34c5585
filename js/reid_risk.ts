// The %reid_risk widget: the shared re-identification view, plus the search's status panel.
import type { RenderProps } from "@anywidget/types";
import { h } from "./lib/dom";
import { renderRisk } from "./lib/risk_view";
import { renderSearchPanel, type SearchState } from "./lib/search_panel";

function render({ model, el }: RenderProps<SearchState>) {
  const root = h("div", { class: "nbaudit nba-risk" });
  const panel = h("div", { class: "nbaudit nba-search-panel" });
  el.append(panel, root);
  const cleanPanel = renderSearchPanel(model, panel);
  const cleanView = renderRisk(model, root);
  return () => {
    cleanPanel();
    cleanView();
  };
}

export default { render };
