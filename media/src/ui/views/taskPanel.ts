/**
 * The run view's task panel: the step's tasks (from the DAG, the timeline or the step list),
 * then one task's tabs: Logs, Artifacts (click one for its safe text preview; a Lineage
 * link), Cards (each in an iframe sandboxed WITHOUT allow-same-origin, so a card's scripts
 * run but cannot read this page, its cookies or the API).
 */
import { append, clear, html } from '../../dag/dom';
import { isArtifactList, isArtifactPreview, isCardList, isTaskList } from '../decode';
import { formatSize, formatTime } from '../format';
import { apiPath } from '../router';
import type { TaskInfo } from '../types';
import type { ViewContext } from '../widgets';
import { cell, errorBanner, loading, routeLink, statusBadge, table } from '../widgets';
import { logPanel } from './logs';

type Tab = 'logs' | 'artifacts' | 'cards';

export interface TaskPanel {
  root: HTMLElement;
  /** Shows `step`'s tasks and, when given, `task`'s tabs. */
  show(step: string | null, task: string | null): void;
  /** Fetches the shown step's tasks again (the run moved on); the open tab stays. */
  refresh(): void;
  dispose(): void;
}

export function taskPanel(ctx: ViewContext, flow: string, run: string): TaskPanel {
  const root = html('section', { class: 'ui-section ui-tasks', 'data-testid': 'task-panel', 'aria-label': 'Tasks' });
  const title = html('h2', { class: 'ui-section__title' }, 'Tasks');
  const taskList = html('div', { class: 'ui-tasks__list' });
  const detail = html('div', { class: 'ui-tasks__detail' });
  append(root, title, append(html('div', { class: 'ui-tasks__body' }), taskList, detail));
  let shownStep: string | null = null;
  let shownTask: string | null = null;
  let tab: Tab = 'logs';
  let disposeTab: (() => void) | null = null;
  let generation = 0;

  const taskRoute = (step: string, task: string | null) => ({ name: 'run' as const, flow, run, step, task });

  const renderTasks = (step: string, tasks: TaskInfo[], truncated: boolean): void => {
    const { table: t, body } = table(['Task', 'Status', 'Attempt', 'Finished'], 'ui-task-table');
    for (const info of tasks) {
      const row = append(
        html('tr', { 'data-task': info.task_id, class: info.task_id === shownTask ? 'ui-row--selected' : '' }),
        cell(routeLink(taskRoute(step, info.task_id), info.task_id, 'ui-link ui-task-link')),
        cell(statusBadge(info.status)),
        cell(info.attempt === null ? '—' : String(info.attempt), 'ui-num'),
        cell(formatTime(info.finished_at), 'ui-nowrap'),
      );
      body.append(row);
    }
    taskList.replaceChildren(t);
    if (truncated) taskList.append(html('p', { class: 'ui-muted' }, 'More tasks than shown.'));
  };

  const loadTasks = async (step: string, quiet = false): Promise<void> => {
    const mine = generation;
    if (!quiet) taskList.replaceChildren(loading('Loading tasks…'));
    try {
      const list = await ctx.api.get(`${apiPath('tasks', `${flow}/${run}/${step}`)}?limit=1000`, isTaskList);
      if (mine !== generation) return;
      renderTasks(step, list.tasks, list.truncated);
      // A step with one task: open it at once (the usual case).
      const only = list.tasks.length === 1 ? list.tasks[0] : undefined;
      if (shownTask === null && only) ctx.navigate(taskRoute(step, only.task_id), true);
    } catch (error) {
      if (mine === generation) taskList.replaceChildren(errorBanner(error, `Could not list the tasks of ${step}.`));
    }
  };

  const showTab = (task: string): void => {
    disposeTab?.();
    disposeTab = null;
    const tabs = html('div', { class: 'ui-tabs', role: 'tablist' });
    const content = html('div', { class: 'ui-tab-content', role: 'tabpanel' });
    for (const [name, label] of [['logs', 'Logs'], ['artifacts', 'Artifacts'], ['cards', 'Cards']] as const) {
      const button = html('button', { type: 'button', role: 'tab', class: 'ui-tab', 'data-tab': name, 'aria-selected': String(name === tab) }, label);
      button.addEventListener('click', () => {
        tab = name;
        showTab(task);
      });
      tabs.append(button);
    }
    detail.replaceChildren(html('h3', { class: 'ui-tasks__task' }, task), tabs, content);
    if (tab === 'logs') disposeTab = logPanel(ctx, content, task);
    else if (tab === 'artifacts') void artifactsTab(ctx, content, task);
    else void cardsTab(ctx, content, task);
  };

  return {
    root,
    show(step, task) {
      const stepChanged = step !== shownStep;
      const taskChanged = task !== shownTask || stepChanged;
      shownStep = step;
      shownTask = task;
      title.textContent = step ? `Tasks of ${step}` : 'Tasks';
      if (stepChanged) {
        generation += 1;
        if (step) void loadTasks(step);
        else taskList.replaceChildren(html('p', { class: 'ui-empty' }, 'Pick a step in the graph, the timeline or the list to see its tasks.'));
      } else {
        for (const row of Array.from(taskList.querySelectorAll<HTMLElement>('tr[data-task]'))) row.classList.toggle('ui-row--selected', row.dataset.task === task);
      }
      if (!taskChanged) return;
      if (step && task) showTab(`${flow}/${run}/${step}/${task}`);
      else {
        disposeTab?.();
        disposeTab = null;
        clear(detail);
      }
    },
    refresh() {
      if (shownStep) void loadTasks(shownStep, true);
    },
    dispose() {
      generation += 1;
      disposeTab?.();
    },
  };
}

async function artifactsTab(ctx: ViewContext, mount: HTMLElement, task: string): Promise<void> {
  mount.replaceChildren(loading('Loading artifacts…'));
  const preview = html('div', { class: 'ui-preview', 'data-testid': 'artifact-preview' });
  try {
    const list = await ctx.api.get(apiPath('artifacts', task), isArtifactList);
    const [flow = '', run = ''] = task.split('/');
    const { table: t, body } = table(['Name', 'Type', 'Size', ''], 'ui-artifact-table');
    for (const a of list.artifacts) {
      const open = html('button', { type: 'button', class: 'ui-link-button', 'data-artifact': a.name }, a.name);
      open.addEventListener('click', () => void showPreview(ctx, preview, task, a.name));
      body.append(append(html('tr'), cell(open), cell(a.type, 'ui-mono'), cell(formatSize(a.size), 'ui-num'), cell(routeLink({ name: 'lineage', flow, run, artifact: a.name }, 'Lineage'))));
    }
    mount.replaceChildren(list.artifacts.length > 0 ? t : html('p', { class: 'ui-empty' }, 'This task stored no artifacts.'), preview);
    if (list.truncated) mount.append(html('p', { class: 'ui-muted' }, 'More artifacts than shown.'));
  } catch (error) {
    mount.replaceChildren(errorBanner(error, `Could not list the artifacts of ${task}.`));
  }
}

async function showPreview(ctx: ViewContext, mount: HTMLElement, task: string, name: string): Promise<void> {
  mount.replaceChildren(loading(`Loading ${name}…`));
  try {
    const p = await ctx.api.get(apiPath('artifact', `${task}/${name}`), isArtifactPreview);
    const facts = [p.type, formatSize(p.size)];
    if (p.shape) facts.push(`shape ${p.shape.join('×')}`);
    if (p.dtype) facts.push(p.dtype);
    if (p.truncated) facts.push('preview truncated');
    mount.replaceChildren(
      append(html('div', { class: 'ui-preview__head' }), html('strong', {}, p.name), html('span', { class: 'ui-muted' }, ` ${facts.join(' · ')}`)),
      html('pre', { class: 'ui-preview__text', 'data-testid': 'artifact-preview-text' }, p.preview),
    );
  } catch (error) {
    mount.replaceChildren(errorBanner(error, `Could not preview ${name}.`));
  }
}

async function cardsTab(ctx: ViewContext, mount: HTMLElement, task: string): Promise<void> {
  mount.replaceChildren(loading('Loading cards…'));
  try {
    const list = await ctx.api.get(apiPath('cards', task), isCardList);
    if (list.cards.length === 0) {
      mount.replaceChildren(html('p', { class: 'ui-empty' }, 'This task has no cards (add @card to the step).'));
      return;
    }
    clear(mount);
    for (const card of list.cards) {
      const label = `${card.type}${card.id ? ` (${card.id})` : ''} · ${formatSize(card.size)}`;
      const src = ctx.api.cardUrl(task, card.hash);
      const figure = append(html('figure', { class: 'ui-card' }), html('figcaption', { class: 'ui-muted' }, label));
      if (src === null) figure.append(html('p', { class: 'ui-empty' }, 'Cards cannot be shown in this host.'));
      // allow-scripts only: cards need their JavaScript, but never this page's origin.
      else figure.append(html('iframe', { class: 'ui-card__frame', sandbox: 'allow-scripts', src, title: `Card ${label}`, 'data-testid': 'card-frame', referrerpolicy: 'no-referrer' }));
      mount.append(figure);
    }
  } catch (error) {
    mount.replaceChildren(errorBanner(error, `Could not list the cards of ${task}.`));
  }
}
