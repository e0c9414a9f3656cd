/// <reference lib="dom" />
// The docs site's instance view reads a file someone may have edited by hand (or an older Docket
// wrote): every part it reads is checked by parseInstanceExport (a typed error naming the part, never
// a TypeError or "Invalid DateTime"), and every value it shows is escaped (never markup).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceHtml } from '../docs/site-src/instance-page.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { isDocketError } from '../src/errors.js';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { parseInstanceExport, stateGraph, type InstanceExport } from '../src/visualizer/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const INJECTED = '<img src=x onerror="window.__xss=1">';
let exported: InstanceExport;
const fresh = (): Record<string, any> => JSON.parse(JSON.stringify(exported));
const graph = stateGraph(reviewWorkflow);

beforeAll(async () => {
  const store = memoryStore();
  const clock = virtualClock('2026-10-08T09:00:00+08:00');
  const engine = createEngine({ store, clock, calendar: businessCalendar(), workflows: [reviewWorkflow] });
  const id = await engine.start('review', { title: 'x' }, { actor: { id: 'ann', roles: ['staff'], name: '安' } });
  await engine.send(id, { type: 'SUBMIT' }, { actor: { id: 'ann', roles: ['staff'] } });
  exported = JSON.parse(JSON.stringify(await exportInstance(store, id, [reviewWorkflow], clock.now())));
  await engine.close();
});

function fieldOf(call: () => unknown): string {
  try {
    call();
    return 'accepted';
  } catch (error) {
    if (!isDocketError(error)) return `raw ${String(error)}`;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/docket export <db> <id>/);
    return String(error.details.field);
  }
}

const allHtml = (data: InstanceExport) => Object.values(instanceHtml(data, graph)).join('\n');

describe('the instance view, of a hand-edited export', () => {
  it('reads the export docket export writes, with a timer and history', () => {
    const data = parseInstanceExport(fresh());
    expect(data.timers.length).toBeGreaterThan(0);
    expect(allHtml(data)).toContain('<tr>');
  });

  it('reads an older export: timers without state or label, tasks without title, entries without timer', () => {
    const d = fresh();
    for (const t of d['timers']) {
      delete t.state;
      delete t.label;
    }
    for (const t of d['tasks']) delete t.title;
    expect(fieldOf(() => parseInstanceExport(d))).toBe('accepted');
  });

  it.each<[string, string, (d: Record<string, any>) => void]>([
    ['the workflow removed', 'workflow', (d) => delete d['workflow']],
    ['markup as the workflow version', 'workflow.version', (d) => (d['workflow'].version = INJECTED)],
    ['markup as a history revision', 'history[0].revision', (d) => (d['history'][0].revision = INJECTED)],
    ['the tasks removed', 'tasks', (d) => delete d['tasks']],
    ['the chain check removed', 'verify', (d) => delete d['verify']],
    ['a failed chain check without its problems', 'verify.problems', (d) => (d['verify'] = { ok: false, entries: 1 })],
    ['a history entry without its actor', 'history[1].actor', (d) => delete d['history'][1].actor],
    ['an actor id as a number', 'history[1].actor.id', (d) => (d['history'][1].actor = { id: 42 })],
    ['a null history entry', 'history[2]', (d) => d['history'].push(null)],
    ['a timer due beyond what a date holds', 'timers[0].dueAt', (d) => (d['timers'][0].dueAt = 9e15)],
    ['a timer due long before what a date holds', 'timers[0].dueAt', (d) => (d['timers'][0].dueAt = -9e15)],
    ['a timer due as an ISO string', 'timers[0].dueAt', (d) => (d['timers'][0].dueAt = '2026-10-01T09:00:00+08:00')],
    ['a timer without its event', 'timers[0].event', (d) => delete d['timers'][0].event],
    ['exportedAt removed', 'exportedAt', (d) => delete d['exportedAt']],
    ['a task title as one string', 'tasks[0].title', (d) => (d['tasks'] = [{ step: 's', title: '旧标题', assignees: [], roles: [], dueAt: null }])],
    ['a task without assignees', 'tasks[0].assignees', (d) => (d['tasks'] = [{ step: 's', roles: [], dueAt: null }])],
  ])('%s is refused naming %s (was a TypeError, "Invalid DateTime" or a script run)', (_, field, edit) => {
    const d = fresh();
    edit(d);
    expect(fieldOf(() => parseInstanceExport(d))).toBe(field);
  });

  it('shows a version and a revision as text even when given markup (the page does not rely on the check)', () => {
    const d = fresh();
    d['workflow'].version = INJECTED;
    d['history'][0].revision = INJECTED;
    const html = allHtml(d as InstanceExport);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });

  it('property: an export with markup anywhere is refused by the check or shown as text', () => {
    const paths: ((d: Record<string, any>, v: unknown) => void)[] = [
      (d, v) => (d['workflow'].version = v),
      (d, v) => (d['workflow'].id = v),
      (d, v) => (d['workflow'].title = v),
      (d, v) => (d['instance'].id = v),
      (d, v) => (d['instance'].status = v),
      (d, v) => (d['instance'].initiator = v),
      (d, v) => (d['instance'].state = v),
      (d, v) => (d['history'][0].revision = v),
      (d, v) => (d['history'][0].actor.name = v),
      (d, v) => (d['history'][0].actor.id = v),
      (d, v) => (d['history'][1].onBehalfOf = v),
      (d, v) => (d['history'][1].event.type = v),
      (d, v) => (d['history'][1].from = v),
      (d, v) => (d['history'][1].to = v),
      (d, v) => (d['timers'][0].name = v),
      (d, v) => (d['timers'][0].state = v),
      (d, v) => (d['timers'][0].key = v),
      (d, v) => (d['timers'][0].event.type = v),
      (d, v) => (d['verify'] = { ok: false, entries: 1, problems: [{ message: v }] }),
      (d, v) => (d['tasks'] = [{ step: v, title: undefined, assignees: [v], roles: [], dueAt: null }]),
    ];
    const markup = fc.constantFrom(INJECTED, '<script>window.__xss=1</script>', '"><svg onload=alert(1)>', "'><b>");
    const value = fc.oneof(
      markup,
      markup.map((m) => ({ 'zh-CN': m, en: m })),
      markup.map((m) => ({ [m]: m })),
      fc.tuple(fc.string(), markup).map(([a, m]) => a + m),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(paths.length - 1), value), { minLength: 1, maxLength: 4 }), (edits) => {
        const d = fresh();
        for (const [i, v] of edits) paths[i]!(d, v);
        let data: InstanceExport;
        try {
          data = parseInstanceExport(d);
        } catch (error) {
          expect(isDocketError(error) && error.code === 'INVALID_ARGUMENT').toBe(true);
          return;
        }
        const html = allHtml(data);
        expect(html).not.toMatch(/<(img|script|svg|b)[\s>]/);
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 200) },
    );
  });
});
