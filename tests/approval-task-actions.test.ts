import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskActions } from '../src/approvals/approval-tasks.js';
import type { ApprovalOperation, ApprovalStepState } from '../src/approvals/approval-types.js';
import { APPROVAL_OPERATIONS } from '../src/approvals/operations.js';
import { freezeJsonData } from '../src/engine/freeze-state.js';
import { frozenMark } from '../src/store/frozen-data.js';

// What the inbox offers on a task is worked out once per committed (frozen, marked) step spec. The
// answers must be the ones a fresh reading gives, and no caller may change what the next one gets.
const TYPES = APPROVAL_OPERATIONS.map((d) => d.type) as ApprovalOperation[];

function stepState(operations?: readonly ApprovalOperation[]): ApprovalStepState {
  return {
    spec: { id: 'legal', mode: 'all', approvers: { kind: 'users', users: ['zhao'] }, ...(operations ? { operations: [...operations] } : {}) },
    round: 1,
    active: true,
    enteredAt: 0,
    dueAt: null,
    assignments: [],
    acts: [],
    cc: [],
    outcome: null,
    nextTask: 1,
  } as unknown as ApprovalStepState;
}

function frozenCopy(state: ApprovalStepState): ApprovalStepState {
  const copy = structuredClone(state);
  freezeJsonData(copy);
  return copy;
}

describe('taskActions on a committed step', () => {
  it('gives a frozen spec the same operations a fresh one gives, claimed and unclaimed', () => {
    const fresh = stepState(['APPROVE', 'REJECT', 'TRANSFER']);
    const committed = frozenCopy(fresh);
    // The engine's freeze marks it: the kind of spec whose answer is kept.
    expect(frozenMark(committed.spec)).toBeDefined();
    for (const claimed of [true, false]) {
      expect(taskActions(committed, claimed)).toEqual(taskActions(fresh, claimed));
      expect(taskActions(committed, claimed)).toEqual(taskActions(committed, claimed));
    }
    expect(taskActions(committed, true)).toEqual(['APPROVE', 'REJECT', 'TRANSFER']);
    expect(taskActions(committed, false)[0]).toBe('CLAIM');
  });

  it('hands each caller its own list: changing one answer does not change the next', () => {
    const committed = frozenCopy(stepState(['APPROVE', 'REJECT']));
    const first = taskActions(committed, true);
    first.push('TRANSFER');
    first.splice(0, 1);
    expect(taskActions(committed, true)).toEqual(['APPROVE', 'REJECT']);
  });

  it('reads a spec that is not frozen afresh every time', () => {
    const open = stepState(['APPROVE']);
    expect(taskActions(open, true)).toEqual(['APPROVE']);
    (open.spec as unknown as { operations: ApprovalOperation[] }).operations.push('REJECT');
    expect(taskActions(open, true)).toEqual(['APPROVE', 'REJECT']);
  });

  it('property: for any allowed list, a committed spec answers as a fresh reading, however often asked', () => {
    fc.assert(
      fc.property(fc.option(fc.subarray(TYPES), { nil: undefined }), fc.boolean(), fc.nat(3), (allowed, claimed, asks) => {
        const fresh = stepState(allowed);
        const committed = frozenCopy(fresh);
        const want = taskActions(fresh, claimed);
        for (let i = 0; i <= asks; i++) {
          const got = taskActions(committed, claimed);
          expect(got).toEqual(want);
          got.length = 0;
        }
      }),
    );
  });
});
