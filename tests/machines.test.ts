import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import type { AnyWorkflow } from '../src/index.js';
import { stateNodePaths } from '../src/testing/index.js';
import { bidReview, contractApproval, expenseReimbursement, obstacleSolution, promotionPhases, strategyCycle } from '../machines/index.js';

const workflows: AnyWorkflow[] = [obstacleSolution, strategyCycle, bidReview, contractApproval, promotionPhases, expenseReimbursement] as never;

describe.each(workflows.map((w) => [w.id, w] as const))('%s: labels, roles, deadlines', (_id, workflow) => {
  it('labels every state in zh-CN and en, in labels.states and in the state meta', () => {
    const machine = workflow.machine as AnyStateMachine;
    const paths = stateNodePaths(machine);
    expect(Object.keys(workflow.labels?.states ?? {}).sort()).toEqual([...paths].sort());
    for (const path of paths) {
      const node = machine.root.machine.getStateNodeById(`${machine.id}.${path}`) as { meta?: { label?: Record<string, string> } } | undefined;
      const l = node?.meta?.label ?? workflow.labels!.states![path]!;
      expect(l['zh-CN'], path).toMatch(/\p{Script=Han}/u);
      expect(l.en, path).toMatch(/[A-Za-z]/);
    }
  });

  it('labels every event in both languages', () => {
    const events = workflow.labels?.events ?? {};
    for (const type of Object.keys(workflow.events)) {
      expect(events[type]?.['zh-CN'], type).toBeTruthy();
      expect(events[type]?.en, type).toBeTruthy();
    }
  });

  it('names every role it grants permissions to, in both languages', () => {
    const granted = new Set(Object.values(workflow.permissions ?? {}).flatMap((r) => [...(r ?? [])]));
    granted.delete('system');
    for (const role of granted) expect(workflow.roles?.[role], role).toMatchObject({ 'zh-CN': expect.any(String), en: expect.any(String) });
  });

  it('gives every delay of the machine a deadline rule', () => {
    const delays = Object.keys(((workflow.machine as AnyStateMachine).implementations.delays ?? {}) as object);
    for (const d of delays) expect(Object.keys(workflow.deadlines ?? {}), d).toContain(d);
  });
});
