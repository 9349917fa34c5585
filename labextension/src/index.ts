// nbaudit's JupyterLab / Notebook 7 plugins.
// 1. The receiving end of "Export to report cell": a widget dispatches a bubbling
//    `nbaudit:insert-markdown` event; the plugin finds the notebook and the cell holding the
//    widget, inserts a Markdown cell right below it, renders it, and marks the event handled.
// 2. The saved summary of a widget whose model is gone (see `fallback.ts`).
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import type { MarkdownCell } from "@jupyterlab/cells";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { withStaticFallback } from "./fallback";

const EVENT = "nbaudit:insert-markdown";

function insertBelow(tracker: INotebookTracker, target: Node, markdown: string): boolean {
  let panel: NotebookPanel | null = null;
  tracker.forEach((p) => {
    if (!panel && p.node.contains(target)) panel = p;
  });
  const found = panel as NotebookPanel | null;
  if (!found || !found.model) return false;
  const cells = found.content.widgets;
  const index = cells.findIndex((cell) => cell.node.contains(target));
  if (index < 0) return false;
  found.model.sharedModel.insertCell(index + 1, { cell_type: "markdown", source: markdown });
  const inserted = found.content.widgets[index + 1];
  if (inserted && inserted.model.type === "markdown") {
    (inserted as MarkdownCell).rendered = true;
  }
  return true;
}

const reportCell: JupyterFrontEndPlugin<void> = {
  id: "nbaudit-jupyterlab:report-cell",
  description: "Insert nbaudit report cells below the widget that asked.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    document.addEventListener(EVENT, (event: Event) => {
      const detail = (event as CustomEvent<{ markdown?: unknown }>).detail;
      if (!detail || typeof detail.markdown !== "string" || !(event.target instanceof Node)) {
        return;
      }
      if (insertBelow(tracker, event.target, detail.markdown)) event.preventDefault();
    });
  },
};

const staticFallback: JupyterFrontEndPlugin<void> = {
  id: "nbaudit-jupyterlab:static-fallback",
  description: "Show an nbaudit widget's saved, masked summary when its model is gone.",
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    // A widget extension runs when the notebook panel is made, before its file is read: so
    // before any output is rendered and before the widget manager registers its renderer.
    app.docRegistry.addWidgetExtension("Notebook", {
      createNew: (panel) => {
        withStaticFallback((panel as NotebookPanel).content.rendermime);
      },
    });
  },
};

export default [reportCell, staticFallback];
