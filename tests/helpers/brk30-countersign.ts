// A 会签 of zhao, qian and sun, on v1 and on v2 (which migrates from v1 state for state), for the
// migration-warning tests (tests/brk30-migration-warnings.test.ts).
import { migrateFrom, staticDirectory, users } from '../../src/index.js';
import { approvalFlow, people } from '../approvals-fixture.js';

/** A 会签 (everyone must approve) of `approvers` on v1, and a v2 that migrates from it state for state. */
export function countersign(approvers: readonly string[]) {
  const steps = [{ id: 'sign', mode: 'all' as const, approvers: users(...approvers) }];
  const v1 = approvalFlow(steps, { id: 'flow', version: 1 });
  const v2 = { ...approvalFlow(steps, { id: 'flow', version: 2 }), migrations: migrateFrom(v1 as never, {}) } as unknown as typeof v1;
  return { v1, v2 };
}

const three = countersign(['zhao', 'qian', 'sun']);
export const countersignV1 = three.v1;
export const countersignV2 = three.v2;
export const countersignDirectory = staticDirectory({ users: people });
