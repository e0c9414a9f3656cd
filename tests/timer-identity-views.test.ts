// Where people read a timer — the CLI (show, list, history, migrate), the visualizer's state graph,
// the instance export and the docs site that reads it, the path descriptions of docket/testing — it is
// named by what it is, in the reader's language: `「等待」1小时后` in zh-CN, where the CLI printed the
// engine's English `after 1h in 等待`; a step with its own id by its state's label, where the CLI read
// the step id from the timer's key and found no state by it; an XState delay event by its timer, not
// `timeout (3600000)`; a numeric delay in the graph's deadline labels by its duration, not `3600000`.
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  approvalStep,
  businessCalendar,
  createEngine,
  deadline,
  defineWorkflow,
  staticDirectory,
  users,
  virtualClock,
  withApprovals,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type AnyWorkflow,
} from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { eventLabelOf, timerText as cliTimerText } from '../src/cli/format-text.js';
import { historyCommand, listCommand, showCommand } from '../src/cli/command-inspect.js';
import { exportInstance } from '../src/cli/export-instance.js';
import type { CommandContext } from '../src/cli/cli-context.js';
import { stateGraph, timerText } from '../src/visualizer/index.js';
import { exploreWorkflow } from '../src/testing/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The CLI opens a closed SQLite file untouched (immutable), which needs URI filenames, as main.ts sets.
process.env.SQLITE_USE_URI = '1';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };

/** Two nested numeric delays and a named deadline, every state and the deadline labelled in both languages. */
const parking = defineWorkflow({
  id: 'parking',
  version: 1,
  machine: setup({ delays: { reviewDue: deadline('reviewDue') } }).createMachine({
    id: 'parking',
    initial: 'review',
    states: {
      review: {
        initial: 'waiting',
        after: { reviewDue: '#parking.closed' },
        states: { waiting: { after: { 3600000: 'late' } }, late: { after: { 5400000: '#parking.closed' } } },
      },
      closed: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: {},
  deadlines: { reviewDue: workingDays(3) },
  labels: {
    title: { 'zh-CN': '停车', en: 'Parking' },
    states: {
      review: { 'zh-CN': '评审', en: 'Review' },
      'review.waiting': { 'zh-CN': '等待', en: 'Waiting' },
      'review.late': { 'zh-CN': '逾期', en: 'Late' },
      closed: { 'zh-CN': '已关闭', en: 'Closed' },
    },
    deadlines: { reviewDue: { 'zh-CN': '评审截止', en: 'Review due' } },
  },
});

function cliContext(lang: 'zh-CN' | 'en', workflows: readonly AnyWorkflow[], json = false): CommandContext & { out: () => string } {
  let out = '';
  return {
    io: { stdout: { write: (t: string) => void (out += t) }, stderr: { write: () => {} }, env: {}, now: () => at('12:00') },
    lang,
    json,
    workflows,
    tz: 'Asia/Shanghai',
    onMissingYear: 'statutory',
    out: () => out,
  };
}

describe('timerText (docket/visualizer): one wording for the CLI and the docs site, in both languages', () => {
  const graph = stateGraph(parking);

  it('a numeric delay reads as a duration in the state it waits in, by the state’s label', () => {
    expect(timerText(graph, { name: '3600000', state: 'review.waiting' })).toEqual({ 'zh-CN': '「等待」1小时后', en: 'after 1h in Waiting' });
    expect(timerText(graph, { name: '5400000', state: 'review.late' })).toEqual({ 'zh-CN': '「逾期」1小时30分钟后', en: 'after 1h 30min in Late' });
    // Without the workflow: the state's path, still in the reader's language around it.
    expect(timerText(undefined, { name: '3600000', state: 'review.waiting' })).toEqual({ 'zh-CN': '「review.waiting」1小时后', en: 'after 1h in review.waiting' });
  });

  it('a named deadline reads by the workflow’s label for it; its name only when the workflow is unknown', () => {
    expect(timerText(graph, { name: 'reviewDue', state: 'review' })).toEqual({ 'zh-CN': '「评审」评审截止', en: 'Review due in Review' });
    expect(timerText(undefined, { name: 'reviewDue', state: 'review' })).toEqual({ 'zh-CN': '「review」reviewDue', en: 'reviewDue in review' });
  });

  it("the CLI's zh-CN output reads in Chinese, and an XState delay event reads as its timer", () => {
    expect(cliTimerText(graph, '3600000', 'review.waiting', 'zh-CN')).toBe('「等待」1小时后');
    expect(eventLabelOf(graph, { type: 'docket.timer.3600000', delivered: 'xstate.after.3600000.parking.review.waiting' }, 'zh-CN')).toBe('期限到（「等待」1小时后）');
    // An entry's own timer.state wins over the delivered key.
    expect(eventLabelOf(graph, { type: 'docket.timer.reviewDue', delivered: 'xstate.after.reviewDue.parking.review' }, 'en', { state: 'review' })).toBe('deadline (Review due in Review)');
    // It read 'timeout (3600000)'.
    expect(eventLabelOf(graph, 'xstate.after.3600000.parking.review.waiting', 'en')).toBe('timeout (after 1h in Waiting)');
    expect(eventLabelOf(graph, 'xstate.after.3600000.parking.review.waiting', 'zh-CN')).toBe('超时（「等待」1小时后）');
  });
});

describe('the state graph names a numeric delay by its duration', () => {
  it("graph.deadlines['3600000'] is '1 hour', not the first holder's deadline; a name two states share is its words", () => {
    const shared = defineWorkflow({
      id: 'shared',
      version: 1,
      machine: setup({ delays: { chaseDue: deadline('chaseDue') } }).createMachine({
        id: 'shared',
        initial: 'a',
        states: {
          a: { after: { 3600000: 'b', chaseDue: 'c' } },
          b: { after: { 3600000: 'c', chaseDue: 'c' } },
          c: { type: 'final' },
        },
      }),
      input: z.object({}),
      events: {},
      deadlines: { chaseDue: workingDays(1) },
      labels: { title: { 'zh-CN': '共享', en: 'Shared' }, states: { a: { 'zh-CN': '甲', en: 'A' }, b: { 'zh-CN': '乙', en: 'B' } } },
    });
    const graph = stateGraph(shared);
    expect(graph.deadlines['3600000']).toEqual({ 'zh-CN': '1小时', en: '1 hour' });
    // Both a and b wait on chaseDue: naming it 'A deadline' misnamed b's.
    expect(graph.deadlines['chaseDue']).toEqual({ 'zh-CN': 'chase due', en: 'chase due' });
    // One holder: named after it, as before.
    expect(stateGraph(parking).deadlines['reviewDue']).toEqual({ 'zh-CN': '评审截止', en: 'Review due' });
  });
});

describe('docket show, history and list name timers in the reader’s language', () => {
  it('zh-CN: show prints 1小时后 in 等待 and 评审截止 in 评审; history prints 期限到（「等待」1小时后）', async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    try {
      const store = sqliteStore({ filename: file.filename });
      const clock = virtualClock(at('09:00'));
      const engine = createEngine({ store, clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [parking] });
      const id = await engine.start('parking', {}, { actor: someone });
      await clock.advanceTo(at('10:30'));
      await engine.close();
      await store.close();

      const zh = cliContext('zh-CN', [parking]);
      await showCommand(zh, file.filename, id);
      expect(zh.out()).toContain('计时器');
      expect(zh.out()).toMatch(/1小时30分钟后 @ 2026-11-02 11:30 · 于 逾期/);
      expect(zh.out()).toMatch(/评审截止 @ 2026-11-05 09:00 · 于 评审/);
      expect(zh.out()).not.toMatch(/after|5400000|reviewDue/);
      const zhHistory = cliContext('zh-CN', [parking]);
      await historyCommand(zhHistory, file.filename, id);
      expect(zhHistory.out()).toContain('期限到（「等待」1小时后）');

      const en = cliContext('en', [parking]);
      await historyCommand(en, file.filename, id);
      expect(en.out()).toContain('deadline (after 1h in Waiting)');
    } finally {
      file.remove();
    }
  });

  it("a step with its own id: show, list and export name its timer's state by the step's path and label", async (ctx) => {
    const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
    const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'review',
      states: {
        review: {
          initial: 'legalReview',
          states: {
            legalReview: approvalStep({ id: 'legal', title: { 'zh-CN': '法务审核', en: 'Legal review' }, mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } }, onApproved: '#done', onRejected: '#done' }),
          },
        },
        done: { id: 'done', type: 'final' },
      },
    });
    const keyed = approvals.defineWorkflow({
      id: 'keyed', version: 1, machine, input: z.object({}),
      labels: { title: { 'zh-CN': '键', en: 'Keyed' }, states: { 'review.legalReview': { 'zh-CN': '法务审核', en: 'Legal review' } } },
    });
    const file = sqliteFile(ctx.task.name);
    file.remove();
    try {
      const store = sqliteStore({ filename: file.filename });
      const engine = createEngine({
        store, clock: virtualClock(at('09:00')), calendar: businessCalendar({ holidays: ['CN'] }),
        directory: staticDirectory({ users: [{ id: 'li', roles: ['staff'] }, { id: 'zhao', roles: ['legal'] }] }), workflows: [keyed],
      });
      const id = await engine.start('keyed', {}, { actor: someone });
      const [viewTimer] = (await engine.get(id)).timers;
      await engine.close();

      const json = cliContext('en', [keyed], true);
      await showCommand(json, file.filename, id);
      // The state the engine names, not the step id `legal` read from the key `xstate.after.due.legal`.
      expect(JSON.parse(json.out()).timers).toEqual([viewTimer]);
      expect(viewTimer!.state).toBe('review.legalReview');
      const text = cliContext('en', [keyed]);
      await showCommand(text, file.filename, id);
      expect(text.out()).toMatch(/ · in Legal review\n/);
      const list = cliContext('en', [keyed], true);
      await listCommand(list, file.filename, {});
      expect(JSON.parse(list.out()).items[0].timers).toEqual([viewTimer]);

      const exported = await exportInstance(store, id, [keyed], at('09:00'));
      expect(exported.timers.map((t) => [t.name, t.state, t.label])).toEqual([['due', 'review.legalReview', 'due in review.legalReview']]);
      await store.close();
    } finally {
      file.remove();
    }
  });
});

describe('docket/testing names a timer step by what it is', () => {
  it("a generated path's description says 'after 1h in review.waiting', not XState's key", () => {
    const { paths } = exploreWorkflow(parking, { input: {}, traversal: 'simple' });
    const descriptions = paths.map((p) => p.description);
    expect(descriptions).toContain('after 1h in review.waiting');
    expect(descriptions).toContain('after 1h in review.waiting → after 1h 30min in review.late');
    expect(descriptions).toContain('reviewDue in review');
    expect(descriptions.join('\n')).not.toContain('xstate.after');
    // The steps still hold the events XState received (data, not text for people).
    expect(paths.flatMap((p) => p.steps.map((s) => s.event.type))).toContain('xstate.after.3600000.parking.review.waiting');
  });
});
