/**
 * Views whose code loads on first navigation. The runs page is what opens first, so the
 * standalone bundle (built with esbuild's code splitting) leaves the run, compare and lineage
 * views, and dagre with them, out of the code the first paint waits for; they arrive as
 * their own chunks the first time a route needs them. Builds without splitting (the VS Code
 * webviews' single ui.js, the dev page) inline the dynamic import, so nothing loads late.
 */
import type { Route } from './router';
import type { View, ViewContext } from './widgets';
import { errorBanner, loading } from './widgets';

/** Makes a view once its module is loaded. */
export type ViewFactory<R extends Route> = (ctx: ViewContext, mount: HTMLElement, route: R) => View;

/**
 * A view shown as "Loading…" until `load` gives its factory, then the real view. Until then
 * it takes no route update (the app remounts, and the module is loaded only once anyway).
 */
export function lazyView<R extends Route>(ctx: ViewContext, mount: HTMLElement, route: R, load: () => Promise<ViewFactory<R>>): View {
  let real: View | null = null;
  let disposed = false;
  mount.replaceChildren(loading());
  load().then(
    (factory) => {
      if (disposed) return;
      mount.replaceChildren();
      real = factory(ctx, mount, route);
    },
    (error: unknown) => {
      if (!disposed) mount.replaceChildren(errorBanner(error, 'Could not load this view (was the server updated? reload the page).'));
    },
  );
  return {
    update: (next) => real?.update?.(next) ?? false,
    dispose() {
      disposed = true;
      real?.dispose();
    },
  };
}
