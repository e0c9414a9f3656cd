// createHttpHandler reads its options once, by the house rule every options object follows (known
// keys only, each read once, checked before anything runs). Regression: its options were used as
// given and read again later, so a misspelt `basepath` was ignored and every route served at the root;
// `null` options or a missing `identify` failed with a raw TypeError (the latter as a 500 at each
// request); replacing `identify` on the caller's object after creation changed who every request
// was; a workflow pushed onto the caller's array, or a new `openapi.title`, before the first
// GET /openapi.json changed the document; a `workflows` that is not an array was answered to a client
// as its own 400.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, createEngine, memoryStore, virtualClock, type Actor, type AnyWorkflow } from '../src/index.js';
import { createHttpHandler, type HttpHandlerOptions } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
const staff: Actor = { id: 'li', roles: ['staff'] };
const other = defineWorkflow({ ...reviewWorkflow, id: 'other' } as never) as AnyWorkflow;

const refusal = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (error) {
    return { code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

async function answers(handler: (r: Request) => Promise<Response>, base = '') {
  const me = await (await handler(new Request(`http://x${base}/me`))).json();
  const doc = (await (await handler(new Request(`http://x${base}/openapi.json`))).json()) as { info: { title: string }; components: { schemas: Record<string, { oneOf?: unknown[] }> } };
  return { me, title: doc.info.title, starts: JSON.stringify(doc.components.schemas).match(/"workflow":\{"const":"[^"]+"/g) };
}

describe('createHttpHandler reads its options once', () => {
  it.each([
    ['a misspelt basePath', { engine, workflows: [reviewWorkflow], identify: () => staff, basepath: '/api' }, 'basepath'],
    ['null options', null, 'options'],
    ['no identify', { engine, workflows: [reviewWorkflow] }, 'identify'],
    ['workflows that is not an array', { engine, workflows: reviewWorkflow, identify: () => staff }, 'workflows'],
    ['an onError that is not a function', { engine, workflows: [], identify: () => staff, onError: 'log' }, 'onError'],
    ['a misspelt openapi option', { engine, workflows: [], identify: () => staff, openapi: { titel: 'x' } }, 'openapi.titel'],
  ] as const)('refuses %s at creation: INVALID_ARGUMENT naming the field', (_, options, field) => {
    expect(refusal(() => createHttpHandler(options as unknown as HttpHandlerOptions))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('a caller replacing identify on its object afterwards changes no request', async () => {
    const options = { engine, workflows: [reviewWorkflow], identify: (): Actor | undefined => staff };
    const handler = createHttpHandler(options);
    options.identify = () => ({ id: 'root', roles: ['admin'] });
    expect((await answers(handler)).me).toEqual(staff);
  });

  it('a workflow pushed onto the caller\'s array, or a new openapi title, changes no document', async () => {
    const options = { engine, workflows: [reviewWorkflow] as AnyWorkflow[], identify: () => staff, openapi: { title: 'Docket' } };
    const handler = createHttpHandler(options);
    const fresh = await answers(createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, openapi: { title: 'Docket' } }));
    options.workflows.push(other);
    options.openapi.title = 'Changed';
    expect(await answers(handler)).toEqual(fresh);
  });

  it('property: whatever the caller changes in its options object afterwards, the handler answers as one built from a fresh copy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(['identify', 'workflows', 'title', 'basePath'] as const),
        fc.constantFrom('', '/api'),
        async (changes, basePath) => {
          const options = { engine, workflows: [reviewWorkflow] as AnyWorkflow[], identify: (): Actor | undefined => staff, openapi: { title: 'Docket' }, ...(basePath ? { basePath } : {}) } as { -readonly [K in keyof HttpHandlerOptions]: HttpHandlerOptions[K] } & { openapi: { title: string }; workflows: AnyWorkflow[] };
          const handler = createHttpHandler(options);
          const fresh = await answers(createHttpHandler({ ...options, workflows: [...options.workflows], openapi: { ...options.openapi } }), basePath);
          for (const change of changes) {
            if (change === 'identify') options.identify = () => ({ id: 'root', roles: ['admin'] });
            if (change === 'workflows') options.workflows.push(other);
            if (change === 'title') options.openapi.title = 'Changed';
            if (change === 'basePath') options.basePath = basePath ? '' : '/api';
          }
          expect(await answers(handler, basePath)).toEqual(fresh);
        },
      ),
      { numRuns: 40 },
    );
  });
});
