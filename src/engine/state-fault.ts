import { DocketError } from '../errors.js';
import { frozenMark, heightBoundOfMark, isStorableMark, sizeOfMark } from '../store/frozen-data.js';
import { jsonStringLength, jsonValueOf, primitiveLength } from './canonical-json.js';
import { INPUT_LIMITS } from './validate-input.js';

/** What a refusal says of a state whose JSON is past `INPUT_LIMITS.contextSize`. */
export const TOO_LONG = `a part of its JSON would be longer than ${INPUT_LIMITS.contextSize.toLocaleString('en')} characters (INPUT_LIMITS.contextSize), counting each shared part every time it appears, as a store writes it`;

/** What in a step's state no store can keep, and where: `context.items[3].price is a BigInt…`. */
export interface StateFault {
  readonly path: string;
  readonly problem: string;
  /** Set when the fault is the JSON's length past `measure.max` (see {@link findStateFault}). */
  readonly tooLong?: true;
}

/** One object being walked by {@link findStateFault}. */
interface Frame {
  /** The object as it stands in its parent, and what it stands for in JSON (see `jsonValueOf`). */
  readonly member: object;
  readonly node: object;
  readonly path: string;
  readonly depth: number;
  /** Its keys (undefined for an array, walked by index up to `length`). */
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  next: number;
  /** How many members JSON has written so far (for the commas between them). */
  written: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function short(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * The first part of `value` (a step's context or output, named `root` in the path) that JSON, and
 * so every store, cannot hold, as `JSON.stringify` sees it (toJSON with its key, `key` at the root;
 * boxed primitives unboxed): a BigInt, a structure that contains itself, nesting past `maxDepth`
 * levels of objects and arrays (`value` itself is level 1), or a getter or toJSON that throws
 * (strings are the store rules' to check, as JSON writes them: `store/payload-rules.ts`).
 * `undefined` when there is none. Iterative, so no nesting overflows the stack. Frozen JSON data
 * (marked, see `store/frozen-data.ts`) that fits is not walked again. Runs after a step failed to
 * commit, to name the path, and on the parts of a context whose JSON is not their own members (see
 * `freezeJsonData`); it may read a getter or call a toJSON again. With `measure`, it also adds up
 * the exact length of the JSON (as `JSON.stringify` writes it, a marked part by its mark) and
 * reports the part that takes it past `measure.max`.
 */
export function findStateFault(
  value: unknown,
  root: string,
  maxDepth: number = INPUT_LIMITS.contextDepth,
  key: string | number = '',
  measure?: { size: number; readonly max: number },
): StateFault | undefined {
  const stack: Frame[] = [];
  // With `measure`: the exact length of the JSON walked so far (as JSON.stringify writes it, a
  // marked part by its mark), and a fault for the part that takes it past `max`.
  const tooLong = (path: string): StateFault => ({
    path,
    tooLong: true,
    problem: `makes the JSON longer than ${measure!.max.toLocaleString('en')} characters, as a store writes it (each shared part every time)`,
  });
  const grow = (path: string, by: number): StateFault | undefined => {
    if (measure === undefined) return undefined;
    measure.size += by;
    return measure.size > measure.max ? tooLong(path) : undefined;
  };
  // The objects on the path being walked, as they stand in their parents and as what they stand for.
  const open = new Map<object, string>();
  /** Walk `member` found under `at`: a fault, OMITTED when JSON leaves it out, else undefined. */
  const enter = (member: unknown, at: string | number, path: string, depth: number): StateFault | typeof OMITTED | undefined => {
    let given: unknown = member;
    // A function is an object to JSON (its toJSON counts; without one it is left out).
    if (member !== null && (typeof member === 'object' || typeof member === 'function')) {
      const mark = frozenMark(member as object);
      if (mark !== undefined && isStorableMark(mark) && depth - 1 + heightBoundOfMark(mark) <= maxDepth) return grow(path, sizeOfMark(mark));
      try {
        given = jsonValueOf(member as object, at);
      } catch (error) {
        return { path, problem: `could not be written as JSON (its toJSON or valueOf threw: ${short(error)})` };
      }
    }
    if (typeof given === 'bigint') return { path, problem: 'is a BigInt, which JSON cannot hold; convert it to a string (or a number)' };
    if (given === undefined || typeof given === 'symbol' || typeof given === 'function') return OMITTED;
    if (given === null || typeof given !== 'object') return grow(path, primitiveLength(given));
    const seen = open.get(given) ?? (member !== null && (typeof member === 'object' || typeof member === 'function') ? open.get(member as object) : undefined);
    if (seen !== undefined) return { path, problem: `refers back to ${seen}, which contains it: JSON cannot hold a structure that contains itself` };
    if (depth > maxDepth) return { path, problem: `is nested more than ${maxDepth} levels deep; keep the context flatter (store long chains as a list)` };
    let keys: string[] | undefined;
    let length: number;
    try {
      if (Array.isArray(given)) length = given.length;
      else {
        keys = Object.keys(given);
        length = keys.length;
      }
    } catch (error) {
      return { path, problem: `could not be read (${short(error)})` };
    }
    // Brackets now. An array's items take at least one character and a comma between each: a huge
    // array is refused before it is walked.
    const brackets = grow(path, 2);
    if (brackets !== undefined) return brackets;
    if (measure !== undefined && keys === undefined && length > 0 && measure.size + 2 * length - 1 > measure.max) return tooLong(path);
    const own = member !== null && (typeof member === 'object' || typeof member === 'function') ? (member as object) : given;
    open.set(given, path).set(own, path);
    stack.push({ member: own, node: given, path, depth, keys, length, next: 0, written: 0 });
    return undefined;
  };
  const first = enter(value, key, root, 1);
  if (first !== undefined && first !== OMITTED) return first;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.length) {
      stack.pop();
      open.delete(top.member);
      open.delete(top.node);
      continue;
    }
    const index = top.next++;
    const name = top.keys === undefined ? index : top.keys[index]!;
    const path = pathOf(top.path, name);
    let item: unknown;
    try {
      item = (top.node as Record<string | number, unknown>)[name];
    } catch (error) {
      return { path, problem: `could not be read (a getter threw: ${short(error)})` };
    }
    // What JSON writes before the member: a comma after the first, and an object member's key.
    const before = (top.written > 0 ? 1 : 0) + (typeof name === 'string' ? jsonStringLength(name) + 1 : 0);
    const result = enter(item, name, path, top.depth + 1);
    if (result === OMITTED) {
      // Left out of an object; written as null in an array.
      if (typeof name === 'number') {
        top.written++;
        const fault = grow(path, before + 4);
        if (fault !== undefined) return fault;
      }
      continue;
    }
    if (result !== undefined) return result;
    top.written++;
    const fault = grow(path, before);
    if (fault !== undefined) return fault;
  }
  return undefined;
}

/** What {@link findStateFault}'s walk returns for a member JSON leaves out. */
const OMITTED: unique symbol = Symbol('omitted');

/**
 * The refusal for a step that failed to commit because of what the machine put in it: the context,
 * the output and the params of the actions it raised (a delayed event, an effect) are diagnosed, and
 * a fault found there becomes `INVALID_PAYLOAD` naming its path and what to do. `undefined` when none
 * holds such a fault (the failure was something else), unless the commit's own check stopped on one
 * (`stopped`): then the refusal says so without a path.
 */
export function stateDataError(instanceId: string, workflow: string, step: DiagnosedStep, stopped: { readonly cause: unknown }): DocketError;
export function stateDataError(instanceId: string, workflow: string, step: DiagnosedStep, stopped?: { readonly cause: unknown }): DocketError | undefined;
export function stateDataError(instanceId: string, workflow: string, step: DiagnosedStep, stopped?: { readonly cause: unknown }): DocketError | undefined {
  let fault: StateFault | undefined;
  let unreadable: unknown;
  try {
    fault = diagnose(step);
  } catch (error) {
    // The state cannot even be walked (a Proxy's trap throws, say): that is the fault.
    unreadable = error;
  }
  if (fault === undefined && unreadable === undefined && stopped === undefined) return undefined;
  // A path through deep nesting is long: the message shows its ends, the details keep all of it.
  const path = fault?.path;
  const shown = path === undefined ? '' : path.length > 200 ? `${path.slice(0, 80)}…${path.slice(-80)}` : path;
  const cause = unreadable ?? stopped?.cause;
  const tooLarge = fault?.tooLong === true || (fault === undefined && (cause as { kind?: unknown } | null)?.kind === 'size');
  const what = tooLarge
    ? `the state is too large: ${TOO_LONG}${fault === undefined ? '' : ` (first past it at ${shown})`}. Keep large or repeated data outside the context and output (a document store, an id in the context)`
    : fault !== undefined
      ? `${shown} ${fault.problem}`
      : `its context could not be read or written as JSON (${cause instanceof Error ? cause.message : String(cause)})`;
  return new DocketError(
    'INVALID_PAYLOAD',
    `Instance ${instanceId}: the step of workflow "${workflow}" would leave state that no Docket store can keep: ${what}. Change the machine's assign (or output, or the action's params); the step is refused and nothing changed.`,
    { instanceId, workflow, ...(path === undefined ? {} : { path, issues: [{ path: [path], message: fault!.problem }] }) },
  );
}

/** What of a step {@link stateDataError} diagnoses: its snapshot's context and output, its actions' params. */
type DiagnosedStep = {
  readonly snapshot: { readonly context?: unknown; readonly output?: unknown };
  readonly actions?: readonly { readonly type: string; readonly params: unknown }[];
};

/** The first fault of the step's context (its own toJSON first), output, or actions' params. */
function diagnose(step: DiagnosedStep): StateFault | undefined {
  const { snapshot, actions = [] } = step;
  const context = snapshot.context;
  if (context !== null && typeof context === 'object' && typeof (context as { toJSON?: unknown }).toJSON === 'function') {
    return {
      path: 'context',
      problem:
        'has a toJSON of its own, which the stores would read two ways (the context is written on its own and inside the record); keep the context a plain object and put the toJSON on one of its members',
    };
  }
  // Each part measured against the size limit as it is walked: a shared part that is not JSON data
  // is met again at every place it appears, and the walk must stop where the JSON would.
  const find = (value: unknown, root: string, key: string | number) => findStateFault(value, root, INPUT_LIMITS.contextDepth, key, { size: 0, max: INPUT_LIMITS.contextSize });
  let fault = find(context, 'context', '') ?? (snapshot.output === undefined ? undefined : find(snapshot.output, 'output', 'output'));
  for (let i = 0; fault === undefined && i < actions.length; i++) {
    const action = actions[i]!;
    if (action.params !== undefined) fault = find(action.params, `the params of action "${action.type}"`, 'params');
  }
  return fault;
}
