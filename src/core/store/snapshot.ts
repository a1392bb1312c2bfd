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

/** Checks a snapshot document; throws an Error that says what is wrong (the caller names the source). */
export function parseSnapshot(text: string): Snapshot {
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
  for (const [table, rows] of Object.entries(s.tables)) {
    if (!/^[a-z0-9]+\.[A-Za-z0-9]+$/.test(table)) throw new Error(`invalid table name "${table}"`);
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === "string")) {
      throw new Error(`table "${table}" must be a list of [key, value] rows`);
    }
  }
  return s as Snapshot;
}
