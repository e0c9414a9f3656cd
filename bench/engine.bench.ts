// Engine speed against its baseline, measured in the same run (not a test: numbers go in notes).
//   npx tsx bench/engine.bench.ts
// 1. in-memory engine.send vs raw XState actor.send on the same machine;
// 2. heap per idle instance in the memory store, beyond the instance's own JSON.
import { createActor, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { canonicalJson, sha256 } from '../src/engine/canonical-json.js';
import { compare, figure, report, size } from './harness.js';

const machine = setup({ types: {} as { context: { n: number }; events: { type: 'PING' } | { type: 'PONG' } } }).createMachine({
  id: 'pingpong',
  context: { n: 0 },
  initial: 'a',
  states: { a: { on: { PING: 'b' } }, b: { on: { PONG: 'a' } } },
});
const workflow = defineWorkflow({
  id: 'pingpong',
  version: 1,
  machine,
  input: z.object({}),
  events: { PING: z.object({}), PONG: z.object({}) },
});
const actor = { id: 'bench', roles: ['user'] };

function rawXState(n: number): number {
  const live = createActor(machine).start();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) live.send({ type: i % 2 === 0 ? 'PING' : 'PONG' });
  return n / ((performance.now() - t0) / 1000);
}

/**
 * The least any hash-chained engine does per event, with no engine around it: raw XState's send, then
 * the two SHA-256 a chained history needs (the state left behind, and the entry that links to the
 * previous one), over canonical JSON. No validation, store, view, await or lock. Its ratio to raw
 * XState is a ceiling for workload 7 "without weakening the chain".
 */
function chainFloor(n: number): number {
  const live = createActor(machine).start();
  let head = '';
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const event = { type: i % 2 === 0 ? ('PING' as const) : ('PONG' as const) };
    live.send(event);
    const s = live.getSnapshot();
    const stateHash = sha256(canonicalJson({ context: s.context, status: s.status, value: s.value, historyValue: {}, children: {} }));
    head = sha256(canonicalJson({ actor: actor.id, at: i, event, previousHash: head, revision: i + 2, stateHash }));
  }
  if (head.length !== 64) throw new Error('no chain');
  return n / ((performance.now() - t0) / 1000);
}

async function engineSend(n: number): Promise<number> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [workflow] });
  const id = await engine.start('pingpong', {}, { actor });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await engine.send(id, { type: i % 2 === 0 ? 'PING' : 'PONG' }, { actor });
  return n / ((performance.now() - t0) / 1000);
}

async function heapPerInstance(n: number): Promise<{ perInstance: number; json: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npx tsx --expose-gc bench/engine.bench.ts)');
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock(0), workflows: [workflow] });
  await engine.start('pingpong', {}, { actor, id: 'warmup' });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) await engine.start('pingpong', {}, { actor, id: `i${i}` });
  gc();
  const after = process.memoryUsage().heapUsed;
  const record = await store.load('i0');
  const json = Buffer.byteLength(JSON.stringify({ snapshot: record!.snapshot, context: record!.context, state: record!.state }));
  return { perInstance: (after - before) / n, json };
}

const N = size(100_000, 20_000);
rawXState(20_000);
await engineSend(20_000);
// Alternate the two a few times and keep the median of each: one noisy slice on a shared machine
// should not decide the ratio.
const ROUNDS = size(5, 1);
const raws: number[] = [];
const engs: number[] = [];
const floors: number[] = [];
chainFloor(20_000);
for (let r = 0; r < ROUNDS; r++) {
  raws.push(rawXState(N));
  engs.push(await engineSend(N));
  floors.push(chainFloor(N));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const raw = median(raws);
const eng = median(engs);
console.log(`raw XState actor.send : ${Math.round(raw).toLocaleString('en')} events/s`);
console.log(`docket engine.send    : ${Math.round(eng).toLocaleString('en')} events/s (memory store, durable history + hash chain)`);
report(compare({ workload: 7, name: 'toy ping-pong: engine.send vs actor.send (memory, hash chain)', unit: 'events/s', better: 'higher', baselineLabel: 'raw XState actor.send', target: '>= 0.5x', targetRatio: 0.5 }, raws.map((r, i) => [engs[i]!, r] as const)));
report(
  compare(
    { workload: 7, name: 'toy floor: actor.send + the chain\'s two SHA-256 per event (no engine, no store)', unit: 'events/s', better: 'higher', baselineLabel: 'raw XState actor.send', target: 'info: the ceiling of workload 7 with a hash chain' },
    raws.map((r, i) => [floors[i]!, r] as const),
  ),
);
const heap = await heapPerInstance(50_000).catch((e: Error) => ({ error: e.message }));
if ('error' in heap) console.log(`heap: skipped (${heap.error})`);
else {
  report(figure({ workload: 6, name: 'heap per idle toy ping-pong instance (50,000)', unit: 'B', ours: heap.perInstance, baselineLabel: 'instance JSON', baseline: heap.json, target: '<= JSON + 1536 B', met: heap.perInstance - heap.json <= 1536, note: `overhead ${Math.round(heap.perInstance - heap.json)} B` }));
}
