// `npm run docs:serve` (docs/serve.ts): a request the server cannot read is refused, and the server
// keeps serving.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from '../docs/serve.js';

let server: Awaited<ReturnType<typeof serveSite>>;
let port = 0;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);

function get(path: string): Promise<number> {
  return new Promise((done, fail) => {
    const r = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    // A server that died mid-request never answers: fail fast rather than at the test timeout.
    r.setTimeout(3000, () => r.destroy(new Error(`no answer to GET ${path}`)));
    r.on('error', fail);
    r.end();
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-serve-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  process.on('uncaughtException', onCrash);
  server = await serveSite(dir, 0);
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  await new Promise((done) => server.close(done));
});

describe('docs:serve', () => {
  it('refuses a malformed percent-escape with 400 and goes on serving (was: URIError, the server stopped)', async () => {
    expect(await get('/%E0%A4%A')).toBe(400);
    expect(await get('/index.html')).toBe(200);
    expect(crashes).toEqual([]);
  });

  it('refuses a NUL and answers // (was: Invalid URL thrown, the server stopped)', async () => {
    expect(await get('/a%00b')).toBe(400);
    expect(await get('//')).toBe(200);
    expect(await get('/index.html')).toBe(200);
    expect(crashes).toEqual([]);
  });

  it('property: any request path gets an answer (200, 400, 403 or 404), and the server stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom('%', '%E0', '%A4%A', '%2e%2e', '..', '/', '//', 'index.html', '%C0%AF', '%ZZ', '%00', '?q=%', '#x'), fc.webSegment()), { maxLength: 6 }), async (parts) => {
        expect([200, 400, 403, 404]).toContain(await get(`/${parts.join('')}`));
        expect(await get('/index.html')).toBe(200);
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 100) },
    );
    expect(crashes).toEqual([]);
  });
});
