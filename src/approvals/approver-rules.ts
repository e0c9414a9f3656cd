import type { Directory } from '../organisation/directory.js';
import { activeMembers, isActiveUser } from '../organisation/known-user.js';
import { ownValue } from '../engine/own-property.js';
import { DocketError, type DocketErrorDetails } from '../errors.js';
import { oneOfOption, readOptions } from '../input/read-options.js';
import { checkNewId, isBlankId } from '../store/id-rule.js';
import { ID_MAX_LENGTH, isStorableString } from '../store/payload-rules.js';
import { safeString } from '../input/safe-string.js';
import { shownValue } from '../input/shown-value.js';

/**
 * Who approves a step, as data (so the visualizer and the path preview can show it):
 * named users, a role (each member, or one who claims it: 认领), a department's head, the initiator's
 * supervisor or N levels of supervisors (连续多级主管, vacant levels skipped), the initiator's own
 * choice (自选, validated against an allowed rule), or a field of the instance.
 *
 * @example
 * ```ts
 * import { role, supervisors, users, type ApproverRule } from 'docket';
 * const rules: ApproverRule[] = [users('zhao'), role('legal', { claim: true }), supervisors(2)];
 * ```
 */
export type ApproverRule =
  | { readonly kind: 'users'; readonly users: readonly string[] }
  | { readonly kind: 'role'; readonly role: string; readonly claim?: boolean }
  | { readonly kind: 'departmentHead'; readonly department?: string; readonly field?: string }
  | { readonly kind: 'supervisor'; readonly levels: number }
  | { readonly kind: 'chosen'; readonly field: string; readonly among?: ApproverRule }
  | { readonly kind: 'field'; readonly field: string };

/**
 * Named users, in order.
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field: 'users[i]'` for an id that breaks the
 * one id rule (blank, only invisible characters, not a string: `users(['a'])`).
 *
 * @example
 * ```ts
 * import { users } from 'docket';
 * users('zhao', 'qian'); // { kind: 'users', users: ['zhao', 'qian'] }
 * ```
 */
export function users(...ids: readonly string[]): ApproverRule {
  const rule: ApproverRule = { kind: 'users', users: [...ids] };
  // Each person by the one id rule, where the rule is made (as role(name) is): users(' ') or
  // users('\u200b') named someone no inbox filter finds.
  checkApproverRule(rule, '', 'users(...ids)');
  return rule;
}

/**
 * Everyone with a role; with `claim: true`, one group task that one member claims (认领).
 *
 * The role name is an id by the one rule a directory's roles follow (`staticDirectory` refuses a
 * user's role `' '`, and the inbox filter `tasks({ role })` refuses it too): `role(' ')` or `role('')`
 * was taken and made a step no directory could ever staff (NO_APPROVER at every entry), or a group
 * task no inbox could list.
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field: 'name'` for a name that is not a string
 * of 1 to 256 characters, not blank, without U+0000 or an unpaired surrogate; with `details.field:
 * 'options'` or `'claim'` for options other than `{ claim?: boolean }` (a misspelt `clam: true` was
 * ignored, so every member was asked instead of one).
 *
 * @example
 * ```ts
 * import { role } from 'docket';
 * role('finance'); // each member must act (as the step's mode says)
 * role('legal', { claim: true }); // one legal member claims and acts
 * ```
 */
export function role(name: string, options: { readonly claim?: boolean } = {}): ApproverRule {
  checkNewId(name, 'role(name): the role name', 'name');
  const { claim } = readOptions(options, { keys: ['claim'], what: 'role(name, options)', usage: '{ claim?: boolean }' });
  const claimed = oneOfOption(claim, [true, false], 'claim', 'role(name, options)');
  return claimed ? { kind: 'role', role: name, claim: true } : { kind: 'role', role: name };
}

/**
 * The head of a department: a fixed one, one named by a context field, or (default) the initiator's.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field for options other than `{ department?,
 * field? }` (a misspelt key, `null`), a `department` that is not an id by the one id rule, or a
 * `field` that is not a context path (dot-separated names, none empty or blank: not `'a..b'`).
 *
 * @example
 * ```ts
 * import { departmentHead } from 'docket';
 * departmentHead(); // the initiator's department head
 * departmentHead({ department: 'legal' });
 * ```
 */
export function departmentHead(options: { readonly department?: string; readonly field?: string } = {}): ApproverRule {
  // By the options rule: `{ departmnet: 'legal' }` was spread into the rule and ignored, so the
  // initiator's own department head was asked instead of legal's.
  const { department, field } = readOptions(options, { keys: ['department', 'field'], what: 'departmentHead(options)', usage: '{ department?, field? }' });
  const rule: ApproverRule = { kind: 'departmentHead', ...(department === undefined ? {} : { department: department as string }), ...(field === undefined ? {} : { field: field as string }) };
  // The one check every rule meets: the department an id, the field a context path.
  checkApproverRule(rule, '', 'departmentHead(options)');
  return rule;
}

/**
 * The initiator's direct supervisor.
 *
 * @example
 * ```ts
 * import { supervisor } from 'docket';
 * supervisor(); // { kind: 'supervisor', levels: 1 }
 * ```
 */
export function supervisor(): ApproverRule {
  return { kind: 'supervisor', levels: 1 };
}

/**
 * 连续多级主管: the initiator's supervisors up `levels` levels of the chart, in order (nearest first).
 * A vacant level (its holder left: `active: false`) is skipped; the chain continues above it.
 *
 * @example
 * ```ts
 * import { supervisors } from 'docket';
 * supervisors(3);
 * ```
 */
export function supervisors(levels: number): ApproverRule {
  if (!Number.isInteger(levels) || levels < 1) {
    throw new DocketError('INVALID_ARGUMENT', `supervisors(levels) needs a positive integer, got ${safeString(levels)}.`, { field: 'levels' });
  }
  return { kind: 'supervisor', levels };
}

/**
 * 自选: the approvers the initiator chose, read from a context field (a user id or a list), each
 * checked against `among` when given (refused with `INVALID_PAYLOAD` otherwise).
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field for options other than `{ among? }`, a
 * `field` that is not a non-blank path (`field`), or an `among` that is not an approver rule (`among`).
 *
 * @example
 * ```ts
 * import { chosen, role } from 'docket';
 * chosen('reviewers', { among: role('legal') });
 * ```
 */
export function chosen(field: string, options: { readonly among?: ApproverRule } = {}): ApproverRule {
  // By the options rule: a misspelt `{ amongst: role('legal') }` was ignored, so anyone could be chosen.
  const { among } = readOptions(options, { keys: ['among'], what: 'chosen(field, options)', usage: '{ among?: ApproverRule }' });
  const rule: ApproverRule = among ? { kind: 'chosen', field, among: among as ApproverRule } : { kind: 'chosen', field };
  checkApproverRule(rule, '', 'chosen(field, options)');
  return rule;
}

/**
 * The user id (or list of ids) in a context field, e.g. the account manager named on the form.
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field: 'field'` for a path that is not a string
 * with a non-blank character (`field(5)` failed every entry of the step with MACHINE_ERROR).
 *
 * @example
 * ```ts
 * import { field } from 'docket';
 * field('customer.accountManager');
 * ```
 */
export function field(path: string): ApproverRule {
  const rule: ApproverRule = { kind: 'field', field: path };
  checkApproverRule(rule, '', 'field(path)');
  return rule;
}

const RULE_USAGE = "users('zhao'), role('legal'), departmentHead(), supervisor(), supervisors(2), chosen('field') or field('path')";

/**
 * What is wrong with `value` as a context path (`field()`, `chosen()`, `departmentHead({ field })`),
 * or `undefined` when it is one: a string of dot-separated names, as {@link readPath} reads it, each
 * name neither empty nor blank (by the id rule's test, {@link isBlankId}), without U+0000 or an
 * unpaired surrogate (as an id). `'a..b'`, `'.a'` or `'a.'`
 * asked for a key `''` that no form has, and `'a. '` one no person could see: the path resolved
 * nobody at every entry of the step (NO_APPROVER), as a blank path did.
 */
export function contextPathProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a context field path (e.g. "form.approvers"), not ${value === undefined ? 'missing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (isBlankId(value)) return `must be a context field path (e.g. "form.approvers"), not ${shown}`;
  if (value.length > ID_MAX_LENGTH) return `must be at most ${ID_MAX_LENGTH} characters, got ${value.length}`;
  // As an id: a step keeps its rules in the context, which no store keeps with U+0000 or a lone
  // surrogate in it. `field('manager\u0000')` was taken and every entry of the step was INVALID_PAYLOAD,
  // telling the caller to remove a character from data they never gave.
  if (!isStorableString(value)) return `is ${shown}, which holds U+0000 or an unpaired surrogate; no store keeps one, so remove it`;
  const names = value.split('.');
  const bad = names.findIndex((name) => isBlankId(name));
  if (bad !== -1) return `is ${shown}, whose name ${bad + 1} of ${names.length} is ${names[bad] === '' ? 'empty' : 'blank'}; write the names between single dots (e.g. "form.approvers")`;
  return undefined;
}

/**
 * The shape of an approver rule (internal; the one check every builder and `approvalStep` apply):
 * an object of a known `kind`; a context field path (`chosen`, `field`, `departmentHead`'s `field`)
 * by {@link contextPathProblem}; the people of `users`, the role of `role` and the department of
 * `departmentHead` ids by the one id rule; `supervisor` levels a positive integer; `chosen`'s `among`
 * a rule itself. `chosen(5)`, `field(5)` or `chosen('who', { among: 'legal' })` were taken and every
 * entry of the step failed with MACHINE_ERROR ("path.split is not a function", "reading 'flatMap'");
 * a blank or malformed path resolved nobody (NO_APPROVER at every entry).
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the part, prefixed by `path` (`config.approvers[1].field`,
 * or `field`, `among` for a builder's own arguments), with `details` added.
 */
export function checkApproverRule(rule: unknown, path: string, what: string, details: DocketErrorDetails = {}): void {
  // `chosen`'s `among` is a rule itself: walked as a chain, not by recursion, and at most
  // AMONG_DEPTH_MAX deep. A rule given as data nested 100,000 levels deep overflowed the stack here (a
  // RangeError, not a DocketError), and one a few thousand deep was taken though the step's copy of its
  // spec, kept in the context, may not be that deep.
  let next: unknown = checkOneRule(rule, path, what, details);
  let at = path;
  for (let level = 1; next !== undefined; level++) {
    at = at === '' ? 'among' : `${at}.among`;
    if (level > AMONG_DEPTH_MAX) {
      const top = path === '' ? 'among' : `${path}.among`;
      throw new DocketError('INVALID_ARGUMENT', `${what}: ${top} nests chosen(…, { among }) more than ${AMONG_DEPTH_MAX} levels deep; give among one rule that lists who may be chosen (users(), role(), …).`, { ...details, field: top });
    }
    next = checkOneRule(next, at, what, details);
  }
}

/** How deep `chosen(…, { among })` rules may nest (a chart needs one or two levels). */
export const AMONG_DEPTH_MAX = 64;

/** {@link checkApproverRule} of one rule, without its `among`: returns the `among` to check next, if any. */
function checkOneRule(rule: unknown, path: string, what: string, details: DocketErrorDetails): unknown {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const refuse = (message: string, field: string): never => {
    throw new DocketError('INVALID_ARGUMENT', `${what}: ${message}`, { ...details, field });
  };
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    refuse(`${path === '' ? 'the rule' : path} must be an approver rule (${RULE_USAGE}), not ${typeof rule === 'string' ? JSON.stringify(rule) : rule === null ? 'null' : Array.isArray(rule) ? 'an array' : typeof rule}.`, path === '' ? 'rule' : path);
  }
  const r = rule as { readonly kind?: unknown; readonly field?: unknown; readonly department?: unknown; readonly levels?: unknown; readonly among?: unknown; readonly users?: unknown; readonly role?: unknown };
  const contextPath = (value: unknown, key: string, optional: boolean) => {
    if (value === undefined && optional) return;
    const problem = contextPathProblem(value);
    if (problem !== undefined) refuse(`${at(key)} ${problem}.`, at(key));
  };
  switch (r.kind) {
    case 'users':
      if (!Array.isArray(r.users)) refuse(`${at('users')} must be an array of user ids (users('zhao', 'qian')), not ${r.users === null ? 'null' : typeof r.users}.`, at('users'));
      (r.users as readonly unknown[]).forEach((user, i) => checkNewId(user, `${what}: ${at(`users[${i}]`)}, a person the rule asks,`, at(`users[${i}]`), details));
      return undefined;
    case 'role':
      checkNewId(r.role, `${what}: ${at('role')}, the role the rule asks,`, at('role'), details);
      return undefined;
    case 'field':
    case 'chosen':
      contextPath(r.field, 'field', false);
      return r.kind === 'chosen' ? r.among : undefined;
    case 'departmentHead':
      if (r.department !== undefined) checkNewId(r.department, `${what}: ${at('department')}, a department name,`, at('department'), details);
      contextPath(r.field, 'field', true);
      return undefined;
    case 'supervisor':
      if (typeof r.levels !== 'number' || !Number.isInteger(r.levels) || r.levels < 1) refuse(`${at('levels')} must be a positive integer, not ${safeString(r.levels)}.`, at('levels'));
      return undefined;
    default:
      return refuse(`${path === '' ? 'the rule' : path} has no known kind (${shownValue(r.kind)}); build it with ${RULE_USAGE}.`, path === '' ? 'rule' : path);
  }
}

/**
 * Approvers as a step takes them: one rule, or a flat list of rules (asked in order). A list inside
 * the list (`approvers: [[users('a')]]`, a spread forgotten) is refused naming it: it was taken and
 * resolved as a rule of no known kind, or walked as if flat, depending on where it was read.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the part (`config.approvers[0]`), with `details` added.
 */
export function checkApproverRules(rules: unknown, path: string, what: string, details: DocketErrorDetails = {}): void {
  if (!Array.isArray(rules)) {
    checkApproverRule(rules, path, what, details);
    return;
  }
  rules.forEach((rule: unknown, i) => {
    if (Array.isArray(rule)) {
      throw new DocketError('INVALID_ARGUMENT', `${what}: ${path}[${i}] is a list inside the list of approvers; give one flat list of rules (spread it: [...rules]), asked in order.`, { ...details, field: `${path}[${i}]` });
    }
    checkApproverRule(rule, `${path}[${i}]`, what, details);
  });
}

/** What a rule resolved to: people, or one group task for a role. */
export type ResolvedApprover =
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'group'; readonly role: string; readonly members: readonly string[] };

/** What resolution reads: the directory, the initiator and the instance's data. */
export interface ResolveFacts {
  readonly directory: Directory | undefined;
  readonly initiator: string;
  readonly context: unknown;
}

/** Read a dotted path (`customer.manager`) from a value.
 *
 * @example
 * ```ts
 * import { readPath } from './approver-rules.js';
 * readPath({ customer: { manager: 'wang' } }, 'customer.manager'); // 'wang'
 * ```
 */
export function readPath(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = ownValue(at as Record<string, unknown>, key);
  }
  return at;
}

function needDirectory(facts: ResolveFacts, rule: ApproverRule): Directory {
  if (!facts.directory) {
    throw new DocketError(
      'INVALID_ARGUMENT',
      `The approver rule "${rule.kind}" needs the organisation directory: pass createEngine({ directory: staticDirectory({ users: [...] }) }).`,
    );
  }
  return facts.directory;
}

function idsIn(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}


/**
 * The supervisors above `user`, nearest first, up to `levels` levels; vacant levels (inactive holders)
 * are skipped but still counted as a level of the chart, and cycles stop the walk.
 *
 * @example
 * ```ts
 * import { staticDirectory, supervisorChain } from 'docket';
 * const directory = staticDirectory({ users: [{ id: 'li', roles: [], supervisor: 'wang' }, { id: 'wang', roles: [], supervisor: null }] });
 * supervisorChain(directory, 'li', 3); // ['wang']
 * ```
 */
export function supervisorChain(directory: Directory, user: string, levels: number): string[] {
  const out: string[] = [];
  const seen = new Set([user]);
  let at = directory.user(user)?.supervisor ?? null;
  for (let level = 0; level < levels && at !== null && !seen.has(at); level++) {
    seen.add(at);
    if (isActiveUser(directory, at)) out.push(at);
    at = directory.user(at)?.supervisor ?? null;
  }
  return out;
}

/**
 * Resolve one rule to approvers, in order. Inactive users (离职) are dropped, never assigned.
 *
 * @example
 * ```ts
 * import { staticDirectory, supervisors } from 'docket';
 * import { resolveApprovers } from './approver-rules.js';
 * const directory = staticDirectory({ users: [
 *   { id: 'li', roles: [], supervisor: 'wang' },
 *   { id: 'wang', roles: [], supervisor: 'zhou', active: false },
 *   { id: 'zhou', roles: [], supervisor: null },
 * ] });
 * resolveApprovers(supervisors(2), { directory, initiator: 'li', context: {} }); // [{ kind: 'user', user: 'zhou' }]
 * ```
 */
export function resolveApprovers(rule: ApproverRule, facts: ResolveFacts): ResolvedApprover[] {
  const people = (ids: readonly string[]): ResolvedApprover[] =>
    ids.filter((id) => isActiveUser(facts.directory, id)).map((user) => ({ kind: 'user' as const, user }));
  switch (rule.kind) {
    case 'users':
      return people(rule.users);
    case 'field':
      return people(idsIn(readPath(facts.context, rule.field)));
    case 'role': {
      const members = activeMembers(needDirectory(facts, rule), rule.role);
      if (members.length === 0) return [];
      return rule.claim ? [{ kind: 'group', role: rule.role, members }] : people(members);
    }
    case 'departmentHead': {
      const directory = needDirectory(facts, rule);
      const department =
        rule.department ?? (rule.field === undefined ? directory.user(facts.initiator)?.department : idsIn(readPath(facts.context, rule.field))[0]);
      const head = department === undefined ? undefined : directory.departmentHead(department);
      return head === undefined ? [] : people([head]);
    }
    case 'supervisor':
      return people(supervisorChain(needDirectory(facts, rule), facts.initiator, rule.levels));
    case 'chosen': {
      const picked = idsIn(readPath(facts.context, rule.field));
      if (rule.among) {
        const allowed = new Set(
          resolveApprovers(rule.among, facts).flatMap((a) => (a.kind === 'user' ? [a.user] : a.members)),
        );
        const bad = picked.filter((id) => !allowed.has(id));
        if (bad.length > 0) {
          throw new DocketError(
            'INVALID_PAYLOAD',
            `The chosen approvers [${bad.join(', ')}] in "${rule.field}" are not allowed here; choose among [${[...allowed].join(', ')}].`,
            { field: rule.field, rejected: bad },
          );
        }
      }
      const inactive = picked.filter((id) => !isActiveUser(facts.directory, id));
      if (inactive.length > 0) {
        throw new DocketError(
          'INVALID_PAYLOAD',
          `The chosen approvers [${inactive.join(', ')}] in "${rule.field}" are unknown or no longer active; choose someone else.`,
          { field: rule.field, rejected: inactive },
        );
      }
      return people(picked);
    }
  }
}

/** Describe a rule for people (visualizer, preview), in both languages.
 *
 * @example
 * ```ts
 * import { supervisors } from 'docket';
 * import { describeApproverRule } from './approver-rules.js';
 * describeApproverRule(supervisors(2)); // { 'zh-CN': '连续 2 级主管', en: '2 levels of supervisors' }
 * ```
 */
export function describeApproverRule(rule: ApproverRule): { readonly 'zh-CN': string; readonly en: string } {
  switch (rule.kind) {
    case 'users':
      return { 'zh-CN': `指定成员:${rule.users.join('、')}`, en: `named users: ${rule.users.join(', ')}` };
    case 'role':
      return rule.claim
        ? { 'zh-CN': `角色 ${rule.role}(一人认领)`, en: `role ${rule.role} (one member claims)` }
        : { 'zh-CN': `角色 ${rule.role}`, en: `role ${rule.role}` };
    case 'departmentHead':
      return { 'zh-CN': `部门负责人${rule.department ? `(${rule.department})` : ''}`, en: `department head${rule.department ? ` (${rule.department})` : ''}` };
    case 'supervisor':
      return rule.levels === 1
        ? { 'zh-CN': '直属主管', en: "initiator's supervisor" }
        : { 'zh-CN': `连续 ${rule.levels} 级主管`, en: `${rule.levels} levels of supervisors` };
    case 'chosen':
      return { 'zh-CN': `发起人自选(${rule.field})`, en: `chosen by the initiator (${rule.field})` };
    case 'field':
      return { 'zh-CN': `表单字段 ${rule.field}`, en: `form field ${rule.field}` };
  }
}
