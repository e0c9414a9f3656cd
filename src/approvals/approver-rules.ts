import type { Directory } from '../organisation/directory.js';
import { activeMembers, isActiveUser } from '../organisation/known-user.js';
import { ownValue } from '../engine/own-property.js';
import { DocketError } from '../errors.js';
import { oneOfOption, readOptions } from '../input/read-options.js';
import { checkNewId } from '../store/id-rule.js';

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
 * @example
 * ```ts
 * import { users } from 'docket';
 * users('zhao', 'qian'); // { kind: 'users', users: ['zhao', 'qian'] }
 * ```
 */
export function users(...ids: readonly string[]): ApproverRule {
  return { kind: 'users', users: [...ids] };
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
 * field? }` (a misspelt key, `null`) or a `department` or `field` that is not a non-blank string.
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
  for (const [name, value] of [['department', department], ['field', field]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new DocketError('INVALID_ARGUMENT', `departmentHead(options): ${name} must be a ${name === 'department' ? 'department name' : 'context field path (e.g. "form.department")'}, not ${typeof value === 'string' ? JSON.stringify(value) : typeof value}.`, { field: name });
    }
  }
  return { kind: 'departmentHead', ...(department === undefined ? {} : { department: department as string }), ...(field === undefined ? {} : { field: field as string }) };
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
    throw new DocketError('INVALID_ARGUMENT', `supervisors(levels) needs a positive integer, got ${String(levels)}.`, { field: 'levels' });
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
 * The shape of an approver rule (internal; the one check `chosen`, `field` and `approvalStep` apply):
 * an object of a known `kind`; a context field path (`chosen`, `field`, `departmentHead`'s `field`) a
 * string of at least one non-blank character; `supervisor` levels a positive integer; `chosen`'s
 * `among` a rule itself. `chosen(5)`, `field(5)` or `chosen('who', { among: 'legal' })` were taken and
 * every entry of the step failed with MACHINE_ERROR ("path.split is not a function", "reading
 * 'flatMap'"); a blank path resolved nobody (NO_APPROVER at every entry).
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the part, prefixed by `path` (`config.approvers[1].field`,
 * or `field`, `among` for a builder's own arguments).
 */
export function checkApproverRule(rule: unknown, path: string, what: string): void {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const refuse = (message: string, field: string): never => {
    throw new DocketError('INVALID_ARGUMENT', `${what}: ${message}`, { field });
  };
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    refuse(`${path === '' ? 'the rule' : path} must be an approver rule (${RULE_USAGE}), not ${typeof rule === 'string' ? JSON.stringify(rule) : rule === null ? 'null' : Array.isArray(rule) ? 'an array' : typeof rule}.`, path === '' ? 'rule' : path);
  }
  const r = rule as { readonly kind?: unknown; readonly field?: unknown; readonly department?: unknown; readonly levels?: unknown; readonly among?: unknown };
  const text = (value: unknown, key: string, optional: boolean, noun: string) => {
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value.trim() === '') refuse(`${at(key)} must be ${noun}, not ${typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'missing' : typeof value}.`, at(key));
  };
  const PATH = 'a context field path (e.g. "form.approvers")';
  switch (r.kind) {
    case 'users':
    case 'role':
      return; // their ids are checked by the one id rule where they are read (users' people, role's name)
    case 'field':
    case 'chosen':
      text(r.field, 'field', false, PATH);
      if (r.kind === 'chosen' && r.among !== undefined) checkApproverRule(r.among, at('among'), what);
      return;
    case 'departmentHead':
      text(r.department, 'department', true, 'a department name');
      text(r.field, 'field', true, PATH);
      return;
    case 'supervisor':
      if (typeof r.levels !== 'number' || !Number.isInteger(r.levels) || r.levels < 1) refuse(`${at('levels')} must be a positive integer, not ${String(r.levels)}.`, at('levels'));
      return;
    default:
      refuse(`${path === '' ? 'the rule' : path} has no known kind (${JSON.stringify(r.kind) ?? 'undefined'}); build it with ${RULE_USAGE}.`, path === '' ? 'rule' : path);
  }
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
