import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, createEngine, memoryStore, staticDirectory, users, virtualClock, withApprovals, type ApprovalContext, type ApprovalEvent, type ApprovalStepSpec } from '../src/index.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';

// Since session 19 an approval step's state holds its own copy of the step's spec (enter-step.ts
// ownCopy), which copied the spec as a tree. Data under the spec (an approver rule's own keys are
// kept) that held a part twice, held itself or nested deep was refused at the step's entry, as any
// context is, with INVALID_PAYLOAD naming the path; copied as a tree, a part held itself overflowed
// the stack (MACHINE_ERROR, blaming the machine), 20,000 levels did the same, and 40 levels each
// holding the one below twice took 2^40 copies (the process ran out of memory). The copy now has the
// spec's shape: each object copied once, nothing past the depth a context may have.

const li = { id: 'li', roles: ['sales'] };
const directory = staticDirectory({ users: [{ id: 'li', roles: ['sales'] }, { id: 'p0', roles: [] }] });

/** A workflow whose one step's approver rule carries `extra` (the definition keeps a rule's own keys). */
function workflowWith(extra: unknown) {
  const approvals = withApprovals({});
  const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
    context: ({ input }: { input: unknown }) => approvals.context(input),
    initial: 'draft',
    states: {
      draft: { on: { SUBMIT: 'review' } },
      review: approvalStep({ id: 'review', mode: 'all', approvers: { ...users('p0'), extra } as never, onApproved: 'done', onRejected: 'done' }),
      done: { type: 'final' },
    },
  } as never);
  return approvals.defineWorkflow({ id: 'copy', version: 1, machine: machine as never, input: z.object({}), events: { SUBMIT: z.object({}) }, permissions: { SUBMIT: ['sales'] } });
}

/** What entering the step does: the refusal's code and message, or 'ok'. */
async function submitWith(extra: unknown): Promise<{ code: string; message: string }> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-12-01T09:00:00+08:00'), directory, workflows: [workflowWith(extra)] });
  try {
    const id = await engine.start('copy' as never, {} as never, { actor: li, id: 'c1' } as never);
    return await engine.send(id, { type: 'SUBMIT' } as never, { actor: li }).then(
      () => ({ code: 'ok', message: '' }),
      (e: { code?: string; message: string }) => ({ code: e.code ?? 'thrown', message: e.message }),
    );
  } finally {
    await engine.close();
  }
}

describe("an approval step's own copy of its spec has the spec's shape", () => {
  it('data that holds itself is refused as INVALID_PAYLOAD naming where (was a stack overflow, MACHINE_ERROR)', async () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop['self'] = loop;
    const { code, message } = await submitWith(loop);
    expect(code).toBe('INVALID_PAYLOAD');
    expect(message).toContain('context.approvals.review.spec.approvers.extra.self refers back to context.approvals.review.spec.approvers.extra');
  });

  it('data nested 20,000 levels deep is refused as INVALID_PAYLOAD (was a stack overflow, MACHINE_ERROR)', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    const { code, message } = await submitWith(deep);
    expect(code).toBe('INVALID_PAYLOAD');
    expect(message).toContain('context.approvals.review.spec.approvers.extra.a.a.a');
  });

  it('a part held twice is one copy held twice: 16 levels each holding the one below twice are 17 copies, not 2^17 (at 40 levels, 2^41: out of memory)', () => {
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 16; i++) shared = { a: shared, b: shared };
    const spec = { id: 'review', mode: 'all', approvers: { kind: 'users', users: ['p0'], extra: shared } } as unknown as ApprovalStepSpec;
    const ctx = withApprovals().context({ $actor: li });
    const state = enterStep(ctx, spec, { directory, now: 0, dueAt: null }).context.approvals['review']!;
    let copy = (state.spec.approvers as unknown as { extra: Record<string, unknown> }).extra;
    for (let i = 0; i < 16; i++) {
      expect(copy['a']).toBe(copy['b']);
      copy = copy['a'] as Record<string, unknown>;
    }
    expect(copy).toEqual({ leaf: 1 });
  });
});

// A random graph of objects and arrays (members: numbers, strings or other nodes, earlier or later:
// parts held twice and parts holding themselves), frozen as a definition's spec is.
const graphArb = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.array(
      fc.record({
        array: fc.boolean(),
        members: fc.array(fc.oneof(fc.integer({ min: 0, max: n - 1 }).map((node) => ({ node })), fc.oneof(fc.integer(), fc.string({ maxLength: 3 })).map((value) => ({ value }))), { maxLength: 4 }),
      }),
      { minLength: n, maxLength: n },
    ),
  )
  .map((nodes) => {
    const built: (Record<string, unknown> | unknown[])[] = nodes.map((n) => (n.array ? [] : {}));
    nodes.forEach((n, i) =>
      n.members.forEach((m, k) => {
        const member = 'node' in m ? built[m.node] : m.value;
        if (Array.isArray(built[i])) (built[i] as unknown[]).push(member);
        else (built[i] as Record<string, unknown>)[`k${k}`] = member;
      }),
    );
    for (const b of built) Object.freeze(b);
    return built[0]!;
  });

/**
 * Whether `copy` has the shape of `original`: one new, unfrozen copy per original object (the same
 * copy wherever the object is met, distinct originals distinct copies), the same keys in the same
 * order, the same primitives.
 */
function sameShape(original: unknown, copy: unknown, copies = new Map<object, unknown>(), owners = new Map<unknown, object>()): boolean {
  if (typeof original !== 'object' || original === null) return original === copy;
  if (copies.has(original)) return copies.get(original) === copy;
  if (typeof copy !== 'object' || copy === null || copy === original || Object.isFrozen(copy) || owners.has(copy)) return false;
  copies.set(original, copy);
  owners.set(copy, original);
  if (Array.isArray(original) !== Array.isArray(copy)) return false;
  const keys = Object.keys(original);
  if (keys.join('\u0000') !== Object.keys(copy).join('\u0000')) return false;
  return keys.every((key) => sameShape((original as Record<string, unknown>)[key], (copy as Record<string, unknown>)[key], copies, owners));
}

describe("property: whatever the data under a step's spec, its copy has the spec's shape", () => {
  it('random graphs of objects and arrays, with parts held twice and parts holding themselves', () => {
    fc.assert(
      fc.property(graphArb, (extra) => {
        const spec = Object.freeze({ id: 'review', mode: 'all', approvers: Object.freeze({ kind: 'users', users: Object.freeze(['p0']), extra }) }) as unknown as ApprovalStepSpec;
        const ctx = withApprovals().context({ $actor: li });
        const state = enterStep(ctx, spec, { directory, now: 0, dueAt: null }).context.approvals['review']!;
        expect(sameShape(spec, state.spec)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
