/**
 * Validation of messages coming from the DAG webview. The view runs untrusted content
 * (user strings), so the host checks each message's shape before acting on it.
 */
import type { ExportFormat, ViewToHost } from '../common/protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExportFormat(value: unknown): value is ExportFormat {
  return value === 'svg' || value === 'png';
}

/** The message as a typed `ViewToHost`, or undefined when it is not one. */
export function parseViewMessage(message: unknown): ViewToHost | undefined {
  if (!isRecord(message)) {
    return undefined;
  }
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'revealStep':
      return typeof message.step === 'string' ? { type: 'revealStep', step: message.step } : undefined;
    case 'exported':
      return isExportFormat(message.format) && typeof message.data === 'string'
        ? { type: 'exported', format: message.format, data: message.data }
        : undefined;
    case 'rendered':
      return (typeof message.flow === 'string' || message.flow === null) &&
        typeof message.nodes === 'number' &&
        typeof message.millis === 'number'
        ? { type: 'rendered', flow: message.flow, nodes: message.nodes, millis: message.millis }
        : undefined;
    case 'error':
      return typeof message.message === 'string' ? { type: 'error', message: message.message } : undefined;
    default:
      return undefined;
  }
}

/** The bytes to write for an export: SVG text as UTF-8, a PNG data: URL decoded. */
export function exportBytes(format: ExportFormat, data: string): Uint8Array {
  if (format === 'svg') {
    return new TextEncoder().encode(data);
  }
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=\s]*)$/.exec(data);
  if (match === null) {
    throw new Error('The view did not return a PNG data: URL.');
  }
  return Uint8Array.from(Buffer.from(match[1] ?? '', 'base64'));
}
