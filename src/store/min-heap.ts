/**
 * A binary min-heap of `[key, value]` pairs; stores use it as a due-time index with lazy deletion.
 * Pairs with equal keys come out in the order of `tie` on their values (given), so a due-time index
 * pops items due together in one defined order, as the SQL stores' `ORDER BY ready_at, id` does:
 * without it a claim of 100 among 150 timers due at one instant took an arbitrary 100.
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly values: T[] = [];

  constructor(private readonly tie?: (a: T, b: T) => number) {}

  /** Whether pair (ka, va) comes out before pair (kb, vb). */
  private before(ka: number, va: T, kb: number, vb: T): boolean {
    return ka < kb || (ka === kb && this.tie !== undefined && this.tie(va, vb) < 0);
  }

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: T): void {
    const keys = this.keys;
    const values = this.values;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(key, value, keys[parent]!, values[parent]!)) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  peek(): T | undefined {
    return this.values[0];
  }

  pop(): T | undefined {
    const keys = this.keys;
    const values = this.values;
    if (keys.length === 0) return undefined;
    const top = values[0];
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && this.before(keys[right]!, values[right]!, keys[left]!, values[left]!) ? right : left;
        if (!this.before(keys[child]!, values[child]!, lastKey, lastValue)) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }

  /** Every value, in no particular order. */
  toArray(): T[] {
    return [...this.values];
  }
}
