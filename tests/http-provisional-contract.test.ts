// Issue 15: a provisional deadline is marked wherever it is read. Over HTTP the marks travel (the
// handler returns the engine's views), but the OpenAPI document did not declare them: Instance.timers
// named only name and dueAt, Task had no dueProvisional (nor holders). A client generated from the
// document had no field to show "provisional" with. Here every field of a real timer and task
// response must be declared by the document (checked with additionalProperties: false).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, staticDirectory, users, virtualClock, workingDays } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { approvalFlow, people } from './approvals-fixture.js';

type Json = Record<string, any>;

/** The schema with every object closed: a field the response carries and the schema does not name fails. */
function closed(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(closed) as never;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, closed(s as Json)])) : closed(v as Json);
  if (schema.type === 'object' && schema.properties !== undefined) out.additionalProperties = false;
  return out;
}

describe('the HTTP contract declares the provisional marks (issue 15)', () => {
  it('GET /instances/:id and GET /tasks return provisional marks, and the document names each field they return', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(3) } });
    const engine = createEngine({
      store: memoryStore(),
      clock: virtualClock('2026-12-30T10:00:00+08:00'),
      directory: staticDirectory({ users: people }),
      effects: { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} },
      workflows: [wf],
      calendar: businessCalendar({ onWarning: () => {} }),
    });
    const who: Record<string, string[]> = { li: ['sales', 'staff'], zhao: ['legal'] };
    const handler = createHttpHandler({ engine, workflows: [wf], identify: (req) => ({ id: req.headers.get('x-user')!, roles: who[req.headers.get('x-user')!] ?? [] }) });
    const call = async (path: string, user: string, body?: unknown) => {
      const res = await handler(new Request(`http://x${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'x-user': user, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
      return { status: res.status, body: (await res.json()) as Json };
    };
    const started = await call('/instances', 'li', { workflow: 'flow', input: { amount: 1 } });
    expect(started.status).toBe(201);
    const instance = (await call(`/instances/${started.body.id as string}`, 'li')).body;
    const due = Date.parse('2027-01-05T10:00:00+08:00');
    expect(instance.timers).toEqual([{ name: 'due', dueAt: due, state: 'legal', label: 'due in legal', provisional: true }]);
    const tasks = (await call(`/tasks?instanceId=${started.body.id as string}`, 'zhao')).body;
    expect(tasks).toMatchObject([{ step: 'legal', dueAt: due, dueProvisional: true }]);

    const doc = openApiDocument([wf]) as Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const timer = ajv.compile(closed(doc.components.schemas.Instance.properties.timers.items as Json));
    for (const t of instance.timers as unknown[]) expect(timer(t) ? null : ajv.errorsText(timer.errors)).toBeNull();
    const task = ajv.compile(closed(doc.components.schemas.Task as Json));
    for (const t of tasks as unknown[]) expect(task(t) ? null : ajv.errorsText(task.errors)).toBeNull();
    await engine.close();
  });
});
