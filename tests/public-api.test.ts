import { describe, expect, it } from 'vitest';

// `docket` lists its exports by name (src/index.ts); engine and calendar internals stay out of it,
// and the auditor's building blocks are under the unstable `docket/internals` subpath.
describe('public API of docket', () => {
  it('keeps internals out of the root entry', async () => {
    const root = Object.keys(await import('../src/index.js'));
    for (const name of ['toView', 'resolveDeadline', 'canonicalJson', 'verifyChain', 'applyApproval', 'enterStep', 'WorkingDayIndex', 'ZonedTime', 'approvalActions', 'checkId']) {
      expect(root, name).not.toContain(name);
    }
    for (const name of ['createEngine', 'defineWorkflow', 'withApprovals', 'businessCalendar', 'memoryStore', 'DocketError', 'migrateFrom', 'INPUT_LIMITS']) {
      expect(root, name).toContain(name);
    }
  });

  it('puts the chain-verification building blocks under docket/internals', async () => {
    const internals = await import('../src/internals.js');
    expect(Object.keys(internals).sort()).toEqual([
      'ENTRY_FORMAT',
      'GENESIS_HASH',
      'MERKLE_INLINE_MAX',
      'canonicalJson',
      'merkleDigest',
      'stateDigest',
      'stateDigestFor',
      'stateDigestV2',
      'stateDigestV3',
      'stateDigestV4',
      'timersDigest',
      'verifyChain',
      'verifyHistory',
    ]);
    expect(internals.canonicalJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
    // Data whose nodes are all short is held inline: its Merkle digest is the SHA-256 of its canonical JSON.
    const { createHash } = await import('node:crypto');
    expect(internals.merkleDigest({ b: 1, a: [true, null] })).toBe(createHash('sha256').update('{"a":[true,null],"b":1}').digest('hex'));
    expect(internals.ENTRY_FORMAT).toBe(5);
  });
});
