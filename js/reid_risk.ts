// The %reid_risk widget.
import type { RenderProps } from "@anywidget/types";
import { h } from "./lib/dom";
import { renderRisk, type RiskState } from "./lib/risk_view";

function render({ model, el }: RenderProps<RiskState>) {
  const root = h("div", { class: "nbaudit nba-risk" });
  el.append(root);
  return renderRisk(model, root);
}

export default { render };
