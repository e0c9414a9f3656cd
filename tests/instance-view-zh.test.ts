/// <reference lib="dom" />
// The docs site's instance view on its zh-CN page told a Chinese reader why a file could not be shown
// in English only ("The export's history[1].actor should be an object…", "Unexpected token…", "This
// site has no diagram…"), and the summary said "· suspended", "(for wang)" and the chain check's
// English messages. Now every refusal of parseInstanceExport carries its Chinese text
// (`details.messageZh`, one place: src/visualizer/instance-export.ts), and the page shows both
// languages, each in its own span (`loadErrorText`, `chainProblemsText`).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainProblemsText, instanceHtml, loadErrorText } from '../docs/site-src/instance-page.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { isDocketError } from '../src/errors.js';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { parseInstanceExport, stateGraph, type InstanceExport } from '../src/visualizer/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const HAN = /\p{Script=Han}/u;
let exported: InstanceExport;
const fresh = (): Record<string, any> => JSON.parse(JSON.stringify(exported));

beforeAll(async () => {
  const store = memoryStore();
  const clock = virtualClock('2026-10-08T09:00:00+08:00');
  const engine = createEngine({ store, clock, calendar: businessCalendar(), workflows: [reviewWorkflow] });
  const id = await engine.start('review', { title: 'x' }, { actor: { id: 'ann', roles: ['staff'], name: '安' } });
  await engine.send(id, { type: 'SUBMIT' }, { actor: { id: 'ann', roles: ['staff'] } });
  exported = JSON.parse(JSON.stringify(await exportInstance(store, id, [reviewWorkflow], clock.now())));
  await engine.close();
});

/** What parseInstanceExport threw for `value`, or undefined when it read it. */
function refusal(value: unknown): unknown {
  try {
    parseInstanceExport(value);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The zh-CN spans of a piece of the page's HTML, as text. */
const zhSpans = (html: string) => [...html.matchAll(/<span class="l-zh" lang="zh-CN">([^<]*)<\/span>/g)].map((m) => m[1]!);

describe('the instance view in Chinese', () => {
  it.each<[string, (d: Record<string, any>) => unknown, string]>([
    ['a JSON array', () => [], 'export'],
    ['another format', (d) => ({ ...d, format: 'x' }), 'format'],
    ['a newer format version', (d) => ({ ...d, formatVersion: 2 }), 'formatVersion'],
    ['no instance', (d) => ({ ...d, instance: null }), 'instance'],
    ['no history', (d) => ({ ...d, history: {} }), 'history'],
    ['no timers', (d) => ({ ...d, timers: 'none' }), 'timers'],
    ['a history entry without its actor', (d) => (delete d['history'][1].actor, d), 'history[1].actor'],
    ['a timer due as an ISO string', (d) => ((d['timers'][0].dueAt = '2026-10-01T09:00:00+08:00'), d), 'timers[0].dueAt'],
    ['a task title as one string', (d) => ((d['tasks'] = [{ step: 's', title: '旧标题', assignees: [], roles: [], dueAt: null }]), d), 'tasks[0].title'],
  ])('%s: the refusal says why in Chinese too (details.messageZh), and the page shows it', (_, edit, field) => {
    const error = refusal(edit(fresh()));
    expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
    const e = error as { message: string; details: Record<string, unknown> };
    expect(e.details['field']).toBe(field);
    expect(e.details['messageZh']).toMatch(HAN);
    expect(e.details['messageZh']).toContain('docket export <db> <id>');
    const text = loadErrorText(error);
    expect(text).toEqual({ 'zh-CN': e.details['messageZh'], en: e.message });
  });

  it('a file that is not JSON is said to be so in both languages', () => {
    let error: unknown;
    try {
      JSON.parse('<html>');
    } catch (e) {
      error = e;
    }
    const text = loadErrorText(error);
    expect(text['zh-CN']).toMatch(HAN);
    expect(text['zh-CN']).toContain('JSON');
    expect(text.en).toMatch(/not JSON/);
  });

  it('the summary of a suspended instance, an act for someone and a failed chain check are Chinese in the zh-CN spans', () => {
    const d = fresh();
    d['instance'].suspended = true;
    d['history'][1].onBehalfOf = 'wang';
    d['verify'] = { ok: false, entries: 2, problems: [{ revision: 2, problem: 'edited', message: 'Entry 2 was edited.' }] };
    const html = instanceHtml(parseInstanceExport(d), stateGraph(reviewWorkflow));
    const zh = zhSpans(`${html.summary}${html.history}`).join(' ');
    expect(zh).toContain('已挂起');
    expect(zh).toContain('代 wang');
    expect(zh).toContain('第 2 条：记录被改动过');
    expect(zh).not.toMatch(/suspended|\(for |was edited/);
    expect(chainProblemsText([{ problem: 'hand-made', message: '<b>' }])).toEqual({ 'zh-CN': '未通过：<b>', en: '<b>' });
  });

  it('property: whatever part of an export is broken, the refusal has Chinese text naming the part, and the page shows both', () => {
    const edits: ((d: Record<string, any>, v: unknown) => void)[] = [
      (d, v) => (d['format'] = v),
      (d, v) => (d['formatVersion'] = v),
      (d, v) => (d['exportedAt'] = v),
      (d, v) => (d['workflow'] = v),
      (d, v) => (d['workflow'].version = v),
      (d, v) => (d['workflow'].title = v),
      (d, v) => (d['instance'].status = v),
      (d, v) => (d['history'][0] = v),
      (d, v) => (d['history'][0].actor.id = v),
      (d, v) => (d['history'][1].event = v),
      (d, v) => (d['timers'][0].dueAt = v),
      (d, v) => (d['tasks'] = v),
      (d, v) => (d['verify'] = v),
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(edits.length - 1), fc.anything()), { minLength: 1, maxLength: 3 }), (changes) => {
        const d = fresh();
        for (const [i, v] of changes) {
          try {
            edits[i]!(d, v);
          } catch {
            // an earlier edit removed the parent: the export is broken anyway
          }
        }
        const error = refusal(d);
        if (error === undefined) return;
        expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
        const e = error as { message: string; details: Record<string, unknown> };
        expect(e.details['messageZh']).toMatch(HAN);
        expect(e.details['messageZh']).toContain(String(e.details['field']) === 'export' ? 'JSON' : String(e.details['field']).split(/[.[]/)[0]!);
        expect(loadErrorText(error)).toEqual({ 'zh-CN': e.details['messageZh'], en: e.message });
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 200) },
    );
  });
});
