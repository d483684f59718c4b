/**
 * The JSON the UI reads, as TypeScript. The query layer's results are defined once, in
 * ../queryTypes.ts (field for field pyserver/mfstudio/query/model.py, shared with the VS Code
 * Runs view), and re-exported here; this file adds the UI routes' own shapes
 * (docs/ui-api.md). FlowGraph and RunState live in ../protocol.ts (shared with the DAG
 * view). decode.ts checks every answer against these before a view touches it.
 */
import type { RunState } from '../protocol';
import type { LogLine, LogStream, RunSummary } from '../queryTypes';

export type * from '../queryTypes';

/** `GET /api/flows`: the flows of the datastore the UI serves. */
export interface FlowList {
  flows: { name: string }[];
  root: string;
}

/** The error body of every failed request (docs/ui-api.md "Errors"). */
export interface ApiErrorBody {
  kind: string;
  message: string;
  nearest: string[];
}

/** What a subscription asks for (the `subscribe` message without its id). */
export type Topic =
  | { topic: 'run'; run: string }
  | { topic: 'runs'; flow: string }
  | { topic: 'log'; task: string; stream: LogStream };

/** What the server pushes for a subscription (docs/ui-api.md "Subscriptions"). */
export type UiEvent =
  | { type: 'run'; id: string; state: RunState; summary: RunSummary }
  | { type: 'runs'; id: string; flow: string }
  | { type: 'log'; id: string; task: string; stream: LogStream; lines: LogLine[]; reset: boolean; available: boolean }
  | { type: 'error'; id: string; error: ApiErrorBody };
