// Opens a SQLite store (init: open + schema migration) and prints what init answered, as one JSON
// line. Run under a file-size limit (`ulimit -f`) by tests/sqlite-open-faults.test.ts: the disk
// "fills up" at a chosen size, with no timing involved.
//   node --import tsx tests/helpers/sqlite-open-worker.ts <file>
import { writeSync } from 'node:fs';
import { isDocketError } from '../../src/index.js';
import { sqliteStore } from '../../src/sqlite/index.js';

const [filename] = process.argv.slice(2);
const store = sqliteStore({ filename: filename! });
let answer: Record<string, unknown>;
try {
  await store.init();
  answer = { told: 'ok' };
} catch (error) {
  answer = isDocketError(error)
    ? { told: error.code, sqliteCode: error.details.sqliteCode, message: error.message }
    : { told: 'raw', message: error instanceof Error ? error.message : String(error) };
}
writeSync(1, `${JSON.stringify(answer)}\n`);
process.exit(0);
