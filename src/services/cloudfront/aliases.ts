import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * Domain names served by CloudFront (distribution Aliases, tenant Domains) are unique across
 * every account: one global table, `domain (lowercase) -> owner`, checked and written in the
 * same transaction as the resource.
 */
const TABLE = "cloudfront.domains";

export interface DomainOwner {
  account: string;
  kind: "distribution" | "distribution-tenant";
  id: string;
}

const norm = (d: string) => d.toLowerCase();

export const domainOwner = (tx: Transaction, domain: string) => tx.get<DomainOwner>(TABLE, norm(domain));

/** Moves `owner`'s domains from `before` to `after`: CNAMEAlreadyExists (409) when another resource holds one. */
export async function claimDomains(tx: Transaction, owner: DomainOwner, before: string[], after: string[]): Promise<void> {
  const old = new Set(before.map(norm));
  for (const d of after.map(norm)) {
    if (old.has(d)) continue;
    const holder = await tx.get<DomainOwner>(TABLE, d);
    if (holder && !(holder.account === owner.account && holder.id === owner.id)) {
      throw new AwsError("CNAMEAlreadyExists", "One or more of the CNAMEs you provided are already associated with a different resource.", 409);
    }
  }
  const now = new Set(after.map(norm));
  for (const d of old) if (!now.has(d)) await tx.delete(TABLE, d);
  for (const d of now) if (!old.has(d)) await tx.put(TABLE, d, owner);
}
