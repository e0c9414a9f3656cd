// The user's own workflows for the browser bundle (simulator, timeline). Empty here; `npm run docs --
// --workflows ./path/to/module.js` builds the bundle with this module replaced by one that imports
// that module and keeps its exported workflows.
import type { AnyWorkflow } from '../../src/engine/define-workflow.js';

export const USER_WORKFLOWS: readonly AnyWorkflow[] = [];
