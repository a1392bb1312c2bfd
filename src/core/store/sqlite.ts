import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Dump, ScanOptions, Store, Transaction } from "./store.js";

/** Version of the on-disk layout, kept in `PRAGMA user_version`. */
export const SQLITE_FORMAT = 1;

/** Older layouts and how to bring them to SQLITE_FORMAT; version 0 is a new, empty file. */
const MIGRATIONS: Record<number, (db: Database.Database) => void> = {
  0: (db) => {
    db.exec(`CREATE TABLE IF NOT EXISTS rows (
      tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (tbl, key)) WITHOUT ROWID`);
  },
};

export class StoreOpenError extends Error {}

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

  constructor(readonly dir: string) {
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
      put: this.db.prepare("INSERT INTO rows (tbl, key, value) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value"),
      delete: this.db.prepare("DELETE FROM rows WHERE tbl = ? AND key = ?"),
      scan: this.db.prepare<[string, string, string, string, number], { key: string; value: string }>(
        "SELECT key, value FROM rows WHERE tbl = ? AND key > ? AND key >= ? AND key < ? ORDER BY key LIMIT ?",
      ),
      count: this.db.prepare<[string, string, string], { n: number }>("SELECT count(*) AS n FROM rows WHERE tbl = ? AND key >= ? AND key < ?"),
      all: this.db.prepare<[], { tbl: string; key: string; value: string }>("SELECT tbl, key, value FROM rows ORDER BY tbl, key"),
    };
  }

  private migrate(file: string) {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > SQLITE_FORMAT) {
      throw new StoreOpenError(
        `${file} was written by a newer nubis (format ${version}; this one reads up to ${SQLITE_FORMAT}); it was left untouched`,
      );
    }
    if (version === SQLITE_FORMAT) {
      // Touch the schema so a corrupt file fails here, at start, with its name.
      this.db.prepare("SELECT count(*) FROM rows LIMIT 1").get();
      return;
    }
    this.db.transaction(() => {
      for (let v = version; v < SQLITE_FORMAT; v++) MIGRATIONS[v](this.db);
      this.db.pragma(`user_version = ${SQLITE_FORMAT}`);
    })();
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
        sql.put.run(table, key, JSON.stringify(value));
      },
      delete: async (table, key) => sql.delete.run(table, key).changes > 0,
      scan: async <V>(table: string, { prefix, after, limit }: ScanOptions) =>
        sql.scan
          .all(table, after ?? "", prefix, prefix + "\uffff", limit)
          .map((r) => [r.key, JSON.parse(r.value) as V] as [string, V]),
      count: async (table, prefix) => sql.count.get(table, prefix, prefix + "\uffff")!.n,
    };
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = await work(tx);
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  reset(service?: string): Promise<void> {
    return this.transaction(async () => {
      if (service) this.db.prepare("DELETE FROM rows WHERE tbl >= ? AND tbl < ?").run(`${service}.`, `${service}.\uffff`);
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

  load(dump: Dump): Promise<void> {
    return this.transaction(async () => {
      this.db.exec("DELETE FROM rows");
      for (const [table, rows] of Object.entries(dump)) for (const [key, value] of rows) this.sql.put.run(table, key, JSON.stringify(value));
    });
  }

  async close() {
    await this.tail;
    this.db.close();
    this.unlock();
  }
}
