import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractApproval, strategyCycle } from '../machines/index.js';
import { isDocketError } from '../src/errors.js';
import { openApiDocument } from '../src/http/index.js';

// openApiDocument is a host's configuration call: a wrong shape is a typed INVALID_ARGUMENT naming
// its field, never a TypeError from inside ("workflows is not iterable").
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: (error.details as { field?: string }).field, message: error.message } : { raw: error };
  }
  return undefined;
};

describe('openApiDocument arguments', () => {
  it('names each wrong shape by its field', () => {
    expect(refusal(() => openApiDocument({ workflows: [contractApproval] } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows' });
    expect(refusal(() => openApiDocument(undefined as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows' });
    expect(refusal(() => openApiDocument([contractApproval, null] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows[1]' });
    expect(refusal(() => openApiDocument(['contract-approval'] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows[0]' });
    // Looks like one by its id and version, but has no input schema or events: it was a raw TypeError.
    expect(refusal(() => openApiDocument([{ id: 'x', version: 1 }] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows[0]' });
    expect(refusal(() => openApiDocument([{ ...contractApproval, events: undefined }] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows[0]' });
    expect(refusal(() => openApiDocument([{ ...contractApproval, input: 5 }] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflows[0]' });
    expect(refusal(() => openApiDocument([contractApproval], null as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'options' });
    expect(refusal(() => openApiDocument([contractApproval], '/api' as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'options' });
    expect(refusal(() => openApiDocument([contractApproval], { title: 5 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'options.title' });
    expect(refusal(() => openApiDocument([contractApproval], { version: 2 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'options.version' });
    expect(refusal(() => openApiDocument([contractApproval], { basePath: '/a%20b' }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'basePath' });
    expect(refusal(() => openApiDocument([contractApproval], { basePath: 7 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'basePath' });
    expect(refusal(() => openApiDocument([contractApproval], { basePath: 7 } as never))?.message).toContain('openApiDocument');
  });

  it('reads basePath as the handler does: one leading slash, no trailing one', () => {
    const server = (basePath?: string) => (openApiDocument([contractApproval], basePath === undefined ? {} : { basePath }).servers as { url: string }[])[0]!.url;
    expect(server()).toBe('/');
    expect(server('/')).toBe('/');
    expect(server('api')).toBe('/api');
    expect(server('/api/v1/')).toBe('/api/v1');
    expect(server('/@acme/docket')).toBe('/@acme/docket');
  });

  it('takes what it took before: workflows and the documented options', () => {
    const doc = openApiDocument([contractApproval, strategyCycle], { title: 'Acme', version: '3' });
    expect(doc.info).toMatchObject({ title: 'Acme', version: '3' });
    expect(doc.openapi).toMatch(/^3\.1/);
  });

  it('property: any arguments give a document or a typed INVALID_ARGUMENT naming a field, never a raw error', () => {
    const workflows = fc.oneof(
      fc.anything(),
      fc.array(fc.oneof(fc.constant(contractApproval), fc.anything(), fc.record({ id: fc.string(), version: fc.integer(), input: fc.anything(), events: fc.anything() }, { requiredKeys: ['id', 'version'] })), { maxLength: 3 }),
    );
    const options = fc.oneof(
      fc.anything(),
      fc.record({ title: fc.oneof(fc.string(), fc.anything()), version: fc.oneof(fc.string(), fc.anything()), basePath: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(workflows, options, (w, o) => {
        const outcome = refusal(() => openApiDocument(w as never, o as never));
        if (outcome === undefined) return;
        expect(outcome).not.toHaveProperty('raw');
        expect(outcome).toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(typeof (outcome as { field?: unknown }).field).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
