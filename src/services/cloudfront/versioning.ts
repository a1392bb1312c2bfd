import { AwsError } from "../../core/errors.js";
import { randomString, UPPER_ALNUM } from "../../core/ids.js";

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
