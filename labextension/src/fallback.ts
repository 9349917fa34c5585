// A trusted notebook reopened without saved widget state: the widget manager has no model
// for the view and its renderer shows "Error displaying widget: model not found", although
// nbaudit put a masked static summary (`text/html`, class `nba-static`) in the same bundle.
// Untrusted outputs, nbconvert, GitHub and nbviewer show that summary; here we make Lab do it.
//
// How: a RenderMimeRegistry keeps one factory per mime type, and the widget manager replaces
// the widget-view factory of every notebook's registry (removeMimeType, then addFactory) once
// its kernel is up, and finds the renderers it must hand the manager to by `instanceof`. So
// the renderer must stay the manager's own object: we wrap each widget-view factory that
// enters the notebook's registry, and patch the `renderModel` of each renderer it makes.
// After the manager's own rendering (also when it re-renders on `restored`), a view that
// failed (no child widget, the error class set) gives way to the bundle's summary, rendered
// by the registry's own HTML renderer, sanitized.
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { NotebookPanel } from "@jupyterlab/notebook";

type Registry = NotebookPanel["content"]["rendermime"];

const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";
const FAILED_CLASS = "jupyter-widgets"; // what the manager's renderer adds on an error
const WRAPPED = Symbol("nbaudit-static-fallback");

type Factory = IRenderMime.IRendererFactory & { [WRAPPED]?: true };

/** The bundle's nbaudit summary, or null when the bundle is not nbaudit's. */
function staticSummary(model: IRenderMime.IMimeModel): string | null {
  const html = model.data["text/html"];
  return typeof html === "string" && html.includes('class="nba-static"') ? html : null;
}

/** Whether the manager's renderer ended on an error (rather than a view or "Loading"). */
function viewFailed(renderer: IRenderMime.IRenderer): boolean {
  const children = (renderer as unknown as { widgets?: readonly unknown[] }).widgets;
  return renderer.hasClass(FAILED_CLASS) && (children?.length ?? 0) === 0;
}

function patchRenderer(renderer: IRenderMime.IRenderer, registry: Registry): void {
  const render = renderer.renderModel.bind(renderer);
  let shown: IRenderMime.IRenderer | null = null;
  renderer.disposed.connect(() => shown?.dispose());
  renderer.renderModel = async (model: IRenderMime.IMimeModel): Promise<void> => {
    // not a Lumino child of the manager's panel (it clears its node with textContent)
    shown?.dispose();
    shown = null;
    await render(model);
    const html = staticSummary(model);
    if (html === null || !viewFailed(renderer) || renderer.isDisposed) return;
    const summary = registry.createRenderer("text/html");
    const data = { "text/html": html };
    await summary.renderModel({ trusted: false, data, metadata: {}, setData: () => undefined });
    if (renderer.isDisposed || !viewFailed(renderer)) {
      summary.dispose();
      return;
    }
    renderer.node.textContent = "";
    renderer.removeClass(FAILED_CLASS);
    summary.addClass("nba-static-fallback");
    renderer.node.appendChild(summary.node);
    shown = summary;
  };
}

function wrap(factory: Factory, registry: Registry): Factory {
  if (factory[WRAPPED]) return factory;
  return {
    ...factory,
    [WRAPPED]: true,
    createRenderer: (options: IRenderMime.IRendererOptions) => {
      const renderer = factory.createRenderer(options);
      patchRenderer(renderer, registry);
      return renderer;
    },
  };
}

/** Make `registry` (a notebook's) show nbaudit's saved summary for a view without a model. */
export function withStaticFallback(registry: Registry): void {
  const add = registry.addFactory.bind(registry);
  registry.addFactory = (factory: Factory, rank?: number): void => {
    add(factory.mimeTypes.includes(WIDGET_VIEW) ? wrap(factory, registry) : factory, rank);
  };
  const current = registry.getFactory(WIDGET_VIEW) as Factory | undefined;
  if (current && !current[WRAPPED]) {
    const rank = registry.getRank(WIDGET_VIEW);
    registry.removeMimeType(WIDGET_VIEW);
    registry.addFactory(current, rank);
  }
}
