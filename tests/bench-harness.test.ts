import { describe, expect, it } from 'vitest';
import { compare, median, partsAsked, ratioOf } from '../bench/harness.js';

// The bench harness's arithmetic on fake timings (no timing here: speed lives in bench/).
describe('bench harness ratios', () => {
  it('rates compare ours/baseline, times baseline/ours: > 1 always means Docket is better', () => {
    expect(ratioOf(300, 100, 'higher')).toBe(3);
    expect(ratioOf(2, 1, 'lower')).toBe(0.5); // twice the time of raw = "within 2x" at exactly 0.5
    expect(ratioOf(0, 1, 'higher')).toBeNaN();
  });

  it('median of odd and even lists, and refuses an empty one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('compare takes the median of per-round ratios (not the ratio of medians) and checks the target', () => {
    const c = compare(
      { workload: 1, name: 'x', unit: 'ms/op', better: 'lower', baselineLabel: 'raw', target: '>= 0.5x', targetRatio: 0.5 },
      [
        [4, 1], // 0.25
        [1, 1], // 1
        [2, 1.2], // 0.6
      ],
    );
    expect(c.rounds).toEqual([0.25, 1, 0.6]);
    expect(c.ratio).toBe(0.6);
    expect(c.ours).toBe(2);
    expect(c.baseline).toBe(1);
    expect(c.met).toBe(true);
    const missed = compare({ workload: 3, name: 'y', unit: 'trips/s', better: 'higher', baselineLabel: 'peer', target: '> 1x', targetRatio: 1 }, [[50, 100]]);
    expect(missed.ratio).toBe(0.5);
    expect(missed.met).toBe(false);
    expect(missed.rounds).toBeUndefined();
  });

  it('partsAsked: no part named means every part; flags are not parts; an unknown part exits 2 naming the parts', () => {
    const all = partsAsked('x.bench.ts', ['sim', 'timers'], ['--quick']);
    expect([all('sim'), all('timers')]).toEqual([true, true]);
    const one = partsAsked('x.bench.ts', ['sim', 'timers'], ['timers', '--quick']);
    expect([one('sim'), one('timers')]).toEqual([false, true]);
    const exits: unknown[] = [];
    const errors: string[] = [];
    const exit = process.exit;
    const error = console.error;
    process.exit = ((code?: number) => {
      exits.push(code);
      throw new Error('exit');
    }) as typeof process.exit;
    console.error = (line: string) => void errors.push(line);
    try {
      expect(() => partsAsked('x.bench.ts', ['sim', 'timers'], ['simm'])).toThrow('exit');
    } finally {
      process.exit = exit;
      console.error = error;
    }
    expect(exits).toEqual([2]);
    expect(errors).toEqual(['x.bench.ts: no part simm; its parts are sim, timers.']);
  });
});
