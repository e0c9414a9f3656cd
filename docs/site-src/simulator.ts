// The simulator page: the real engine (memory store, virtual clock, China's business calendar) running
// in the browser. Pick a workflow, click events, move the clock, watch state, inbox and history.
import { DateTime } from 'luxon';
import { businessCalendar } from '../../src/calendar/index.js';
import { virtualClock, type VirtualClock } from '../../src/clock/index.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { AnyWorkflow } from '../../src/engine/define-workflow.js';
import type { Engine, InstanceView } from '../../src/engine/engine-types.js';
import { memoryStore } from '../../src/store/index.js';
import type { Actor } from '../../src/store/records.js';
import { demoDirectory, demoPeople, rankedEvents, sampleOptionsAt } from '../../src/cli/auto-pilot.js';
import type { Directory } from '../../src/organisation/directory.js';
import { sampleValue } from '../../src/visualizer/sample-value.js';
import { activeStateIds } from '../../src/visualizer/state-graph.js';
import { isContractWorkflow, workflowCatalog } from '../../src/cli/workflow-catalog.js';
import { loadDiagrams, mountDiagram, showActive, type DiagramEntry, type DiagramViewer } from './diagrams.js';
import { eventText, instantHtml, stateText, timerText, ZONE } from './format.js';
import { USER_WORKFLOWS } from './user-workflows.js';
import { bi, esc } from './templates.js';

interface Session {
  readonly workflow: AnyWorkflow;
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly id: string;
  readonly diagram: DiagramEntry;
  readonly viewer: DiagramViewer;
  readonly people: readonly Actor[];
}

/** The simulated people and their directory: the CLI's (`demo` holds only the roles that may start). */
function simulatedPeople(workflow: AnyWorkflow): { people: Actor[]; directory: Directory } {
  return { people: demoPeople(workflow), directory: demoDirectory(workflow) };
}

/** Mark the page busy while the engine works, so tests (and people) wait for the result. */
async function busy<T>(work: () => Promise<T>): Promise<T> {
  document.body.dataset['busy'] = 'true';
  try {
    return await work();
  } finally {
    document.body.dataset['busy'] = 'false';
  }
}

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the simulator page`);
  return el;
}

let session: Session | undefined;

function message(text: string, kind: 'error' | 'info' = 'info') {
  $('sim-message').innerHTML = text === '' ? '' : `<div class="message ${kind}">${text}</div>`;
}

async function start(): Promise<void> {
  const workflows = workflowCatalog(USER_WORKFLOWS);
  const select = $('sim-workflow') as HTMLSelectElement;
  const workflow = workflows.find((w) => w.id === select.value) ?? workflows[0]!;
  const startAt = ($('sim-start') as HTMLInputElement).value || '2026-10-08T09:00';
  const startInstant = DateTime.fromISO(startAt, { zone: ZONE });
  if (!startInstant.isValid) return message(esc(`Not a date and time: ${startAt}`), 'error');
  await session?.engine.close();
  const { people, directory } = simulatedPeople(workflow);
  const clock = virtualClock(startInstant.toMillis());
  const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar(), directory, workflows: [workflow] });
  const input = sampleValue(workflow.input, sampleOptionsAt(startInstant.toMillis()));
  let id: string;
  try {
    id = await engine.start(workflow.id as never, input as never, { actor: people[0]! });
  } catch (error) {
    return message(esc(error instanceof Error ? error.message : String(error)), 'error');
  }
  const diagrams = await loadDiagrams();
  const diagram = diagrams[workflow.id];
  if (!diagram) return message(esc(`No diagram for ${workflow.id}; rebuild the site.`), 'error');
  const viewer = mountDiagram($('sim-diagram'), diagram);
  session = { workflow, engine, clock, id, diagram, viewer, people };
  message('');
  await render();
}

function sampleEvent(s: Session, type: string): { type: string } {
  const schema = s.workflow.events[type];
  const payload = schema ? sampleValue(schema, { date: DateTime.fromMillis(s.clock.now(), { zone: ZONE }).plus({ days: 30 }).toISODate() ?? '2026-12-31' }) : {};
  return { ...(payload as object), type };
}

async function send(type: string, actorId: string): Promise<void> {
  const s = session;
  if (!s) return;
  const actor = s.people.find((p) => p.id === actorId);
  if (!actor) return message(esc(`Unknown person ${actorId}.`), 'error');
  try {
    await s.engine.send(s.id, sampleEvent(s, type) as never, { actor });
    message('');
  } catch (error) {
    message(esc(error instanceof Error ? error.message : String(error)), 'error');
  }
  await render();
}

async function advance(kind: 'day' | 'week' | 'timer'): Promise<void> {
  const s = session;
  if (!s) return;
  if (kind === 'timer') {
    const view = await s.engine.get(s.id);
    const next = Math.min(...view.timers.map((t) => t.dueAt));
    if (!Number.isFinite(next)) return message(bi({ 'zh-CN': '没有待触发的计时器。', en: 'No pending timer.' }), 'info');
    await s.clock.advanceTo(next);
  } else {
    await s.clock.advanceBy({ days: kind === 'day' ? 1 : 7 });
  }
  message('');
  await render();
}

/**
 * The events that can be sent now and who may send each, asked of the engine itself (`engine.can`:
 * roles, the workflow's authorization, the approval step's assignees, the state's guards): the page
 * offers only acts the engine would accept.
 */
async function acceptedEvents(s: Session, view: InstanceView): Promise<{ event: string; actors: string[] }[]> {
  if (view.status !== 'active') return [];
  const out: { event: string; actors: string[] }[] = [];
  for (const event of rankedEvents(s.workflow, s.diagram.graph, view.state)) {
    const actors: string[] = [];
    for (const person of s.people) {
      const answer = await s.engine.can(s.id, sampleEvent(s, event) as never, person);
      if (answer.ok) actors.push(person.id);
    }
    if (actors.length > 0) out.push({ event, actors });
  }
  return out;
}

async function render(): Promise<void> {
  const s = session;
  if (!s) return;
  const view = await s.engine.get(s.id);
  const graph = s.diagram.graph;
  showActive(s.viewer, activeStateIds(view.state));
  $('sim-now').innerHTML = instantHtml(s.clock.now());
  $('sim-state').innerHTML = bi(stateText(graph, view.state));
  $('sim-status').innerHTML = `<span class="badge ${view.status === 'done' ? 'done' : 'active'}" data-status="${view.status}">${esc(view.status)}</span>`;
  const events = await acceptedEvents(s, view);
  $('sim-events').innerHTML =
    events
      .map(
        (e) =>
          `<div class="event-row" data-event-row="${esc(e.event)}"><span class="event-name">${eventText(graph.events, e.event)}</span>${e.actors
            .map((a) => `<button type="button" class="btn event-button" data-event="${esc(e.event)}" data-actor="${esc(a)}">${bi({ 'zh-CN': `以 ${a} 身份`, en: `as ${a}` })}</button>`)
            .join('')}</div>`,
      )
      .join('') ||
    `<span class="status-line">${bi({ 'zh-CN': '当前状态不接受人工事件。', en: 'No events accepted by people in this state.' })}</span>`;
  const tasks = await s.engine.tasks({ instanceId: s.id });
  $('sim-tasks').innerHTML =
    tasks.length === 0
      ? `<tr><td colspan="3">${bi({ 'zh-CN': '没有待办。', en: 'No open tasks.' })}</td></tr>`
      : tasks
          .map(
            (t) =>
              `<tr data-task="${esc(t.id)}"><td>${t.title ? bi(t.title) : esc(t.step)}</td><td>${esc(t.assignees.join(', ') || t.roles.join(', '))}</td><td>${t.dueAt === null ? '—' : instantHtml(t.dueAt)}</td></tr>`,
          )
          .join('');
  $('sim-timers').innerHTML =
    view.timers.length === 0
      ? `<tr><td colspan="2">${bi({ 'zh-CN': '没有计时器。', en: 'No pending timers.' })}</td></tr>`
      : view.timers.map((t) => `<tr data-timer="${esc(t.name)}"><td>${timerText(graph, { name: t.name, state: t.state })}</td><td>${instantHtml(t.dueAt)}</td></tr>`).join('');
  const history = await s.engine.history(s.id);
  $('sim-history').innerHTML = history
    .map((h) => {
      const entry = h as { revision?: number; at: number; actor: Actor; event: { type: string }; from?: unknown; to?: unknown };
      return `<tr><td>${entry.revision ?? ''}</td><td>${instantHtml(entry.at)}</td><td>${esc(entry.actor.name ?? entry.actor.id)}</td><td>${eventText(graph.events, entry.event.type)}</td><td>${entry.from === null || entry.from === undefined ? '—' : bi(stateText(graph, entry.from))} → ${bi(stateText(graph, entry.to))}</td></tr>`;
    })
    .join('');
  ($('sim-next-timer') as HTMLButtonElement).disabled = view.timers.length === 0;
}

/** Wire the simulator page. */
export async function initSimulator(): Promise<void> {
  const workflows = workflowCatalog(USER_WORKFLOWS);
  const select = $('sim-workflow') as HTMLSelectElement;
  select.innerHTML = workflows
    .map((w) => `<option value="${esc(w.id)}">${esc(w.labels?.title['zh-CN'] ?? w.id)} · ${esc(w.labels?.title.en ?? w.id)}</option>`)
    .join('');
  const preferred = new URLSearchParams(location.search).get('workflow') ?? workflows.find(isContractWorkflow)?.id;
  if (preferred && workflows.some((w) => w.id === preferred)) select.value = preferred;
  select.addEventListener('change', () => void busy(start));
  $('sim-restart').addEventListener('click', () => void busy(start));
  $('sim-advance-day').addEventListener('click', () => void busy(() => advance('day')));
  $('sim-advance-week').addEventListener('click', () => void busy(() => advance('week')));
  $('sim-next-timer').addEventListener('click', () => void busy(() => advance('timer')));
  $('sim-events').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-event]');
    if (button) void busy(() => send(button.dataset['event'] ?? '', button.dataset['actor'] ?? ''));
  });
  await busy(start);
  document.body.dataset['ready'] = 'true';
}
