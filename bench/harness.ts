/**
 * The shared measuring kit of `bench/*.bench.ts`: every figure is reported beside a baseline measured
 * in the same process run, as a ratio, because the machine is shared and absolute numbers swing.
 *
 * A bench prints one `BENCH_RESULT {json}` line per comparison; `bench/run.ts` collects them into
 * `bench/results.json` and prints the table.
 */

/** Whether `--quick` (or `BENCH_QUICK=1`) asked for a smaller, faster run. */
export const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');

/**
 * The parts of a bench file asked for on its command line (`npx tsx bench/scale.bench.ts sim`):
 * returns `want(part)`, true for every part when none is named. Flags (`--quick`) are not parts; a
 * name the file does not know ends the process with exit code 2 and says which parts it has, instead
 * of running nothing.
 */
export function partsAsked(file: string, known: readonly string[], argv: readonly string[] = process.argv.slice(2)): (part: string) => boolean {
  const only = argv.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    console.error(`${file}: no part ${unknown.join(', ')}; its parts are ${known.join(', ')}.`);
    process.exit(2);
  }
  return (part) => only.length === 0 || only.includes(part);
}

/** `full` in a normal run, `quick` under `--quick`. */
export const size = (full: number, quick: number): number => (QUICK ? quick : full);

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One comparison. `ours` and `baseline` are in the same `unit`; `better` says which direction wins:
 * `higher` for rates (ops/s), `lower` for times and sizes (ms, bytes).
 */
export interface Comparison {
  readonly workload: number;
  readonly name: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly ours: number;
  readonly baselineLabel: string;
  readonly baseline: number;
  /**
   * How Docket does against the baseline, >1 means Docket is better: ours/baseline for rates,
   * baseline/ours for times. For a "within k x of raw" target on times this is 1/k.
   */
  readonly ratio: number;
  /** Per-round ratios when the case alternated rounds (the reported ratio is their median). */
  readonly rounds?: readonly number[];
  /** The target as written in the issue, e.g. `>= 0.5x`. */
  readonly target: string;
  /** The ratio the target asks for (compared with `ratio`), when it is a ratio target. */
  readonly targetRatio?: number;
  readonly met?: boolean;
  readonly note?: string;
}

/** Docket's ratio against a baseline (>1 = Docket better), from one pair of figures. */
export function ratioOf(ours: number, baseline: number, better: 'higher' | 'lower'): number {
  if (!(ours > 0) || !(baseline > 0)) return Number.NaN;
  return better === 'higher' ? ours / baseline : baseline / ours;
}

/**
 * Build a comparison from rounds of `[ours, baseline]` pairs measured alternately: medians of each
 * side, and the median of the per-round ratios (so one noisy slice doesn't decide it).
 */
export function compare(
  spec: { workload: number; name: string; unit: string; better: 'higher' | 'lower'; baselineLabel: string; target: string; targetRatio?: number; note?: string },
  pairs: readonly (readonly [number, number])[],
): Comparison {
  const rounds = pairs.map(([o, b]) => ratioOf(o, b, spec.better));
  const ratio = median(rounds);
  const base: Comparison = {
    workload: spec.workload,
    name: spec.name,
    unit: spec.unit,
    better: spec.better,
    ours: median(pairs.map((p) => p[0])),
    baselineLabel: spec.baselineLabel,
    baseline: median(pairs.map((p) => p[1])),
    ratio,
    target: spec.target,
    ...(pairs.length > 1 ? { rounds } : {}),
    ...(spec.note === undefined ? {} : { note: spec.note }),
  };
  if (spec.targetRatio === undefined) return base;
  return { ...base, targetRatio: spec.targetRatio, met: ratio >= spec.targetRatio };
}

/** A figure with no baseline of its own (e.g. absolute seconds of a simulation) or a custom check. */
export function figure(spec: Omit<Comparison, 'ratio' | 'better'> & { better?: 'higher' | 'lower'; ratio?: number }): Comparison {
  return { better: 'lower', ratio: Number.NaN, ...spec };
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toPrecision(3));

/** One human line for a comparison. */
export function describe(c: Comparison): string {
  // JSON turns NaN (no ratio) into null.
  const ratio = typeof c.ratio !== 'number' || Number.isNaN(c.ratio) ? '' : ` = ${c.ratio.toFixed(2)}x`;
  const verdict = c.met === undefined ? '' : c.met ? ' ✓' : ' ✗';
  const rounds = c.rounds ? ` (rounds ${c.rounds.map((r) => r.toFixed(2)).join(' ')})` : '';
  return `[${c.workload}] ${c.name}: docket ${fmt(c.ours)} ${c.unit} vs ${c.baselineLabel} ${fmt(c.baseline)} ${c.unit}${ratio} (target ${c.target})${verdict}${rounds}${c.note ? ` — ${c.note}` : ''}`;
}

/** One row of the docs/performance.md table for a comparison. */
export function markdownRow(c: Comparison): string {
  const ratio = typeof c.ratio !== 'number' || Number.isNaN(c.ratio) ? '—' : `${c.ratio.toFixed(2)}x`;
  const rounds = c.rounds ? c.rounds.map((r) => r.toFixed(2)).join(' ') : '';
  const verdict = c.met === undefined ? '' : c.met ? 'met' : '**missed**';
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  return `| ${c.workload} | ${cell(c.name)} | ${fmt(c.ours)} ${c.unit} | ${cell(c.baselineLabel)}: ${fmt(c.baseline)} ${c.unit} | ${ratio} | ${rounds} | ${cell(c.target)} | ${verdict} |`;
}

/** Print a comparison for the reader and, tagged, for `bench/run.ts`. */
export function report(c: Comparison): Comparison {
  console.log(describe(c));
  console.log(`BENCH_RESULT ${JSON.stringify(c)}`);
  return c;
}

/** Milliseconds taken by `fn`. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Run `fn` for `rounds` rounds, alternating with `baseline`, each returning a figure. */
export async function alternate(rounds: number, ours: () => Promise<number> | number, baseline: () => Promise<number> | number): Promise<[number, number][]> {
  const pairs: [number, number][] = [];
  for (let r = 0; r < rounds; r++) {
    // Swap the order each round so warm-up and GC debt don't always fall on the same side.
    if (r % 2 === 0) {
      const o = await ours();
      pairs.push([o, await baseline()]);
    } else {
      const b = await baseline();
      pairs.push([await ours(), b]);
    }
  }
  return pairs;
}
