// An HTTP handler over a memory-store engine with the review workflow, every request made by an admin
// (identity is not what these tests are about), and `call` answering status and JSON body.
import { createEngine, memoryStore, virtualClock } from '../../src/index.js';
import { createHttpHandler } from '../../src/http/index.js';
import { reviewWorkflow, staff } from '../fixtures/review-workflow.js';

export const admin = { ...staff, roles: [...staff.roles, 'admin'] };

export function httpAsAdmin() {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => admin });
  const call = async (method: string, path: string, body?: unknown, headers?: Headers) => {
    const h = headers ?? new Headers();
    if (body !== undefined) h.set('content-type', 'application/json');
    const res = await handler(new Request(`http://app${path}`, { method, headers: h, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
    return { status: res.status, body: await res.json() };
  };
  return { engine, store, call };
}
