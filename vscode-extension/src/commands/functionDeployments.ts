/**
 * The deployments started in this window ("Deploy as function"): each one's state, fed by
 * the server's `metaflow/functionProgress` notifications, its requests and its stop. The
 * server may report a deployment's first stage before its `metaflow/deployFunction` answer
 * arrives, so events of ids not known yet are held briefly and replayed.
 */
import * as vscode from 'vscode';
import { ENDED_STAGES } from '../../../media/src/functionPanelProtocol';
import {
  FUNCTION_PROGRESS_NOTIFICATION,
  FunctionRequests,
  type DeployOptions,
  type DeployTarget,
  type FunctionInfo,
  type FunctionProgressParams,
} from '../common/functionsProtocol';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import { addRequest, applyProgress, initialState, settleRequest, type FunctionPanelState, type RequestRecord } from '../views/functionPanelState';

/** Ids whose early events are held (a bound on what a misbehaving server can make us keep). */
const EARLY_IDS_MAX = 32;

export interface DeployRequest {
  uri: string;
  function: Pick<FunctionInfo, 'name' | 'module'>;
  task: string;
  target: DeployTarget;
  options?: DeployOptions;
}

const STAGES = new Set(['bind', 'environment', 'start', 'ready', 'batch', 'done', 'failed', 'stopped']);

function isProgress(value: unknown): value is FunctionProgressParams {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.deployment_id === 'string' && typeof v.stage === 'string' && STAGES.has(v.stage) && typeof v.message === 'string';
}

/** One deployment: its panel state and what can be done with it. */
export class Deployment implements vscode.Disposable {
  private current: FunctionPanelState;
  private readonly changed = new vscode.EventEmitter<FunctionPanelState>();
  /** Fires with the new state on every progress event and request update. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly id: string,
    readonly request: DeployRequest,
    private readonly server: MetaflowServer,
  ) {
    this.current = initialState({ deployment_id: id, function: request.function, task: request.task, target: request.target, options: request.options });
  }

  get state(): FunctionPanelState {
    return this.current;
  }

  get ended(): boolean {
    return ENDED_STAGES.includes(this.current.stage);
  }

  progress(event: FunctionProgressParams): void {
    this.set(applyProgress(this.current, event));
  }

  /**
   * Sends `body` to the function (the panel's Send): the request goes into the history at
   * once and its answer (or why there is none) when it comes. Resolves with the settled record.
   */
  async send(body: unknown): Promise<RequestRecord> {
    const added = addRequest(this.current, body, Date.now());
    this.set(added.state);
    const id = added.record.id;
    if (this.current.stage !== 'ready') {
      this.set(settleRequest(this.current, id, { error: `The deployment is not ready (${this.current.stage}): ${this.current.message}` }));
    } else {
      try {
        const answer = await this.server.functions(FunctionRequests.functionRequest, { deployment_id: this.id, body });
        this.set(settleRequest(this.current, id, answer));
      } catch (error) {
        this.set(settleRequest(this.current, id, { error: errorMessage(error) }));
      }
    }
    const settled = this.current.history.find((r) => r.id === id);
    if (settled === undefined) throw new Error(`request ${id} fell out of the history`);
    return settled;
  }

  /** Stops the deployment unless it already ended; true when the server stopped it. */
  async stop(): Promise<boolean> {
    if (this.ended) return false;
    const { stopped } = await this.server.functions(FunctionRequests.stopFunction, { deployment_id: this.id });
    if (stopped && !this.ended) {
      this.set({ ...this.current, stage: 'stopped', message: 'Stopped' });
    }
    return stopped;
  }

  private set(state: FunctionPanelState): void {
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class FunctionDeployments implements vscode.Disposable {
  private readonly deployments = new Map<string, Deployment>();
  private readonly early = new Map<string, FunctionProgressParams[]>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly server: MetaflowServer,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = server.onRunNotification(({ method, params }) => {
      if (method === FUNCTION_PROGRESS_NOTIFICATION) this.onProgress(params);
    });
  }

  /** Asks the server to deploy; throws with the server's words when it refuses. */
  async start(request: DeployRequest): Promise<Deployment> {
    const answer = await this.server.functions(FunctionRequests.deployFunction, {
      uri: request.uri,
      function: request.function.name,
      task: request.task,
      target: request.target,
      ...(request.options === undefined ? {} : { options: request.options }),
    });
    if ('error' in answer) {
      throw new Error(answer.error.message);
    }
    const deployment = new Deployment(answer.deployment_id, request, this.server);
    this.deployments.set(deployment.id, deployment);
    const held = this.early.get(deployment.id) ?? [];
    this.early.delete(deployment.id);
    for (const event of held) deployment.progress(event);
    this.log.info(`Deploying ${request.function.name} on ${request.task} (${request.target}): ${deployment.id}.`);
    return deployment;
  }

  get(id: string): Deployment | undefined {
    return this.deployments.get(id);
  }

  list(): Deployment[] {
    return [...this.deployments.values()];
  }

  private onProgress(params: unknown): void {
    if (!isProgress(params)) {
      this.log.warn('Ignored a malformed metaflow/functionProgress notification.');
      return;
    }
    const deployment = this.deployments.get(params.deployment_id);
    if (deployment !== undefined) {
      deployment.progress(params);
      if (params.stage === 'failed') this.log.error(`Deployment ${params.deployment_id} failed: ${params.error?.message ?? params.message}`);
      return;
    }
    const held = this.early.get(params.deployment_id) ?? [];
    held.push(params);
    this.early.set(params.deployment_id, held);
    while (this.early.size > EARLY_IDS_MAX) {
      const oldest = this.early.keys().next().value;
      if (oldest === undefined) break;
      this.early.delete(oldest);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    for (const deployment of this.deployments.values()) {
      // The server stops every deployment when it shuts down; this covers a window closed
      // while the server keeps running for others.
      if (!deployment.ended) void deployment.stop().catch(() => undefined);
      deployment.dispose();
    }
    this.deployments.clear();
  }
}
