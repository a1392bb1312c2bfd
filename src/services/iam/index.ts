/** IAM's front door: what the core and other services may use of it. */
import type { Transaction } from "../../core/store/store.js";
import { nameKey, T, type UserRecord } from "./model.js";

export { iam } from "./definition.js";

/** Read-only views for other services (QuickSight users and policy assignments): an IAM user by name, a managed policy by ARN. */
export { findPolicy } from "./policies.js";
export async function findIamUser(tx: Transaction, account: string, name: string): Promise<{ UserName: string; UserId: string; Path: string } | undefined> {
  const user = await tx.get<UserRecord>(T.users, nameKey(account, name));
  return user?.UserName === name ? user : undefined;
}

// The front door other services (STS) read roles through.
export { findRole, recordRoleUse, type RoleView } from "./roles.js";

// For STS: MFA codes (GetSessionToken, AssumeRole with SerialNumber), identity providers (AssumeRoleWithWebIdentity/WithSAML).
export { checkMfaCode } from "./mfa.js";
export { findOidcProvider } from "./oidcProviders.js";
export { findSamlProvider } from "./samlProviders.js";
export { outboundFederation } from "./account.js";
