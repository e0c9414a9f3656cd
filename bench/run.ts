// Runs every bench/*.bench.ts in its own process, one after another (so they don't compete for the
// two cores), and prints their closing lines together. `npm run bench`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const summary: string[] = [];
for (const file of files) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(run.stdout);
  const lines = run.stdout.trim().split('\n');
  summary.push(...lines.filter((l) => /\d+(\.\d+)?x\b/.test(l)).map((l) => `${file}: ${l.trim()}`));
  if (run.status !== 0) summary.push(`${file}: FAILED (exit ${run.status})`);
}
console.log('\n=== ratios (each against its baseline in the same run)');
for (const line of summary) console.log(line);
