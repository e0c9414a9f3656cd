// An approval step's own settings (mode, policies, deadline, reminder, operations) checked against
// their types once, when the step is built, so a value outside them never reaches an instance.
import { z } from 'zod';
import { DocketError } from '../errors.js';
import { idRuleProblem } from '../store/id-rule.js';
import { APPROVAL_EVENT_TYPES } from './approval-events.js';

/** A role or delay name: an id by the one id rule every filter shares. */
const name = z.string().refine((v) => idRuleProblem(v) === undefined, { message: 'must be a name of 1 to 256 characters, not blank' });
const roleFallback = z.strictObject({ role: name });

/**
 * 依次 / 会签 / 或签 by name, or a 票签: a whole count of at least 1, or a ratio above 0 and at most 1.
 * A count of 0 or a ratio of 0 (or below) was approved on entry with nobody's vote; NaN, Infinity, a
 * ratio above 1 or an unknown name refused every request at entry (`NO_APPROVER`, `MACHINE_ERROR`).
 */
const mode = z.union([
  z.enum(['sequential', 'all', 'any']),
  z.strictObject({ count: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ ratio: z.number().gt(0).max(1), strict: z.boolean().optional() }),
]);

const settings = z.object({
  mode,
  whenNobody: z.union([z.enum(['approve', 'refuse']), roleFallback]).optional(),
  whenTooFew: z.union([z.enum(['refuse', 'lower']), roleFallback]).optional(),
  dedupe: z.boolean().optional(),
  initiatorIsApprover: z.enum(['keep', 'skip', 'supervisor']).optional(),
  rejection: z.union([z.literal('end'), z.strictObject({ return: z.string().min(1) })]).optional(),
  resubmit: z.enum(['rerun', 'jump']).optional(),
  withdraw: z.enum(['untilActed', 'anytime', 'never']).optional(),
  operations: z.array(z.enum(APPROVAL_EVENT_TYPES as [string, ...string[]])).optional(),
  deadline: z
    .strictObject({
      after: name,
      then: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('approve') }),
        z.strictObject({ kind: z.literal('reject') }),
        z.strictObject({ kind: z.literal('escalate'), role: name }),
      ]),
    })
    .optional(),
  remind: z.strictObject({ every: name }).optional(),
  title: z.strictObject({ 'zh-CN': z.string(), en: z.string() }).optional(),
});

/**
 * Refuse an approval step whose settings are outside their types (`mode`, `whenNobody`, `whenTooFew`,
 * `dedupe`, `initiatorIsApprover`, `rejection`, `resubmit`, `withdraw`, `operations`, `deadline`,
 * `remind`, `title`), naming the first wrong one's path (`config.mode.count`) in `details.field`.
 * Each was taken as given: a 票签 `{ count: 0 }` passed the step with nobody's vote, `withdraw:
 * 'sometimes'` or an operation `'APROVE'` changed what people may do without a word.
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field` and `details.step`.
 *
 * @example
 * ```ts
 * import { checkStepSettings } from './step-settings.js';
 * checkStepSettings({ mode: { count: 2 } }, 'finance'); // passes
 * checkStepSettings({ mode: { count: 0 } }, 'finance'); // throws INVALID_ARGUMENT, field 'config.mode.count'
 * ```
 */
export function checkStepSettings(config: Readonly<Record<string, unknown>>, step: string): void {
  const result = settings.safeParse(config);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  // A union reports its own path. Go down to one member only when the value chose it by its keys
  // (`{ ratio: NaN }` is a ratio, not a count), so the field named is the one to change.
  const valueAt = (path: readonly PropertyKey[]): unknown =>
    path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), config);
  const deepest = (i: z.core.$ZodIssue): z.core.$ZodIssue => {
    if (i.code !== 'invalid_union') return i;
    const given = valueAt(i.path);
    const chosen = i.errors
      .map((list) => list[0])
      .filter((e): e is z.core.$ZodIssue => e !== undefined && e.path.length > 0 && given !== null && typeof given === 'object' && Object.hasOwn(given, e.path[0]!));
    return chosen.length === 1 ? deepest({ ...chosen[0]!, path: [...i.path, ...chosen[0]!.path] } as z.core.$ZodIssue) : i;
  };
  const at = deepest(issue);
  const field = ['config', ...at.path.map(String)].join('.');
  const given = valueAt(at.path as PropertyKey[]);
  throw new DocketError(
    'INVALID_ARGUMENT',
    `approvalStep "${step}": ${field} ${describe(given)} is not allowed (${at.message}). ${HINTS[String(at.path[0])] ?? 'See ApprovalStepSpec for the allowed values.'}`,
    { field, step },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return typeof value;
  }
}

/** What to write instead, per setting. */
const HINTS: Record<string, string> = {
  mode: "Use 'sequential', 'all', 'any', { count: n } with a whole n of at least 1, or { ratio: r } with 0 < r <= 1 (strict: true for more than r).",
  whenNobody: "Use 'approve', 'refuse' or { role: 'name' }.",
  whenTooFew: "Use 'refuse', 'lower' or { role: 'name' }.",
  dedupe: 'Use true or false.',
  initiatorIsApprover: "Use 'keep', 'skip' or 'supervisor'.",
  rejection: "Use 'end' or { return: 'submitter' | 'previous' | '<step id>' }.",
  resubmit: "Use 'rerun' or 'jump'.",
  withdraw: "Use 'untilActed', 'anytime' or 'never'.",
  operations: `Use operations among ${APPROVAL_EVENT_TYPES.join(', ')}.`,
  deadline: "Use { after: '<deadline name>', then: { kind: 'approve' } | { kind: 'reject' } | { kind: 'escalate', role: 'name' } }.",
  remind: "Use { every: '<deadline name>' }.",
  title: "Use { 'zh-CN': '…', en: '…' }.",
};
