import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createEngine, virtualClock, type EffectRecord } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The crash test of the outbox and retention (SQLite, synchronous=FULL): a child process runs sends,
// timer firings, effect deliveries (one handler call in three fails and is retried) and archive or
// purge rounds, and is SIGKILLed at random moments, 4 times. What must hold whatever the moment:
// every acknowledged act is kept (live, archived, or sealed in a purge's tombstone), every chain
// verifies, and every effect a commit made is delivered at least once, never lost to a crash or to
// retention (an instance is archived or purged only once its effects are delivered or dead).

const KILLS = 4;
const YEAR = 365 * 86_400_000;
const BASE = Date.parse('2026-01-05T09:00:00+08:00');

function runAndKill(filename: string, logFile: string, run: number, acks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/crash-outbox-worker.ts', filename, String(BASE + run * YEAR), String(run), logFile], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    let killer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('ACK ')) acks.push(line);
        // The moment is random (bounded), which is the point; what is asserted does not depend on it.
        else if (line === 'READY' && !killer) killer = setTimeout(() => child.kill('SIGKILL'), 400 + Math.random() * 1200);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`crash worker exited by itself (code ${code}): ${stderr.slice(-2000)}`));
    });
  });
}

it('loses no acknowledged act and no effect across SIGKILLs amid deliveries and retention (SQLite)', async (ctx) => {
  const { filename, remove } = sqliteFile(ctx.task.name);
  const logFile = `${filename}.effects.log`;
  try {
    const acks: string[] = [];
    for (let run = 0; run < KILLS; run++) await runAndKill(filename, logFile, run, acks);
    // Restart once more and let everything due run (every handler works now).
    const delivered = new Set(readFileSync(logFile, 'utf8').split('\n').filter(Boolean));
    const store = sqliteStore({ filename });
    const clock = virtualClock(BASE + (KILLS + 1) * YEAR);
    const record = (_params: unknown, c: { effectId: string }) => void delivered.add(c.effectId);
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow], workerId: 'verifier', effects: { notify: record, archive: record } });
    await clock.flush();
    await clock.advanceBy({ days: 2 });
    await engine.settled();

    const ids = new Set(acks.map((line) => line.split(' ')[1]!));
    const unaccounted: string[] = [];
    const broken: string[] = [];
    const effects: EffectRecord[] = [];
    let retained = 0;
    for (const id of ids) {
      const hot = await store.load(id);
      const kept = hot ? undefined : await engine.archived(id);
      if (!hot && !kept) unaccounted.push(id);
      if (kept) retained++;
      if (!(await engine.verify(id)).ok) broken.push(id);
      if (hot) effects.push(...(await store.effects(id)));
      else if (kept?.kind === 'archived') effects.push(...kept.effects);
    }
    // Acknowledged acts of live and archived instances are in their histories.
    const missing: string[] = [];
    for (const line of acks) {
      const [, id, revision, type] = line.split(' ');
      const hot = await store.load(id!);
      const kept = hot ? undefined : await engine.archived(id!);
      if (kept?.kind === 'purged') {
        if (kept.tombstone.revision < Number(revision)) missing.push(line);
        continue;
      }
      const entry = (await engine.history(id!))[Number(revision) - 1];
      if (!entry || entry.event.type !== type) missing.push(line);
    }
    const undelivered = effects.filter((e) => !delivered.has(e.id)).map((e) => `${e.id} ${e.status}`);
    console.log(
      `crash (sqlite outbox): ${KILLS} kills, ${acks.length} acknowledged acts, ${ids.size} instances (${retained} archived or purged), ` +
        `${effects.length} effects kept, ${delivered.size} delivered, ${undelivered.length} undelivered, ${missing.length} missing`,
    );
    expect(unaccounted).toEqual([]);
    expect(missing).toEqual([]);
    expect(broken).toEqual([]);
    expect(undelivered).toEqual([]);
    expect(effects.filter((e) => e.status !== 'delivered')).toEqual([]);
    expect(acks.length).toBeGreaterThan(50);
    expect(retained).toBeGreaterThan(0);
    await engine.close();
  } finally {
    remove();
    rmSync(logFile, { force: true });
  }
});
