import pg from "pg";
import { type Dump, type ScanOptions, type Store, StoreNotEmptyError, StoreOpenError, StoreUnavailableError, type Transaction, prefixEnd } from "./store.js";

/** Version of the schema layout, kept in `nubis_meta` (key `format`). */
export const POSTGRES_FORMAT = 1;

/** Older layouts and how to bring them to POSTGRES_FORMAT; version 0 is a schema without our tables. */
const MIGRATIONS: Record<number, (q: (sql: string) => Promise<unknown>, s: string) => Promise<void>> = {
  0: async (q, s) => {
    // COLLATE "C": keys compare byte by byte (UTF-8), the order SQLite's BINARY gives.
    await q(`CREATE TABLE ${s}.nubis_rows (
      tbl text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, value text NOT NULL,
      PRIMARY KEY (tbl, key))`);
  },
};

/** Serialization failures and deadlocks: the transaction is run again from the start. */
const CONFLICT = new Set(["40001", "40P01"]);
/** Retries of a conflicting transaction: bounded in count and in time. */
const MAX_ATTEMPTS = 60;
const RETRY_BUDGET_MS = 8_000;

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database[?schema=NAME]` */
  url: string;
  /** Overrides `?schema=` of the URL; default `public`. */
  schema?: string;
  /** Connections per process (default 10). */
  pool?: number;
  /** Tries of a transaction that meets serialization failures (default 60, within 8 s). */
  maxAttempts?: number;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "";
    return u.toString().replace(/:@/, "@");
  } catch {
    return url.replace(/:\/\/([^:/@]*):[^@]*@/, "://$1@");
  }
}

/** Errors that mean the database is not there (down, restarting, unreachable, out of connections). */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (typeof e?.code === "string") {
    if (/^08|^57P0[1-3]$|^53300$/.test(e.code)) return true;
    if (/^E[A-Z]+$/.test(e.code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND...
  }
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection ended|Query read timeout/i.test(e?.message ?? "");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** PostgreSQL text cannot hold NUL: no row can have such a key. */
const hasNul = (s: string) => s.includes("\0");

class Conflict extends Error {}

const BEGIN = "BEGIN ISOLATION LEVEL SERIALIZABLE";

/** `text` with its `$n` parameters (strings and numbers) written as SQL literals. */
const inline = (client: pg.PoolClient, text: string, values: unknown[]) =>
  text.replace(/\$(\d+)/g, (_, n) => {
    const v = values[Number(n) - 1];
    return typeof v === "number" ? String(v) : client.escapeLiteral(String(v));
  });

/**
 * State in PostgreSQL, shared by every nubis process that points at the same database and
 * schema: one row per (table, key), every operation one SERIALIZABLE transaction. Nothing is
 * cached in the process (counts are counted on the primary key index), so another process's
 * commit is seen by the next transaction. A serialization failure re-runs the whole
 * transaction, so handlers must keep their effects inside `tx` (they do: that is the Store contract).
 */
export class PostgresStore implements Store {
  readonly kind = "postgres";
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly t: string;
  private readonly where: string;
  /** Retried transactions of this process run one at a time, so a hot row stops thrashing. */
  private retryTail: Promise<unknown> = Promise.resolve();

  private constructor(readonly options: PostgresOptions) {
    const url = new URL(options.url);
    this.schema = options.schema ?? url.searchParams.get("schema") ?? "public";
    url.searchParams.delete("schema");
    this.t = `${quoteIdent(this.schema)}.nubis_rows`;
    this.where = redactUrl(options.url);
    this.pool = new pg.Pool({
      connectionString: url.toString(),
      max: options.pool ?? 10,
      // Also the longest wait for a free connection of the pool under load; a stopped server
      // refuses at once, this bounds an unreachable one.
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // A server that vanishes mid-query (network gone) fails the query instead of hanging it.
      query_timeout: 30_000,
      keepAlive: true,
      application_name: "nubis",
    });
    // An idle connection the server closed (restart, kill) is dropped by the pool; without a
    // listener the event would crash the process.
    this.pool.on("error", () => {});
    // The same for a connection lost while checked out: its query fails, which is handled there.
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  /** Connects, creates or checks the schema; throws a one-line StoreOpenError. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    let store: PostgresStore;
    try {
      store = new PostgresStore(options);
    } catch (error) {
      throw new StoreOpenError(`invalid --database-url ${redactUrl(options.url)}: ${(error as Error).message}`);
    }
    try {
      await store.prepare();
      return store;
    } catch (error) {
      await store.pool.end().catch(() => {});
      if (error instanceof StoreOpenError) throw error;
      throw new StoreOpenError(`cannot use PostgreSQL at ${store.where}: ${oneLine(error)}`);
    }
  }

  /** Creates our tables on first start, migrates older ones, refuses newer or foreign ones untouched. */
  private async prepare() {
    const client = await this.pool.connect();
    const s = quoteIdent(this.schema);
    const q = (sql: string, values?: unknown[]) => client.query(sql, values);
    try {
      await q("BEGIN");
      // Replicas starting together: one creates, the others wait and then find it made.
      await q("SELECT pg_advisory_xact_lock(hashtext($1))", [`nubis schema ${this.schema}`]);
      const found = await q(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('nubis_meta', 'nubis_rows')",
        [this.schema],
      );
      const names = new Set(found.rows.map((r) => r.table_name as string));
      const place = `schema ${this.schema} of ${this.where}`;
      let version = 0;
      if (names.has("nubis_meta")) {
        let meta: Map<string, string>;
        try {
          await q("SAVEPOINT meta");
          meta = new Map((await q(`SELECT key, value FROM ${s}.nubis_meta`)).rows.map((r) => [String(r.key), String(r.value)]));
        } catch {
          throw new StoreOpenError(`${place} holds a table nubis_meta that nubis did not create; it was left untouched`);
        }
        if (meta.get("application") !== "nubis") {
          throw new StoreOpenError(`${place} holds a table nubis_meta that nubis did not create; it was left untouched`);
        }
        version = Number(meta.get("format"));
        if (!Number.isInteger(version)) throw new StoreOpenError(`${place}: nubis_meta has no valid format; it was left untouched`);
        if (version > POSTGRES_FORMAT) {
          throw new StoreOpenError(
            `${place} was written by a newer nubis (format ${version}; this one reads up to ${POSTGRES_FORMAT}); it was left untouched`,
          );
        }
      } else if (names.has("nubis_rows")) {
        throw new StoreOpenError(`${place} holds a table nubis_rows that nubis did not create; it was left untouched`);
      }
      if (version < POSTGRES_FORMAT) {
        await q(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        if (!names.has("nubis_meta")) {
          await q(`CREATE TABLE ${s}.nubis_meta (key text PRIMARY KEY, value text NOT NULL)`);
          await q(`INSERT INTO ${s}.nubis_meta VALUES ('application', 'nubis'), ('format', '0')`);
        }
        for (let v = version; v < POSTGRES_FORMAT; v++) await MIGRATIONS[v]((sql) => q(sql), s);
        await q(`UPDATE ${s}.nubis_meta SET value = $1 WHERE key = 'format'`, [String(POSTGRES_FORMAT)]);
      }
      // Touch the table so a damaged schema fails here, at start.
      await q(`SELECT tbl, key, value FROM ${this.t} LIMIT 1`);
      await q("COMMIT");
      client.release();
    } catch (error) {
      await q("ROLLBACK").catch(() => {});
      client.release(true);
      throw error;
    }
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const started = Date.now();
    let unavailable = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt === 1) return await this.attempt(work);
        // A retry waits a random while (full jitter, growing), then runs alone in this process.
        await sleep(Math.random() * Math.min(100, 2 ** Math.min(attempt, 7)));
        const run = this.retryTail.then(() => this.attempt(work));
        this.retryTail = run.catch(() => undefined);
        return await run;
      } catch (error) {
        if (error instanceof Conflict) {
          if (attempt < (this.options.maxAttempts ?? MAX_ATTEMPTS) && Date.now() - started < RETRY_BUDGET_MS) continue;
          throw new StoreUnavailableError(`the transaction could not commit after ${attempt} attempts (concurrent updates); retry`);
        }
        // One more try on a fresh connection: a pooled one may have died with a restart.
        if (error instanceof RetryableUnavailable && unavailable++ < 1) continue;
        if (error instanceof RetryableUnavailable) throw new StoreUnavailableError(error.message);
        throw error;
      }
    }
  }

  /** One try: BEGIN SERIALIZABLE, the work, COMMIT. Throws Conflict when it should be run again. */
  private async attempt<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new RetryableUnavailable(this.unavailableMessage(error));
    }
    let broken = false;
    let conflicted = false;
    let committing = false;
    let begun = false;
    const query = async (name: string | undefined, text: string, values: unknown[]): Promise<pg.QueryResult> => {
      if (conflicted) throw new Conflict(); // the handler swallowed one: nothing more is valid
      try {
        if (!begun) {
          begun = true;
          // BEGIN travels with the first statement (one round trip less per operation); whole-state
          // statements, with array parameters, begin on their own.
          if (name === undefined) await client.query(BEGIN);
          else return ((await client.query(`${BEGIN}; ${inline(client, text, values)}`)) as unknown as pg.QueryResult[])[1];
        }
        return await client.query({ name, text, values });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code && CONFLICT.has(code)) {
          conflicted = true;
          throw new Conflict();
        }
        if (isUnavailable(error)) {
          broken = true;
          // Before the commit nothing landed: safe to try again. At the commit the outcome is unknown.
          if (committing) throw new StoreUnavailableError(`${this.unavailableMessage(error)} (the outcome of the last write is unknown)`);
          throw new RetryableUnavailable(this.unavailableMessage(error));
        }
        throw error;
      }
    };
    const t = this.t;
    const tx: Transaction & RawTx = {
      raw: (sql, values) => query(undefined, sql, values),
      get: async <V>(table: string, key: string) => {
        if (hasNul(key)) return undefined;
        const r = await query("nubis_get", `SELECT value FROM ${t} WHERE tbl = $1 AND key = $2`, [table, key]);
        return r.rows.length ? (JSON.parse(r.rows[0].value) as V) : undefined;
      },
      put: async (table, key, value) => {
        if (hasNul(key)) throw new Error("a store key cannot contain NUL");
        await query(
          "nubis_put",
          `INSERT INTO ${t} (tbl, key, value) VALUES ($1, $2, $3) ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value`,
          [table, key, JSON.stringify(value)],
        );
      },
      delete: async (table, key) => {
        if (hasNul(key)) return false;
        return ((await query("nubis_delete", `DELETE FROM ${t} WHERE tbl = $1 AND key = $2`, [table, key])).rowCount ?? 0) > 0;
      },
      scan: async <V>(table: string, { prefix, after, limit }: ScanOptions) => {
        if (hasNul(prefix) || (after !== undefined && hasNul(after))) return [];
        const r = await query(
          "nubis_scan",
          `SELECT key, value FROM ${t} WHERE tbl = $1 AND key >= $2 AND key > $3 AND key < $4 ORDER BY key LIMIT $5`,
          [table, prefix, after ?? "", prefixEnd(prefix), limit],
        );
        return r.rows.map((row) => [row.key as string, JSON.parse(row.value) as V] as [string, V]);
      },
      count: async (table, prefix) => {
        if (hasNul(prefix)) return 0;
        const r = await query("nubis_count", `SELECT count(*)::int AS n FROM ${t} WHERE tbl = $1 AND key >= $2 AND key < $3`, [
          table,
          prefix,
          prefixEnd(prefix),
        ]);
        return r.rows[0].n as number;
      },
    };
    try {
      const result = await work(tx);
      if (conflicted) throw new Conflict();
      committing = true;
      if (begun) await query("nubis_commit", "COMMIT", []);
      return result;
    } catch (error) {
      if (!broken && !committing && begun) await client.query("ROLLBACK").catch(() => (broken = true));
      // The work may have turned our Conflict into its own error: still a conflict.
      if (conflicted && !(error instanceof StoreUnavailableError)) throw new Conflict();
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  private unavailableMessage(error: unknown) {
    return `the state database (PostgreSQL at ${this.where}) is unavailable: ${oneLine(error)}`;
  }

  reset(service?: string): Promise<void> {
    return this.raw(async (q) => {
      if (service) await q(`DELETE FROM ${this.t} WHERE tbl >= $1 AND tbl < $2`, [`${service}.`, prefixEnd(`${service}.`)]);
      else await q(`DELETE FROM ${this.t}`);
    });
  }

  dump(): Promise<Dump> {
    return this.raw(async (q) => {
      const out: Dump = {};
      const r = await q(`SELECT tbl, key, value FROM ${this.t} ORDER BY tbl, key`);
      for (const { tbl, key, value } of r.rows) (out[tbl] ??= []).push([key, JSON.parse(value)]);
      return out;
    });
  }

  load(dump: Dump, options: { ifEmpty?: boolean } = {}): Promise<void> {
    return this.raw(async (q) => {
      if (options.ifEmpty && (await q(`SELECT 1 FROM ${this.t} LIMIT 1`)).rows.length) throw new StoreNotEmptyError("the store holds state");
      await q(`DELETE FROM ${this.t}`);
      const rows = Object.entries(dump).flatMap(([table, rs]) => rs.map(([key, value]) => [table, key, JSON.stringify(value)]));
      for (let i = 0; i < rows.length; i += 5_000) {
        const batch = rows.slice(i, i + 5_000);
        await q(`INSERT INTO ${this.t} (tbl, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [
          batch.map((r) => r[0]),
          batch.map((r) => r[1]),
          batch.map((r) => r[2]),
        ]);
      }
    });
  }

  /** Whole-state statements (reset, dump, load) as one serializable, retried transaction. */
  private raw<T>(work: (q: (sql: string, values?: unknown[]) => Promise<pg.QueryResult>) => Promise<T>): Promise<T> {
    return this.transaction((tx) => work((sql, values) => (tx as unknown as RawTx).raw(sql, values ?? [])));
  }

  async close() {
    await this.pool.end();
  }
}

/** The transaction object also runs whole-state SQL for reset/dump/load (not part of the Store contract). */
interface RawTx {
  raw(sql: string, values: unknown[]): Promise<pg.QueryResult>;
}

class RetryableUnavailable extends Error {}

function oneLine(error: unknown): string {
  const e = error as { message?: string; code?: string };
  const text = e?.message || e?.code || String(error);
  return text.replace(/\s+/g, " ").trim();
}
