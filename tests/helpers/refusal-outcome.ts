import { isDocketError } from '../../src/index.js';

/**
 * What a call did, for tables of bad input: `'taken'` when it returned (or resolved), the code and
 * `details.field` of a DocketError it threw, or `raw …` for anything else thrown (a fault: every
 * refusal must be typed).
 */
export async function outcome(run: () => unknown): Promise<'taken' | { code: string; field: unknown } | string> {
  try {
    await run();
    return 'taken';
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details.field } : `raw ${String(error)}`;
  }
}
