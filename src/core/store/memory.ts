import { type Dump, type ScanOptions, type Store, StoreNotEmptyError, type Transaction } from "./store.js";

/**
 * One table: a Map for lookups and a sorted key array for ordered scans, so a page costs
 * O(log n + page) whatever the table size.
 */
class Table {
  readonly rows = new Map<string, unknown>();
  readonly keys: string[] = [];

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(key: string, value: unknown) {
    if (!this.rows.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.rows.set(key, value);
  }

  remove(key: string): boolean {
    if (!this.rows.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
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
    const out: Array<[string, V]> = [];
    if (!t) return out;
    let i = after !== undefined && after >= prefix ? t.lowerBound(after) : t.lowerBound(prefix);
    if (after !== undefined && t.keys[i] === after) i++;
    for (; i < t.keys.length && out.length < limit; i++) {
      const key = t.keys[i];
      if (!key.startsWith(prefix)) break;
      out.push([key, t.rows.get(key) as V]);
    }
    return out;
  }

  async count(table: string, prefix: string): Promise<number> {
    const t = this.tables.get(table);
    if (!t) return 0;
    const start = t.lowerBound(prefix);
    let lo = start;
    let hi = t.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t.keys[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo - start;
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
        if (t.keys.length) out[name] = t.keys.map((k) => [k, t.rows.get(k)]);
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
