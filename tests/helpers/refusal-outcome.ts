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

/**
 * What a synchronous call did: `'accepted'` when it returned, or the code and `details.field` of the
 * DocketError it threw. Anything else thrown is thrown on (a fault: every refusal must be typed).
 */
export function refusal(run: () => unknown): { code: string; field: unknown } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (isDocketError(error)) return { code: error.code, field: error.details.field };
    throw error;
  }
}

/** {@link refusal} for a call that may return a promise: its rejection is read the same way. */
export async function refusalOf(run: () => unknown): Promise<{ code: string; field: unknown } | 'accepted'> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    if (isDocketError(error)) return { code: error.code, field: error.details.field };
    throw error;
  }
}

/**
 * {@link refusal} that also keeps the refusal's message, for tests that read what it says. Anything
 * but a DocketError thrown is thrown on.
 */
export function refusalWithMessage(run: () => unknown): { code: string; field: unknown; message: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (isDocketError(error)) return { code: error.code, field: error.details.field, message: error.message };
    throw error;
  }
}

/**
 * What a synchronous call did, for properties over bad input: `'accepted'`, the code and
 * `details.field` of a DocketError, or `raw …` for anything else thrown (a fault the property shows).
 */
export function tried(run: () => unknown): 'accepted' | { code: string; field: unknown } | string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details.field } : `raw ${String(error)}`;
  }
}
