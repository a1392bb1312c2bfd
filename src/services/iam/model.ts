import { storedTime } from "../../core/timestamps.js";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";
import type { Tag } from "./validation.js";

/**
 * IAM's tables. Keys start with the account; names are keyed in lower case because IAM names
 * are unique regardless of case, and lists come back ordered by name.
 */
export const T = {
  groups: "iam.groups", //               acct/name           -> GroupRecord
  users: "iam.users", //                 acct/name           -> UserRecord
  groupMembers: "iam.groupMembers", //   acct/groupId/user   -> Membership
  userGroups: "iam.userGroups", //       acct/userId/group   -> Membership
  groupPolicies: "iam.groupPolicies", // acct/groupId/policyName -> InlinePolicy
  groupAttached: "iam.groupAttached", // acct/groupId/policyname policyArn -> Attachment
  userPolicies: "iam.userPolicies", //   acct/userId/policyName  -> InlinePolicy
  userAttached: "iam.userAttached", //   acct/userId/policyname policyArn -> Attachment
  policies: "iam.policies", //           acct/name           -> PolicyRecord
  accessKeys: "iam.accessKeys", //       acct/userId/keyId   -> AccessKeyRecord
  accessKeyIndex: "iam.accessKeyIndex", // keyId             -> AccessKeyRecord
  awsPolicyAttachments: "iam.awsPolicyAttachments", // acct/policyArn -> number of entities attaching it
  awsPolicyBoundaries: "iam.awsPolicyBoundaries", // acct/policyArn -> number of entities using it as a boundary
  // Roles and what hangs on them (roles.ts, rolePolicies.ts, instanceProfiles.ts).
  roles: "iam.roles", //                 acct/name           -> RoleRecord
  rolePolicies: "iam.rolePolicies", //   acct/roleId/policyName  -> InlinePolicy
  roleAttached: "iam.roleAttached", //   acct/roleId/policyname policyArn -> Attachment
  instanceProfiles: "iam.instanceProfiles", // acct/name     -> InstanceProfileRecord
  roleProfiles: "iam.roleProfiles", //   acct/roleId/profilename -> profile name
  slrDeletions: "iam.slrDeletions", //   acct/taskId         -> service-linked role deletion task
  // Who uses a managed policy (policyUsage.ts): acct/arn usage type id -> PolicyUse
  policyUses: "iam.policyUses",
  // User credentials (credentials.ts and the modules of each kind), by owner id.
  loginProfiles: "iam.loginProfiles", // acct/userId           -> LoginProfileRecord
  sshKeys: "iam.sshKeys", //             acct/userId/keyId     -> SshKeyRecord
  signingCerts: "iam.signingCerts", //   acct/userId/certId    -> SigningCertRecord
  serviceCreds: "iam.serviceCreds", //   acct/userId/credId    -> ServiceCredentialRecord
  userMfa: "iam.userMfa", //             acct/userId/serial    -> enabled MFA device of a user
  mfaDevices: "iam.mfaDevices", //       acct/path+name        -> VirtualMfaRecord
  accessKeyLastUsed: "iam.accessKeyLastUsed", // keyId         -> last use of a key
  serverCerts: "iam.serverCerts", //     acct/name             -> ServerCertRecord
  oidcProviders: "iam.oidcProviders", // acct/url              -> OidcProviderRecord
  samlProviders: "iam.samlProviders", // acct/name             -> SamlProviderRecord
  account: "iam.account", //             acct/{alias,passwordPolicy,credentialReport} -> account settings
  aliasIndex: "iam.aliasIndex", //       alias                 -> account (aliases are unique across accounts)
} as const;

export interface GroupRecord {
  GroupName: string;
  GroupId: string;
  Path: string;
  CreateDate: string;
}

export interface UserRecord {
  UserName: string;
  UserId: string;
  Path: string;
  CreateDate: string;
  Tags?: Tag[];
  PermissionsBoundary?: string;
}

/** A user in a group, stored twice (by group and by user) so both lists page from an index. */
export interface Membership {
  GroupId: string;
  GroupName: string;
  UserId: string;
  UserName: string;
}

export interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: string;
}

export interface Attachment {
  PolicyArn: string;
  PolicyName: string;
}

export interface PolicyRecord {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  PolicyDocument: string;
  AttachmentCount: number;
  /** Entities using the policy as their permissions boundary (absent: none). */
  PermissionsBoundaryUsageCount?: number;
  CreateDate: string;
  UpdateDate: string;
  Tags?: Tag[];
  /** Versions, newest last (absent: one version v1 holding PolicyDocument); PolicyDocument is the default's. */
  Versions?: PolicyVersionRecord[];
  DefaultVersionId?: string;
  /** Number of the next version: ids are never reused. */
  NextVersion?: number;
}

export interface PolicyVersionRecord {
  VersionId: string;
  Document: string;
  CreateDate: string;
}

export interface AccessKeyRecord {
  account: string;
  /** Absent for the account root's own keys. */
  UserName?: string;
  UserId?: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  Status: "Active" | "Inactive";
  CreateDate: string;
}

export const nameKey = (account: string, name: string) => `${account}/${name.toLowerCase()}`;
export const childKey = (account: string, parentId: string, child = "") => `${account}/${parentId}/${child}`;

export async function requireGroup(tx: Transaction, account: string, name: string): Promise<GroupRecord> {
  const group = await tx.get<GroupRecord>(T.groups, nameKey(account, name));
  // Case-insensitive lookup must not answer for a name spelled differently.
  if (!group || group.GroupName !== name) throw new AwsError("NoSuchEntity", `The group with name ${name} cannot be found.`);
  return group;
}

export async function requireUser(tx: Transaction, account: string, name: string): Promise<UserRecord> {
  const user = await tx.get<UserRecord>(T.users, nameKey(account, name));
  if (!user || user.UserName !== name) throw new AwsError("NoSuchEntity", `The user with name ${name} cannot be found.`);
  return user;
}

/** The `Group` of the SDK's output types, built from a record. */
export const groupOutput = (account: string, g: GroupRecord) => ({
  Path: g.Path,
  GroupName: g.GroupName,
  GroupId: g.GroupId,
  Arn: `arn:aws:iam::${account}:group${g.Path}${g.GroupName}`,
  CreateDate: storedTime(g.CreateDate),
});

export const userOutput = (account: string, u: UserRecord, withTags = false) => ({
  Path: u.Path,
  UserName: u.UserName,
  UserId: u.UserId,
  Arn: `arn:aws:iam::${account}:user${u.Path}${u.UserName}`,
  CreateDate: storedTime(u.CreateDate),
  // Lists carry neither the boundary nor the tags (spec iam-sts §2.2, §8).
  ...(withTags && u.PermissionsBoundary
    ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const, PermissionsBoundaryArn: u.PermissionsBoundary } }
    : {}),
  ...(withTags && u.Tags?.length ? { Tags: u.Tags } : {}),
});

export const limitExceeded = (quota: string, limit: number) =>
  new AwsError("LimitExceeded", `Cannot exceed quota for ${quota}: ${limit}`);

/** IAM list outputs: `IsTruncated` always, `Marker` only when truncated. */
export const listPage = <K extends string, V>(key: K, page: { items: V[]; next?: string }) =>
  ({ [key]: page.items, IsTruncated: page.next !== undefined, ...(page.next ? { Marker: page.next } : {}) }) as {
    [P in K]: V[];
  } & { IsTruncated: boolean; Marker?: string };

/** IAM writes timestamps to the second (`2012-05-09T16:27:03Z`). */
export const isoSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();

/** An IAM user by name, for other services (QuickSight users and policy assignments), through IAM's front door. */
export async function findIamUser(tx: Transaction, account: string, name: string): Promise<{ UserName: string; UserId: string; Path: string } | undefined> {
  const user = await tx.get<UserRecord>(T.users, nameKey(account, name));
  return user?.UserName === name ? user : undefined;
}
