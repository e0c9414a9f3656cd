import { isDocketError } from '../errors.js';
import type { HistoryEntry, InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { VerifyProblem, VerifyReport } from './engine-types.js';
import { checkSeal, GENESIS_HASH } from './history.js';
import { createKeyring, type HistoryKeyOption, type Keyring } from './history-key.js';
import { startTenantOf } from './head-check.js';
import { readsFormat, stateDigestFor, timersDigest, type DigestedTimer } from './state-digest.js';
import { messageOf } from '../input/safe-string.js';

/** Entries `verify` reads per store call: memory stays bounded by one page, whatever the history's length. */
export const VERIFY_PAGE_SIZE = 500;

/** Problems a report lists at most; the rest are counted in `omittedProblems`. */
export const MAX_REPORTED_PROBLEMS = 100;

/**
 * The commitments entry formats added, oldest first: `stateHash` (format 2), `timersHash` (format 3),
 * `format` (format 4). A new entry format that adds a field adds a row here.
 */
const COMMITMENTS: readonly { readonly field: 'stateHash' | 'timersHash' | 'format'; readonly label: string; readonly older: string }[] = [
  { field: 'stateHash', label: 'the state commitment', older: 'the older' },
  { field: 'timersHash', label: 'the timer commitment', older: 'an older' },
  { field: 'format', label: 'the entry format', older: 'an older' },
];

/**
 * Checks one instance's chain entry by entry (internal), so a caller can feed it page by page: feed
 * every entry oldest first with `add`, then `finish` with the instance record (or only its head hash).
 */
export class ChainVerifier {
  /** The hash the next entry must link to; undefined after an entry that could not be read. */
  private prev: string | undefined = GENESIS_HASH;
  private expected = 1;
  /** The newest revision fed so far, read or not. */
  private reached = 0;
  /** Set when the history past a revision could not be read at all (the store did not say where the damage is). */
  private cutAt: number | undefined;
  private count = 0;
  private last: HistoryEntry | undefined;
  private lastSealOk = false;
  private firstKeyed: number | undefined;
  /** Per row of {@link COMMITMENTS}: the first revision that carries it. */
  private readonly firstCarrying: (number | undefined)[] = COMMITMENTS.map(() => undefined);
  /** The newest entry format read so far and the entry that carried it (a later entry may not go back). */
  private newestFormat: { readonly format: number; readonly revision: number } | undefined;
  private readonly unknownKeys = new Set<string>();
  /** The tenant the start entry (revision 1) records; undefined until it is read. */
  private startTenant: { readonly tenant: string | undefined } | undefined;
  private readonly problems: VerifyProblem[] = [];
  private omitted = 0;

  constructor(
    private readonly instanceId: string,
    private readonly keys: Keyring,
  ) {}

  /** The timer commitment of the newest entry fed so far (undefined before format 3). */
  get headTimersHash(): string | undefined {
    return this.last?.timersHash;
  }

  /** The newest revision fed so far, an unreadable one included (0 before any). */
  get lastRevision(): number {
    return this.reached;
  }

  private report(problem: VerifyProblem): void {
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push(problem);
    else this.omitted++;
  }

  /**
   * A row of this instance that cannot be read (`place` as the store's `CORRUPT_SNAPSHOT` names it):
   * reported, and for a history entry the chain goes on past it (the next entry is not checked
   * against its hash, which is unknown).
   */
  unreadable(place: UnreadableRow): void {
    if (place.part === 'history' && place.revision !== undefined && place.revision > this.expected) {
      this.report({ revision: place.revision, problem: 'missing', message: `Expected revision ${this.expected} here, found ${place.revision}.` });
    }
    this.report(unreadableProblem(this.instanceId, place));
    if (place.part !== 'history') return;
    const revision = Math.max(place.revision ?? this.expected, this.expected);
    this.prev = undefined;
    this.last = undefined;
    this.lastSealOk = false;
    this.expected = revision + 1;
    this.reached = Math.max(this.reached, revision);
  }

  /** The history after revision `after` cannot be read and the store does not say which row is damaged: checked no further. */
  cut(after: number, place: UnreadableRow): void {
    this.report(unreadableProblem(this.instanceId, { ...place, part: 'history', revision: after + 1 }, `History entries of instance ${this.instanceId} after revision ${after} cannot be read (${place.reason}), and the store does not say which one: they were not checked. Restore them from a backup.`));
    this.cutAt = after;
  }

  add(entry: HistoryEntry): void {
    // A store hands back what its rows hold: an entry edited into another shape is reported, not thrown on.
    if (entry === null || typeof entry !== 'object' || !Number.isSafeInteger(entry.revision) || typeof entry.hash !== 'string') {
      this.unreadable({ part: 'history', column: 'entry', revision: this.expected, reason: 'it is not a history entry' });
      return;
    }
    try {
      this.check(entry);
    } catch (error) {
      this.unreadable({ part: 'history', column: 'entry', revision: entry.revision, reason: `it cannot be checked: ${messageOf(error)}` });
    }
  }

  private check(entry: HistoryEntry): void {
    const { revision } = entry;
    if (revision !== this.expected) {
      this.report({ revision, problem: revision > this.expected ? 'missing' : 'reordered', message: `Expected revision ${this.expected} here, found ${revision}.` });
    }
    const seal = checkSeal(entry, this.keys);
    if (seal === 'edited') {
      this.report({ revision, problem: 'edited', message: `Entry ${revision} does not match its hash: it was changed after it was written.` });
    } else if (seal === 'unknown-key') {
      const keyId = entry.keyId!;
      if (!this.unknownKeys.has(keyId)) {
        this.unknownKeys.add(keyId);
        this.report({
          revision,
          problem: 'unknown-key',
          keyId,
          message: `Entry ${revision} (and any later one naming it) is sealed with history key "${keyId}", which this verifier does not hold, so it cannot be checked. Give that key to the engine (historyKey.current or historyKey.previous).`,
        });
      }
    }
    if (seal !== 'edited' && this.prev !== undefined && entry.prevHash !== this.prev) {
      this.report({ revision, problem: 'reordered', message: `Entry ${revision} does not follow the entry before it in the chain.` });
    }
    if (entry.keyId !== undefined) this.firstKeyed ??= revision;
    else if (this.keys.current && this.firstKeyed !== undefined) {
      this.report({
        revision,
        problem: 'unkeyed',
        message: `Entry ${revision} is not sealed with a history key although entry ${this.firstKeyed} is: it was written or rewritten without the key.`,
      });
    }
    // A commitment, once an entry carries it, is carried by every later entry: one that lacks it
    // was rewritten in an older format (a downgrade would escape the newer format's check).
    for (let i = 0; i < COMMITMENTS.length; i++) {
      const { field, label, older } = COMMITMENTS[i]!;
      if (entry[field] !== undefined) this.firstCarrying[i] ??= revision;
      else if (this.firstCarrying[i] !== undefined) {
        this.report({
          revision,
          problem: 'edited',
          message: `Entry ${revision} lacks ${label} (${field}) that entries since ${this.firstCarrying[i]} carry: it was rewritten in ${older} format.`,
        });
      }
    }
    // A format, once an entry carries it, is carried by every later entry: a format-4 entry after a
    // format-5 one was rewritten to escape format 5's commitment to the timers' deadline records.
    if (typeof entry.format === 'number' && readsFormat(entry)) {
      if (this.newestFormat !== undefined && entry.format < this.newestFormat.format) {
        this.report({
          revision,
          problem: 'edited',
          message: `Entry ${revision} says entry format ${entry.format}, older than format ${this.newestFormat.format} of entry ${this.newestFormat.revision}: it was rewritten in an older format.`,
        });
      } else this.newestFormat = { format: entry.format, revision };
    }
    // An entry without a format is an older one (checked above); one naming a format this Docket
    // does not know is not checked as another format.
    if (!readsFormat(entry)) {
      this.report({
        revision,
        problem: 'edited',
        message: `Entry ${revision} says entry format ${JSON.stringify(entry.format)}, which this Docket does not read (it writes format 5 and reads 4; older entries carry no format): it was edited, or written by a newer Docket.`,
      });
    }
    if (seal !== 'edited') this.startTenant ??= startTenantOf(entry);
    this.lastSealOk = seal === 'ok';
    this.prev = entry.hash;
    this.expected = revision + 1;
    this.reached = revision;
    this.count++;
    this.last = entry;
  }

  /**
   * The report: `head` is the instance record (full check), only its head hash (chain check only), or
   * undefined when the instance's row could not be read (chain check only, reported by the caller
   * through {@link unreadable}). `tableTimers`, when given, are the timer table's pending rows of the
   * instance, checked against the head's timer commitment like the record's own timer list;
   * `'unreadable'` when a row of them could not be read (reported by the caller).
   */
  finish(head: InstanceRecord | string | undefined, tableTimers?: readonly DigestedTimer[] | 'unreadable'): VerifyReport {
    const record = typeof head === 'string' ? undefined : head;
    const headHash = typeof head === 'string' ? head : head?.historyHash;
    const lastRevision = this.lastRevision;
    const atHead = record !== undefined && lastRevision === record.revision && this.cutAt === undefined;
    if (headHash === undefined || this.cutAt !== undefined) {
      // Nothing to compare the chain's end with: the head is unknown, or the chain was not read to its end.
    } else if (record && lastRevision < record.revision) {
      this.report({
        revision: lastRevision + 1,
        problem: 'missing',
        message: `Instance ${this.instanceId} is at revision ${record.revision} but its chain ends at revision ${lastRevision}: the newest entries were removed.`,
      });
    } else if ((this.prev !== undefined && this.prev !== headHash) || (record && lastRevision > record.revision)) {
      this.report({ revision: lastRevision, problem: 'head-mismatch', message: 'The last entry is not the head the instance records: entries were removed or appended.' });
    }
    const last = this.last;
    if (this.keys.current && last && last.keyId === undefined && this.firstKeyed === undefined && !this.keys.acceptUnkeyed) {
      this.report({
        revision: last.revision,
        problem: 'unkeyed',
        message: `No entry of instance ${this.instanceId} is sealed with a history key: the chain was written before the key was set, or rewritten without it. While migrating, historyKey.acceptUnkeyed lets such chains verify.`,
      });
    }
    // The tenant is fixed at start and sealed in the start entry: a stored tenant that differs was
    // edited outside Docket (it would hand the instance to another tenant, or take it out of its own).
    const tenantEdited = record !== undefined && this.startTenant !== undefined && (record.tenant ?? undefined) !== this.startTenant.tenant;
    let snapshot: VerifyReport['snapshot'] = 'unverified';
    // A head of a format this Docket does not read (reported above) is not checked as another format.
    const readable = last !== undefined && readsFormat(last);
    if (atHead && readable && last!.stateHash !== undefined) {
      // A format-3 head also commits to the tenant: an edited tenant alone is reported as such (below),
      // the rest of the state checked as it would be with the tenant the chain records.
      const digested = tenantEdited && last!.timersHash !== undefined ? { ...record, tenant: this.startTenant!.tenant } : record;
      const digest = attempt(() => stateDigestFor(last!, digested));
      snapshot = digest.failed !== undefined ? 'unverified' : digest.value === last!.stateHash ? 'verified' : 'mismatch';
      if (digest.failed !== undefined) {
        this.report(unreadableProblem(this.instanceId, { part: 'instance', column: 'snapshot', revision: record.revision, reason: `its state cannot be digested: ${digest.failed}` }));
      } else if (snapshot === 'mismatch') {
        this.report({
          revision: record.revision,
          problem: 'snapshot-mismatch',
          message: `The stored state of instance ${this.instanceId} (snapshot, context, status) is not the state entry ${record.revision} committed to: it was changed outside Docket.`,
        });
      }
    }
    let timers: VerifyReport['timers'] = 'unverified';
    if (atHead && readable && last!.timersHash !== undefined) {
      const ownDigest = attempt(() => timersDigest(record.timers));
      const tableDigest = tableTimers === undefined || tableTimers === 'unreadable' ? undefined : attempt(() => timersDigest(tableTimers));
      if (ownDigest.failed !== undefined) {
        this.report(unreadableProblem(this.instanceId, { part: 'instance', column: 'timers', revision: record.revision, reason: `its timers are not timers: ${ownDigest.failed}` }));
      }
      if (tableDigest?.failed !== undefined) {
        this.report(unreadableProblem(this.instanceId, { part: 'timer', column: 'event', revision: record.revision, reason: `its pending timers are not timers: ${tableDigest.failed}` }));
      }
      const own = ownDigest.failed !== undefined ? undefined : ownDigest.value === last!.timersHash;
      const table = tableTimers === undefined ? true : tableDigest === undefined || tableDigest.failed !== undefined ? undefined : tableDigest.value === last!.timersHash;
      timers = own === false || table === false ? 'mismatch' : own && table ? 'verified' : 'unverified';
      if (own === false) {
        this.report({
          revision: record.revision,
          problem: 'timers-mismatch',
          message: `The pending timers stored with instance ${this.instanceId} are not the ones entry ${record.revision} committed to: a deadline was moved, added or removed outside Docket.`,
        });
      }
      if (table === false) {
        this.report({
          revision: record.revision,
          problem: 'timers-mismatch',
          message: `The timer table's pending timers of instance ${this.instanceId} are not the ones entry ${record.revision} committed to: a deadline was moved, added or removed outside Docket.`,
        });
      }
    }
    if (tenantEdited) {
      const recorded = this.startTenant!.tenant;
      this.report({
        revision: 1,
        problem: 'tenant-mismatch',
        message: `Instance ${this.instanceId} is stored as ${record!.tenant === undefined ? 'belonging to no tenant' : `tenant ${JSON.stringify(record!.tenant)}`}, but its start entry records ${recorded === undefined ? 'no tenant' : `tenant ${JSON.stringify(recorded)}`}: the tenant was changed outside Docket.`,
      });
    }
    const keyed = last?.keyId !== undefined && this.lastSealOk;
    const report: { -readonly [K in keyof VerifyReport]: VerifyReport[K] } = {
      instanceId: this.instanceId,
      ok: this.problems.length === 0,
      entries: this.count,
      snapshot,
      timers,
      keyed,
      problems: this.problems,
    };
    if (this.omitted > 0) report.omittedProblems = this.omitted;
    return report;
  }
}

/**
 * A row that cannot be read, as the store's `CORRUPT_SNAPSHOT` names it (`details.part`, `column`,
 * `revision`, `timerId`, and `what` as `reason`; see `corruptRow`): what {@link ChainVerifier.unreadable} reports.
 */
export interface UnreadableRow {
  readonly part: 'instance' | 'history' | 'timer';
  readonly column?: string;
  readonly revision?: number;
  readonly timerId?: string;
  /** Why it cannot be read, e.g. `column snapshot is not valid JSON`. */
  readonly reason: string;
}

/**
 * The unreadable row `error` names when it is a store's `CORRUPT_SNAPSHOT` for a row of `instanceId`
 * (undefined for any other error, which the caller rethrows). `part` is the store's, or `read`'s
 * (what the caller was reading) when the store does not say.
 */
export function unreadableRowOf(error: unknown, instanceId: string, read: UnreadableRow['part']): UnreadableRow | undefined {
  if (!isDocketError(error, 'CORRUPT_SNAPSHOT') || error.details.instanceId !== instanceId) return undefined;
  // The engine's head check also throws CORRUPT_SNAPSHOT, for a row that reads but was edited: not this.
  if (error.details.problem !== undefined) return undefined;
  const d = error.details;
  const part = d.part === 'instance' || d.part === 'history' || d.part === 'timer' ? d.part : read;
  return {
    part,
    ...(typeof d.column === 'string' ? { column: d.column } : {}),
    ...(Number.isSafeInteger(d.revision) ? { revision: d.revision as number } : {}),
    ...(typeof d.timerId === 'string' ? { timerId: d.timerId } : {}),
    reason: typeof d.what === 'string' ? d.what : error.message,
  };
}

/** The `unreadable` problem for a row (`message` overrides the sentence). */
function unreadableProblem(instanceId: string, place: UnreadableRow, message?: string): VerifyProblem {
  const column = place.column === undefined ? '' : ` (column ${place.column})`;
  const text =
    message ??
    (place.part === 'instance'
      ? `The row of instance ${instanceId}${column} cannot be read: ${place.reason}. Its stored state, tenant and timers were not checked against its history; its history and timer rows were checked as far as they read. Restore the row from a backup.`
      : place.part === 'history'
        ? `History entry ${place.revision ?? '?'} of instance ${instanceId}${column} cannot be read: ${place.reason}. It was not checked, nor the next entry's link to it; the other entries were. Restore the row from a backup.`
        : `${place.timerId === undefined ? 'A row' : `Row ${place.timerId}`} of the timer table of instance ${instanceId}${column} cannot be read: ${place.reason}. The timer table's pending timers were not checked against the history (the instance's own timer list was). Restore the row from a backup.`);
  return {
    revision: place.revision ?? 0,
    problem: 'unreadable',
    message: text,
    part: place.part,
    ...(place.column === undefined ? {} : { column: place.column }),
    ...(place.timerId === undefined ? {} : { timerId: place.timerId }),
  };
}

/** `run()`'s value, or why it threw (a digest of a record whose stored value has the wrong shape). */
function attempt<T>(run: () => T): { readonly value: T; readonly failed?: never } | { readonly value?: never; readonly failed: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { failed: messageOf(error) };
  }
}

/** Options of {@link verifyChain} and {@link verifyHistory}. */
export interface VerifyOptions {
  /** The keys of a keyed chain (the engine's `historyKey`); without it, keyed entries report `unknown-key`. */
  readonly historyKey?: HistoryKeyOption;
}

/**
 * Check an instance's history chain held in memory: revisions 1..n in order, each entry's hash (or
 * HMAC) matching its content, each `prevHash` matching the entry before, and the last hash matching
 * the head. Given the instance record as `head`, also checks that the chain reaches the record's
 * revision and that the stored state, tenant and pending timers are the ones the head entry
 * committed to (the timer table is not read here: {@link verifyHistory} checks it too).
 *
 * An entry that is not an entry (`42`, `null`, an entry whose fields cannot be checked) is an
 * `unreadable` problem at its position, not a throw.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a malformed `historyKey`.
 */
export function verifyChain(instanceId: string, entries: Iterable<HistoryEntry>, head: InstanceRecord | string, options: VerifyOptions = {}): VerifyReport {
  const verifier = new ChainVerifier(instanceId, createKeyring(options.historyKey));
  for (const entry of entries) verifier.add(entry);
  return verifier.finish(head);
}

/** The record `walkHistory` checks against, or, when the instance's row cannot be read, its id and what is unreadable. */
export type WalkedHead = InstanceRecord | { readonly id: string; readonly unreadable: UnreadableRow };

type HistoryReader = Pick<Store, 'history'>;

/**
 * The readable entries after `after`, at most `limit`: a page, or, when the page holds a row that
 * cannot be read, the entries before that row and the row (the store names its revision). The
 * store's page stops at its first unreadable row, so the entries before it are found by halving the
 * page (a few reads per damaged row). `unreadable` without a revision: the store does not say where
 * the damaged row is, and the chain can be read no further.
 */
async function readPage(store: HistoryReader, id: string, after: number, limit: number): Promise<{ readonly entries: readonly HistoryEntry[]; readonly unreadable?: UnreadableRow }> {
  const tryRead = async (n: number) => {
    try {
      return { entries: await store.history(id, { afterRevision: after, limit: n }) };
    } catch (error) {
      const unreadable = unreadableRowOf(error, id, 'history');
      if (unreadable === undefined) throw error;
      return { unreadable };
    }
  };
  const first = await tryRead(limit);
  if (first.entries !== undefined) return first;
  const unreadable = first.unreadable!;
  let entries: readonly HistoryEntry[] = [];
  let readable = 0;
  let failing = limit;
  while (failing - readable > 1) {
    const mid = Math.floor((readable + failing) / 2);
    const read = await tryRead(mid);
    if (read.entries !== undefined) {
      entries = read.entries;
      readable = mid;
    } else failing = mid;
  }
  const at = unreadable.revision;
  return { entries: at === undefined ? entries : entries.filter((e) => !(e.revision >= at)), unreadable: { ...unreadable, part: 'history' } };
}

/**
 * Walk an instance's chain from the store page by page (internal form of {@link verifyHistory}), then
 * read the instance's rows of the timer table when the store offers `timers`, so both copies of the
 * pending timers are checked against the head. `reload` re-reads the record when the walk finds
 * entries past it, or the timer table differs from it (a commit landed meanwhile).
 *
 * Never throws for a row that cannot be read (the store's `CORRUPT_SNAPSHOT`): `head` may be an
 * instance whose own row is unreadable, and an unreadable history entry or timer row is reported as
 * an `unreadable` problem and read past. Other store errors propagate.
 */
export async function walkHistory(
  store: HistoryReader & Partial<Pick<Store, 'timers'>>,
  head: WalkedHead,
  keys: Keyring,
  reload?: () => Promise<InstanceRecord | undefined>,
  pageSize = VERIFY_PAGE_SIZE,
): Promise<VerifyReport> {
  const id = head.id;
  const verifier = new ChainVerifier(id, keys);
  let after = 0;
  let record = 'unreadable' in head ? undefined : head;
  if (record === undefined) verifier.unreadable((head as { unreadable: UnreadableRow }).unreadable);
  // A reload that finds the row unreadable now is no newer record: the walk checks what it has.
  const fresher = async (): Promise<InstanceRecord | undefined> => {
    try {
      return await reload!();
    } catch (error) {
      if (unreadableRowOf(error, id, 'instance') === undefined) throw error;
      return undefined;
    }
  };
  let tableTimers: readonly DigestedTimer[] | 'unreadable' | undefined;
  walk: for (let round = 0; ; round++) {
    for (;;) {
      const page = await readPage(store, id, after, pageSize);
      for (const entry of page.entries) verifier.add(entry);
      if (page.unreadable !== undefined) {
        if (page.unreadable.revision === undefined || page.unreadable.revision <= after) {
          verifier.cut(verifier.lastRevision, page.unreadable);
          break walk;
        }
        verifier.unreadable(page.unreadable);
        after = page.unreadable.revision;
        continue;
      }
      const next = page.entries.length === 0 ? after : page.entries[page.entries.length - 1]!.revision;
      if (page.entries.length < pageSize || !(next > after)) break;
      after = next;
    }
    after = verifier.lastRevision;
    const retry = reload !== undefined && record !== undefined && round < 3;
    if (retry && verifier.lastRevision > record!.revision) {
      const fresh = await fresher();
      if (fresh && fresh.revision > record!.revision) {
        record = fresh;
        continue;
      }
    }
    if (!store.timers) break;
    try {
      tableTimers = await store.timers(id);
    } catch (error) {
      const unreadable = unreadableRowOf(error, id, 'timer');
      if (unreadable === undefined) throw error;
      verifier.unreadable({ ...unreadable, part: 'timer' });
      tableTimers = 'unreadable';
      break;
    }
    // The table read after the record: a commit that landed meanwhile may have changed it. Check
    // against that commit's record and entry rather than report an edit.
    if (!retry || verifier.headTimersHash === undefined || !differs(tableTimers, verifier.headTimersHash)) break;
    const fresh = await fresher();
    if (!fresh || fresh.revision <= record!.revision) break;
    record = fresh;
  }
  return verifier.finish(record ?? undefined, tableTimers);
}

/**
 * The record `load` reads, or, when the instance's row cannot be read (the store's
 * `CORRUPT_SNAPSHOT`), its id and what is unreadable, for {@link walkHistory} to report and check
 * the rest. Any other error (`INSTANCE_NOT_FOUND` included) propagates.
 */
export async function loadForVerify(load: () => Promise<InstanceRecord>, instanceId: string): Promise<WalkedHead> {
  try {
    return await load();
  } catch (error) {
    const unreadable = unreadableRowOf(error, instanceId, 'instance');
    if (unreadable === undefined) throw error;
    return { id: instanceId, unreadable: { ...unreadable, part: 'instance' } };
  }
}

/** Whether `timers` are not the ones `hash` commits to (timers that cannot be digested differ). */
function differs(timers: readonly DigestedTimer[], hash: string): boolean {
  const digest = attempt(() => timersDigest(timers));
  return digest.failed !== undefined || digest.value !== hash;
}

/**
 * Check an instance's chain straight from a store, one page of entries at a time (memory bounded by
 * `pageSize`, whatever the history's length): what `engine.verify` and `docket verify` run.
 *
 * A history entry or timer row the store cannot read (its `CORRUPT_SNAPSHOT`) is an `unreadable`
 * problem, not a throw, and the rest of the chain is checked past it.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a malformed `historyKey`; other store errors (e.g.
 * `STORE_UNAVAILABLE`) as the store throws them.
 */
export function verifyHistory(store: Pick<Store, 'history' | 'load'> & Partial<Pick<Store, 'timers'>>, record: InstanceRecord, options: VerifyOptions = {}): Promise<VerifyReport> {
  return walkHistory(store, record, createKeyring(options.historyKey), () => store.load(record.id));
}
