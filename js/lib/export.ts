// "Export to report cell": put the widget's findings in a Markdown cell below its cell.
// 1. a bubbling DOM event, handled by nbaudit's JupyterLab/Notebook 7 extension
//    (labextension/, installed by pip);
// 2. without it, the notebook model the widget manager exposes (undocumented: Lab 4, NB 7);
// 3. otherwise the Markdown is shown with a copy button (VS Code, Colab, nbconvert).
import type { AnyModel } from "@anywidget/types";
import { h } from "./dom";

type Shared = { insertCell?: (index: number, cell: { cell_type: string; source: string }) => unknown };

function cellIndex(el: HTMLElement): number {
  const cell = el.closest(".jp-Cell, .jp-Notebook-cell");
  if (!cell || !cell.parentElement) return -1;
  return [...cell.parentElement.children].filter((c) => c.classList.contains("jp-Cell")).indexOf(cell);
}

export function insertMarkdown(model: AnyModel, el: HTMLElement, markdown: string): "event" | "notebook" | "none" {
  const event = new CustomEvent("nbaudit:insert-markdown", { detail: { markdown }, bubbles: true, cancelable: true });
  el.dispatchEvent(event);
  if (event.defaultPrevented) return "event";
  const manager = (model as unknown as { widget_manager?: { context?: { model?: { sharedModel?: Shared } } } }).widget_manager;
  const shared = manager?.context?.model?.sharedModel;
  const index = cellIndex(el);
  if (shared && typeof shared.insertCell === "function" && index >= 0) {
    shared.insertCell(index + 1, { cell_type: "markdown", source: markdown });
    return "notebook";
  }
  return "none";
}

/** A button that asks the kernel for the report and inserts it; returns the button and a
 *  slot where the fallback (copyable Markdown) or a confirmation appears. */
export function exportControls(model: AnyModel, anchor: () => HTMLElement): { button: HTMLElement; slot: HTMLElement; cleanup: () => void } {
  const slot = h("div", { class: "nba-export-slot" });
  const button = h("button", { class: "nba-btn", "data-action": "export", onclick: () => model.send({ type: "export" }) }, "Export to report cell");
  const onMsg = (msg: unknown) => {
    const m = msg as { type?: string; markdown?: string };
    if (m?.type !== "markdown" || typeof m.markdown !== "string") return;
    const how = insertMarkdown(model, anchor(), m.markdown);
    if (how !== "none") {
      slot.replaceChildren(h("span", { class: "nba-good nba-exported", "data-route": how }, "✓ Report inserted in a Markdown cell below."));
      return;
    }
    const text = h("textarea", { class: "nba-report-text", readonly: true, rows: 12 }, m.markdown);
    const copy = h("button", { class: "nba-btn", onclick: () => { navigator.clipboard?.writeText(m.markdown ?? ""); } }, "Copy Markdown");
    slot.replaceChildren(h("div", { class: "nba-note" }, "This frontend cannot insert cells: copy the report into a Markdown cell."), copy, text);
  };
  model.on("msg:custom", onMsg);
  if (model.get("auto_export")) {
    // --report: insert once, then clear the flag so that a reopened notebook does not repeat it.
    model.set("auto_export", false);
    model.save_changes();
    setTimeout(() => model.send({ type: "export" }), 0);
  }
  return { button, slot, cleanup: () => model.off("msg:custom", onMsg) };
}
