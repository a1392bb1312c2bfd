import { type Page, type PageOptions, paginate as paginateTable } from "../../core/pagination.js";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * IAM's lists refuse a Marker they did not issue with `ValidationError` 400 "Invalid Marker."
 * (spec iam-sts §12: seen for ListVirtualMFADevices, recommended for every list of the family).
 */
export const invalidMarker = () => new AwsError("ValidationError", "Invalid Marker.");

export const paginate = <T>(tx: Transaction, table: string, prefix: string, options: PageOptions<T>): Promise<Page<T>> =>
  paginateTable(tx, table, prefix, { invalidMarker, ...options });

/** What every IAM "list by path" takes (ListUsers, ListGroups, ListRoles, ListInstanceProfiles, ListServerCertificates). */
export interface PathListInput {
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

/**
 * One page of an account's entities under a path prefix, after the list's input checks; the
 * prefix filters rows in key (name) order, so a page costs the same at any depth.
 */
export async function pageByPath<T extends { Path: string }>(tx: Transaction, table: string, account: string, input: PathListInput): Promise<Page<T>> {
  const prefix = input.PathPrefix ?? "/";
  return paginate<T>(tx, table, `${account}/`, {
    marker: input.Marker,
    maxItems: input.MaxItems ?? 100,
    filter: prefix === "/" ? undefined : (e) => e.Path.startsWith(prefix),
  });
}
