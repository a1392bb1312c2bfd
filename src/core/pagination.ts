import { AwsError } from "./errors.js";
import type { Transaction } from "./store/store.js";

export interface Page<T> {
  items: T[];
  /** Opaque marker for the next page; absent on the last page. */
  next?: string;
}

export interface PageOptions<T> {
  /** Marker returned by a previous page of the same listing. */
  marker?: string;
  maxItems: number;
  /** Rows that pass; the scan goes on until a page is full. */
  filter?: (value: T) => boolean;
  /** Error for a marker this listing did not issue. */
  invalidMarker?: () => AwsError;
}

const encodeMarker = (table: string, key: string) => Buffer.from(`${table}\n${key}`).toString("base64url");

function decodeMarker(table: string, prefix: string, marker: string): string | undefined {
  const text = Buffer.from(marker, "base64url").toString("utf8");
  const [markerTable, key] = text.split("\n");
  if (markerTable !== table || key === undefined || !key.startsWith(prefix)) return undefined;
  return key;
}

/**
 * One page of a table's rows under `prefix`, in key order, continuing after `marker`. The
 * marker names the last key returned, so a page costs the same at any depth and rows inserted
 * meanwhile never make a listing skip or repeat a row.
 */
export async function paginate<T>(tx: Transaction, table: string, prefix: string, options: PageOptions<T>): Promise<Page<T>> {
  let after: string | undefined;
  if (options.marker !== undefined) {
    after = decodeMarker(table, prefix, options.marker);
    if (after === undefined) throw options.invalidMarker?.() ?? new AwsError("InvalidInput", "Invalid Marker.", 400);
  }
  const { maxItems, filter } = options;
  const items: T[] = [];
  let lastKey: string | undefined;
  const batch = filter ? Math.max(100, maxItems + 1) : maxItems + 1;
  for (;;) {
    const rows = await tx.scan<T>(table, { prefix, after, limit: batch });
    for (const [key, value] of rows) {
      if (filter && !filter(value)) continue;
      if (items.length === maxItems) return { items, next: encodeMarker(table, lastKey!) };
      items.push(value);
      lastKey = key;
    }
    if (rows.length < batch) return { items };
    after = rows[rows.length - 1][0];
  }
}
