import { writeFileSync } from 'node:fs';
import { unreadableRowOf, walkHistory, type WalkedHead } from '../engine/chain-verifier.js';
import { isDocketError } from '../errors.js';
import { createKeyring } from '../engine/history-key.js';
import { retentionOf, verifyArchived } from '../engine/retention.js';
import type { ArchivedInstance, Tombstone } from '../store/retention.js';
import { readHistoryKey } from './history-key-file.js';
import type { VerifyReport } from '../engine/engine-types.js';
import type { InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { stateGraph, type StateGraph } from '../visualizer/state-graph.js';
import { CliError, EXIT, flagLabel, instanceNotFound } from './cli-error.js';
import { instanceQueryFromText } from '../store/query-text.js';
import { PAGE_LIMIT_DEFAULT } from '../store/query-rules.js';
import { print, printJson, type CommandContext } from './cli-context.js';
import { t } from './cli-lang.js';
import { exportRecord } from './export-instance.js';
import { recordView } from './record-view.js';
import { entryEventText, formatTime, keyValueLines, reasonNotes, stateLabel, statusText, suspensionOf, table, timerStateText, timerText } from './format-text.js';
import { provisionalNote } from './command-calendar.js';
import { jsonSafe, terminalSafe } from './terminal-safe.js';
import { storeSchema, withReadStore } from './open-store.js';

function graphs(ctx: CommandContext): Map<string, StateGraph> {
  return new Map(ctx.workflows.map((w) => [w.id, stateGraph(w)]));
}

/**
 * Run `work` on the database of a read command, opened without changing it (see
 * {@link withReadStore}: SQLite read-only and, when no writer has it open, immutable; PostgreSQL with
 * read-only transactions). Output goes through the `ctx` given to `work`, buffered and printed once
 * from the read that counts.
 */
async function withStore<T>(ctx: CommandContext, db: string, work: (store: Store, out: CommandContext) => Promise<T>): Promise<T> {
  const schema = storeSchema(ctx, db);
  return withReadStore(db, schema === undefined ? {} : { schema }, async (store, emit) => {
    const chunks: string[] = [];
    const out: CommandContext = { ...ctx, io: { ...ctx.io, now: ctx.io.now, stdout: { write: (text: string) => chunks.push(text) } } };
    const result = await work(store, out);
    emit(() => {
      for (const c of chunks) ctx.io.stdout.write(c);
    });
    return result;
  });
}

/**
 * The database and the instance id of a read command: with `--db` (or a config's `db`) the
 * arguments are `[id]`, else `<db> [id]`. A usage error when the id is required and missing.
 */
export function dbAndId(ctx: CommandContext, first: string | undefined, second: string | undefined, idRequired: boolean): { db: string; id: string | undefined } {
  let db: string | undefined;
  let id: string | undefined;
  if (ctx.db !== undefined) {
    if (second !== undefined) throw new CliError(`With --db ${ctx.db} give only the instance id, got "${first}" and "${second}".`);
    db = ctx.db;
    id = first;
  } else {
    db = first;
    id = second;
  }
  if (db === undefined) throw new CliError("missing database: give a SQLite file or a postgres:// URL as the first argument, or --db <file|url>.");
  if (idRequired && id === undefined) throw new CliError("missing required argument 'id' (the instance id; `docket list <db>` shows them).");
  return { db, id };
}

/**
 * A live instance, or else what retention kept of it: the archived instance (its record, history
 * and refusals, read-only) or a purged one's tombstone. Without this `docket show/history/verify`
 * answered "No instance" for an instance `docket retain` had just archived, although its history
 * stays readable and verifiable (docs/lifecycle.md).
 */
async function loadAny(store: Store, id: string): Promise<{ record: InstanceRecord; archived?: ArchivedInstance; tombstone?: never } | { record?: never; archived?: never; tombstone: Tombstone }> {
  const record = await store.load(id);
  if (record) return { record };
  if (store.archived) {
    const retention = retentionOf(store);
    const archived = await retention.archived(id);
    if (archived) return { record: archived.instance, archived };
    const tombstone = await retention.tombstone(id);
    if (tombstone) return { tombstone };
  }
  throw instanceNotFound(id);
}

/** The sentence for a purged instance: what is gone and what remains. */
function purgedNote(ctx: CommandContext, t0: Tombstone): string {
  return t(
    ctx.lang,
    `实例 ${t0.id} 已于 ${formatTime(t0.purgedAt, ctx.tz)} 清除：历史已删除，只保留墓碑（链头 ${t0.historyHash.slice(0, 12)}…）；docket verify 可校验它。`,
    `Instance ${t0.id} was purged on ${formatTime(t0.purgedAt, ctx.tz)}: its history was deleted and only its tombstone remains (chain head ${t0.historyHash.slice(0, 12)}…); docket verify checks it.`,
  );
}

/** The options of `docket list`, each as given: every value of a repeated option, in order. */
export interface ListOptions {
  readonly workflow?: readonly string[];
  readonly state?: readonly string[];
  readonly status?: readonly string[];
  readonly limit?: readonly string[];
}

/** Commander's reader of an option that keeps every value given (`--workflow a --workflow b`), for the filter rule to judge. */
export function repeatable(value: string, previous: readonly string[] | undefined): readonly string[] {
  return [...(previous ?? []), value];
}

/**
 * `docket list <db> [--workflow id] [--state path] [--status s] [--limit n]`. The filters are read by
 * the one filter rule of every front door ({@link instanceQueryFromText}: the store's, the engine's,
 * `GET /instances`'), before the database is opened: a blank, repeated or unknown value is
 * `INVALID_ARGUMENT` naming the field as the library does, exit 2, with the option named in the
 * message. `--workflow ''` was dropped, and every instance listed.
 */
export async function listCommand(ctx: CommandContext, db: string, opts: ListOptions): Promise<void> {
  const query = instanceQueryFromText({ workflow: opts.workflow, state: opts.state, status: opts.status, limit: opts.limit }, flagLabel({}));
  const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
  const byId = graphs(ctx);
  await withStore(ctx, db, async (store, ctx) => {
    const page = await store.list(query);
    const rows = page.items.map((r) => ({ ...recordView(r, ctx.workflows), stateLabel: stateLabel(byId.get(r.workflow), r.state, ctx.lang), nextDueAt: r.nextDueAt }));
    const provisional = provisionalNote({ ...ctx, json: true }, page.items);
    if (ctx.json) return printJson(ctx, { items: rows, ...(page.nextCursor ? { more: true } : {}), ...(provisional.length > 0 ? { provisional } : {}) });
    if (rows.length === 0) return print(ctx, t(ctx.lang, '没有实例。', 'No instances.'));
    print(
      ctx,
      table(
        ctx.lang === 'zh-CN' ? ['实例', '流程', '状态', '状况', '更新时间', '下一期限'] : ['id', 'workflow', 'state', 'status', 'updated', 'next due'],
        rows.map((r) => [r.id, r.workflow, r.stateLabel, statusText(r.status, r.suspended, ctx.lang), formatTime(r.updatedAt, ctx.tz), r.nextDueAt === null ? '—' : formatTime(r.nextDueAt, ctx.tz)]),
      ),
    );
    provisionalNote(ctx, page.items);
    if (page.nextCursor) print(ctx, t(ctx.lang, `（仅显示前 ${limit} 个；用 --limit 查看更多）`, `(first ${limit} shown; raise --limit for more)`));
  });
}

/** `docket show <db> <id>`. */
export async function showCommand(ctx: CommandContext, db: string, id: string): Promise<void> {
  const byId = graphs(ctx);
  await withStore(ctx, db, async (store, ctx) => {
    const found = await loadAny(store, id);
    if (found.tombstone) {
      if (ctx.json) return printJson(ctx, { retention: { kind: 'purged', tombstone: found.tombstone } });
      return print(ctx, terminalSafe(purgedNote(ctx, found.tombstone)));
    }
    const { record, archived } = found;
    const graph = byId.get(record.workflow);
    const tasks = archived ? [] : await store.tasks({ instanceId: id });
    const view = recordView(record, ctx.workflows);
    const retention = archived ? { retention: { kind: 'archived' as const, archivedAt: archived.archivedAt } } : {};
    if (ctx.json) return printJson(ctx, { ...view, stateLabel: stateLabel(graph, record.state, ctx.lang), tasks, ...retention });
    const rows: [string, string][] = [
      [t(ctx.lang, '实例', 'Instance'), record.id],
      [t(ctx.lang, '流程', 'Workflow'), workflowLine(graph?.title[ctx.lang], record.workflow, record.version)],
      [t(ctx.lang, '状态', 'State'), stateLabel(graph, record.state, ctx.lang)],
      [t(ctx.lang, '状况', 'Status'), statusText(record.status, record.suspended, ctx.lang)],
      [t(ctx.lang, '发起人', 'Initiator'), record.initiator],
      [t(ctx.lang, '版本号', 'Revision'), String(record.revision)],
      [t(ctx.lang, '创建', 'Created'), formatTime(record.createdAt, ctx.tz)],
      [t(ctx.lang, '更新', 'Updated'), formatTime(record.updatedAt, ctx.tz)],
      ...(archived ? [[t(ctx.lang, '已归档', 'Archived'), formatTime(archived.archivedAt, ctx.tz)] as [string, string]] : []),
    ];
    const provisional = t(ctx.lang, '（暂定：节假日安排未公布）', ' (provisional: holiday schedule not yet published)');
    // The view's timers are the record's, in order, each with the state that armed it: shown after
    // the due time (`after 1h @ 2026-11-02 10:00 · in waiting`), a numeric delay as a duration.
    record.timers.forEach((timer, i) => {
      const state = timerStateText(graph, view.timers[i]?.state, ctx.lang);
      const where = state === null ? '' : ctx.lang === 'zh-CN' ? ` · 于 ${state}` : ` · in ${state}`;
      rows.push([t(ctx.lang, '计时器', 'Timer'), `${timerText(graph, timer.name, null, ctx.lang, timer.event)} @ ${formatTime(timer.dueAt, ctx.tz)}${timer.deadline?.provisional ? provisional : ''}${where}`]);
    });
    for (const task of tasks) rows.push([t(ctx.lang, '待办', 'Task'), `${task.title?.[ctx.lang] ?? task.step} → ${task.assignees.join(', ') || task.roles.join(', ')}${task.dueAt === null ? '' : ` (${formatTime(task.dueAt, ctx.tz)}${task.dueProvisional ? provisional : ''})`}`]);
    // Why it is suspended (an administrator's reason, or the engine's, which says what to fix): the
    // status read `active (suspended)` alone.
    const suspension = suspensionOf(record.suspended, record.suspended ? await store.history(id) : []);
    if (suspension !== null) rows.push([t(ctx.lang, '挂起', 'Suspended'), `${formatTime(suspension.at, ctx.tz)} ${suspension.by}: ${suspension.reason}`]);
    print(ctx, keyValueLines(rows));
  });
}

/** `docket history <db> <id>`: who did what, when, from which state. */
export async function historyCommand(ctx: CommandContext, db: string, id: string): Promise<void> {
  const byId = graphs(ctx);
  await withStore(ctx, db, async (store, ctx) => {
    const found = await loadAny(store, id);
    if (found.tombstone) throw new CliError(purgedNote(ctx, found.tombstone), EXIT.usage, 'INSTANCE_PURGED');
    const { record, archived } = found;
    const graph = byId.get(record.workflow);
    const history = archived ? await retentionOf(store).archivedHistory(id) : await store.history(id);
    if (ctx.json) return printJson(ctx, history);
    print(
      ctx,
      table(
        ctx.lang === 'zh-CN' ? ['#', '时间', '操作人', '事件', '原状态', '新状态'] : ['#', 'when', 'who', 'event', 'from', 'to'],
        history.map((h) => [
          String(h.revision),
          formatTime(h.at, ctx.tz),
          `${h.actor.name ?? h.actor.id}${h.onBehalfOf ? ` (for ${h.onBehalfOf})` : ''}`,
          entryEventText(graph, h, ctx.lang),
          h.from === null || h.from === undefined ? '—' : stateLabel(graph, h.from, ctx.lang),
          stateLabel(graph, h.to, ctx.lang),
        ]),
      ),
    );
    // Each entry's reason (挂起、恢复、终止、任意跳转, the engine's suspension) under the table: the row
    // said `admin (suspend)` and never why.
    const notes = reasonNotes(history, ctx.lang);
    if (notes.length > 0) print(ctx, `\n${notes.join('\n')}`);
  });
}

/** `docket export <db> <id> [--out file]`: one instance as JSON, for the docs site's instance view. */
export async function exportCommand(ctx: CommandContext, db: string, id: string, opts: { out?: string }): Promise<void> {
  await withStore(ctx, db, async (store, ctx) => {
    const found = await loadAny(store, id);
    if (found.tombstone) throw new CliError(purgedNote(ctx, found.tombstone), EXIT.usage, 'INSTANCE_PURGED');
    const { record, archived } = found;
    if (archived) throw new CliError(t(ctx.lang, `实例 ${id} 已归档：export 只导出在办实例；docket history 与 docket verify 可读取与校验它的历史。`, `Instance ${id} is archived: export writes live instances only; docket history and docket verify read and check its history.`), EXIT.usage, 'INSTANCE_ARCHIVED');
    const data = await exportRecord(store, record, ctx.workflows, ctx.io.now());
    const text = `${JSON.stringify(data, null, 2)}\n`;
    if (opts.out === undefined) {
      ctx.io.stdout.write(jsonSafe(text));
      return;
    }
    writeFileSync(opts.out, text);
    if (ctx.json) printJson(ctx, { instanceId: id, out: opts.out, bytes: Buffer.byteLength(text) });
    else print(ctx, terminalSafe(opts.out));
  });
}

/** `docket verify <db> [id]`: check the history hash chain of one instance or all of them. */
export async function verifyCommand(ctx: CommandContext, db: string, id: string | undefined, opts: { historyKeyFile?: string } = {}): Promise<number> {
  const historyKey = readHistoryKey(opts.historyKeyFile, ctx.io.env);
  return withStore(ctx, db, async (store, ctx) => {
    const keys = createKeyring(historyKey);
    const reports: VerifyReport[] = [];
    const records: InstanceRecord[] = [];
    // A row that cannot be read is reported with its instance (an `unreadable` problem), never thrown:
    // the verifier is what is run when data is damaged, and the other instances are checked on.
    const check = async (head: WalkedHead) => reports.push(await walkHistory(store, head, keys, () => store.load(head.id)));
    if (id !== undefined) {
      let found: Awaited<ReturnType<typeof loadAny>> | undefined;
      try {
        found = await loadAny(store, id);
      } catch (error) {
        const unreadable = unreadableRowOf(error, id, 'instance');
        if (unreadable === undefined) throw error;
        await check({ id, unreadable: { ...unreadable, part: 'instance' } });
      }
      if (found?.record && !found.archived) {
        records.push(found.record);
        await check(found.record);
      } else if (found) reports.push((await verifyArchived({ store, keys }, id))!);
    } else {
      let cursor: string | undefined;
      do {
        const after = cursor;
        let page: Awaited<ReturnType<Store['list']>>;
        try {
          page = await store.list({ limit: 500, ...(after ? { cursor: after } : {}) });
        } catch (error) {
          // The page holds an instance whose row cannot be read: the rows before it, it, then on past it.
          const d = isDocketError(error, 'CORRUPT_SNAPSHOT') ? error.details : undefined;
          const damaged = typeof d?.instanceId === 'string' ? d.instanceId : undefined;
          const unreadable = damaged === undefined ? undefined : unreadableRowOf(error, damaged, 'instance');
          if (d === undefined || damaged === undefined || unreadable === undefined || typeof d.skipCursor !== 'string' || !Number.isSafeInteger(d.readableBefore)) throw error;
          const before = d.readableBefore as number;
          const readable = before > 0 ? (await store.list({ limit: before, ...(after ? { cursor: after } : {}) })).items : [];
          for (const record of readable) await check(record);
          records.push(...readable);
          await check({ id: damaged, unreadable: { ...unreadable, part: 'instance' } });
          cursor = d.skipCursor;
          continue;
        }
        for (const record of page.items) await check(record);
        records.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    }
    const bad = reports.filter((r) => !r.ok);
    const provisional = provisionalNote({ ...ctx, json: true }, records);
    if (ctx.json) printJson(ctx, { ok: bad.length === 0, instances: reports.length, reports, ...(provisional.length > 0 ? { provisional } : {}) });
    else {
      provisionalNote(ctx, records);
      for (const r of reports) {
        const kept =
          r.retention?.kind === 'archived'
            ? t(ctx.lang, '（已归档，按归档校验）', ' (archived: checked from the archive)')
            : r.retention?.kind === 'purged'
              ? t(ctx.lang, '（已清除：只校验墓碑，已删除的历史无法校验）', ' (purged: its tombstone checked; the deleted entries cannot be)')
              : '';
        const intact = r.retention?.kind === 'purged' ? t(ctx.lang, '墓碑完整', 'tombstone intact') : t(ctx.lang, `${r.entries} 条历史，链完整`, `${r.entries} entries, chain intact`);
        print(ctx, r.ok ? `✓ ${terminalSafe(r.instanceId)}: ${intact}${kept}` : `✗ ${terminalSafe(r.instanceId)}: ${terminalSafe(r.problems.map((p) => p.message).join('; '))}${kept}`);
      }
      print(ctx, bad.length === 0 ? t(ctx.lang, `全部 ${reports.length} 个实例校验通过。`, `All ${reports.length} instances verified.`) : t(ctx.lang, `${bad.length} 个实例的历史链有问题。`, `${bad.length} of ${reports.length} instances have a broken history chain.`));
    }
    return bad.length === 0 ? EXIT.ok : EXIT.problem;
  });
}

/**
 * The workflow of `show`: its title, then id and version (`Contract approval (contract-approval v1)`);
 * the id alone when there is no title other than the id (it printed `leave (leave v1)`).
 */
export function workflowLine(title: string | undefined, workflow: string, version: number): string {
  const idVersion = `${workflow} v${version}`;
  return title === undefined || title === workflow ? idVersion : `${title} (${idVersion})`;
}
