// An Idempotency-Key header sent twice was joined by Fetch's Headers (and Node's parser) into the one
// key "a, b": a retry sending only "a" acted again. A comma in the header cannot be told from a repeat
// (RFC 9110 §5.3), so the header's key holds none: 400 INVALID_ARGUMENT naming Idempotency-Key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { staff } from './fixtures/review-workflow.js';
import { httpAsAdmin } from './helpers/http-admin.js';

const setup = httpAsAdmin;

describe('an Idempotency-Key header sent more than once is refused, not joined into one key', () => {
  it('two headers "a" and "b": 400 naming Idempotency-Key, nothing sent', async () => {
    const { engine, call } = setup();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const revision = (await engine.get(id)).revision;
    const headers = new Headers();
    headers.append('idempotency-key', 'a');
    headers.append('idempotency-key', 'b');
    const res = await call('POST', `/instances/${id}/events`, { type: 'SUBMIT' }, headers);
    expect([res.status, res.body.code, res.body.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'Idempotency-Key']);
    expect((await engine.get(id)).revision).toBe(revision);
    await engine.close();
  });

  it('the same header twice ("a", "a") is refused too: HTTP says the field is one value', async () => {
    const { engine, call } = setup();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const headers = new Headers();
    headers.append('idempotency-key', 'a');
    headers.append('idempotency-key', 'a');
    const res = await call('POST', `/instances/${id}/events`, { type: 'SUBMIT' }, headers);
    expect([res.status, res.body.details?.field]).toEqual([400, 'Idempotency-Key']);
    await engine.close();
  });

  it('a single key holding a comma cannot be told from two headers, so it is refused the same way; the batch body may hold one', async () => {
    const { engine, call } = setup();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const res = await call('POST', `/instances/${id}/events`, { type: 'SUBMIT' }, new Headers({ 'idempotency-key': 'a,b' }));
    expect([res.status, res.body.details?.field]).toEqual([400, 'Idempotency-Key']);
    const batch = await call('POST', '/batch', { acts: [{ instanceId: id, event: { type: 'SUBMIT' }, idempotencyKey: 'a, b' }] });
    expect([batch.status, batch.body[0].ok]).toEqual([200, true]);
    await engine.close();
  });

  it('an empty header names Idempotency-Key too', async () => {
    const { engine, call } = setup();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const res = await call('POST', `/instances/${id}/events`, { type: 'SUBMIT' }, new Headers({ 'idempotency-key': '' }));
    expect([res.status, res.body.details?.field]).toEqual([400, 'Idempotency-Key']);
    await engine.close();
  });

  it('property: sent n times, a key is taken only when n is 1 and it holds no comma; a refusal writes nothing', async () => {
    const { engine, call } = setup();
    const key = fc.string({ minLength: 1, maxLength: 8 }).map((k) => k.trim()).filter((k) => k !== '' && !/[\r\n\0]/.test(k) && [...k].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f));
    await fc.assert(
      fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 3 }), async (keys) => {
        const id = await engine.start('review', { title: 't' }, { actor: staff });
        const revision = (await engine.get(id)).revision;
        const headers = new Headers();
        for (const k of keys) headers.append('idempotency-key', k);
        const res = await call('POST', `/instances/${id}/events`, { type: 'SUBMIT' }, headers);
        if (keys.length === 1 && !keys[0]!.includes(',')) {
          expect(res.status).toBe(200);
          expect((await engine.get(id)).revision).toBe(revision + 1);
        } else {
          expect([res.status, res.body.details?.field]).toEqual([400, 'Idempotency-Key']);
          expect((await engine.get(id)).revision).toBe(revision);
        }
      }),
      { numRuns: 100 },
    );
    await engine.close();
  });
});
