import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bidContractPeople } from './fixtures/bid-contract-people.js';
import { businessCalendar, createEngine, memoryStore, role, staticDirectory, users, virtualClock, type ApprovalMode, type DirectoryUser } from '../src/index.js';
import { actor, approvalFlow, li, people as staff } from './approvals-fixture.js';
import { frozenMark } from '../src/store/frozen-data.js';
import { bidReview, contractApproval } from '../machines/index.js';

// A committed context is frozen by the engine and each of its objects marked as JSON data
// (engine/freeze-state.ts), so the next commit's digest and the stores' payload check read the marks
// of what did not change instead of walking it. An object someone else froze first cannot be marked,
// and neither can anything above it: an approval step's spec, frozen by approvalStep, sat in the
// context as it was, so every commit of every approval workflow walked and hashed the spec, the step,
// `approvals` and the context's root again. These tests read the marks the engine leaves: after every
// commit, no object of a JSON-data context is left unmarked.

/** The paths of the objects under `value` (the context) that carry no mark. */
function unmarked(value: unknown, path = 'context', out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || frozenMark(value) !== undefined) return out;
  out.push(path);
  for (const [key, member] of Object.entries(value)) unmarked(member, `${path}.${key}`, out);
  return out;
}

// The bid and contract people, and li of sales, who starts the contract.
const people: DirectoryUser[] = [...bidContractPeople, { id: 'li', roles: ['sales'], department: 'sales' }];
const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang' } });
const as = (id: string) => ({ id, roles: people.find((p) => p.id === id)!.roles });
const calendar = businessCalendar({ holidays: ['CN'] });
const quiet = new Proxy({}, { get: () => async () => undefined }) as never;

/** An engine on the memory store over the fixture's organisation, and its store. */
function engineFor(workflow: ReturnType<typeof approvalFlow>) {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-12-01T09:00:00+08:00'), directory: staticDirectory({ users: staff }), workflows: [workflow], effects: quiet });
  return { engine, store };
}

describe('a committed context is marked JSON data throughout', () => {
  it('contract approval: after SUBMIT opens the 会签 and after a vote, the step spec is the context\'s own, marked', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), calendar, directory, workflows: [contractApproval], effects: quiet });
    const id = await engine.start('contract-approval' as never, { contractNo: 'HT-2026-118', title: '营销平台建设', customer: '深圳电信', amount: 880_000, department: 'sales' } as never, { actor: as('li') });
    for (const [event, actor] of [[{ type: 'SUBMIT' }, 'li'], [{ type: 'APPROVE', step: 'review' }, 'zhao']] as const) {
      await engine.send(id, event as never, { actor: as(actor) });
      const record = await store.load(id);
      expect(unmarked(record!.context), event.type).toEqual([]);
    }
    await engine.close();
  });

  it('bid review: the 会签 of bid reviewers, entered after both parts are ready', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), calendar, directory, workflows: [bidReview], effects: quiet });
    const id = await engine.start('bid-review' as never, { tenderNo: 'SZ-2026-031', title: '营销平台', customer: '深圳电信', submissionDeadline: '2026-11-20T09:30:00+08:00', prequalification: false, bondAmount: 50_000, department: 'sales' } as never, { actor: as('tang') });
    for (const event of [{ type: 'TECHNICAL_READY' }, { type: 'COMMERCIAL_READY', quote: 2_600_000 }]) {
      await engine.send(id, event as never, { actor: as('tang') });
      expect(unmarked((await store.load(id))!.context), event.type).toEqual([]);
    }
    await engine.close();
  });

  it('any approval step: after its entry and after each act, nothing in the context is left unmarked', async () => {
    const reviewers = ['zhao', 'qian', 'sun', 'wu'] as const;
    const stepArb = fc.record({
      mode: fc.constantFrom<ApprovalMode>('all', 'any', 'sequential', { count: 3 }, { ratio: 0.5 }),
      named: fc.uniqueArray(fc.constantFrom(...reviewers), { minLength: 1, maxLength: 4 }),
      group: fc.boolean(),
      title: fc.option(fc.record({ 'zh-CN': fc.constantFrom('评审', '会签'), en: fc.constantFrom('Review', 'Countersign') }), { nil: undefined }),
      operations: fc.option(fc.subarray(['APPROVE', 'REJECT', 'TRANSFER', 'ADD_SIGNER', 'CC'] as const, { minLength: 2 }), { nil: undefined }),
      returns: fc.boolean(),
    });
    const actsArb = fc.array(fc.record({ actor: fc.constantFrom(...reviewers), type: fc.constantFrom('APPROVE', 'REJECT', 'CC', 'RETURN') }), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(stepArb, actsArb, async (shape, acts) => {
        const operations = shape.operations === undefined ? undefined : [...new Set(['APPROVE', ...shape.operations, ...(shape.returns ? ['RETURN'] : [])])];
        const workflow = approvalFlow(
          [
            {
              id: 'review',
              ...(shape.title ? { title: shape.title } : {}),
              mode: shape.mode,
              approvers: [users(...shape.named), ...(shape.group ? [role('finance', { claim: true })] : [])],
              whenTooFew: 'lower',
              ...(operations ? { operations: operations as never } : {}),
              ...(shape.returns ? { returns: { submitter: true } } : {}),
            },
          ],
          { draft: true },
        );
        const { engine, store } = engineFor(workflow);
        const id = await engine.start('flow' as never, { amount: 1 } as never, { actor: li });
        await engine.send(id, { type: 'SUBMIT' } as never, { actor: li });
        expect(unmarked((await store.load(id))!.context), 'SUBMIT').toEqual([]);
        for (const act of acts) {
          const event = act.type === 'RETURN' ? { type: 'RETURN', step: 'review', comment: '补材料', to: 'submitter' } : act.type === 'CC' ? { type: 'CC', step: 'review', users: ['li'] } : { type: act.type, step: 'review' };
          await engine.send(id, event as never, { actor: actor(act.actor) }).catch(() => undefined);
          expect(unmarked((await store.load(id))!.context), act.type).toEqual([]);
          if (act.type === 'RETURN') await engine.send(id, { type: 'SUBMIT' } as never, { actor: li }).catch(() => undefined);
        }
        await engine.close();
      }),
      { numRuns: 40 },
    );
  });
});
