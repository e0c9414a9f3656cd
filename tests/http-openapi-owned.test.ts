// openApiDocument() handed the caller the server's own rules by reference: the Instance schema's and
// GET /instances' ?status= enum were INSTANCE_STATUSES itself, so a host adding a value to its
// document (say 'archived') made the store's list check, the HTTP ?status= rule and every later
// document accept it. The document is now the caller's copy, and the list is frozen at its home.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { INSTANCE_STATUSES } from '../src/store/records.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const staff = { id: 'li', roles: ['staff', 'admin'] };
type Doc = { components: { schemas: Record<string, any> }; paths: Record<string, any> };

function statusEnums(doc: Doc): unknown[][] {
  const param = (doc.paths['/instances'].get.parameters as { name: string; schema: { enum: unknown[] } }[]).find((p) => p.name === 'status')!;
  return [doc.components.schemas['Instance'].properties.status.enum, param.schema.enum];
}

async function listStatus(status: string): Promise<number> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath: '/api' });
  const res = await handler(new Request(`http://x/api/instances?status=${encodeURIComponent(status)}`));
  return res.status;
}

describe('the OpenAPI document is the caller\'s own', () => {
  it('adding a status to one document changes no rule and no later document', async () => {
    const doc = openApiDocument([reviewWorkflow]) as unknown as Doc;
    for (const e of statusEnums(doc)) e.push('archived');
    expect(INSTANCE_STATUSES).toEqual(['active', 'done', 'failed', 'cancelled']);
    for (const e of statusEnums(openApiDocument([reviewWorkflow]) as unknown as Doc)) expect(e).toEqual(['active', 'done', 'failed', 'cancelled']);
    await expect(memoryStore().list({ status: 'archived' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await listStatus('archived')).toBe(400);
    expect(await listStatus('done')).toBe(200);
  });

  it('INSTANCE_STATUSES itself cannot be changed', () => {
    expect(Object.isFrozen(INSTANCE_STATUSES)).toBe(true);
    expect(() => (INSTANCE_STATUSES as unknown as string[]).push('archived')).toThrow(TypeError);
  });

  it('property: whatever a host writes into its document, the server accepts exactly the four statuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }), async (extra) => {
        const doc = openApiDocument([reviewWorkflow]) as unknown as Doc;
        for (const e of statusEnums(doc)) {
          e.push(extra);
          e.splice(0, 1);
        }
        doc.paths['/instances'].get.parameters.find((p: { name: string }) => p.name === 'status').schema.minLength = 99;
        const fresh = openApiDocument([reviewWorkflow]) as unknown as Doc;
        for (const e of statusEnums(fresh)) expect(e).toEqual([...INSTANCE_STATUSES]);
        expect(fresh.paths['/instances'].get.parameters.find((p: { name: string }) => p.name === 'status').schema.minLength).toBeUndefined();
        expect(await listStatus(extra)).toBe((INSTANCE_STATUSES as readonly string[]).includes(extra) ? 200 : 400);
      }),
      { numRuns: 60 },
    );
  });
});
