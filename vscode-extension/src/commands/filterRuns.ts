/**
 * "Filter Runs…" (quick picks: status, since, tag; the choice is kept in workspace state by
 * the tree) and "Clear Filter".
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import type { RunStatus } from '../common/runsProtocol';
import { describeFilter, parseSince, RUN_STATUSES, type RunFilter } from '../views/runFilter';
import type { RunsTree } from '../views/runsTree';

type Part = 'status' | 'since' | 'tag' | 'clear';

async function pickStatus(current: RunStatus | undefined): Promise<RunStatus | null | undefined> {
  const items = [
    { label: 'any status', value: null },
    ...RUN_STATUSES.map((s) => ({ label: s, value: s, picked: s === current })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Runs with status' });
  return picked?.value;
}

async function askSince(current: string | undefined): Promise<string | null | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Runs started since',
    prompt: '30m, 24h, 7d, 2w or a date such as 2026-11-01; empty for any time',
    value: current ?? '',
    validateInput: (text) => {
      if (text.trim() === '') {
        return undefined;
      }
      const parsed = parseSince(text, Date.now());
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  return value === undefined ? undefined : value.trim() === '' ? null : value.trim();
}

async function askTag(current: string | undefined): Promise<string | null | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Runs with tag',
    prompt: 'A user or system tag, e.g. nightly or user:alice; empty for any',
    value: current ?? '',
  });
  return value === undefined ? undefined : value.trim() === '' ? null : value.trim();
}

export function registerFilterCommands(tree: RunsTree): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.filterRuns, async () => {
      const filter: RunFilter = { ...tree.filter };
      const parts: { label: string; description?: string; part: Part }[] = [
        { label: 'Status', description: filter.status ?? 'any', part: 'status' },
        { label: 'Started since', description: filter.since ?? 'any time', part: 'since' },
        { label: 'Tag', description: filter.tag ?? 'any', part: 'tag' },
        { label: 'Clear filter', part: 'clear' },
      ];
      const chosen = await vscode.window.showQuickPick(parts, {
        title: `Filter runs${describeFilter(filter) ? ` (now: ${describeFilter(filter)})` : ''}`,
      });
      if (chosen === undefined) {
        return;
      }
      if (chosen.part === 'clear') {
        return tree.setFilter({});
      }
      const ask = { status: () => pickStatus(filter.status), since: () => askSince(filter.since), tag: () => askTag(filter.tag) }[chosen.part];
      const value = await ask();
      if (value === undefined) {
        return; // cancelled
      }
      return tree.setFilter({ ...filter, [chosen.part]: value ?? undefined });
    }),
    vscode.commands.registerCommand(Commands.clearRunFilter, () => tree.setFilter({})),
  ];
}
