import type { FunctionConfig } from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findKeyValueStoreByArn } from "./keyValueStores.js";
import { listPage, oneOf } from "./model.js";
import { ref, type RefKind, users } from "./references.js";
import { newETag } from "./versioning.js";

/**
 * The life CloudFront Functions and connection functions share: code and config live in a
 * DEVELOPMENT stage (created, updated) and, once published, a LIVE copy; each stage has its own
 * ETag. The status is the function's, whatever stage is read: UNPUBLISHED until a publish, then
 * DEPLOYED while a distribution uses it, UNASSOCIATED otherwise.
 */
export interface Stage {
  Code: string; // base64
  Comment: string;
  Runtime: string;
  KeyValueStoreARNs: string[];
  ETag: string;
  LastModifiedTime: string;
}

export type StageName = "DEVELOPMENT" | "LIVE";

export interface Staged {
  Development: Stage;
  Live?: Stage;
}

export const stageNameOf = (stage: string | undefined): StageName => oneOf(stage ?? "DEVELOPMENT", ["DEVELOPMENT", "LIVE"], "Stage");

/** The stage asked for; a LIVE stage that was never published does not exist (`noSuch`). */
export function pickStage(r: Staged, stage: string | undefined, noSuch: () => AwsError): [Stage, StageName] {
  const which = stageNameOf(stage);
  const s = which === "LIVE" ? r.Live : r.Development;
  if (!s) throw noSuch();
  return [s, which];
}

export async function stagedStatus(tx: Transaction, account: string, kind: RefKind, id: string, r: Staged): Promise<string> {
  if (!r.Live) return "UNPUBLISHED";
  return (await users(tx, account, kind, id)) ? "DEPLOYED" : "UNASSOCIATED";
}

export function functionConfigOf(s: Stage): FunctionConfig {
  return {
    Comment: s.Comment,
    Runtime: s.Runtime as FunctionConfig["Runtime"],
    ...(s.KeyValueStoreARNs.length
      ? { KeyValueStoreAssociations: { Quantity: s.KeyValueStoreARNs.length, Items: s.KeyValueStoreARNs.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) } }
      : {}),
  };
}

/** Config and code as sent, checked; KVS ARNs must name stores of the account. `tooLarge` is the family's size error. */
export async function validStage(
  tx: Transaction,
  ctx: RequestContext,
  config: FunctionConfig | undefined,
  code: Uint8Array | undefined,
  limit: number,
  tooLarge: (limit: number) => AwsError,
): Promise<Stage> {
  if (!config) throw new AwsError("InvalidArgument", "FunctionConfig is required.");
  if (config.Comment === undefined) throw new AwsError("InvalidArgument", "FunctionConfig.Comment is required.");
  if ([...config.Comment].length > 128) throw new AwsError("InvalidArgument", "The function comment cannot be longer than 128 characters.");
  const runtime = oneOf(config.Runtime, ["cloudfront-js-1.0", "cloudfront-js-2.0"], "Runtime");
  if (!code || !code.length) throw new AwsError("InvalidArgument", "FunctionCode is required and cannot be empty.");
  if (code.length > limit) throw tooLarge(limit);
  const arns = (config.KeyValueStoreAssociations?.Items ?? []).map((a) => a.KeyValueStoreARN ?? "");
  if (config.KeyValueStoreAssociations && (config.KeyValueStoreAssociations.Quantity ?? 0) !== arns.length) {
    throw new AwsError("InvalidArgument", "The value of Quantity and the size of Items don't match.");
  }
  if (arns.length && runtime !== "cloudfront-js-2.0") throw new AwsError("InvalidArgument", "Key value stores can be associated only with cloudfront-js-2.0 functions.");
  if (arns.length > 1) throw new AwsError("InvalidArgument", "A function can be associated with at most one key value store.");
  for (const arn of arns) {
    if (!(await findKeyValueStoreByArn(tx, ctx.account, arn))) throw new AwsError("InvalidArgument", `The key value store ${arn} does not exist.`);
  }
  return {
    Code: Buffer.from(code).toString("base64"),
    Comment: config.Comment,
    Runtime: runtime,
    KeyValueStoreARNs: arns,
    ETag: newETag(),
    LastModifiedTime: ctx.now.toISOString(),
  };
}

/** The record with DEVELOPMENT copied to LIVE (a new LIVE ETag); publishing an unchanged DEVELOPMENT again is allowed. */
export const publishStage = <R extends Staged>(r: R, ctx: RequestContext): R => ({ ...r, Live: { ...r.Development, ETag: newETag(), LastModifiedTime: ctx.now.toISOString() } });

/** The key value stores either stage uses, as references (a store in use cannot be deleted). */
export const kvsRefs = (r: Staged | undefined) =>
  r ? [...new Set([...r.Development.KeyValueStoreARNs, ...(r.Live?.KeyValueStoreARNs ?? [])])].map((a) => ref("key-value-store", a.split("/").pop()!)) : [];

/**
 * One page of a staged family's rows in key order; Stage=LIVE keeps only the published ones, so
 * it scans on until the page is full and one more match is known (NextMarker: the last key).
 */
export async function stagedPage<R extends Staged>(
  tx: Transaction,
  table: string,
  account: string,
  marker: string | undefined,
  maxItems: number,
  stage: StageName,
  keyOf: (r: R) => string,
): Promise<{ items: R[]; nextMarker?: string }> {
  const rows: R[] = [];
  let after = marker;
  for (;;) {
    const page = await listPage<R>(tx, table, account, after, maxItems);
    for (const r of page.items) {
      if (stage === "LIVE" && !r.Live) continue;
      if (rows.length === maxItems) return { items: rows, nextMarker: keyOf(rows[rows.length - 1]) };
      rows.push(r);
    }
    if (!page.nextMarker) return { items: rows };
    after = page.nextMarker;
  }
}

/** A Test call's event: JSON text of at most 40960 bytes (InvalidArgument otherwise). */
export function testEvent(bytes: Uint8Array | undefined, member: string): string {
  const event = Buffer.from(bytes ?? new Uint8Array()).toString("utf8");
  if (Buffer.byteLength(event) > 40960) throw new AwsError("InvalidArgument", `The ${member} cannot be larger than 40960 bytes.`);
  try {
    const parsed = JSON.parse(event);
    if (!parsed || typeof parsed !== "object") throw new Error();
  } catch {
    throw new AwsError("InvalidArgument", `The ${member} is not valid JSON.`);
  }
  return event;
}
