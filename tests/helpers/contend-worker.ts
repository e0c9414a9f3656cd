// One of several processes racing on the same instances: conflicting sends and timer firings.
//   node --import tsx tests/helpers/contend-worker.ts <schema | file.db> <index> <ids,comma> <steps> <startMs>
// A target ending in `.db` is a SQLite file (tests/sqlite-concurrency.test.ts), else a PostgreSQL schema.
import { writeSync } from 'node:fs';
import { createEngine, isDocketError, virtualClock } from '../../src/index.js';
import { postgresStore } from '../../src/postgres/index.js';
import { sqliteStore } from '../../src/sqlite/index.js';
import { staff } from '../fixtures/review-workflow.js';
import { counterWorkflow } from './counter-workflow.js';
import { PG_URL } from './pg-harness.js';

const [schema, index, idList, stepsArg, startArg] = process.argv.slice(2);
const ids = idList!.split(',');
const start = Number(startArg);
const say = (line: string) => writeSync(1, `${line}\n`);
const store = schema!.endsWith('.db') ? sqliteStore({ filename: schema!, busyTimeoutMs: 30_000 }) : postgresStore({ connectionString: PG_URL, max: 4 }, { schema: schema! });
// Count the store's CONFLICT refusals (the engine retries them): proof the processes really raced.
let conflicts = 0;
const commit = store.commit.bind(store);
store.commit = (c) =>
  commit(c).catch((error: unknown) => {
    if (isDocketError(error, 'CONFLICT')) conflicts++;
    throw error;
  });
const clock = virtualClock(start);
const engine = createEngine({ store, clock, workflows: [counterWorkflow], workerId: `p${index}`, conflictRetries: 200 });
engine.on('error', (error) => say(`ERR ${error instanceof Error ? error.message : String(error)}`));

let seed = Number(index) * 7919 + 17;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

await store.init();
for (let step = 1; step <= Number(stepsArg); step++) {
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      const id = ids[Math.floor(random() * ids.length)]!;
      try {
        const view = await engine.send(id, { type: 'INC' }, { actor: staff });
        say(`ACK ${id} ${view.revision}`);
      } catch (error) {
        if (!isDocketError(error, 'CONFLICT')) throw error;
        say(`NACK ${id}`);
      }
    }),
  );
  // Every process visits the same instants, so they all race for the same due timers.
  for (const fired of await clock.advanceTo(start + step * 20 * 60_000)) say(`FIRE ${fired.instanceId} ${fired.timerId}`);
}
await engine.close();
await store.close();
say(`CONFLICTS ${conflicts}`);
say('DONE');
