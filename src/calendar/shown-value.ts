// The calendar's refusals show values through the one shared reader (src/input/shown-value.ts).
export { SHOWN_MAX, shownValue } from '../input/shown-value.js';
