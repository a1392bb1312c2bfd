/**
 * The state of every service, as ordered tables of JSON values.
 *
 * A table is named `<service>.<family>` (e.g. `iam.groups`); keys are strings that services
 * build from the account (and region) first, so one prefix scan is one account's rows, in key
 * order. Values are plain JSON (no Dates, no class instances) so that every backend, memory,
 * SQLite or PostgreSQL, stores them the same way. Values read from a store must be treated as
 * immutable: write a new object with `put`.
 *
 * Every operation runs in one `transaction`: it sees a consistent state, and its writes land
 * together or not at all (a throw rolls them back). Transactions are serializable.
 */
export interface Store {
  readonly kind: string;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Removes every table, or only the tables of one service (`iam`, `cloudfront`, ...). */
  reset(service?: string): Promise<void>;
  /** Every row of every table, tables and rows in key order (state snapshots). */
  dump(): Promise<Dump>;
  /**
   * Replaces the whole state with `dump`, atomically. With `ifEmpty`, throws StoreNotEmptyError
   * (and changes nothing) when the store holds any row, checked in the same transaction.
   */
  load(dump: Dump, options?: { ifEmpty?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface ScanOptions {
  /** Only keys that start with this prefix. */
  prefix: string;
  /** Only keys strictly greater than this one (a page cursor). */
  after?: string;
  limit: number;
}

export interface Transaction {
  get<T>(table: string, key: string): Promise<T | undefined>;
  put<T>(table: string, key: string, value: T): Promise<void>;
  /** True when a row was removed. */
  delete(table: string, key: string): Promise<boolean>;
  /** Rows in ascending key order. */
  scan<T>(table: string, options: ScanOptions): Promise<Array<[key: string, value: T]>>;
  count(table: string, prefix: string): Promise<number>;
}

export type Dump = Record<string, Array<[key: string, value: unknown]>>;

/**
 * A bound above every key that starts with `prefix`, in the byte (UTF-8) order SQLite and
 * PostgreSQL compare in: the largest code point (only a key with U+10FFFF right after the
 * prefix would fall outside).
 */
export const prefixEnd = (prefix: string) => prefix + "\u{10ffff}";

/** The store's database cannot be reached, or a transaction could not commit: a 5xx for the client. */
export class StoreUnavailableError extends Error {}

/** `load(dump, { ifEmpty: true })` on a store that holds state. */
export class StoreNotEmptyError extends Error {}

/** The store cannot be opened (unreachable, foreign or newer data): a one-line message for the user. */
export class StoreOpenError extends Error {}
