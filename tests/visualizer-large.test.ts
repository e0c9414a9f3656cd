// A machine with hundreds of states (a long chain of steps, each few with a way back to the start):
// the diagram is laid out in seconds, every state gets a box and no two boxes overlap. Before, elk's
// network-simplex placement took 12 s at 100 states, did not finish in 2 minutes at 150 and overflowed
// the stack at 300, so `npm run docs` and `docket diagram` hung or died.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../src/index.js';
import { layoutStateGraph, stateGraph, type DiagramLayout } from '../src/visualizer/index.js';

/** `n` states in a chain; every `back`-th one can also go back to the start (0: never). */
function chain(n: number, back: number) {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    states[`s${i}`] =
      i === n - 1
        ? { type: 'final', meta: { label: { 'zh-CN': `第${i}步`, en: `Step ${i}` } } }
        : { meta: { label: { 'zh-CN': `第${i}步审批`, en: `Step ${i} approval` } }, on: { NEXT: `s${i + 1}`, ...(back > 0 && i % back === 0 ? { BACK: 's0' } : {}) } };
  }
  const machine = setup({}).createMachine({ id: 'long', initial: 's0', states } as never);
  return defineWorkflow({ id: 'long', version: 1, machine, input: z.object({}), events: { NEXT: z.object({}), BACK: z.object({}) }, permissions: { start: ['u'], NEXT: ['u'], BACK: ['u'] } } as never);
}

function overlaps(layout: DiagramLayout): string[] {
  const boxes = Object.values(layout.nodes);
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(`${a.id} / ${b.id}`);
    }
  }
  return out;
}

describe('a machine with hundreds of states', () => {
  it('300 states with a way back every 7 are laid out, each in its own box (was: Maximum call stack size exceeded)', async () => {
    const graph = stateGraph(chain(300, 7) as never);
    const layout = await layoutStateGraph(graph);
    expect(Object.keys(layout.nodes)).toHaveLength(300);
    expect(overlaps(layout)).toEqual([]);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  }, 60_000);

  it('property: a long chain with random ways back lays out without overlapping boxes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 160 }), fc.integer({ min: 0, max: 9 }), async (n, back) => {
        const layout = await layoutStateGraph(stateGraph(chain(n, back) as never));
        expect(Object.keys(layout.nodes)).toHaveLength(n);
        expect(overlaps(layout)).toEqual([]);
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 3) },
    );
  }, 600_000);
});
