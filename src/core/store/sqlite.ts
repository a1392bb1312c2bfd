import { closeSync, existsSync, mkdirSync, statSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Dump, type ScanOptions, type Store, StoreNotEmptyError, StoreOpenError, type Transaction, prefixEnd } from "./store.js";

export { StoreOpenError };

/** Version of the on-disk layout, kept in `PRAGMA user_version`. */
export const SQLITE_FORMAT = 1;
/** `PRAGMA application_id` of nubis's files ("nubi"): another program's nubis.db is refused untouched. */
export const SQLITE_APPLICATION_ID = 0x6e756269;

/** Older layouts and how to bring them to SQLITE_FORMAT; version 0 is a new, empty file. */
const MIGRATIONS: Record<number, (db: Database.Database) => void> = {
  0: (db) => {
    db.exec(`CREATE TABLE IF NOT EXISTS rows (
      tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (tbl, key)) WITHOUT ROWID`);
  },
};

/**
 * Holds `DIR/nubis.lock` with our pid; a lock whose process is gone (kill -9) is taken over.
 * Two nubis on one data dir would each cache nothing but still interleave transactions
 * unpredictably, so the second one refuses to start.
 */
function acquireLock(dir: string): () => void {
  const path = join(dir, "nubis.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8"));
      if (pid && isAlive(pid)) {
        throw new StoreOpenError(`data dir ${dir} is in use by another nubis (pid ${pid}, lock file ${path})`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new StoreOpenError(`could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * State in one SQLite file (`DIR/nubis.db`, WAL mode), one row per (table, key). Transactions
 * run one at a time as `BEGIN IMMEDIATE ... COMMIT`; an acknowledged write has been committed
 * to the WAL, so it survives the process being killed (synchronous=NORMAL: an OS crash may
 * lose the last commits, a process crash never does).
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly unlock: () => void;
  private readonly sql;
  /**
   * Row counts by (table, `/`-ended prefix), kept up to date by put and delete: quota checks
   * count an account's rows on every create, and SQLite's count(*) walks them all. Valid because this
   * process is the data dir's only writer (the lock); dropped on rollback, reset and load.
   */
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(readonly dir: string) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new StoreOpenError(`--data-dir ${dir} is a file, not a directory`);
    mkdirSync(dir, { recursive: true });
    this.unlock = acquireLock(dir);
    const file = join(dir, "nubis.db");
    try {
      this.db = new Database(file);
      // Check the format before anything writes to the file (even the WAL switch does).
      this.migrate(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
    } catch (error) {
      // @ts-expect-error -- db may be unassigned when the constructor threw
      this.db?.close();
      this.unlock();
      if (error instanceof StoreOpenError) throw error;
      throw new StoreOpenError(`cannot open ${file}: ${(error as Error).message}`);
    }
    this.sql = {
      get: this.db.prepare<[string, string], { value: string }>("SELECT value FROM rows WHERE tbl = ? AND key = ?"),
      insert: this.db.prepare("INSERT OR IGNORE INTO rows (tbl, key, value) VALUES (?, ?, ?)"),
      update: this.db.prepare("UPDATE rows SET value = ? WHERE tbl = ? AND key = ?"),
      delete: this.db.prepare("DELETE FROM rows WHERE tbl = ? AND key = ?"),
      scan: this.db.prepare<[string, string, string, string, number], { key: string; value: string }>(
        "SELECT key, value FROM rows WHERE tbl = ? AND key > ? AND key >= ? AND key < ? ORDER BY key LIMIT ?",
      ),
      count: this.db.prepare<[string, string, string], { n: number }>("SELECT count(*) AS n FROM rows WHERE tbl = ? AND key >= ? AND key < ?"),
      all: this.db.prepare<[], { tbl: string; key: string; value: string }>("SELECT tbl, key, value FROM rows ORDER BY tbl, key"),
    };
  }

  private migrate(file: string) {
    const appId = this.db.pragma("application_id", { simple: true }) as number;
    const version = this.db.pragma("user_version", { simple: true }) as number;
    const tables = this.db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((t) => t.name);
    // Files of nubis before the mark: our one table and format 1; adopted as they are.
    const unmarked = appId === 0 && version === 1 && tables.join() === "rows" && this.hasOurColumns();
    if (appId !== SQLITE_APPLICATION_ID && !(appId === 0 && version === 0 && tables.length === 0) && !unmarked) {
      throw new StoreOpenError(
        `${file} is not a nubis database (application_id ${appId}, tables: ${tables.join(", ") || "none"}); it was left untouched`,
      );
    }
    if (version > SQLITE_FORMAT) {
      throw new StoreOpenError(
        `${file} was written by a newer nubis (format ${version}; this one reads up to ${SQLITE_FORMAT}); it was left untouched`,
      );
    }
    if (version === SQLITE_FORMAT && appId === SQLITE_APPLICATION_ID) {
      // Touch the schema so a corrupt file fails here, at start, with its name.
      this.db.prepare("SELECT count(*) FROM rows LIMIT 1").get();
      return;
    }
    this.db.transaction(() => {
      for (let v = version; v < SQLITE_FORMAT; v++) MIGRATIONS[v](this.db);
      this.db.pragma(`user_version = ${SQLITE_FORMAT}`);
      this.db.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
    })();
  }

  private hasOurColumns(): boolean {
    const columns = this.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rows') ORDER BY cid").all();
    return columns.map((c) => c.name).join() === "tbl,key,value";
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.runExclusive(work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runExclusive<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const { sql } = this;
    const tx: Transaction = {
      get: async <V>(table: string, key: string) => {
        const row = sql.get.get(table, key);
        return row ? (JSON.parse(row.value) as V) : undefined;
      },
      put: async (table, key, value) => {
        const json = JSON.stringify(value);
        if (sql.insert.run(table, key, json).changes) this.counted(table, key, 1);
        else sql.update.run(json, table, key);
      },
      delete: async (table, key) => {
        const deleted = sql.delete.run(table, key).changes > 0;
        if (deleted) this.counted(table, key, -1);
        return deleted;
      },
      scan: async <V>(table: string, { prefix, after, limit }: ScanOptions) =>
        sql.scan
          .all(table, after ?? "", prefix, prefixEnd(prefix), limit)
          .map((r) => [r.key, JSON.parse(r.value) as V] as [string, V]),
      count: async (table, prefix) => {
        if (!prefix.endsWith("/")) return sql.count.get(table, prefix, prefixEnd(prefix))!.n;
        let counts = this.counts.get(table);
        if (!counts) this.counts.set(table, (counts = new Map()));
        let n = counts.get(prefix);
        if (n === undefined) counts.set(prefix, (n = sql.count.get(table, prefix, prefixEnd(prefix))!.n));
        return n;
      },
    };
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = await work(tx);
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      this.counts.clear();
      throw error;
    }
  }

  /** Updates the cached counts of every `/`-ended prefix of `key` (only those are cached). */
  private counted(table: string, key: string, delta: number) {
    const counts = this.counts.get(table);
    if (!counts) return;
    for (let i = key.indexOf("/"); i >= 0; i = key.indexOf("/", i + 1)) {
      const prefix = key.slice(0, i + 1);
      const n = counts.get(prefix);
      if (n !== undefined) counts.set(prefix, n + delta);
    }
  }

  reset(service?: string): Promise<void> {
    return this.transaction(async () => {
      this.counts.clear();
      if (service) this.db.prepare("DELETE FROM rows WHERE tbl >= ? AND tbl < ?").run(`${service}.`, prefixEnd(`${service}.`));
      else this.db.exec("DELETE FROM rows");
    });
  }

  dump(): Promise<Dump> {
    return this.transaction(async () => {
      const out: Dump = {};
      for (const { tbl, key, value } of this.sql.all.iterate()) (out[tbl] ??= []).push([key, JSON.parse(value)]);
      return out;
    });
  }

  load(dump: Dump, options: { ifEmpty?: boolean } = {}): Promise<void> {
    return this.transaction(async () => {
      if (options.ifEmpty && this.db.prepare("SELECT 1 FROM rows LIMIT 1").get()) throw new StoreNotEmptyError("the store holds state");
      this.counts.clear();
      this.db.exec("DELETE FROM rows");
      for (const [table, rows] of Object.entries(dump)) for (const [key, value] of rows) this.sql.insert.run(table, key, JSON.stringify(value));
    });
  }

  async close() {
    await this.tail;
    this.db.close();
    this.unlock();
  }
}
