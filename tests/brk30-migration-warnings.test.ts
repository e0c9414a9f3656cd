import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, effect, memoryStore, migrateFrom, staticDirectory, virtualClock, type AnyWorkflow } from '../src/index.js';
import { rehearseMigration } from '../src/testing/index.js';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/program.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { countersign, countersignDirectory, countersignV1 } from './helpers/brk30-countersign.js';
import { actor, admin, li, people } from './approvals-fixture.js';

// Regression (brk30): a migration enters its target afresh, so it re-runs the state's entry actions
// (the manager notified twice) and opens a new round of an approval step (a half-voted 会签 loses its
// votes). The docs said so; the dry run, the report and rehearseMigration did not. They now name,
// per instance, the states whose entry effects are sent again and the steps that lose votes.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const why = { actor: admin, reason: 'v2' };

const notifyMachine = setup({
  types: {} as { context: Record<string, never>; events: { type: 'OK' } },
  actions: { notify: effect<{ to: string }>() },
}).createMachine({
  id: 'claim',
  context: {},
  initial: 'manager',
  states: {
    manager: { entry: { type: 'notify', params: { to: 'manager' } }, on: { OK: 'done' } },
    done: { type: 'final' },
  },
});
const claimV1 = defineWorkflow({ id: 'claim', version: 1, machine: notifyMachine, input: z.object({}), events: { OK: z.object({}) } });
const claimV2 = defineWorkflow({ id: 'claim', version: 2, machine: notifyMachine, input: z.object({}), events: { OK: z.object({}) }, migrations: migrateFrom(claimV1, {}) });

async function twoVersions(v1: AnyWorkflow, v2: AnyWorkflow, effects: Record<string, () => void>) {
  const clock = virtualClock(START);
  const store = memoryStore();
  const directory = staticDirectory({ users: people });
  const old = createEngine({ store, clock, directory, workflows: [v1], effects });
  const engine = createEngine({ store, clock, directory, workflows: [v1, v2], effects });
  return { clock, store, old, engine };
}

describe('migration warnings: entry effects sent again, approval votes lost', () => {
  it('a re-entered state with an entry effect: the dry run, the report and rehearseMigration name it; the real run does send it again', async () => {
    const { store, old, engine } = await twoVersions(claimV1 as never, claimV2 as never, { notify: () => {} });
    const id = await old.start('claim', {} as never, { actor: li });
    const dry = await engine.migrate({ workflow: 'claim', from: 1, to: 2, dryRun: true, ...why });
    expect(dry.moved).toHaveLength(1);
    expect(dry.moved[0]!.effectsAgain).toEqual([{ state: 'manager', effects: ['notify'] }]);
    expect(dry.moved[0]!.lostVotes).toEqual([]);

    const rehearsal = await rehearseMigration({ source: store, from: claimV1 as never, to: claimV2 as never, horizon: START + 1000 });
    expect(rehearsal.warnings).toEqual([{ instanceId: id, effectsAgain: [{ state: 'manager', effects: ['notify'] }], lostVotes: [] }]);

    const run = await engine.migrate({ workflow: 'claim', from: 1, to: 2, ...why });
    expect(run.moved[0]!.effectsAgain).toEqual(dry.moved[0]!.effectsAgain);
    // What the warning is about: the manager's notice is in the outbox twice.
    const notices = (await store.effects(id)).filter((e) => e.type === 'notify');
    expect(notices).toHaveLength(2);
  });

  it('a half-voted 会签: the dry run and rehearseMigration report the step, its lost vote count and voters', async () => {
    const { v1, v2 } = countersign(['zhao', 'qian', 'sun']);
    const { store, old, engine } = await twoVersions(v1 as never, v2 as never, { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} });
    const id = await old.start('flow', { amount: 1 } as never, { actor: li });
    await old.send(id, { type: 'APPROVE', step: 'sign' } as never, { actor: actor('zhao') });
    await old.send(id, { type: 'APPROVE', step: 'sign' } as never, { actor: actor('sun') });

    const dry = await engine.migrate({ workflow: 'flow', from: 1, to: 2, dryRun: true, ...why });
    expect(dry.moved[0]!.lostVotes).toEqual([{ step: 'sign', votes: 2, voters: ['zhao', 'sun'] }]);
    // The step's entry assigns it afresh: approval.assigned is sent again.
    expect(dry.moved[0]!.effectsAgain).toEqual([{ state: 'sign', effects: ['approval.assigned'] }]);

    const rehearsal = await rehearseMigration({ source: store, from: v1 as never, to: v2 as never, horizon: START + 1000, directory: staticDirectory({ users: people }) });
    expect(rehearsal.warnings.map((w) => [w.instanceId, w.lostVotes])).toEqual([[id, [{ step: 'sign', votes: 2, voters: ['zhao', 'sun'] }]]]);

    const run = await engine.migrate({ workflow: 'flow', from: 1, to: 2, ...why });
    expect(run.moved[0]!.lostVotes).toEqual(dry.moved[0]!.lostVotes);
    // What the warning is about: the step starts over, nobody's approval kept.
    const sign = ((await engine.get(id)).context as { approvals: Record<string, { assignments: { status: string }[] }> }).approvals['sign']!;
    expect(sign.assignments.map((a) => a.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('an instance with no votes cast and a state without entry effects gets no warning', async () => {
    const machine = setup({ types: {} as { context: Record<string, never>; events: { type: 'OK' } } }).createMachine({ id: 'plain', context: {}, initial: 'a', states: { a: { on: { OK: 'b' } }, b: { type: 'final' } } });
    const p1 = defineWorkflow({ id: 'plain', version: 1, machine, input: z.object({}), events: { OK: z.object({}) } });
    const p2 = defineWorkflow({ id: 'plain', version: 2, machine, input: z.object({}), events: { OK: z.object({}) }, migrations: migrateFrom(p1, {}) });
    const { old, engine } = await twoVersions(p1 as never, p2 as never, {});
    await old.start('plain', {} as never, { actor: li });
    const dry = await engine.migrate({ workflow: 'plain', from: 1, to: 2, dryRun: true, ...why });
    expect(dry.moved[0]!.effectsAgain).toEqual([]);
    expect(dry.moved[0]!.lostVotes).toEqual([]);
  });

  it('property: for a random half-voted 会签, the reported lost votes equal the votes the step held', async () => {
    const POOL = ['zhao', 'qian', 'sun', 'wu', 'zheng', 'wang', 'zhou'] as const;
    const shape = fc
      .uniqueArray(fc.constantFrom(...POOL), { minLength: 2, maxLength: POOL.length })
      .chain((approvers) => fc.tuple(fc.constant(approvers), fc.shuffledSubarray(approvers, { minLength: 1, maxLength: approvers.length - 1 })));
    await fc.assert(
      fc.asyncProperty(shape, async ([approvers, voters]) => {
        const { v1, v2 } = countersign(approvers);
        const { old, engine } = await twoVersions(v1 as never, v2 as never, { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} });
        try {
          const id = await old.start('flow', { amount: 1 } as never, { actor: li });
          for (const who of voters) await old.send(id, { type: 'APPROVE', step: 'sign' } as never, { actor: actor(who) });
          const held = ((await engine.get(id)).context as { approvals: Record<string, { assignments: { status: string; user: string }[] }> }).approvals['sign']!.assignments.filter((a) => a.status === 'approved');
          const dry = await engine.migrate({ workflow: 'flow', from: 1, to: 2, dryRun: true, ...why });
          const lost = dry.moved[0]!.lostVotes;
          expect(lost).toHaveLength(1);
          expect(lost[0]!.step).toBe('sign');
          expect(lost[0]!.votes).toBe(held.length);
          expect(lost[0]!.votes).toBe(voters.length);
          expect([...lost[0]!.voters].sort()).toEqual([...voters].sort());
        } finally {
          await old.close();
          await engine.close();
        }
      }),
      { numRuns: Number(process.env.BRK30_RUNS ?? 30) },
    );
  });

  it('the CLI prints both warnings per instance, in zh-CN and in English', async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    const store = sqliteStore({ filename: file.filename });
    const engine = createEngine({ store, clock: virtualClock(START), directory: countersignDirectory, workflows: [countersignV1] });
    const id = await engine.start('flow', { amount: 1 } as never, { actor: li, id: 'half' });
    await engine.send(id, { type: 'APPROVE', step: 'sign' } as never, { actor: actor('qian') });
    await engine.close();
    await store.close();
    const moduleFile = fileURLToPath(new URL('./helpers/brk30-countersign-module.js', import.meta.url));
    const cli = async (lang: string) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['migrate', file.filename, '--workflow', 'flow', '--from', '1', '--to', '2', '--reason', 'v2', '--workflows', moduleFile, '--dry-run'], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { LANG: lang },
        now: () => START,
      });
      return { code, stdout, stderr };
    };
    try {
      const en = await cli('en_US.UTF-8');
      expect(en.code, en.stderr).toBe(0);
      expect(en.stdout).toContain('! enters "sign" again: its entry sends approval.assigned again');
      expect(en.stdout).toContain('! approval step "sign" loses 1 recorded vote (qian): it is asked again');
      const zh = await cli('zh_CN.UTF-8');
      expect(zh.code, zh.stderr).toBe(0);
      expect(zh.stdout).toContain('！再次进入「sign」：其进入动作会再次发送 approval.assigned');
      expect(zh.stdout).toContain('！审批步骤「sign」已记录的 1 票将作废（qian），须重新审批');
    } finally {
      file.remove();
    }
  });
});
