// A committed context drops the members JSON leaves out (undefined, symbols, plain functions), so
// every store and the snapshot cache agree (session 21, brk31). Dropping them with `delete` put the
// object into V8's dictionary mode: an idle contract approval, whose context starts with
// `signedOn: undefined` and three more, held ~780 B more in the memory store (workload 6 went from
// 2,127 B to 2,900 B an instance, over its target) and its context was slower to read. The drop now
// keeps the object's members, their order, and V8's fast mode; anything other than plain data
// members (a getter, a symbol key, a hidden member) is still left as its owner set it up.
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractApproval } from '../machines/index.js';
import { createEngine, memoryStore, staticDirectory, virtualClock } from '../src/index.js';
import { freezeJsonData } from '../src/engine/freeze-state.js';

// V8's own reading of an object's mode. The flag is set before the reader is compiled.
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('value', 'return %HasFastProperties(value)') as (value: object) => boolean;

const PROP_RUNS = Number(process.env.PROP_RUNS ?? 300);

describe('dropping unwritten members keeps the object in fast mode', () => {
  it('a literal with undefined members between others: same keys, same order, still fast', () => {
    const context = { a: 1, b: undefined, c: 'x', d: undefined, e: [1, undefined] };
    expect(hasFastProperties(context)).toBe(true);
    freezeJsonData(context);
    expect(Object.keys(context)).toEqual(['a', 'c', 'e']);
    expect(context.e).toEqual([1, null]);
    expect(JSON.stringify(context)).toBe('{"a":1,"c":"x","e":[1,null]}');
    expect(hasFastProperties(context)).toBe(true);
  });

  it('a spread context with own fields assigned after it (the approvals.context idiom): still fast', () => {
    const base = { steps: {}, history: [] as unknown[] };
    const context: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries({ contractNo: 'HT-1', signedOn: undefined, archiveNo: undefined, paid: 0, fn: () => 1, sym: Symbol('s') })) context[k] = v;
    expect(hasFastProperties(context)).toBe(true);
    freezeJsonData(context);
    expect(Object.keys(context)).toEqual(['steps', 'history', 'contractNo', 'paid']);
    expect(hasFastProperties(context)).toBe(true);
  });

  it("a new contract approval's committed context on the memory store is a fast-mode object without the undefined members", async () => {
    const store = memoryStore();
    const engine = createEngine({
      store,
      clock: virtualClock('2026-11-02T09:00:00+08:00'),
      directory: staticDirectory({ users: [{ id: 'li', roles: ['sales'] }], departmentHeads: { sales: 'li' } }),
      workflows: [contractApproval],
      workerId: 'fast-mode',
    });
    await engine.start('contract-approval', { contractNo: 'HT-2026-118', title: '营销平台建设', customer: '深圳电信', amount: 880_000, department: 'sales' }, { actor: { id: 'li', roles: ['sales'] }, id: 'c1' });
    const record = (await store.load('c1'))! as unknown as { context: Record<string, unknown> };
    for (const k of ['signedOn', 'archiveNo', 'erpCustomerCode', 'erpOrderNo']) expect(k in record.context).toBe(false);
    expect(record.context.contractNo).toBe('HT-2026-118');
    expect(hasFastProperties(record.context)).toBe(true);
    await engine.close();
  });

  it('a getter, a symbol key or a hidden member is not rebuilt: the plain deletes leave those as they were', () => {
    const tag = Symbol('tag');
    const withGetter: Record<string, unknown> = { a: 1, gone: undefined };
    Object.defineProperty(withGetter, 'computed', { get: () => 2, enumerable: true, configurable: true });
    freezeJsonData(withGetter);
    expect(Object.keys(withGetter)).toEqual(['a', 'computed']);
    expect(Object.getOwnPropertyDescriptor(withGetter, 'computed')!.get).toBeTypeOf('function');

    const withSymbol: Record<string | symbol, unknown> = { a: 1, gone: undefined, [tag]: 'kept' };
    freezeJsonData(withSymbol);
    expect(Object.keys(withSymbol)).toEqual(['a']);
    expect(withSymbol[tag]).toBe('kept');

    const withHidden: Record<string, unknown> = { a: 1, gone: undefined };
    Object.defineProperty(withHidden, 'hidden', { value: 'h', enumerable: false, configurable: true, writable: true });
    freezeJsonData(withHidden);
    expect(Object.keys(withHidden)).toEqual(['a']);
    expect(withHidden.hidden).toBe('h');
  });

  it('property: for any record of JSON values and unwritten members, the drop gives JSON’s keys in JSON’s order, and a fast object stays fast', () => {
    const written = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    const unwrittenValue = fc.oneof(fc.constant(undefined), fc.constant(Symbol('s')), fc.constant(() => 0));
    // Keys from a context's vocabulary (as a machine's are): with thousands of random names one hidden
    // class would get more transitions than V8 records, and such objects are not kept fast by anyone.
    const names = ['contractNo', 'title', 'amount', 'signedOn', 'archiveNo', 'paid', 'note', 'a', 'b', '0', '1', 'steps'];
    const member = fc.tuple(fc.constantFrom(...names), fc.oneof(written, unwrittenValue));
    fc.assert(
      fc.property(fc.array(member, { maxLength: 14 }), (members) => {
        const record: Record<string, unknown> = {};
        for (const [k, v] of members) record[k] = v;
        const expectedJson = JSON.stringify(record);
        const expectedKeys = Object.keys(JSON.parse(expectedJson) as object);
        const fastBefore = hasFastProperties(record);
        freezeJsonData(record);
        expect(Object.keys(record)).toEqual(expectedKeys);
        expect(JSON.stringify(record)).toBe(expectedJson);
        if (fastBefore) expect(hasFastProperties(record)).toBe(true);
      }),
      { numRuns: PROP_RUNS },
    );
  });
});
