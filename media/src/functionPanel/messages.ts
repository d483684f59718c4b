/**
 * Validation of the host's messages to the function panel (functionPanelProtocol.ts): a
 * message of the wrong shape is ignored rather than half-rendered.
 */
import { isRecord } from '../guards';
import type { FunctionPanelState, HostToFunctionPanel, PanelStage, PanelTarget, RequestRecord } from '../functionPanelProtocol';

const STAGES: readonly PanelStage[] = ['bind', 'environment', 'start', 'ready', 'batch', 'done', 'failed', 'stopped'];
const TARGETS: readonly PanelTarget[] = ['call', 'serve', 'batch'];

const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isNullableNumber = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));

function isRecordOfRequest(value: unknown): value is RequestRecord {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    typeof value.sent_at === 'number' &&
    'body' in value &&
    isNullableNumber(value.status) &&
    isNullableNumber(value.elapsed_ms) &&
    isNullableString(value.error)
  );
}

export function isPanelState(value: unknown): value is FunctionPanelState {
  return (
    isRecord(value) &&
    typeof value.deployment_id === 'string' &&
    typeof value.function === 'string' &&
    typeof value.module === 'string' &&
    typeof value.task === 'string' &&
    TARGETS.includes(value.target as PanelTarget) &&
    STAGES.includes(value.stage as PanelStage) &&
    typeof value.message === 'string' &&
    isNullableString(value.reference) &&
    isNullableString(value.url) &&
    isNullableNumber(value.done) &&
    isNullableNumber(value.total) &&
    isNullableString(value.input_file) &&
    isNullableString(value.output_file) &&
    (value.error === null || (isRecord(value.error) && typeof value.error.kind === 'string' && typeof value.error.message === 'string')) &&
    Array.isArray(value.history) &&
    value.history.every(isRecordOfRequest)
  );
}

/** `value` as a message from the host, or null when it is not one. */
export function parseFunctionPanelMessage(value: unknown): HostToFunctionPanel | null {
  if (!isRecord(value)) return null;
  return value.type === 'state' && isPanelState(value.state) ? { type: 'state', state: value.state } : null;
}
