// A path segment that is not valid percent-encoding (`/instances/%zz`, or `%ED%A0%80`, an encoded
// lone surrogate) was decoded leniently by the router, which kept the literal text: the request read
// or acted on the instance whose id is `%zz`. Now 400 INVALID_ARGUMENT naming "id", nothing read or
// written, decided where path parameters are decoded (src/http/path-parameters.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/http/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { httpAsAdmin } from './helpers/http-admin.js';
import { checkId } from '../src/store/payload-rules.js';

const setup = httpAsAdmin;

/** Every route with an `{id}` segment, as method, the path after the id, and a valid body. */
const ID_ROUTES: readonly [string, string, unknown][] = [
  ['GET', '', undefined],
  ['GET', '/history', undefined],
  ['GET', '/verify', undefined],
  ['GET', '/archived', undefined],
  ['POST', '/events', { type: 'SUBMIT' }],
  ['POST', '/suspend', { reason: 'r' }],
  ['POST', '/resume', { reason: 'r' }],
  ['POST', '/terminate', { reason: 'r' }],
  ['POST', '/move', { target: 'reviewing', reason: 'r' }],
];

describe('a path segment that is not valid percent-encoded UTF-8 is refused, not taken literally', () => {
  for (const raw of ['%zz', '%ED%A0%80', '%FF', 'a%', '%e4%b8']) {
    it(`/instances/${raw}: 400 naming "id" on every route, and the instance "${raw}" is not touched`, async () => {
      const { engine, call } = setup();
      // The instance whose id is the literal text: the lenient decoding reached it.
      await engine.start('review', { title: 't' }, { actor: staff, id: raw });
      const before = await engine.get(raw);
      for (const [method, rest, body] of ID_ROUTES) {
        const res = await call(method, `/instances/${raw}${rest}`, body);
        expect([method, rest, res.status, res.body.code, res.body.details?.field]).toEqual([method, rest, 400, 'INVALID_ARGUMENT', 'id']);
      }
      expect(await engine.get(raw)).toEqual(before);
      await engine.close();
    });
  }

  it('the literal id is still reached by its proper encoding', async () => {
    const { engine, call } = setup();
    await engine.start('review', { title: 't' }, { actor: staff, id: '%zz' });
    const res = await call('GET', `/instances/${encodeURIComponent('%zz')}`);
    expect([res.status, res.body.id]).toEqual([200, '%zz']);
    await engine.close();
  });

  it('the OpenAPI document says so in the 400 of every operation with an {id}', () => {
    const doc = openApiDocument([reviewWorkflow]) as { paths: Record<string, Record<string, { parameters?: { name: string; description?: string }[]; responses: Record<string, { description: string }> }>> };
    const ops = Object.entries(doc.paths).filter(([path]) => path.includes('{id}')).flatMap(([, item]) => Object.values(item));
    expect(ops.length).toBe(ID_ROUTES.length);
    for (const op of ops) {
      expect(op.responses['400']!.description).toMatch(/percent-encoded UTF-8/);
      expect(op.parameters!.find((p) => p.name === 'id')!.description).toMatch(/%ED%A0%80/);
    }
  });

  const isId = (id: string): boolean => {
    try {
      checkId(id);
      return true;
    } catch {
      return false;
    }
  };
  it('property: a segment is refused exactly when decodeURIComponent refuses it; otherwise it names the decoded id', async () => {
    const { engine, call } = setup();
    const segment = fc.array(fc.oneof(fc.constantFrom('%', 'a', 'Z', '0', 'f', 'E', 'D', 'A', '8', '%25', '%2F', '%C3%A9', '%ED%A0%80', '%F0%9F%98%80', '%80', '-'), fc.stringMatching(/^%[0-9A-Fa-f]{2}$/)), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    await fc.assert(
      // `%2e` segments are dot segments a URL resolves away (no route then): not this rule's.
      fc.asyncProperty(segment.filter((raw) => !/^(%2e|\.)+$/i.test(raw)), async (raw) => {
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(raw);
        } catch {
          decoded = undefined;
        }
        const res = await call('GET', `/instances/${raw}`);
        if (decoded === undefined) {
          expect([res.status, res.body.details?.field]).toEqual([400, 'id']);
        } else if (!isId(decoded)) {
          // Decoded, but no id by the one id rule (U+0000 from %00, say): refused as an id, 400.
          expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
        } else {
          expect(res.status).toBe(404);
          expect(res.body.details?.instanceId).toBe(decoded);
        }
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 200) },
    );
    await engine.close();
  });
});
