/**
 * The progress notification of a deployment: what it says at each `metaflow/functionProgress`
 * event, how far the bar moves (a batch's records done of total; the other stages have no
 * measurable share, so the bar stays indeterminate), and when it ends. Pure: unit-tested.
 */
import type { DeployStage, DeployTarget } from '../common/functionsProtocol';

export interface ProgressStep {
  /** What the notification says now. */
  message: string;
  /** Percent to add to the bar (VS Code's progress counts increments up to 100). */
  increment?: number;
  /** The notification closes: the deployment is ready, done, failed or stopped. */
  finished: boolean;
}

const STAGE_WORDS: Record<DeployStage, string> = {
  bind: 'Binding to the task',
  environment: 'Building the environment',
  start: 'Starting',
  ready: 'Ready',
  batch: 'Running the batch',
  done: 'Done',
  failed: 'Failed',
  stopped: 'Stopped',
};

/** Stages that end the notification, per target: a batch goes on after `ready`. */
export function endsProgress(target: DeployTarget, stage: DeployStage): boolean {
  if (stage === 'failed' || stage === 'stopped' || stage === 'done') return true;
  return stage === 'ready' && target !== 'batch';
}

/** One deployment's bookkeeping: the percent reported so far, so increments add up to it. */
export class ProgressBook {
  private reported = 0;

  constructor(private readonly target: DeployTarget) {}

  /** `event`: a progress event, or a deployment's state (its counts null until known). */
  update(event: { stage: DeployStage; message: string; done?: number | null; total?: number | null }): ProgressStep {
    const finished = endsProgress(this.target, event.stage);
    const words = event.message.trim() === '' ? STAGE_WORDS[event.stage] : event.message;
    const { done, total } = event;
    if (typeof done !== 'number') {
      return { message: words, finished };
    }
    const counts = typeof total === 'number' && total > 0 ? `${done}/${total} records` : `${done} records`;
    const step: ProgressStep = { message: `${counts} · ${words}`, finished };
    if (typeof total === 'number' && total > 0) {
      const percent = Math.min(100, (100 * done) / total);
      if (percent > this.reported) {
        step.increment = percent - this.reported;
        this.reported = percent;
      }
    }
    return step;
  }
}
