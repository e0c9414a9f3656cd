import { describe, expect, it } from 'vitest';
import { staticDirectory, type DirectoryUser } from '../src/index.js';
import { assertNoDeadEnds, createApprovalSerializer, replayPaths } from '../src/testing/index.js';
import { bidReview, bidReviewInput, type BidReviewContext } from '../machines/index.js';

const people: DirectoryUser[] = [
  { id: 'tang', roles: ['bidManager'] },
  { id: 'zhang', roles: ['bidReviewer'] },
  { id: 'wu', roles: ['bidReviewer'] },
  { id: 'zhou', roles: ['bidApprover'] },
  { id: 'sun', roles: ['finance'] },
];
const directory = staticDirectory({ users: people });
// The approval steps (bidReview, bidApproval) are explored by default: decisions per step, by the assignee.
const options = {
  input: { tenderNo: 'SZ-2026-031', title: '营销平台', customer: '深圳电信', submissionDeadline: '2026-11-20T09:30:00+08:00', prequalification: true, bondAmount: 50_000 },
  directory,
  // The bond refund is chased on a timer that counts its reminders: one is as good as many.
  serialize: createApprovalSerializer<BidReviewContext>((c) => ({ ...c, refundReminders: Math.min(c.refundReminders, 1) })),
  start: '2026-11-02T09:00:00+08:00',
};

describe('bid-review machine', () => {
  it('its submission deadline input takes exactly what the deadline reader takes (regression)', () => {
    // The schema checked with Date.parse: it refused '…T09Z', and passed an RFC 2822 date the deadline then
    // refused (start failed INVALID_DEADLINE_RULE, not naming the field) and a local time read in the process's zone.
    const ok = (submissionDeadline: string) => bidReviewInput.safeParse({ ...options.input, submissionDeadline }).success;
    expect(ok('2026-11-20T09:30:00+08:00')).toBe(true);
    expect(ok('2026-11-20T01:30Z')).toBe(true);
    expect(ok('2026-11-20T09:30:00+08:00[Asia/Shanghai]')).toBe(true);
    for (const bad of ['Fri, 20 Nov 2026 01:30:00 GMT', '2026-11-20T09:30', '2026-11-20', '2026-11-20T09:30+08:00[America/New_York]', 'T']) expect([bad, ok(bad)]).toEqual([bad, false]);
  });

  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(bidReview, options as never);
    expect(report.unreachable).toEqual([]);
    expect(report.transient).toEqual(['open.registered']);
    expect(report.paths.filter((p) => p.done).map((p) => p.state)).toEqual(expect.arrayContaining(['won', 'lost', 'missed', 'abandoned', 'disqualified']));
  });

  it('replays every generated path through the engine: the deadline is a real instant', async () => {
    const results = await replayPaths(bidReview, options as never);
    expect(results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
    const missed = results.filter((r) => r.final.state === 'missed');
    expect(missed.length).toBeGreaterThan(0);
    for (const r of missed) expect(r.steps.at(-1)!.at).toBe(Date.parse('2026-11-20T09:30:00+08:00'));
  });
});
