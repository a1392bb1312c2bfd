import { type Dump, type ScanOptions, type Store, StoreNotEmptyError, type Transaction } from "./store.js";

/** Index of the first key of `keys` (sorted) that is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A chunk splits in two past this many keys: an insert or a removal moves at most that many. */
const MAX_CHUNK = 2048;

/**
 * Sorted keys in chunks, so that inserting or removing one moves at most a chunk's keys, not
 * the whole table's (one sorted array made each insert into a million-row table a memmove of
 * megabytes), while a seek stays two binary searches.
 */
class SortedKeys {
  private chunks: string[][] = [];
  length = 0;

  /** The chunk that holds `key` or would: the first whose last key is >= `key`, else the last. */
  private chunkOf(key: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid];
      if (chunk[chunk.length - 1] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: string) {
    this.length++;
    if (!this.chunks.length) return void this.chunks.push([key]);
    const c = this.chunkOf(key);
    const chunk = this.chunks[c];
    chunk.splice(lowerBound(chunk, key), 0, key);
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c, 1, chunk.slice(0, MAX_CHUNK / 2), chunk.slice(MAX_CHUNK / 2));
  }

  remove(key: string) {
    if (!this.chunks.length) return;
    const c = this.chunkOf(key);
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    this.length--;
    if (chunk.length === 1) this.chunks.splice(c, 1);
    else chunk.splice(i, 1);
  }

  /** Up to `limit` keys from the first >= `from` (> `from` when `exclusive`) while they start with `prefix`. */
  range(from: string, exclusive: boolean, prefix: string, limit: number): string[] {
    const out: string[] = [];
    if (!this.chunks.length) return out;
    let c = this.chunkOf(from);
    let i = lowerBound(this.chunks[c], from);
    if (exclusive && this.chunks[c][i] === from) i++;
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c];
      for (; i < chunk.length; i++) {
        if (out.length >= limit || !chunk[i].startsWith(prefix)) return out;
        out.push(chunk[i]);
      }
    }
    return out;
  }

  /** How many keys start with `prefix`: the rank of the first key past them minus the rank of the first of them. */
  countPrefix(prefix: string): number {
    const inOrBefore = (k: string) => k < prefix || k.startsWith(prefix);
    return this.rank(inOrBefore) - this.rank((k) => k < prefix);
  }

  /** How many keys satisfy `before`, a test true for a leading run of the sorted keys and false after it. */
  private rank(before: (key: string) => boolean): number {
    let n = 0;
    for (const chunk of this.chunks) {
      if (before(chunk[chunk.length - 1])) {
        n += chunk.length;
        continue;
      }
      let lo = 0;
      let hi = chunk.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(chunk[mid])) lo = mid + 1;
        else hi = mid;
      }
      return n + lo;
    }
    return n;
  }

  toArray(): string[] {
    return this.chunks.flat();
  }
}

/** One table: a Map for lookups and sorted keys for ordered scans, so a page costs O(log n + page) whatever the table size. */
class Table {
  readonly rows = new Map<string, unknown>();
  readonly keys = new SortedKeys();

  set(key: string, value: unknown) {
    if (!this.rows.has(key)) this.keys.insert(key);
    this.rows.set(key, value);
  }

  remove(key: string): boolean {
    if (!this.rows.delete(key)) return false;
    this.keys.remove(key);
    return true;
  }
}

type Undo = { table: string; key: string; had: boolean; value: unknown };

/** One transaction's view of the tables: writes apply in place, each remembered in an undo log. */
class MemoryTransaction implements Transaction {
  private readonly undo: Undo[] = [];

  constructor(private readonly tables: Map<string, Table>) {}

  private table(name: string): Table {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Table()));
    return t;
  }

  private remember(table: string, key: string) {
    const t = this.tables.get(table);
    this.undo.push({ table, key, had: !!t?.rows.has(key), value: t?.rows.get(key) });
  }

  async get<V>(table: string, key: string): Promise<V | undefined> {
    return this.tables.get(table)?.rows.get(key) as V | undefined;
  }

  async put(table: string, key: string, value: unknown): Promise<void> {
    this.remember(table, key);
    this.table(table).set(key, value);
  }

  async delete(table: string, key: string): Promise<boolean> {
    this.remember(table, key);
    return this.tables.get(table)?.remove(key) ?? false;
  }

  async scan<V>(table: string, { prefix, after, limit }: ScanOptions): Promise<Array<[string, V]>> {
    const t = this.tables.get(table);
    if (!t) return [];
    const keys = after !== undefined && after >= prefix ? t.keys.range(after, true, prefix, limit) : t.keys.range(prefix, false, prefix, limit);
    return keys.map((key) => [key, t.rows.get(key) as V]);
  }

  async count(table: string, prefix: string): Promise<number> {
    return this.tables.get(table)?.keys.countPrefix(prefix) ?? 0;
  }

  /** Restores every write, newest first. */
  rollback() {
    for (let i = this.undo.length - 1; i >= 0; i--) {
      const { table, key, had, value } = this.undo[i];
      if (had) this.table(table).set(key, value);
      else this.tables.get(table)?.remove(key);
    }
  }
}

/**
 * The default store. Transactions run one at a time (a promise-chain lock), which makes them
 * serializable even though handlers await between reads and writes; writes apply in place and
 * an undo log restores them when the transaction throws.
 */
export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly tables = new Map<string, Table>();
  private tail: Promise<unknown> = Promise.resolve();
  /** Transactions started or waiting: with none, the next starts at once, without a turn of the promise chain. */
  private pending = 0;

  private table(name: string): Table {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Table()));
    return t;
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.pending++ === 0 ? this.runExclusive(work) : this.tail.then(() => this.runExclusive(work));
    this.tail = run.then(
      () => void this.pending--,
      () => void this.pending--,
    );
    return run;
  }

  private async runExclusive<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = new MemoryTransaction(this.tables);
    try {
      return await work(tx);
    } catch (error) {
      tx.rollback();
      throw error;
    }
  }

  async reset(service?: string) {
    await this.transaction(async () => {
      if (!service) this.tables.clear();
      else for (const name of [...this.tables.keys()]) if (name.startsWith(`${service}.`)) this.tables.delete(name);
    });
  }

  dump(): Promise<Dump> {
    return this.transaction(async () => {
      const out: Dump = {};
      for (const name of [...this.tables.keys()].sort()) {
        const t = this.tables.get(name)!;
        if (t.keys.length) out[name] = t.keys.toArray().map((k) => [k, t.rows.get(k)]);
      }
      return out;
    });
  }

  load(dump: Dump, options: { ifEmpty?: boolean } = {}): Promise<void> {
    return this.transaction(async () => {
      if (options.ifEmpty && [...this.tables.values()].some((t) => t.keys.length)) throw new StoreNotEmptyError("the store holds state");
      this.tables.clear();
      for (const [name, rows] of Object.entries(dump)) {
        const t = this.table(name);
        for (const [key, value] of rows) t.set(key, value);
      }
    });
  }

  async close() {}
}
