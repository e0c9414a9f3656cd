// The 会签 workflow's two versions and its directory as a module for `docket migrate --workflows` (tests only).
export { countersignV1, countersignV2, countersignDirectory as directory } from './brk30-countersign.ts';
