// A CLI count (`--limit`) is read as digits only, as the HTTP routes read a number: Number() took
// '1e2' as 100, '0x10' as 16 and ' 5' as 5, so a typo or a script's odd formatting changed how many
// instances `retain` archived or purged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intOption } from '../src/cli/cli-context.js';
import { CliError } from '../src/cli/cli-error.js';

const refusal = (value: string) => {
  try {
    intOption('--limit', value, 100);
    return undefined;
  } catch (error) {
    return error instanceof CliError ? { code: error.code, exit: error.exitCode, says: error.message.includes('--limit') } : error;
  }
};

describe('CLI whole-number options', () => {
  it.each(['1e2', '0x10', ' 5', '5 ', '5.0', '+5', '-5', '0', '', '1_000', '９', '99999999999999999'])('refuses %j with a usage error naming the option', (value) => {
    expect(refusal(value)).toEqual({ code: 'USAGE', exit: 2, says: true });
  });

  it('reads digits as their number, and the fallback when absent', () => {
    expect([intOption('--limit', '5', 100), intOption('--limit', '0100', 100), intOption('--limit', undefined, 100)]).toEqual([5, 100, 100]);
  });

  it('property: a value is accepted exactly when it is digits naming a safe integer ≥ 1, and then read as that integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.nat().map(String), fc.double().map(String)), (value) => {
        const ok = /^[0-9]+$/.test(value) && value.length <= 16 && Number(value) >= 1;
        if (ok) expect(intOption('--limit', value, 7)).toBe(Number(value));
        else expect(refusal(value)).toEqual({ code: 'USAGE', exit: 2, says: true });
      }),
      { numRuns: 2000 },
    );
  });
});
