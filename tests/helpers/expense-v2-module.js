// The v2 expense workflow and its directory as a module for `docket migrate --workflows` (tests only).
export { expenseV2, expenseDirectory as directory } from './expense-v2.ts';
