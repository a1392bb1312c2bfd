import { AwsError } from "../../core/errors.js";
import { randomString, UPPER_ALNUM } from "../../core/ids.js";
import type { RequestContext } from "../../core/service.js";

/**
 * CloudFront's optimistic concurrency, shared by every versioned resource (public keys, key
 * groups, connection groups, anycast IP lists, ...). A record carries its current ETag; every
 * mutation issues a new one, reads never do. Updates and deletes name the version they saw in
 * `If-Match`; the check and the write run in one store transaction, so of several requests
 * racing with the same If-Match exactly one wins.
 */
export interface Versioned {
  ETag: string;
}

/** `E` + 13 of `[A-Z0-9]`, e.g. `E2QWRUHEXAMPLE`. */
export const newETag = () => "E" + randomString(UPPER_ALNUM, 13);

/** A record with a fresh version: call on every create and every mutation. */
export const nextVersion = <T extends object>(record: T): T & Versioned => ({ ...record, ETag: newETag() });

/**
 * Throws unless `ifMatch` names the record's current version: InvalidIfMatchVersion (400) when
 * the header is missing, PreconditionFailed (412) when it names another version.
 */
export function checkIfMatch(record: Versioned, ifMatch: string | undefined): void {
  const sent = ifMatch?.trim();
  if (!sent) throw new AwsError("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.", 400);
  // Some clients quote entity tags; CloudFront's are sent raw, accept both.
  if (sent.replace(/^"(.*)"$/, "$1") !== record.ETag) {
    throw new AwsError("PreconditionFailed", "The request failed because it didn't meet the preconditions in one or more request-header fields.", 412);
  }
}

/**
 * Resources CloudFront propagates to its edge (connection groups, anycast IP lists) are
 * `InProgress` (or `Deploying`) after every change, then `Deployed`. No timer flips the status:
 * each change stores when it will be deployed (now + `cloudfrontDeployDelayMs`), and reads
 * compare that with their own clock, so the status is the same from any process, after a
 * restart and in a snapshot. A change that is not yet deployed keeps its ETag when it lands.
 */
export interface Deployable extends Versioned {
  /** ISO time from which the current version reads as deployed. */
  DeployedAt: string;
}

/** A record with a fresh version whose deployment starts now: call on every create and change. */
export function nextDeployment<T extends object>(record: T, ctx: RequestContext): T & Deployable {
  const delay = ctx.config.cloudfrontDeployDelayMs ?? 0;
  return { ...nextVersion(record), DeployedAt: new Date(ctx.now.getTime() + delay).toISOString() };
}

/** Whether the record's latest change has finished deploying at the request's time. */
export const isDeployed = (record: Deployable, ctx: RequestContext) => ctx.now.getTime() >= Date.parse(record.DeployedAt);

/** The status word of a deployable record at the request's time (`InProgress`/`Deployed` unless named). */
export const deployStatus = (record: Deployable, ctx: RequestContext, pending = "InProgress", done = "Deployed") =>
  isDeployed(record, ctx) ? done : pending;

/** A fixed version for resources AWS defines (managed policies): the same in every account and every read. */
export function stableETag(seed: string): string {
  let h = 2166136261;
  let out = "E";
  for (let i = 0; out.length < 14; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i % seed.length) ^ i, 16777619) >>> 0;
    out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[h % 36];
  }
  return out;
}
