import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, users, workingDays, type ApprovalMode, type ApprovalStepState, type StandIn } from '../src/index.js';
import { actor, approvalFlow, harness, type StepSpec } from './approvals-fixture.js';

// Model-based test of the approval operations through the engine (engine.send, engine.tasks,
// engine.history, idempotency keys), on the approvalFlow fixture: draft → s1 → s2 → approved.
// After every act, independently of the reducer:
//   - a refusal is a DocketError with a code and details, and changes nothing (revision, history, inbox);
//   - a retry with the same idempotency key returns the same view and writes nothing;
//   - the inbox lists exactly the actionable assignments of the step the instance is in;
//   - a step's outcome, once set in a round, never changes in that round (decided once);
//   - 会签 / 依次 approve only when every live seat approved; 或签 leaves no open task once decided;
//     a vote approves only with enough distinct approved votes; one live seat per person per round;
//   - an accepted decision (同意 / 拒绝 / 退回) comes from someone who held an open task, was its
//     delegate, or stood in for its holder;
//   - 撤回 is accepted only from the initiator and only while nobody decided (untilActed).

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng', 'wang'] as const;
const INITIATOR = 'li';
const ADMIN = 'feng';
const DECIDING = new Set(['APPROVE', 'REJECT', 'RETURN', 'REQUEST_CHANGES']);

const modeArb: fc.Arbitrary<ApprovalMode> = fc.oneof(
  fc.constantFrom<ApprovalMode>('sequential', 'all', 'any', { ratio: 0.5 }, { ratio: 0.5, strict: true }),
  fc.integer({ min: 1, max: 3 }).map((count) => ({ count })),
);
const stepArb = (id: string): fc.Arbitrary<StepSpec> =>
  fc.record({
    mode: modeArb,
    named: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 4 }),
    then: fc.constantFrom(undefined, { kind: 'approve' as const }, { kind: 'reject' as const }, { kind: 'escalate' as const, role: 'finance' }),
  }).map(({ mode, named, then }) => ({
    id,
    mode,
    ...(then ? { deadline: { after: 'due', then } } : {}),
    approvers: users(...named),
    whenTooFew: 'lower' as const,
    returns: { submitter: true, ...(id === 's2' ? { previous: 's1', steps: ['s1'] } : {}) },
  }));

const person = fc.constantFrom<string>(...PEOPLE, INITIATOR, ADMIN, 'gone', 'nobody');
/** `#n`: one of the people who could act on the current step now (resolved at the act). */
const actorArb = fc.oneof({ arbitrary: person, weight: 1 }, { arbitrary: fc.nat({ max: 11 }).map((n) => `#${n}`), weight: 3 });
type Act = { readonly type: string; readonly actor: string; readonly key: boolean; readonly [k: string]: unknown };
const key = fc.boolean();
const actArb: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('APPROVE'), actor: actorArb, key }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('REJECT'), actor: actorArb, key }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('RETURN'), actor: actorArb, key, to: fc.constantFrom('submitter', 'previous', 's1', 's2', '') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('REQUEST_CHANGES'), actor: actorArb, key, comment: fc.constant('fix') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('ADD_SIGNER'), actor: actorArb, key, users: fc.array(person, { minLength: 1, maxLength: 3 }), position: fc.constantFrom('before', 'after', 'alongside') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('REMOVE_SIGNER'), actor: actorArb, key, user: person }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constantFrom('TRANSFER', 'DELEGATE'), actor: actorArb, key, to: person }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('TRANSFER'), actor: fc.constant(ADMIN), key, from: person, to: person }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('WITHDRAW'), actor: fc.constantFrom(INITIATOR, '#0'), key }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('SUBMIT'), actor: fc.constantFrom(INITIATOR), key }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constantFrom('CC'), actor: actorArb, key, users: fc.array(person, { minLength: 1, maxLength: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constantFrom('REMIND'), actor: actorArb, key }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('ADVANCE'), actor: fc.constant('-'), key: fc.constant(false) }), weight: 1 },
);

const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]!);
const live = (s: ApprovalStepState) => s.assignments.filter((a) => a.status !== 'removed' && a.status !== 'transferred');
const DONE = new Set(['approved', 'skipped', 'removed', 'transferred']);
const actionable = (s: ApprovalStepState) => {
  const byId = new Map(s.assignments.map((a) => [a.id, a]));
  return s.assignments.filter((a) => a.status === 'pending' && a.waitsFor.every((w) => DONE.has(byId.get(w)?.status ?? 'removed')));
};
function approvedVotes(s: ApprovalStepState): number {
  const by = new Map<string, string[]>();
  for (const a of live(s)) by.set(a.vote ?? a.id, [...(by.get(a.vote ?? a.id) ?? []), a.status]);
  return [...by.values()].filter((st) => st.every((x) => x === 'approved' || x === 'skipped')).length;
}

const STAND_INS: StandIn[] = [{ principal: 'wu', deputy: 'zheng', from: 0, to: Number.MAX_SAFE_INTEGER }];

async function run(specs: readonly StepSpec[], acts: readonly Act[]) {
  const flow = approvalFlow(specs, { draft: true, deadlines: { due: workingDays(1) } });
  const h = harness(flow, { standIns: STAND_INS });
  const { engine } = h;
  const id = await engine.start('flow', { amount: 1 }, { actor: actor(INITIATOR) });
  const decided = new Map<string, unknown>();
  let actedSinceSubmit = false;
  let n = 0;
  for (const act of acts) {
    const before = await engine.get(id);
    const ctx = before.context as { approvals: Record<string, ApprovalStepState> };
    const at = top(before.state);
    const current = ctx.approvals[at];
    const history = (await engine.history(id)).length;
    const tasks = (await engine.tasks({ instanceId: id })).map((t) => t.id).sort();
    if (act.type === 'ADVANCE') {
      await h.clock.advanceBy({ days: 3 });
      continue;
    }
    let who = act.actor;
    if (who.startsWith('#')) {
      const open = current ? actionable(current) : [];
      const cands = [...new Set(open.flatMap((a) => [a.user ?? '', ...(a.user === null ? a.group?.members ?? [] : []), a.delegate ?? '', ...(a.user === 'wu' ? ['zheng'] : [])]).filter(Boolean))].sort();
      who = cands.length === 0 ? INITIATOR : cands[Number(who.slice(1)) % cands.length]!;
    }
    const { type, actor: _a, key: withKey, ...fields } = act;
    const event = { type, ...fields } as never;
    const idempotencyKey = withKey ? `k${n++}` : undefined;
    const opts = { actor: actor(who), ...(idempotencyKey ? { idempotencyKey } : {}) };
    let view: Awaited<ReturnType<typeof engine.send>> | undefined;
    let error: unknown;
    try {
      view = await engine.send(id, event, opts);
    } catch (e) {
      error = e;
    }
    const after = await engine.get(id);
    if (error !== undefined) {
      // A refusal: typed, and nothing changed.
      expect(isDocketError(error), String(error)).toBe(true);
      const err = error as { code: string; details: unknown };
      expect(typeof err.code).toBe('string');
      expect(typeof err.details).toBe('object');
      expect(after.revision).toBe(before.revision);
      expect((await engine.history(id)).length).toBe(history);
      expect((await engine.tasks({ instanceId: id })).map((t) => t.id).sort()).toEqual(tasks);
      if (type === 'WITHDRAW' && who === INITIATOR && before.status === 'active' && current && !actedSinceSubmit) {
        // 撤回 by the initiator before anyone decided is accepted (untilActed).
        throw new Error(`WITHDRAW refused before anyone acted: ${(error as Error).message}`);
      }
      continue;
    }
    // Accepted.
    if (idempotencyKey) {
      const again = await engine.send(id, event, opts);
      expect(again.revision).toBe(view!.revision);
      expect(again.state).toEqual(view!.state);
      expect((await engine.get(id)).revision).toBe(after.revision);
    }
    if (DECIDING.has(type) && current) {
      const open = actionable(current);
      const holds = open.some((a) => a.user === who || (a.user === null && a.group?.members.includes(who)) || a.delegate === who || (a.user === 'wu' && who === 'zheng'));
      expect(holds, `${type} by ${who} who holds no open task in ${at}`).toBe(true);
      actedSinceSubmit = true;
    }
    if (type === 'WITHDRAW') {
      expect(who).toBe(INITIATOR);
      expect(actedSinceSubmit, 'WITHDRAW accepted after someone decided').toBe(false);
    }
    if (type === 'SUBMIT') actedSinceSubmit = false;
    const actx = after.context as { approvals: Record<string, ApprovalStepState> };
    const now = top(after.state);
    for (const [name, s] of Object.entries(actx.approvals)) {
      // Decided once per round.
      const k = `${name}:${s.round}`;
      if (s.outcome !== null) {
        if (decided.has(k)) expect(s.outcome).toEqual(decided.get(k));
        decided.set(k, s.outcome);
      }
      expect(s.active).toBe(now === name);
      // One live seat per person per round.
      const seats = live(s).flatMap((a) => (a.user === null ? [] : [a.user]));
      expect(new Set(seats).size, `two seats in ${name}: ${seats}`).toBe(seats.length);
      if (s.outcome?.kind === 'approved' && !s.assignments.some((a) => a.auto === 'timeout' || a.auto === 'nobody')) {
        const mode = s.spec.mode;
        if (mode === 'all' || mode === 'sequential') expect(live(s).every((a) => a.status === 'approved' || a.status === 'skipped'), `${name} approved with an open seat`).toBe(true);
        else if (mode === 'any') expect(approvedVotes(s)).toBeGreaterThanOrEqual(1);
        else if ('count' in mode) expect(approvedVotes(s)).toBeGreaterThanOrEqual(Math.min(mode.count, live(s).length));
      }
    }
    // The inbox lists exactly the actionable assignments of the step the instance is in.
    const expected = after.status !== 'active' ? [] : Object.entries(actx.approvals).filter(([name, s]) => name === now && s.outcome === null).flatMap(([name, s]) => actionable(s).map((a) => `${id}:${name}:${s.round}:${a.id}`));
    expect((await engine.tasks({ instanceId: id })).map((t) => t.id).sort()).toEqual(expected.sort());
  }
}

describe('brk24: approval operations through the engine (model-based)', () => {
  it('every act keeps the invariants; refusals change nothing; retries write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(stepArb('s1'), stepArb('s2')), fc.array(actArb, { minLength: 1, maxLength: 25 }), async (specs, acts) => {
        await run(specs, [{ type: 'SUBMIT', actor: INITIATOR, key: false }, ...acts]);
      }),
      { numRuns: Number(process.env['BRK24_RUNS'] ?? 60) },
    );
  });
});
