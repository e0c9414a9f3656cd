import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '../../src/sqlite/index.js';
import type { StoreUnderTest } from '../store-conformance.js';
import { slug } from './records.js';

/** A fresh SQLite file for one test, named from the test, removed afterwards. */
export function sqliteFile(testName: string): { filename: string; remove: () => void } {
  const dir = join(tmpdir(), 'docket-tests');
  mkdirSync(dir, { recursive: true });
  // The process id in the name: two test runs at once (two checkouts, a run beside a helper's) used the
  // same file and removed or rewrote each other's database mid-test.
  const filename = join(dir, `${slug(testName)}-${process.pid}.db`);
  return {
    filename,
    remove: () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
    },
  };
}

export async function sqliteUnderTest(testName: string, durability: 'full' | 'normal' = 'full'): Promise<StoreUnderTest> {
  const { filename, remove } = sqliteFile(testName);
  return {
    store: sqliteStore({ filename, durability }),
    reopen: async () => sqliteStore({ filename, durability }),
    corrupt: async (instanceId, how) => {
      const db = new Database(filename);
      try {
        const sql =
          how === 'unparsable'
            ? `UPDATE docket_instances SET snapshot = '{"value": "draft", ' WHERE id = ?`
            : `UPDATE docket_instances SET row_format = 99 WHERE id = ?`;
        db.prepare(sql).run(instanceId);
      } finally {
        db.close();
      }
    },
    cleanup: async () => remove(),
  };
}
