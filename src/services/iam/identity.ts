import type { PolicySource } from "../../core/auth/policy.js";
import type { Credential, IdentitySource, Principal } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { recordKeyUse, resolveAccessKey } from "./accessKeys.js";
import { type AccessKeyRecord, type Attachment, childKey, type InlinePolicy, type Membership, nameKey, T, type UserRecord } from "./model.js";
import { findPolicy } from "./policies.js";
import { findRole } from "./roles.js";
import { parseIdentityPolicy, readStoredPolicy } from "./policyDocument.js";

/**
 * What IAM lends the core for `--auth signature|iam`: the secret and status of the keys it
 * issued, and the identity-based policies of a user. Read at each request, so a change
 * (a key deactivated, a policy detached) applies to the next one.
 */

const MANY = 10_000;

const versionOf = (document: string): unknown => {
  try {
    return (JSON.parse(document) as { Version?: unknown } | null)?.Version;
  } catch {
    return undefined;
  }
};

/**
 * A document given in the request (simulator inputs, session policies), checked with IAM's
 * grammar: a bad one answers MalformedPolicyDocument.
 */
export function policySource(id: string, type: PolicySource["type"], document: string): PolicySource {
  return { id, type, statements: parseIdentityPolicy(document), variables: versionOf(document) === "2012-10-17" };
}

/** A stored document as the evaluator wants it, read leniently: it was checked when written, maybe by older rules. */
export function storedSource(id: string, type: PolicySource["type"], document: string): PolicySource {
  return { id, type, statements: readStoredPolicy(document), variables: versionOf(document) === "2012-10-17" };
}

async function managed(tx: Transaction, account: string, attachments: Array<[string, Attachment]>): Promise<PolicySource[]> {
  const out: PolicySource[] = [];
  for (const [, a] of attachments) {
    const policy = await findPolicy(tx, account, a.PolicyArn);
    if (policy) out.push(storedSource(policy.Arn, "managed", policy.PolicyDocument));
  }
  return out;
}

/** A group's inline and attached policies. */
export async function groupPolicies(tx: Transaction, account: string, groupId: string): Promise<PolicySource[]> {
  const under = childKey(account, groupId);
  const sources: PolicySource[] = [];
  for (const [, p] of await tx.scan<InlinePolicy>(T.groupPolicies, { prefix: under, limit: MANY })) {
    sources.push(storedSource(p.PolicyName, "group", p.PolicyDocument));
  }
  sources.push(...(await managed(tx, account, await tx.scan<Attachment>(T.groupAttached, { prefix: under, limit: MANY }))));
  return sources;
}

/** The user's inline and attached policies, then those of each of its groups. */
export async function userPolicies(tx: Transaction, account: string, userId: string): Promise<PolicySource[]> {
  const under = childKey(account, userId);
  const sources: PolicySource[] = [];
  for (const [, p] of await tx.scan<InlinePolicy>(T.userPolicies, { prefix: under, limit: MANY })) {
    sources.push(storedSource(p.PolicyName, "user", p.PolicyDocument));
  }
  sources.push(...(await managed(tx, account, await tx.scan<Attachment>(T.userAttached, { prefix: under, limit: MANY }))));
  for (const [, m] of await tx.scan<Membership>(T.userGroups, { prefix: under, limit: MANY })) {
    sources.push(...(await groupPolicies(tx, account, m.GroupId)));
  }
  return sources;
}

/** The role of an assumed-role session, if it still exists as the same role (a role recreated under its name is another). */
async function sessionRole(tx: Transaction, principal: Principal) {
  const source = principal.session;
  if (!source) return undefined;
  const role = await findRole(tx, principal.account, source.sourceArn);
  return role?.RoleId === source.sourceId ? role : undefined;
}

/** A user principal's record, read by its name (the principal carries both). */
async function userById(tx: Transaction, principal: Principal): Promise<UserRecord | undefined> {
  if (!principal.userName) return undefined;
  const user = await tx.get<UserRecord>(T.users, nameKey(principal.account, principal.userName));
  return user?.UserId === principal.userId ? user : undefined;
}

export const identity: IdentitySource = {
  async accessKey(tx, accessKeyId): Promise<Credential | undefined> {
    const key = await tx.get<AccessKeyRecord>(T.accessKeyIndex, accessKeyId);
    if (!key) return undefined;
    const principal = await resolveAccessKey(tx, accessKeyId);
    return principal && { principal, secretAccessKey: key.SecretAccessKey, active: key.Status === "Active" };
  },

  async policies(tx, principal: Principal) {
    if (principal.type === "user") return userPolicies(tx, principal.account, principal.userId);
    // A federated user (GetFederationToken) has the policies of the user that asked, capped by its session policies.
    const source = principal.session;
    if (principal.type === "federated-user" && source?.sourceId.startsWith("AIDA")) return userPolicies(tx, principal.account, source.sourceId);
    if (principal.type === "assumed-role" && source) {
      const role = await sessionRole(tx, principal);
      if (!role) return [];
      return [
        ...role.inlinePolicies.map((p) => storedSource(p.PolicyName, "role", p.PolicyDocument)),
        ...role.attachedPolicies.map((a) => storedSource(a.PolicyArn, "managed", a.PolicyDocument)),
      ];
    }
    return [];
  },

  /** The boundary of a user, or of the session's role. */
  async boundary(tx, principal: Principal) {
    let arn: string | undefined;
    if (principal.type === "user") arn = (await userById(tx, principal))?.PermissionsBoundary;
    else if (principal.type === "assumed-role") arn = (await sessionRole(tx, principal))?.PermissionsBoundary;
    if (!arn) return undefined;
    const policy = await findPolicy(tx, principal.account, arn);
    return policy && storedSource(policy.Arn, "boundary", policy.PolicyDocument);
  },

  used: recordKeyUse,
};

/**
 * Session policies as STS receives them (AssumeRole*, GetFederationToken `Policy` and
 * `PolicyArns`): checked with IAM's grammar (MalformedPolicyDocument), managed ones read now;
 * the session keeps these snapshots. Undefined for an ARN that names no policy.
 */
export function sessionPolicy(document: string): PolicySource {
  return { ...policySource("SessionPolicy", "session", document) };
}

export async function managedSessionPolicy(tx: Transaction, account: string, arn: string): Promise<PolicySource | undefined> {
  let policy;
  try {
    policy = await findPolicy(tx, account, arn);
  } catch {
    return undefined;
  }
  return policy && { ...storedSource(policy.Arn, "session", policy.PolicyDocument) };
}
