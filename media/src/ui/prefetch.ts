/**
 * Requests that start before the app's code has loaded. The standalone server inlines the
 * boot script (boot.ts, CSP-hashed) at the top of its page; it reads the route from the
 * location hash and starts the requests the first view will make, so the server answers
 * while the browser is still fetching and evaluating the bundle. The app's HTTP transport
 * then adopts each answer once, by its exact path, instead of asking again.
 *
 * Kept free of other imports: the boot script carries this module and the router only.
 */

/** A request the boot script started: the response, and its body parsed as JSON as soon as
 * it arrived (so the app, when it takes it, has no more reading to wait for). */
export interface Prefetched {
  response: Promise<Response>;
  body: Promise<unknown>;
}

declare global {
  interface Window {
    /** Started requests by path (set by the boot script, taken by httpApi). */
    mfStudioPrefetch?: Map<string, Prefetched>;
  }
}

/** How the UI fetches an API path on the standalone server (the boot script and httpApi). */
export function fetchApi(url: string): Promise<Response> {
  return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
}

/** Starts `paths` now; each can be taken once. */
export function startPrefetch(paths: readonly string[]): void {
  const started = new Map<string, Prefetched>();
  for (const path of paths) {
    const response = fetchApi(path);
    const body = response.then((r) => r.clone().json() as Promise<unknown>);
    // Adopted (or dropped) later: not unhandled rejections.
    response.catch(() => undefined);
    body.catch(() => undefined);
    started.set(path, { response, body });
  }
  window.mfStudioPrefetch = started;
}

/** The request the boot script started for exactly `path`, at most once; else undefined. */
export function takePrefetched(path: string): Prefetched | undefined {
  const started = window.mfStudioPrefetch;
  const answer = started?.get(path);
  started?.delete(path);
  return answer;
}
