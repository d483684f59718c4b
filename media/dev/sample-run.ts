/**
 * Run states of ShowcaseFlow (dev/sample-graph.json) for the dev page (`?run=<name>`) and
 * the browser tests: a run in progress (a foreach done, a parallel step running with one
 * failed task), the same run failed, and a finished run.
 */
import type { RunState, StepRunState } from '../src/protocol';

const ok = (succeeded = 1, expected: number | null = null): StepRunState => ({ status: 'succeeded', tasks: { running: 0, succeeded, failed: 0 }, expected });

const upToTrain: Record<string, StepRunState> = {
  start: ok(),
  ingest: ok(),
  featurize: ok(16, 16),
  merge: ok(),
  route: ok(),
  train: ok(),
};

export const SAMPLE_RUNS: Record<string, RunState> = {
  running: {
    run: 'ShowcaseFlow/1732',
    status: 'running',
    steps: { ...upToTrain, worker: { status: 'running', tasks: { running: 2, succeeded: 1, failed: 1 }, expected: 4 } },
  },
  failed: {
    run: 'ShowcaseFlow/1732',
    status: 'failed',
    steps: { ...upToTrain, worker: { status: 'failed', tasks: { running: 0, succeeded: 3, failed: 1 }, expected: 4 } },
  },
  succeeded: {
    run: 'ShowcaseFlow/1733',
    status: 'succeeded',
    steps: {
      ...upToTrain,
      worker: ok(4, 4),
      gather: ok(),
      tune: ok(3),
      publish: ok(),
      evaluate: ok(),
      report: ok(),
      summarize: ok(),
      end: ok(),
    },
  },
};
