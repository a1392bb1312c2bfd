import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";
import type { Deployable, Versioned } from "./versioning.js";

/**
 * CloudFront's tables. CloudFront is global: keys start with the account only. Names and
 * caller references have their own index tables so uniqueness checks are one lookup.
 */
export const T = {
  publicKeys: "cloudfront.publicKeys", //             acct/id               -> PublicKeyRecord
  publicKeyNames: "cloudfront.publicKeyNames", //     acct/name             -> id
  publicKeyRefs: "cloudfront.publicKeyCallerRefs", // acct/callerReference  -> id
  keyGroups: "cloudfront.keyGroups", //               acct/id               -> KeyGroupRecord
  keyGroupNames: "cloudfront.keyGroupNames", //       acct/name             -> id
  keyUsage: "cloudfront.publicKeyUsage", //           acct/publicKeyId/keyGroupId -> keyGroupId
  connectionGroups: "cloudfront.connectionGroups", //   acct/id               -> ConnectionGroupRecord
  connectionGroupNames: "cloudfront.connectionGroupNames", // acct/name       -> id
  routingEndpoints: "cloudfront.routingEndpoints", //   acct/routingEndpoint  -> connection group id
  anycastIpLists: "cloudfront.anycastIpLists", //       acct/id               -> AnycastIpListRecord
  anycastIpListNames: "cloudfront.anycastIpListNames", // acct/name           -> id
  anycastUsage: "cloudfront.anycastIpListUsage", //     acct/listId/groupId   -> connection group id
  tags: "cloudfront.tags", //                           acct/type/id          -> Tag[] (tagging.ts)
} as const;

export interface PublicKeyRecord extends Versioned {
  Id: string;
  CreatedTime: string;
  CallerReference: string;
  Name: string;
  EncodedKey: string;
  /** Stored as "" when omitted: CloudFront echoes an empty Comment. */
  Comment: string;
}

export interface KeyGroupRecord extends Versioned {
  Id: string;
  LastModifiedTime: string;
  Name: string;
  Items: string[];
  Comment?: string;
}

export interface ConnectionGroupRecord extends Deployable {
  Id: string;
  Name: string;
  CreatedTime: string;
  LastModifiedTime: string;
  Ipv6Enabled: boolean;
  RoutingEndpoint: string;
  AnycastIpListId?: string;
  Enabled: boolean;
  IsDefault: boolean;
}

export interface IpamCidrRecord {
  Cidr: string;
  IpamPoolArn: string;
  AnycastIp: string;
}

export interface AnycastIpListRecord extends Deployable {
  Id: string;
  Name: string;
  IpCount: number;
  IpAddressType: "ipv4" | "ipv6" | "dualstack";
  AnycastIps: string[];
  IpamCidrConfigs?: IpamCidrRecord[];
  LastModifiedTime: string;
}

export const key = (...parts: string[]) => parts.join("/");

export async function requirePublicKey(tx: Transaction, account: string, id: string | undefined): Promise<PublicKeyRecord> {
  const found = id ? await tx.get<PublicKeyRecord>(T.publicKeys, key(account, id)) : undefined;
  if (!found) throw new AwsError("NoSuchPublicKey", "The specified public key does not exist.");
  return found;
}

export async function requireKeyGroup(tx: Transaction, account: string, id: string | undefined): Promise<KeyGroupRecord> {
  const found = id ? await tx.get<KeyGroupRecord>(T.keyGroups, key(account, id)) : undefined;
  if (!found) throw new AwsError("NoSuchResource", "The specified key group does not exist.");
  return found;
}

export async function requireConnectionGroup(tx: Transaction, account: string, id: string | undefined): Promise<ConnectionGroupRecord> {
  const found = id ? await tx.get<ConnectionGroupRecord>(T.connectionGroups, key(account, id)) : undefined;
  if (!found) throw new AwsError("EntityNotFound", `The connection group ${id ?? ""} does not exist.`);
  return found;
}

export async function requireAnycastIpList(tx: Transaction, account: string, id: string | undefined): Promise<AnycastIpListRecord> {
  const found = id ? await tx.get<AnycastIpListRecord>(T.anycastIpLists, key(account, id)) : undefined;
  if (!found) throw new AwsError("EntityNotFound", `The Anycast static IP list ${id ?? ""} does not exist.`);
  return found;
}

/**
 * A record of a family keyed by id with a name index (`acct/name -> id`), found by what an
 * `Identifier` member may carry: the id, the name or the ARN (`arn:aws:cloudfront::acct:type/id`).
 */
export async function findByIdentifier<R>(tx: Transaction, family: { table: string; names: string; type: string }, account: string, identifier: string): Promise<R | undefined> {
  const prefix = `arn:aws:cloudfront::${account}:${family.type}/`;
  const ref = identifier.startsWith(prefix) ? identifier.slice(prefix.length) : identifier;
  if (!ref || ref.includes("/")) return undefined;
  const byId = await tx.get<R>(family.table, key(account, ref));
  if (byId) return byId;
  const id = await tx.get<string>(family.names, key(account, ref));
  return id ? tx.get<R>(family.table, key(account, id)) : undefined;
}

/** MaxItems of a list call: 100 when absent, a positive integer otherwise. */
export function maxItemsOf(value: number | undefined): number {
  if (value === undefined) return 100;
  if (!Number.isInteger(value) || value < 1) throw new AwsError("InvalidArgument", "MaxItems must be a positive integer.");
  return value;
}

/**
 * One page of an account's rows in key (Id) order. CloudFront's NextMarker is the last Id
 * returned, and the next page starts strictly after it, so rows inserted between pages never
 * make a listing skip or repeat an existing row, and a deleted marker still works.
 */
export async function listPage<V>(
  tx: Transaction,
  table: string,
  account: string,
  marker: string | undefined,
  maxItems: number,
): Promise<{ items: V[]; nextMarker?: string }> {
  const prefix = `${account}/`;
  const rows = await tx.scan<V>(table, { prefix, after: marker ? prefix + marker : undefined, limit: maxItems + 1 });
  const page = rows.slice(0, maxItems);
  const nextMarker = rows.length > maxItems ? page[page.length - 1][0].slice(prefix.length) : undefined;
  return { items: page.map(([, v]) => v), nextMarker };
}

/** A "full" CloudFront list envelope (Marker echoed, IsTruncated, Quantity; no Items when empty). */
export function fullList<V, O>(marker: string | undefined, maxItems: number, page: { items: V[]; nextMarker?: string }, map: (v: V) => O) {
  return {
    Marker: marker ?? "",
    ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
    MaxItems: maxItems,
    IsTruncated: !!page.nextMarker,
    Quantity: page.items.length,
    ...(page.items.length ? { Items: page.items.map(map) } : {}),
  };
}

/** A "short" list envelope: NextMarker, MaxItems, Quantity, Items. */
export function shortList<V, O>(maxItems: number, page: { items: V[]; nextMarker?: string }, map: (v: V) => O) {
  return {
    ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
    MaxItems: maxItems,
    Quantity: page.items.length,
    ...(page.items.length ? { Items: page.items.map(map) } : {}),
  };
}

/** InvalidArgument unless `value` is one of `allowed`. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], member: string): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new AwsError("InvalidArgument", `${member} must be one of: ${allowed.join(", ")}.`);
  }
  return value as T;
}

export const missingBody = () =>
  new AwsError("MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.");
