// The leave request without a start permission as a module for `docket simulate --workflows` (tests only).
export { leaveCountersign } from './leave-countersign.ts';
