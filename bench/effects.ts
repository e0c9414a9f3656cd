import type { EffectHandler } from '../src/index.js';

const noop: EffectHandler = () => {};

/**
 * Every effect is delivered to a no-op handler (an engine without handlers marks them dead). The
 * engine takes a handler that is an own property only, so the Proxy answers each type's descriptor too.
 */
export const noopEffects = new Proxy({} as Record<string, EffectHandler>, {
  get: () => noop,
  has: () => true,
  getOwnPropertyDescriptor: () => ({ value: noop, enumerable: true, configurable: true, writable: false }),
});
