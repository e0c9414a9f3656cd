// What would move the missed targets of workloads 1, 5 and 7: the engine built several times, each
// time with named parts taken out, and each build measured beside raw XState in the same process,
// rounds alternating between builds. A part's share of a CPU profile says where time goes; this says
// what the ratio would be without it, which is what "what would move it" asks.
//   npx tsx bench/ablation.ts [--quick]
// NOT a correctness-preserving build: a variant without hashing seals nothing, one without the
// store's commit check accepts anything. The variants exist only here, to be timed.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { median, size } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '.tmp', 'ablation');

/** One part taken out: in `file`, the first occurrence of `at` gets `insert` after it. */
interface Cut {
  readonly file: string;
  readonly at: string;
  readonly insert: string;
}

const CUTS = {
  // Every SHA-256 of the chain: the Merkle nodes, the state digest, the entry's seal.
  hashing: { file: 'src/engine/canonical-json.ts', at: 'export function sha256(text: string): string {', insert: " return '0'.repeat(64);" },
  // The store's check of what it is given (ids, payload strings and depth, instants).
  storeCheck: { file: 'src/store/payload-rules.ts', at: 'export function checkCommit(c: Commit): void {', insert: ' return;' },
  // The event's payload check against the workflow's zod schema.
  eventCheck: {
    file: 'src/engine/authorize.ts',
    at: '): { event: { type: string; [key: string]: unknown } } {',
    insert: ' return { event: raw };',
  },
  // The approval steps' invariants, checked after every operation (one seat per person, a mode still reachable).
  stepInvariants: { file: 'src/approvals/step-invariants.ts', at: "readonly initiator?: string },\n): void {", insert: ' return;' },
  // The inbox: the workflow's `tasks` hook, projected at every commit.
  inbox: { file: 'src/engine/commit-pipeline.ts', at: 'const hook = projector?.reg.workflow.tasks', insert: ' && undefined' },
} satisfies Record<string, Cut>;

const VARIANTS: Record<string, readonly Cut[]> = {
  'as shipped': [],
  'without SHA-256': [CUTS.hashing],
  "without the store's commit check": [CUTS.storeCheck],
  "without the event's schema check": [CUTS.eventCheck],
  "without the approval steps' invariant check": [CUTS.stepInvariants],
  'without the inbox projection': [CUTS.inbox],
  'without all five': Object.values(CUTS),
};

function cutPlugin(cuts: readonly Cut[]): Plugin {
  return {
    name: 'ablate',
    setup(b) {
      for (const cut of cuts) {
        const path = join(here, '..', cut.file);
        b.onLoad({ filter: new RegExp(`${cut.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => {
          const text = readFileSync(path, 'utf8');
          const at = text.indexOf(cut.at);
          // A cut that no longer matches the source must fail loudly, not measure the shipped code.
          if (at < 0) throw new Error(`ablation: "${cut.at}" is not in ${cut.file} any more; update bench/ablation.ts`);
          return { contents: text.slice(0, at + cut.at.length) + cut.insert + text.slice(at + cut.at.length), loader: 'ts' };
        });
      }
    },
  };
}

type Target = typeof import('./ablation-target.js');
mkdirSync(out, { recursive: true });
const targets: [string, Target][] = [];
let n = 0;
for (const [name, cuts] of Object.entries(VARIANTS)) {
  const file = join(out, `variant-${n++}.mjs`);
  await build({ entryPoints: [join(here, 'ablation-target.ts')], outfile: file, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', keepNames: false, logLevel: 'warning', plugins: [cutPlugin(cuts)] });
  targets.push([name, (await import(pathToFileURL(file).href)) as Target]);
}

const ROUNDS = size(5, 2);
const TOY = size(50_000, 5_000);
const M = size(400, 60);
const T = size(20_000, 2_000);
const base = targets[0]![1];
const ops: { label: string; ours: (t: Target) => Promise<number>; raw: () => number; workload: number }[] = [
  { workload: 7, label: 'toy engine.send', ours: (t) => t.toySend(TOY), raw: () => base.toyRaw(TOY) },
  ...base.scenarioNames.map((name, i) => ({ workload: 1, label: `${name}: human act`, ours: (t: Target) => t.machineAct(i, M), raw: () => base.machineActRaw(i, M) })),
  { workload: 5, label: 'memory timers (sleeper)', ours: (t) => t.timers(T), raw: () => base.timersRaw(T) },
];

console.log(`ratio = raw XState µs / Docket µs (>= 0.5 is "within 2x"), median of ${ROUNDS} rounds, each round every variant once in turn`);
for (const op of ops) {
  // Warm-up of every variant and of the baseline.
  for (const [, t] of targets) await op.ours(t);
  op.raw();
  const ratios = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  const micros = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const [name, t] of order) {
      const ours = await op.ours(t);
      const raw = op.raw();
      ratios.get(name)!.push(raw / ours);
      micros.get(name)!.push(ours);
    }
  }
  console.log(`\n[${op.workload}] ${op.label}`);
  for (const [name] of targets) console.log(`  ${name.padEnd(44)} ${median(micros.get(name)!).toFixed(1).padStart(8)} µs  ratio ${median(ratios.get(name)!).toFixed(2)}  (rounds ${ratios.get(name)!.map((x) => x.toFixed(2)).join(' ')})`);
}
