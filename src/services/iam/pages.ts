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
