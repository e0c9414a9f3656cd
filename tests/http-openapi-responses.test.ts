// The OpenAPI document agrees with what the handler really accepts and returns: every request body
// the engine accepted and every response body are validated against the document's own schemas by
// a JSON Schema 2020-12 validator (Ajv, as @seriousme/openapi-schema-validator uses it), on one
// handler serving two workflows that share event types, as a real app's approvals do.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, defineWorkflow, KEY_MAX_LENGTH, memoryStore, staticDirectory, virtualClock, type DirectoryUser } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { contractApproval, expenseReimbursement } from '../machines/index.js';

type Json = Record<string, any>;

/** A validator for schemas of `doc` (their `#/components/…` references resolved in it). */
function validatorFor(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'https://docket.invalid/openapi.json', components: doc.components });
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return (schema: Json, value: unknown): string | null => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"https://docket.invalid/openapi.json#/components/');
    let check = cache.get(text);
    if (!check) cache.set(text, (check = ajv.compile(JSON.parse(text))));
    return check(value) ? null : ajv.errorsText(check.errors);
  };
}

const sendSchema = (doc: Json) => doc.paths['/instances/{id}/events'].post.requestBody.content['application/json'].schema as Json;

describe('the OpenAPI document against real requests and responses', () => {
  const people: DirectoryUser[] = [
    { id: 'li', roles: ['sales', 'staff'], department: 'sales', supervisor: 'wang' },
    { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'zhou' },
    { id: 'zhao', roles: ['legal'], department: 'legal' },
    { id: 'sun', roles: ['finance'], department: 'finance' },
    { id: 'qian', roles: ['technical'], department: 'tech' },
    { id: 'zhou', roles: ['vp'], department: 'exec' },
    { id: 'feng', roles: ['admin'], department: 'it' },
  ];
  const workflows = [contractApproval, expenseReimbursement];

  it('validates every accepted request body and every response body, including events two workflows share', async () => {
    const engine = createEngine({
      store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), calendar: businessCalendar({ holidays: ['CN'] }),
      directory: staticDirectory({ users: people, departmentHeads: { sales: 'wang' } }), workflows,
    });
    const handler = createHttpHandler({ engine, workflows, identify: (req) => people.find((p) => p.id === req.headers.get('x-user')) });
    const doc = openApiDocument(workflows) as Json;
    const validate = validatorFor(doc);
    // The Idempotency-Key header as the handler takes it: an empty key is refused (400), so the
    // document says minLength 1, and the store's key limit as maxLength; no comma (a repeated header
    // is joined with commas, so a comma is refused: tests/http-idempotency-key-header.test.ts).
    const sendParams = (doc as { paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; schema: unknown }[] }>> }).paths;
    const sendOp = Object.values(sendParams).flatMap((p) => Object.values(p)).find((op) => op.operationId === 'send');
    expect(sendOp?.parameters?.find((p) => p.name === 'Idempotency-Key')?.schema).toEqual({ type: 'string', minLength: 1, maxLength: KEY_MAX_LENGTH, pattern: '^[^,]*$' });
    const problems: string[] = [];
    const call = async (method: string, path: string, user?: string, body?: unknown) => {
      const res = await handler(new Request(`http://app${path}`, {
        method, headers: { ...(user ? { 'x-user': user } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }));
      const parsed = JSON.parse(await res.text());
      const route = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{id\}/g, '[^/]+')}$`).test(path.split('?')[0]!))!;
      const op = doc.paths[route][method.toLowerCase()];
      const media = op.responses[String(res.status)]?.content?.[res.headers.get('content-type')!.split(';')[0]!];
      if (!media) problems.push(`${method} ${path}: ${res.status} ${res.headers.get('content-type')} is not documented`);
      else {
        const wrong = validate(media.schema, parsed);
        if (wrong) problems.push(`${method} ${path} → ${res.status}: ${wrong}`);
      }
      if (body !== undefined && res.status < 300) {
        const wrong = validate(op.requestBody.content['application/json'].schema, body);
        if (wrong) problems.push(`${method} ${path} accepted a body the document refuses: ${JSON.stringify(body)}: ${wrong}`);
      }
      return { status: res.status, body: parsed };
    };
    const input = { contractNo: 'HT-2026-200', title: '数据平台', customer: '深圳电信', amount: 100_000, department: 'sales' };
    const id = (await call('POST', '/instances', 'li', { workflow: 'contract-approval', input })).body.id as string;
    // Regression: SUBMIT and APPROVE are declared by both workflows, so both `oneOf` branches admitted
    // them and the document refused the very bodies the engine accepts.
    expect((await call('POST', `/instances/${id}/events`, 'li', { type: 'SUBMIT' })).status).toBe(200);
    expect((await call('POST', `/instances/${id}/events`, 'zhao', { type: 'APPROVE', step: 'review', comment: 'ok' })).status).toBe(200);
    expect((await call('POST', `/instances/${id}/events`, 'zhao', { type: 'APPROVE', step: 'review' })).status).toBe(403);
    expect((await call('POST', `/instances/${id}/events`, 'li', { type: 'NOPE' })).status).toBe(422);
    await call('GET', `/instances/${id}`, 'li');
    await call('GET', '/tasks', 'sun');
    await call('GET', `/tasks?instanceId=${id}`, 'feng');
    await call('GET', `/instances/${id}/history`, 'li');
    await call('GET', `/instances/${id}/history?includeRefused=true`, 'li');
    await call('GET', `/instances/${id}/history?limit=2`, 'li');
    await call('GET', '/instances', 'li');
    await call('GET', '/instances?limit=1', 'feng');
    await call('GET', `/instances/${id}/verify`, 'feng');
    await call('GET', `/instances/${id}/archived`, 'feng');
    const batch = await call('POST', '/batch', 'sun', { acts: [{ instanceId: id, event: { type: 'APPROVE', step: 'review' } }, { instanceId: 'nope', event: { type: 'APPROVE', step: 'review' } }] });
    expect(batch.body.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
    await call('POST', `/instances/${id}/suspend`, 'feng', { reason: 'audit' });
    await call('POST', `/instances/${id}/resume`, 'feng', { reason: 'audit' });
    await call('POST', `/instances/${id}/move`, 'feng', { reason: 'fix', target: 'signing' });
    await call('POST', '/admin/reassign', 'feng', { reason: 'left', from: 'zhao', to: 'wang' });
    await call('POST', '/admin/migrate', 'feng', { reason: 'x', workflow: 'contract-approval', from: 1, to: 1, dryRun: true });
    await call('POST', '/admin/retain', 'feng', { policy: { olderThan: { days: 1 } }, mode: 'archive', dryRun: true });
    await call('POST', `/instances/${id}/terminate`, 'feng', { reason: 'done' });
    await call('POST', '/admin/retain', 'feng', { policy: { finishedBefore: Date.parse('2030-01-01') }, mode: 'archive' });
    await call('GET', `/instances/${id}/archived`, 'feng');
    await call('GET', `/instances/${id}/verify`, 'feng');
    await call('GET', '/me', 'feng');
    await call('GET', '/me');
    const expense = await call('POST', '/instances', 'li', { workflow: 'expense-reimbursement', input: { title: 'trip', department: 'sales', items: [{ description: 'taxi', amount: 100, category: 'travel' }] } });
    expect(expense.status).toBe(201);
    expect((await call('POST', `/instances/${expense.body.id}/events`, 'li', { type: 'SUBMIT' })).status).toBe(200);
    expect(problems).toEqual([]);
    await engine.close();
  });

  it('property: every event any of several workflows declares, shared types included, is admitted by the send schema', () => {
    const payloads = [z.object({ note: z.string() }), z.strictObject({ amount: z.number() }), z.object({}), z.object({ step: z.string(), comment: z.string().optional() })];
    const samples = [{ note: 'n' }, { amount: 1 }, {}, { step: 's' }];
    const flow = (id: string, events: Record<string, number>) =>
      defineWorkflow({
        id, version: 1, input: z.object({}),
        machine: setup({}).createMachine({ id, initial: 'a', states: { a: { on: Object.fromEntries(Object.keys(events).map((t) => [t, 'a'])) } } }),
        events: Object.fromEntries(Object.entries(events).map(([t, i]) => [t, payloads[i]!])),
      });
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.constantFrom('SUBMIT', 'APPROVE', 'REJECT', 'PAY', 'CANCEL'), fc.nat({ max: payloads.length - 1 }), { minKeys: 1 }), { minLength: 1, maxLength: 4 }),
        (specs) => {
          const flows = specs.map((events, i) => ({ flow: flow(`w${i}`, events), events }));
          const doc = openApiDocument(flows.map((f) => f.flow)) as Json;
          const validate = validatorFor(doc);
          for (const { events } of flows) {
            for (const [type, i] of Object.entries(events)) expect(validate(sendSchema(doc), { type, ...samples[i]! }), `${type} #${i}`).toBeNull();
          }
          // A type no workflow declares is still refused.
          expect(validate(sendSchema(doc), { type: 'NOT_DECLARED' })).not.toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });
});
