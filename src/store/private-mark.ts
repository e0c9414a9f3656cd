/**
 * Private marks (internal): a value kept in a private field of an existing object, which only the
 * holder of the mark can read. Unlike a property, even a symbol-keyed, non-enumerable one, a private
 * field is not seen by JSON, spreads, `Object.keys`, `for…in`, property descriptors, structured
 * clones or `Object.assign`, is not found through the prototype chain (`Object.create(marked)`), and
 * is not seen through a Proxy: only the very object that was marked carries it. Adding one costs
 * less than `Object.defineProperty` (no descriptor, no dictionary-mode map) and no weak table grows
 * with the objects marked. Used for the frozen-data marks (`frozen-data.ts`) and for the records an
 * engine vouches for (`engine/commit-pipeline.ts`).
 *
 * @example
 * ```ts
 * import { privateMark } from './private-mark.js';
 *
 * const seen = privateMark<string>();
 * const record = Object.freeze(seen.mark({ id: 'a' }, 'checked'));
 * seen.of(record); // 'checked'
 * seen.of({ ...record }); // undefined: a copy does not carry it
 * ```
 */

/** A base whose constructor returns the object it is given: a subclass's private field is set on that object. */
class Given {
  constructor(value: object) {
    return value;
  }
}

/** One private mark: {@link PrivateMark.mark} sets it (once per object), {@link PrivateMark.of} reads it. */
export interface PrivateMark<T> {
  /** Set the mark on `target` (not marked yet with this mark; check `Object.isExtensible` first) and return `target`. */
  mark<O extends object>(target: O, value: T): O;
  /** The mark's value on `target`, or undefined when it carries none. */
  of(target: object): T | undefined;
}

/**
 * A new private mark, distinct from every other (each call makes its own private name).
 *
 * @throws TypeError from `mark` when `target` already carries this mark. Whether a frozen or sealed
 * object can be marked depends on the JavaScript engine (V8 adds the field; a TC39 proposal would
 * refuse it), so a caller that must not mark those (the vouch, the frozen-data marks) checks
 * `Object.isExtensible` first.
 */
export function privateMark<T>(): PrivateMark<T> {
  class Mark extends Given {
    readonly #value: T;
    constructor(target: object, value: T) {
      super(target);
      this.#value = value;
    }

    static read(target: object): T | undefined {
      return #value in target ? (target as Mark).#value : undefined;
    }
  }
  return {
    mark<O extends object>(target: O, value: T): O {
      new Mark(target, value);
      return target;
    },
    of: (target) => Mark.read(target),
  };
}
