// One directory rule for every person an approval act names. 抄送 (CC) to someone the directory does
// not know, or who has left, was accepted (and delivered as an approval.cc effect) while 转交, 委托 and
// 加签 refused such people; a stand-in (代理) whose deputy is unknown or has left still acted for the
// principal; and a stand-in's inbox read the principal's roles while send read the deputy's, so the
// inbox offered acts that send refused, and send accepted acts the inbox did not offer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  checkActiveUser,
  createEngine,
  isActiveUser,
  memoryStore,
  reassignTasks,
  role,
  staticDirectory,
  users,
  virtualClock,
  type Actor,
  type ApproverRule,
  type DirectoryUser,
  type StandIn,
} from '../src/index.js';
import { actor, admin, approvalFlow, li, MONDAY, people } from './approvals-fixture.js';

const FROM = Date.parse('2026-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-01T00:00:00+08:00');
const noop = () => {};
const effects = { 'approval.assigned': noop, 'approval.cc': noop, 'approval.remind': noop, notify: noop };

type Outcome = { ok: true } | { ok: false; code: string; details: Record<string, unknown> };
const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => ({ ok: true }),
    (e: { code?: string; details?: Record<string, unknown> }) => ({ ok: false, code: e.code ?? String(e), details: e.details ?? {} }),
  );

interface Scenario {
  readonly permissions?: Record<string, readonly string[]>;
  readonly standIns?: readonly StandIn[];
  readonly extraUsers?: readonly DirectoryUser[];
  readonly mode?: 'all' | 'sequential';
  readonly approvers?: readonly string[];
  readonly rules?: readonly ApproverRule[];
}

/** A fresh engine with one instance waiting at the legal step (zhao and qian asked). */
async function setUp(s: Scenario = {}) {
  const flow = approvalFlow([{ id: 'legal', mode: s.mode ?? 'all', approvers: [users(...(s.approvers ?? ['zhao', 'qian'])), ...(s.rules ?? [])] }], s.permissions ? { permissions: s.permissions } : {});
  const clock = virtualClock(MONDAY);
  const directory = staticDirectory({ users: [...people, ...(s.extraUsers ?? [])], standIns: [...(s.standIns ?? [])] });
  const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), directory, workflows: [flow], effects });
  const id = await engine.start('flow', { amount: 1 }, { actor: li });
  /** Everything an accepted act would change: revision, state, context, the inbox and the effects. */
  const observe = async () => {
    await engine.settled();
    const view = await engine.get(id);
    return {
      revision: view.revision,
      state: view.state,
      context: view.context,
      tasks: await engine.tasks({ instanceId: id }),
      effects: (await engine.effects(id)).map((e) => e.id),
    };
  };
  return { engine, id, clock, directory, observe };
}

// `ghost` is nobody the directory knows; `gone` (fixture) is a legal member who has left (active: false).
const NOBODY = ['ghost', 'gone'] as const;

/** Each act that brings a person in, with the person in its payload, sent by someone entitled to it. */
const ACTS: readonly { name: string; field: string; as: Actor; event: (who: string) => Record<string, unknown> }[] = [
  { name: 'CC (抄送) by the initiator', field: 'users', as: li, event: (who) => ({ type: 'CC', users: [who] }) },
  { name: 'CC (抄送) of an active and an inactive person', field: 'users', as: li, event: (who) => ({ type: 'CC', users: ['sun', who] }) },
  { name: 'CC (抄送) by an approver', field: 'users', as: actor('zhao'), event: (who) => ({ type: 'CC', users: [who] }) },
  { name: 'TRANSFER (转交) of their own task', field: 'to', as: actor('zhao'), event: (who) => ({ type: 'TRANSFER', to: who }) },
  { name: "TRANSFER (转交) of another's task by an administrator", field: 'to', as: admin, event: (who) => ({ type: 'TRANSFER', from: 'zhao', to: who }) },
  { name: 'DELEGATE (委托)', field: 'to', as: actor('zhao'), event: (who) => ({ type: 'DELEGATE', to: who }) },
  { name: 'ADD_SIGNER (加签) before', field: 'users', as: actor('zhao'), event: (who) => ({ type: 'ADD_SIGNER', users: [who], position: 'before' }) },
  { name: 'ADD_SIGNER (加签) after', field: 'users', as: actor('zhao'), event: (who) => ({ type: 'ADD_SIGNER', users: ['sun', who], position: 'after' }) },
  { name: 'ADD_SIGNER (加签) alongside', field: 'users', as: actor('zhao'), event: (who) => ({ type: 'ADD_SIGNER', users: [who], position: 'alongside' }) },
];

describe('every act that names a person refuses one the directory does not know or who has left', () => {
  for (const act of ACTS) {
    for (const who of NOBODY) {
      it(`${act.name} to ${who === 'ghost' ? 'an unknown user' : 'a user who has left'}: OPERATION_NOT_ALLOWED { field: ${act.field}, user }, nothing changed`, async () => {
        const h = await setUp();
        const before = await h.observe();
        const result = await outcome(h.engine.send(h.id, act.event(who) as never, { actor: act.as }));
        expect(result).toMatchObject({ ok: false, code: 'OPERATION_NOT_ALLOWED', details: { field: act.field, user: who } });
        expect(await h.observe()).toEqual(before);
        // The rule refuses only whom it should: the same act naming an active person is accepted.
        expect(await outcome(h.engine.send(h.id, act.event(act.field === 'to' ? 'wu' : 'zheng') as never, { actor: act.as }))).toEqual({ ok: true });
      });
    }
  }

  for (const who of NOBODY) {
    it(`离职转办 (reassignTasks) to ${who === 'ghost' ? 'an unknown user' : 'a user who has left'} moves nothing and says why for each task`, async () => {
      const h = await setUp();
      const before = await h.observe();
      const results = await reassignTasks(h.engine, { from: 'zhao', to: who, actor: admin, reason: 'hand-over' });
      expect(results.length).toBe(1);
      expect(results[0]).toMatchObject({ ok: false, error: { code: 'OPERATION_NOT_ALLOWED', details: { field: 'to', user: who } } });
      expect(await h.observe()).toEqual(before);
    });
  }

  it('isActiveUser and checkActiveUser are the one reading: known and not left; without a directory everyone counts', () => {
    const directory = staticDirectory({ users: people });
    expect(['li', 'gone', 'ghost'].map((u) => isActiveUser(directory, u))).toEqual([true, false, false]);
    expect(isActiveUser(undefined, 'ghost')).toBe(true);
    expect(() => checkActiveUser(directory, 'gone', 'to')).toThrow(expect.objectContaining({ code: 'OPERATION_NOT_ALLOWED', details: { field: 'to', user: 'gone' } }));
    expect(() => checkActiveUser(directory, 'li', 'to')).not.toThrow();
  });

  // CC accepted a person named twice and listed them twice in its act and in the approval.cc effect
  // (a notifier sent the copy twice), while 加签 refused the same list.
  it('CC (抄送) and ADD_SIGNER (加签) refuse a person named twice alike: INVALID_ARGUMENT { field: users }, nothing changed', async () => {
    for (const [as, event] of [
      [li, { type: 'CC', users: ['sun', 'sun'] }],
      [actor('zhao'), { type: 'ADD_SIGNER', users: ['sun', 'sun'], position: 'after' }],
    ] as const) {
      const h = await setUp();
      const before = await h.observe();
      expect(await outcome(h.engine.send(h.id, event as never, { actor: as }))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', details: { field: 'users' } });
      expect(await h.observe()).toEqual(before);
    }
  });

  it('property: a list of people an act names (CC, ADD_SIGNER) is accepted iff it names each active person once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('sun', 'wu', 'zheng'), { minLength: 1, maxLength: 4 }), fc.constantFrom('CC', 'ADD_SIGNER'), async (named, kind) => {
        const h = await setUp();
        const before = await h.observe();
        const [as, event] = kind === 'CC' ? [li, { type: 'CC', users: named }] : [actor('zhao'), { type: 'ADD_SIGNER', users: named, position: 'after' }];
        const result = await outcome(h.engine.send(h.id, event as never, { actor: as }));
        if (new Set(named).size === named.length) expect(result).toEqual({ ok: true });
        else {
          expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', details: { field: 'users' } });
          expect(await h.observe()).toEqual(before);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('property: for random directories, acts and named people, an act is accepted iff every person it names is active', async () => {
    const POOL = ['p0', 'p1', 'p2', 'p3'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<'active' | 'left' | 'absent'>('active', 'left', 'absent'), { minLength: POOL.length, maxLength: POOL.length }),
        fc.constantFrom('CC', 'TRANSFER', 'ADMIN_TRANSFER', 'DELEGATE', 'ADD_SIGNER'),
        fc.subarray(POOL, { minLength: 1 }),
        fc.constantFrom('before', 'after', 'alongside'),
        async (statuses, kind, named, position) => {
          const extraUsers = POOL.flatMap((id, i): DirectoryUser[] => (statuses[i] === 'absent' ? [] : [{ id, roles: ['legal'], ...(statuses[i] === 'left' ? { active: false } : {}) }]));
          const h = await setUp({ extraUsers });
          const one = named[0]!;
          const [as, event, people]: [Actor, Record<string, unknown>, readonly string[]] =
            kind === 'CC'
              ? [li, { type: 'CC', users: named }, named]
              : kind === 'TRANSFER'
                ? [actor('zhao'), { type: 'TRANSFER', to: one }, [one]]
                : kind === 'ADMIN_TRANSFER'
                  ? [admin, { type: 'TRANSFER', from: 'qian', to: one }, [one]]
                  : kind === 'DELEGATE'
                    ? [actor('zhao'), { type: 'DELEGATE', to: one }, [one]]
                    : [actor('zhao'), { type: 'ADD_SIGNER', users: named, position }, named];
          const before = await h.observe();
          const result = await outcome(h.engine.send(h.id, event as never, { actor: as }));
          const inactive = people.filter((p) => statuses[POOL.indexOf(p)] !== 'active');
          if (inactive.length === 0) {
            expect(result).toEqual({ ok: true });
          } else {
            expect(result).toMatchObject({ ok: false, code: 'OPERATION_NOT_ALLOWED', details: { field: kind === 'CC' || kind === 'ADD_SIGNER' ? 'users' : 'to', user: inactive[0] } });
            expect(await h.observe()).toEqual(before);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('stand-ins (代理): a deputy who is not an active user stands in for nobody', () => {
  for (const deputy of NOBODY) {
    it(`a stand-in whose deputy is ${deputy === 'ghost' ? 'unknown to the directory' : 'a user who has left'} lists nothing and may not act`, async () => {
      const h = await setUp({ standIns: [{ principal: 'zhao', deputy, from: FROM, to: TO }] });
      const before = await h.observe();
      expect(await h.engine.tasks({ assignee: deputy })).toEqual([]);
      const result = await outcome(h.engine.send(h.id, { type: 'APPROVE' } as never, { actor: { id: deputy, roles: ['legal'] } }));
      expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await h.observe()).toEqual(before);
    });
  }
});

describe("stand-ins (代理): the inbox offers a deputy exactly the acts send accepts from them", () => {
  // sun (finance) stands in for zhao (legal).
  const standIns = [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }];
  const offered = async (h: Awaited<ReturnType<typeof setUp>>, who: string, type: string) => (await h.engine.tasks({ assignee: who })).some((t) => t.holders?.includes('zhao') && t.actions.includes(type as never));

  it("an act the principal's roles permit but the deputy's do not: neither offered nor accepted", async () => {
    const h = await setUp({ permissions: { APPROVE: ['legal'] }, standIns });
    expect(await offered(h, 'sun', 'APPROVE')).toBe(false);
    expect(await offered(h, 'sun', 'REJECT')).toBe(true);
    const before = await h.observe();
    expect(await outcome(h.engine.send(h.id, { type: 'APPROVE' } as never, { actor: actor('sun') }))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await h.observe()).toEqual(before);
  });

  it("an act the deputy's roles permit but the principal's do not: neither offered nor accepted (and one both permit: both)", async () => {
    const h = await setUp({ permissions: { APPROVE: ['finance'] }, standIns });
    expect(await offered(h, 'sun', 'APPROVE')).toBe(false);
    const before = await h.observe();
    const result = await outcome(h.engine.send(h.id, { type: 'APPROVE' } as never, { actor: actor('sun') }));
    expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN', details: { onBehalfOf: 'zhao' } });
    expect(await h.observe()).toEqual(before);
    // Where both people's roles permit it: offered and accepted, recorded on behalf of the principal.
    const both = await setUp({ permissions: { APPROVE: ['legal', 'finance'] }, standIns });
    expect(await offered(both, 'sun', 'APPROVE')).toBe(true);
    expect(await outcome(both.engine.send(both.id, { type: 'APPROVE' } as never, { actor: actor('sun') }))).toEqual({ ok: true });
    const last = (await both.engine.history(both.id)).at(-1)!;
    expect(['onBehalfOf' in last ? last.onBehalfOf : undefined, last.actor.id]).toEqual(['zhao', 'sun']);
  });

  it("a deputy who could claim a group task in the step may act on the principal's task the inbox lists for them, by its id", async () => {
    // sun (finance) could claim the step's finance group task (认领) and stands in for zhao: the inbox
    // lists both tasks; naming zhao's task was read as an act of sun's own, and refused.
    const h = await setUp({ approvers: [], rules: [users('zhao'), role('finance', { claim: true })], standIns });
    const listed = await h.engine.tasks({ assignee: 'sun' });
    const zhaos = listed.find((t) => t.holders?.includes('zhao'))!;
    expect(zhaos.actions).toContain('APPROVE');
    expect(listed.some((t) => t.roles.includes('finance'))).toBe(true);
    expect(await outcome(h.engine.send(h.id, { type: 'APPROVE', taskId: zhaos.id } as never, { actor: actor('sun') }))).toEqual({ ok: true });
    const last = (await h.engine.history(h.id)).at(-1)!;
    expect(['onBehalfOf' in last ? last.onBehalfOf : undefined, last.actor.id]).toEqual(['zhao', 'sun']);
  });

  it('property: for random tasks, users, stand-ins and permissions, the inbox offers A to U iff send(A as U) is accepted (on a fresh engine)', async () => {
    const ROLE_LISTS = [undefined, ['legal'], ['finance'], ['legal', 'finance'], []] as const;
    const USERS = ['zhao', 'qian', 'sun', 'wu', 'ghost', 'gone'];
    // Deputies with and without a seat of their own in the step (zhao and qian hold one): a seated
    // deputy acts for nobody else there, and the inbox now sees it too (TaskRecord.seated), so the
    // property holds for them as well (it was limited to deputies without a seat).
    const DEPUTIES = ['sun', 'wu', 'ghost', 'gone', 'qian', 'zhao'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLE_LISTS),
        fc.constantFrom(...ROLE_LISTS),
        fc.array(fc.record({ principal: fc.constantFrom('zhao', 'qian', 'wu'), deputy: fc.constantFrom(...DEPUTIES), open: fc.boolean(), scoped: fc.constantFrom<readonly string[] | undefined>(undefined, ['flow'], ['other']) }), { maxLength: 3 }),
        fc.constantFrom<'all' | 'sequential'>('all', 'sequential'),
        fc.constantFrom(...USERS),
        async (approve, reject, stands, mode, who) => {
          const permissions: Record<string, readonly string[]> = {};
          if (approve) permissions.APPROVE = approve;
          if (reject) permissions.REJECT = reject;
          const scenario: Scenario = {
            permissions,
            mode,
            standIns: stands.map((s) => ({ principal: s.principal, deputy: s.deputy, ...(s.open ? { from: FROM, to: TO } : { from: TO, to: TO + 1 }), ...(s.scoped ? { workflows: s.scoped } : {}) })),
          };
          const as: Actor = { id: who, roles: people.find((p) => p.id === who)?.roles ?? [] };
          const h = await setUp(scenario);
          const inbox = await h.engine.tasks({ assignee: who });
          for (const task of await h.engine.tasks({ instanceId: h.id })) {
            // A person's own seat: the inbox lists the step's actions as they are, and send checks the
            // roles the caller passes; compared only where those roles permit the act (see docs).
            const own = task.assignees.includes(who);
            for (const type of ['APPROVE', 'REJECT'] as const) {
              if (own && permissions[type] !== undefined && !permissions[type]!.some((r) => as.roles.includes(r))) continue;
              const isOffered = inbox.some((t) => t.id === task.id && t.actions.includes(type));
              const fresh = await setUp(scenario);
              const sent = await outcome(fresh.engine.send(fresh.id, { type, taskId: task.id.replace(h.id, fresh.id) } as never, { actor: as }));
              expect({ who, task: task.holders, type, offered: isOffered }).toEqual({ who, task: task.holders, type, offered: sent.ok });
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

// A directory's usersWithRole may list people who have left (the Directory contract allows it; an
// HR-backed directory lists every holder with `active: false`). Only a plain role rule dropped them:
// a 认领 group, a fallback role (whenNobody / whenTooFew) and an escalation on timeout offered the
// task to them, and a group of leavers alone left the step waiting for a claim nobody could make.
describe('a role offers its active members only, wherever a step offers a role', () => {
  /** A directory as an HR system gives it: every holder of a role, leavers marked inactive. */
  const hrDirectory = (list: readonly DirectoryUser[]) => {
    const inner = staticDirectory({ users: list as DirectoryUser[] });
    return { ...inner, usersWithRole: (r: string) => list.filter((u) => u.roles.includes(r)) };
  };
  const staff: DirectoryUser[] = [
    ...people,
    { id: 'left1', roles: ['archive'], department: 'legal', supervisor: 'ceo', active: false },
    { id: 'left2', roles: ['archive'], department: 'legal', supervisor: 'ceo', active: false },
  ];
  async function enter(approvers: ApproverRule | readonly ApproverRule[], extra: Record<string, unknown> = {}, list: readonly DirectoryUser[] = staff) {
    const flow = approvalFlow([{ id: 'legal', mode: 'all', approvers, ...extra } as never]);
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(MONDAY), calendar: businessCalendar({ holidays: ['CN'] }), directory: hrDirectory(list), workflows: [flow], effects });
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    const view = await engine.get(id);
    const step = (view.context as unknown as { approvals: Record<string, { assignments: readonly { user: string | null; group?: { members: readonly string[] }; status: string }[] }> }).approvals['legal']!;
    await engine.close();
    return { state: view.state, offered: step.assignments.map((a) => a.user ?? `group:${a.group!.members.join('|')}`) };
  }

  it('a 认领 (claim) group leaves out members who have left', async () => {
    expect(await enter(role('legal', { claim: true }))).toEqual({ state: { legal: 'pending' }, offered: ['group:zhao|qian'] });
  });

  it('a claim role whose members have all left resolves nobody, and whenNobody decides (the step no longer waits for ever)', async () => {
    expect(await enter(role('archive', { claim: true }), { whenNobody: 'approve' })).toMatchObject({ state: 'approved' });
  });

  it('a fallback role (whenNobody: { role }) leaves out members who have left', async () => {
    expect(await enter(users('ghost'), { whenNobody: { role: 'legal' } })).toEqual({ state: { legal: 'pending' }, offered: ['group:zhao|qian'] });
  });

  it('property: whoever has left, a role is offered exactly as the plain role rule resolves it', async () => {
    const holders = ['zhao', 'qian', 'sun', 'wu'];
    await fc.assert(
      fc.asyncProperty(fc.subarray(holders), fc.boolean(), async (leavers, claim) => {
        // li's and the holders' supervisors are listed: staticDirectory refuses an unknown one.
        const list: DirectoryUser[] = [{ id: 'li', roles: ['staff'], department: 'sales', supervisor: 'wang' }, { id: 'wang', roles: [], supervisor: null }, { id: 'ceo', roles: [], supervisor: null }, ...holders.map((id) => ({ id, roles: ['desk'], department: 'legal', supervisor: 'ceo', ...(leavers.includes(id) ? { active: false } : {}) }))];
        const active = holders.filter((h) => !leavers.includes(h));
        const got = await enter(role('desk', claim ? { claim: true } : {}), { whenNobody: 'approve' }, list);
        if (active.length === 0) expect(got.state).toBe('approved');
        else expect(got.offered).toEqual(claim ? [`group:${active.join('|')}`] : active);
      }),
      { numRuns: 30 },
    );
  });
});
