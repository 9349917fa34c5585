// "Export to report cell": put the widget's findings in a Markdown cell below its cell.
// 1. a bubbling DOM event, handled by nbaudit's JupyterLab/Notebook 7 extension
//    (labextension/, installed by pip);
// 2. without it, the notebook model the widget manager exposes (undocumented: Lab 4, NB 7);
// 3. otherwise the Markdown is shown with a copy button (VS Code, Colab, nbconvert).
import type { AnyModel } from "@anywidget/types";
import type { MarkdownMessage } from "./contracts";
import { h } from "./dom";

/** The trait exportControls reads (`AuditWidget.auto_export`, set by --report). */
export interface ExportTraits {
  auto_export: boolean;
}

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

// Models whose report a parent widget exports (the PII scan's Re-identification tab): their
// own Export control is not shown, so each widget has exactly one Export, of one scope.
const exportedByParent = new WeakSet<object>();

/** Declare that `child`'s report is part of its parent's export: views of `child` rendered
 *  inside the parent get no Export button of their own. */
export function exportThroughParent(child: object): void {
  exportedByParent.add(child);
}

export interface ExportOptions {
  /** The button's text (default "Export to report cell"). */
  label?: string;
  /** What the report holds (tooltip and aria-description). */
  scope?: string;
}

/** A button that asks the kernel for the report and inserts it; returns the button and a
 *  slot where the fallback (copyable Markdown) or a confirmation appears. Place both in the
 *  widget's top toolbar. */
export function exportControls(model: AnyModel, anchor: () => HTMLElement, options: ExportOptions = {}): { button: HTMLElement; slot: HTMLElement; cleanup: () => void } {
  const slot = h("div", { class: "nba-export-slot" });
  if (exportedByParent.has(model)) {
    const none = h("span", { class: "nba-export-parent", hidden: true });
    return { button: none, slot, cleanup: () => undefined };
  }
  const label = options.label ?? "Export to report cell";
  const button = h("button", { class: "nba-btn", "data-action": "export", title: options.scope ?? "Insert this widget's report in a Markdown cell below", onclick: () => model.send({ type: "export" }) }, label);
  const onMsg = (msg: unknown) => {
    const m = msg as Partial<MarkdownMessage> | null;
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
  const traits = model as unknown as AnyModel<ExportTraits>;
  if (traits.get("auto_export")) {
    // --report: insert once, then clear the flag so that a reopened notebook does not repeat it.
    traits.set("auto_export", false);
    traits.save_changes();
    setTimeout(() => model.send({ type: "export" }), 0);
  }
  return { button, slot, cleanup: () => model.off("msg:custom", onMsg) };
}
