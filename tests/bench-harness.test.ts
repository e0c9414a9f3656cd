import { describe, expect, it } from 'vitest';
import { compare, median, ratioOf } from '../bench/harness.js';

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
});
