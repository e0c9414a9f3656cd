import type { EffectHandler } from '../src/index.js';

/** Every effect is delivered to a no-op handler (an engine without handlers marks them dead). */
export const noopEffects = new Proxy({} as Record<string, EffectHandler>, { get: () => () => {}, has: () => true });
