import type { Dump, Store } from "./store.js";

/** Version of the snapshot document; bumped when its layout changes. */
export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  format: "nubis-state";
  version: number;
  exportedAt: string;
  /** Every table: `[key, value]` rows in key order. */
  tables: Dump;
}

export async function exportState(store: Store): Promise<Snapshot> {
  return { format: "nubis-state", version: SNAPSHOT_VERSION, exportedAt: new Date().toISOString(), tables: await store.dump() };
}

/** What a snapshot is checked against: the served services and the tables they declare. */
export interface SnapshotServices {
  name: string;
  tables?: Record<string, (key: string, value: unknown) => string | undefined>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

/**
 * Checks a snapshot document whole before anything changes; throws an Error that names the
 * table, the row and the reason (the caller names the source). With `services`, every table
 * must belong to a served service, and a service that declares its tables checks its rows.
 */
export function parseSnapshot(text: string, services?: readonly SnapshotServices[]): Snapshot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  const s = doc as Partial<Snapshot>;
  if (!s || typeof s !== "object" || s.format !== "nubis-state") throw new Error(`not a nubis state document (expected "format": "nubis-state")`);
  if (typeof s.version !== "number" || s.version > SNAPSHOT_VERSION) {
    throw new Error(`snapshot version ${String(s.version)} is not supported (this nubis reads up to ${SNAPSHOT_VERSION})`);
  }
  if (!s.tables || typeof s.tables !== "object" || Array.isArray(s.tables)) throw new Error(`"tables" must be an object`);
  const byName = new Map(services?.map((d) => [d.name, d]));
  for (const [table, rows] of Object.entries(s.tables)) {
    if (!/^[a-z0-9]+\.[A-Za-z0-9]+$/.test(table)) throw new Error(`invalid table name "${table}"`);
    const [service, family] = table.split(".");
    const def = byName.get(service);
    if (services && !def) throw new Error(`table "${table}": unknown service "${service}" (this nubis serves ${[...byName.keys()].join(", ")})`);
    if (def?.tables && !Object.hasOwn(def.tables, family)) throw new Error(`table "${table}": ${service} keeps no such table`);
    if (!Array.isArray(rows)) throw new Error(`table "${table}" must be a list of [key, value] rows`);
    const seen = new Set<string>();
    rows.forEach((row: unknown, i) => {
      const where = `table "${table}", row ${i + 1}`;
      if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== "string") throw new Error(`${where}: not a [key, value] pair`);
      const [key, value] = row as [string, unknown];
      const at = `${where} (key ${quote(key)})`;
      // Keys every store can hold: PostgreSQL text has no NUL, UTF-8 no lone surrogate.
      if (!key || key.includes("\0") || LONE_SURROGATE.test(key)) throw new Error(`${at}: a key must be a non-empty string without NUL or lone surrogates`);
      if (seen.has(key)) throw new Error(`${at}: the key appears twice`);
      seen.add(key);
      // No service stores null: a row is a record, an id or a count.
      if (value === null) throw new Error(`${at}: the value is null`);
      const reason = def?.tables?.[family]?.(key, value);
      if (reason) throw new Error(`${at}: ${reason}`);
    });
  }
  return s as Snapshot;
}
