// Runs the bench/*.bench.ts files, each in its own process one after another (so they don't compete
// for the two cores), collects their `BENCH_RESULT` lines into bench/results.json and prints the table.
//   npm run bench                       every workload
//   npm run bench -- --only machines    files whose name contains "machines" (repeatable, or a,b)
//   npm run bench -- --quick            smaller sizes, one round (a rerun to check a change)
//   npm run bench -- --table            print the last run's table again from bench/results.json
//   npm run bench -- --markdown         the same as the markdown table docs/performance.md shows
//   npm run bench -- --source           run the TypeScript sources under tsx instead of the build
// A --quick or --only run writes .tmp/bench/results.partial.json; only a full run replaces bench/results.json.
// Each bench file is bundled first the way the published package is built (esbuild, as tsup runs it:
// target node20, no keepNames, every package external), so Docket is measured as its users run it,
// beside baselines that run from node_modules as they ship. Under tsx, esbuild's keepNames wraps every
// named closure Docket builds per act in a helper that the build does not have (5-10 % of an act).
// Workloads: 1/2/6 machines.bench.ts, 1 seats.bench.ts (a 会签's size), 3 peer.bench.ts, 4/5
// scale.bench.ts, 7 engine.bench.ts, 8 calendar.bench.ts; store.bench.ts is the ping-pong durable harness.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, markdownRow, type Comparison } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const fromSource = args.includes('--source');
const only: string[] = [];
args.forEach((a, i) => {
  if (a === '--only' && args[i + 1]) only.push(...args[i + 1]!.split(','));
  else if (a.startsWith('--only=')) only.push(...a.slice(7).split(','));
});
if (args.includes('--markdown')) {
  const last = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as { when: string; seconds: number; results: Comparison[]; other: string[]; failures: string[] };
  console.log(`Run of ${last.when}, ${last.seconds} s.\n`);
  console.log('| # | workload | Docket | baseline (same run) | ratio (>1 = Docket better) | per-round ratios | target | |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of [...last.results].sort((a, b) => a.workload - b.workload)) console.log(markdownRow(r));
  for (const line of [...last.other, ...last.failures]) console.log(`\n- ${line}`);
  process.exit(0);
}
if (args.includes('--table')) {
  // Print the table of the last run again (bench/results.json), without measuring.
  const last = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as { when: string; seconds: number; results: Comparison[]; other: string[]; failures: string[] };
  console.log(`=== bench/results.json of ${last.when} (${last.seconds} s)`);
  for (const r of [...last.results].sort((a, b) => a.workload - b.workload)) console.log(describe(r));
  for (const line of [...last.other, ...last.failures]) console.log(line);
  process.exit(0);
}
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error(`No bench matches --only ${only.join(',')}; have: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
const results: (Comparison & { file: string })[] = [];
const failures: string[] = [];
const legacy: string[] = [];
const started = Date.now();
const built = join(here, '..', '.tmp', 'bench');
if (!fromSource) {
  await build({
    entryPoints: files.map((file) => join(here, file)),
    outdir: built,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: false,
    logLevel: 'warning',
  });
}
for (const file of files) {
  console.log(`\n=== ${file}${quick ? ' (quick)' : ''}${fromSource ? ' (sources under tsx)' : ''}`);
  const command = fromSource ? ['--expose-gc', '--import', 'tsx', join(here, file)] : ['--expose-gc', join(built, file.replace(/\.ts$/, '.mjs'))];
  const run = spawnSync(process.execPath, command, {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, ...(quick ? { BENCH_QUICK: '1', ROUNDS: process.env.ROUNDS ?? '1', SCALE: process.env.SCALE ?? '0.3' } : {}) },
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('BENCH_RESULT ')) results.push({ file, ...(JSON.parse(line.slice(13)) as Comparison) });
    else if (line.trim()) {
      console.log(line);
      // Older benches print "... = 0.45x" lines without a BENCH_RESULT: keep them in the summary.
      if (/\d+(\.\d+)?x\b/.test(line) && !line.startsWith("[") && !legacy.includes(`${file}: ${line.trim()}`)) legacy.push(`${file}: ${line.trim()}`);
    }
  }
  if (run.status !== 0) failures.push(`${file}: FAILED (exit ${run.status})`);
}
const out = {
  when: new Date().toISOString(),
  quick,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, platform: platform(), arch: arch(), node: process.version },
  seconds: Math.round((Date.now() - started) / 1000),
  built: !fromSource,
  results,
  other: legacy,
  failures,
};
// Only a full run (every file, full sizes) replaces bench/results.json, the table docs/performance.md
// shows; a --quick or --only run is written beside the build, so a quick re-check cannot overwrite it.
const partial = quick || only.length > 0;
const written = partial ? join(built, 'results.partial.json') : join(here, 'results.json');
mkdirSync(dirname(written), { recursive: true });
writeFileSync(written, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\n=== ${partial ? 'these workloads against their baselines' : 'every workload against its baseline'} in the same run (${out.seconds} s; ${relative(join(here, '..'), written)})`);
for (const r of [...results].sort((a, b) => a.workload - b.workload)) console.log(describe(r));
for (const line of legacy) console.log(line);
for (const line of failures) console.log(line);
if (failures.length > 0) process.exitCode = 1;
