// Organisation concepts: who is who (directory), who stands in for whom (代理). The inbox projection
// with stand-ins (task-inbox.ts) and `standInFor` (on-behalf-of.ts) are for the engine and approvals.
export { staticDirectory, type Directory, type DirectoryUser } from './directory.js';
export { activeStandIns, type StandIn } from './stand-ins.js';
export { checkActiveUser, isActiveUser } from './known-user.js';
