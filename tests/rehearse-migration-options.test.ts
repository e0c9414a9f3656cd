// rehearseMigration read its options as they came, unlike docket/testing's other entry points: a
// misspelt `scrpit` was ignored (the rehearsal ran with nobody acting and reported no difference), a
// misspelt `horizn` was refused as "An instant is …, not undefined" naming no option, and a `script`
// that is not an array was a raw TypeError. It reads them once by the house rule now.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, memoryStore } from '../src/index.js';
import { rehearseMigration } from '../src/testing/index.js';
import { expenseV2 } from './helpers/expense-v2.js';

const base = { source: memoryStore(), from: expenseReimbursement, to: expenseV2, horizon: '2026-10-31T00:00:00+08:00', at: '2026-09-29T09:00:00+08:00', calendar: businessCalendar() };
const refusal = async (options: unknown) =>
  rehearseMigration(options as never).then(
    () => 'accepted',
    (error: { name?: string; code?: string; details?: { field?: unknown } }) => ({ name: error.name, code: error.code, field: error.details?.field }),
  );

describe('rehearseMigration reads its options by the house rule', () => {
  it.each([
    ['a misspelt script', { ...base, scrpit: [] }, 'scrpit'],
    ['a misspelt horizon', { ...base, horizon: undefined, horizn: base.horizon }, 'horizn'],
    ['no horizon', { ...base, horizon: undefined }, 'horizon'],
    ['a bad at', { ...base, at: 'soon' }, 'at'],
    ['a script that is not an array', { ...base, script: { at: 0 } }, 'script'],
    ['a script act at no instant', { ...base, script: [{ at: 'soon', instanceId: 'x', event: { type: 'SUBMIT' }, actor: { id: 'li', roles: [] } }] }, 'script[0].at'],
    ['null', null, 'options'],
  ])('%s is INVALID_ARGUMENT naming its field', async (_name, options, field) => {
    expect(await refusal(options)).toEqual({ name: 'DocketError', code: 'INVALID_ARGUMENT', field });
  });

  it('the options as given are taken', async () => {
    expect(await refusal(base)).toBe('accepted');
  });
});

describe('property: an unknown key is refused naming it, whatever else is given', () => {
  it('over key names', async () => {
    const known = ['source', 'from', 'to', 'migration', 'at', 'horizon', 'calendar', 'directory', 'script'];
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !known.includes(k) && k !== '__proto__'), async (key) => {
        expect(await refusal({ ...base, [key]: 1 })).toEqual({ name: 'DocketError', code: 'INVALID_ARGUMENT', field: key });
      }),
      { numRuns: 50 },
    );
  });
});
