/**
 * The UI page's own messages to a VS Code panel, besides the API's (docs/ui-api.md). DOM-free:
 * the extension imports these types (vscode-extension/src/common/uiProtocol.ts).
 */

/** What the page shows, posted as `{type: 'rendered', ...}` after each burst of changes. */
export interface RenderedReport {
  type: 'rendered';
  /** The location hash (`#/compare?runs=F/1,F/2`). */
  route: string;
  /** `runs`, `run`, `compare`, `lineage` or `unknown`. */
  view: string;
  title: string;
  /** The distinct `data-testid`s on the page (which parts are drawn). */
  parts: string[];
  /** The texts of the error banners shown. */
  errors: string[];
  /** Drawn DAG nodes, lineage nodes and compare table rows. */
  dagNodes: number;
  lineageNodes: number;
  compareRows: number;
}
