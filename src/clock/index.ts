export * from './clock.js';
export { systemClock } from './system-clock.js';
export { virtualClock, type VirtualClock } from './virtual-clock.js';
