import { readFileSync } from 'node:fs';
import type { HistoryKeyOption } from '../engine/history-key.js';
import { flagError } from './cli-error.js';

/**
 * The history key `docket verify` checks a keyed chain with: a JSON file holding what the engine was
 * given as `historyKey` — `{ "id": "k2", "secret": "…" }` or a keyring
 * `{ "current": { "id", "secret" }, "previous": [ … ], "acceptUnkeyed": false }` — read from a file
 * (`--history-key-file`) or the `DOCKET_HISTORY_KEY` environment variable, never from the command
 * line, where other users of the machine could read the secret in the process list.
 */
export function readHistoryKey(file: string | undefined, env: NodeJS.ProcessEnv = process.env): HistoryKeyOption | undefined {
  let text: string | undefined;
  let where: string;
  if (file !== undefined) {
    where = file;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw flagError('--history-key-file', `Cannot read the history key file ${file}: ${error instanceof Error ? error.message : String(error)}.`);
    }
  } else {
    where = 'DOCKET_HISTORY_KEY';
    text = env.DOCKET_HISTORY_KEY;
    if (text === undefined || text.trim() === '') return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw flagError(file === undefined ? 'DOCKET_HISTORY_KEY' : '--history-key-file', `${where} is not JSON: give { "id": "k1", "secret": "…" } or { "current": { "id", "secret" }, "previous": [ … ] }.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw flagError(file === undefined ? 'DOCKET_HISTORY_KEY' : '--history-key-file', `${where} must hold a JSON object: { "id": "k1", "secret": "…" } or { "current": …, "previous": [ … ] }.`);
  }
  return value as HistoryKeyOption;
}
