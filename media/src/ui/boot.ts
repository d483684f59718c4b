/**
 * The standalone page's boot script (dist/ui-boot.js), inlined by the server at the top of
 * its page under a CSP hash: on the runs page it starts `/api/flows` and the first page of
 * runs before the bundle loads (prefetch.ts). The path comes from the same `runsPath` and
 * first-page size the runs view uses, so the view's first request is exactly this one. A `since`
 * filter is left to the view: its path holds the current time, which would differ.
 */
import { startPrefetch } from './prefetch';
import { RUNS_FIRST_PAGE, parseRoute, runsPath } from './router';

const route = parseRoute(window.location.hash);
if (route.name === 'runs') {
  const paths = ['/api/flows'];
  if (route.flow !== null && route.filters.since === '') paths.push(runsPath(route.flow, route.filters, RUNS_FIRST_PAGE, null, 0));
  startPrefetch(paths);
}
