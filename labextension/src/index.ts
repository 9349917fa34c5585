// The receiving end of nbaudit's "Export to report cell": a widget dispatches a bubbling
// `nbaudit:insert-markdown` event; this plugin finds the notebook and the cell holding the
// widget, inserts a Markdown cell right below it, renders it, and marks the event handled.
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import type { MarkdownCell } from "@jupyterlab/cells";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";

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

const plugin: JupyterFrontEndPlugin<void> = {
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

export default plugin;
