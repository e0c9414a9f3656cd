// The notice workflow's two versions as a module for `docket migrate --workflows` (tests only).
export { noticeV1, noticeV2 } from './notice-workflow.ts';
