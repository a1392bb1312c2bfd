import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";
import { key, listPage } from "./model.js";

/**
 * "In use" references between CloudFront resources, declared once: a holder (a distribution, a
 * tenant, a function) names the resources its config points at, as `kind/id` strings. One
 * table holds `acct/kind/target/holder -> holder`, so the same rows block a delete of the
 * target (each kind's declared error below) and answer the ListDistributionsByX queries, one
 * prefix scan each.
 */
export type RefKind =
  | "key-group"
  | "cache-policy"
  | "origin-request-policy"
  | "response-headers-policy"
  | "origin-access-control"
  | "origin-access-identity"
  | "function"
  | "key-value-store"
  | "anycast-ip-list"
  | "web-acl"
  | "realtime-log-config"
  | "connection-group"
  | "distribution"
  | "field-level-encryption"
  | "field-level-encryption-profile"
  | "vpc-origin"
  | "continuous-deployment-policy"
  | "connection-function"
  | "trust-store";

const TABLE = "cloudfront.references";

export const ref = (kind: RefKind, id: string) => `${kind}\n${id}`;
const split = (r: string) => r.split("\n") as [RefKind, string];

/** The error a delete of a referenced resource answers, by kind (CloudFront's error lists). */
const inUse: Record<RefKind, (id: string, users: number) => AwsError> = {
  "key-group": () => new AwsError("ResourceInUse", "Cannot delete this resource because it is in use."),
  "cache-policy": () => new AwsError("CachePolicyInUse", "Cannot delete the cache policy because it is attached to one or more cache behaviors."),
  "origin-request-policy": () =>
    new AwsError("OriginRequestPolicyInUse", "Cannot delete the origin request policy because it is attached to one or more cache behaviors."),
  "response-headers-policy": () =>
    new AwsError("ResponseHeadersPolicyInUse", "Cannot delete the response headers policy because it is attached to one or more cache behaviors."),
  "origin-access-control": () => new AwsError("OriginAccessControlInUse", "Cannot delete the origin access control because it's in use by one or more distributions."),
  "origin-access-identity": () =>
    new AwsError("CloudFrontOriginAccessIdentityInUse", "The Origin Access Identity specified is still associated with one or more distributions."),
  function: (id, n) => new AwsError("FunctionInUse", `Cannot delete function ${id}, it is in use by ${n} distributions`),
  "key-value-store": (id) => new AwsError("CannotDeleteEntityWhileInUse", `The key value store ${id} is associated with one or more functions.`),
  "anycast-ip-list": (id) =>
    new AwsError("CannotDeleteEntityWhileInUse", `The Anycast static IP list ${id} is used by one or more distributions. Remove it from them before deleting it.`),
  "web-acl": () => new AwsError("ResourceInUse", "Cannot delete this resource because it is in use."),
  "realtime-log-config": () => new AwsError("RealtimeLogConfigInUse", "Cannot delete the real-time log configuration because it is attached to one or more cache behaviors."),
  "connection-group": (id) => new AwsError("CannotDeleteEntityWhileInUse", `The connection group ${id} is used by one or more distribution tenants.`),
  distribution: () => new AwsError("ResourceInUse", "The distribution has distribution tenants: delete them before deleting the distribution."),
  "field-level-encryption": () =>
    new AwsError("FieldLevelEncryptionConfigInUse", "The specified configuration for field-level encryption is in use.", 409),
  "field-level-encryption-profile": () =>
    new AwsError("FieldLevelEncryptionProfileInUse", "The specified profile for field-level encryption is in use.", 409),
  "vpc-origin": (id) => new AwsError("CannotDeleteEntityWhileInUse", `The VPC origin ${id} is used by one or more distributions.`, 409),
  "continuous-deployment-policy": () =>
    new AwsError("ContinuousDeploymentPolicyInUse", "You cannot delete a continuous deployment policy that is associated with a primary distribution.", 409),
  "connection-function": (id) => new AwsError("CannotDeleteEntityWhileInUse", `The connection function ${id} is associated with one or more distributions.`),
  "trust-store": (id) => new AwsError("CannotDeleteEntityWhileInUse", `The trust store ${id} is used by one or more distributions.`),
};

/** Replaces a holder's references `before` by `after` (both as returned by `ref`). */
export async function setReferences(tx: Transaction, account: string, holder: string, before: string[], after: string[]): Promise<void> {
  const old = new Set(before);
  const now = new Set(after);
  for (const r of old) if (!now.has(r)) await tx.delete(TABLE, key(account, ...split(r), holder));
  for (const r of now) if (!old.has(r)) await tx.put(TABLE, key(account, ...split(r), holder), holder);
}

/** How many holders reference the resource. */
export const users = (tx: Transaction, account: string, kind: RefKind, id: string) => tx.count(TABLE, key(account, kind, id, ""));

/** Throws the kind's in-use error when anything references the resource. */
export async function refuseInUse(tx: Transaction, account: string, kind: RefKind, id: string): Promise<void> {
  const n = await users(tx, account, kind, id);
  if (n) throw inUse[kind](id, n);
}

/** One page of the holders of a resource, in holder id order (NextMarker: the last holder). */
export const usersPage = (tx: Transaction, account: string, kind: RefKind, id: string, marker: string | undefined, maxItems: number) =>
  listPage<string>(tx, TABLE, key(account, kind, id), marker, maxItems);
