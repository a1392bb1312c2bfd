import type { ResourcePermission, Tag as SdkTag } from "@aws-sdk/client-quicksight";
import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { Validator } from "../../core/validation.js";

/**
 * QuickSight's tables. The subscription and the identity side (namespaces, users, groups,
 * assignments) live in the identity region only, so their keys start with the account alone;
 * assets are regional, their keys start with account and region.
 */
export const T = {
  keyRegistrations: "quicksight.keyRegistrations", // acct/region -> Registration
  subscriptions: "quicksight.subscriptions", //       acct -> Subscription
  ipRestrictions: "quicksight.ipRestrictions", //     acct -> IpRestriction
  customizations: "quicksight.customizations", //     acct/region/namespace ("" for the account) -> Customization
  namespaces: "quicksight.namespaces", //             acct/name -> NamespaceRecord
  users: "quicksight.users", //                       acct/ns/userName -> UserRecord
  principals: "quicksight.principals", //             acct/principalId -> {Namespace, UserName}
  groups: "quicksight.groups", //                     acct/ns/groupName -> GroupRecord
  groupMembers: "quicksight.groupMembers", //         acct/ns/group\nuser -> Membership
  userGroups: "quicksight.userGroups", //             acct/ns/user\ngroup -> Membership
  assignments: "quicksight.assignments", //           acct/ns/name -> AssignmentRecord
  dataSources: "quicksight.dataSources", //           acct/region/id -> asset records (one table per kind)
  dataSets: "quicksight.dataSets",
  analyses: "quicksight.analyses",
  dashboards: "quicksight.dashboards",
  templates: "quicksight.templates",
  themes: "quicksight.themes",
  folders: "quicksight.folders",
  aliases: "quicksight.aliases", //                   acct/region/kind/id/alias -> AliasRecord
  folderMembers: "quicksight.folderMembers", //       acct/region/folderId\nmemberArn -> FolderMemberRecord
  memberFolders: "quicksight.memberFolders", //       acct/region/memberArn\nfolderId -> folder ARN
  ingestions: "quicksight.ingestions", //             acct/region/dataSetId\ningestionId -> IngestionRecord
} as const;

export type Tag = SdkTag;
export type Permission = ResourcePermission;

/** QuickSight's validation error for bad members. */
export const quicksightValidator = () => new Validator("InvalidParameterValueException");

export const invalid = (message: string) => new AwsError("InvalidParameterValueException", message);
export const notFound = (message: string, ResourceType?: string) =>
  new AwsError("ResourceNotFoundException", message, undefined, ResourceType ? { ResourceType } : {});
export const exists = (message: string, ResourceType?: string) =>
  new AwsError("ResourceExistsException", message, undefined, ResourceType ? { ResourceType } : {});
export const conflict = (message: string) => new AwsError("ConflictException", message);
export const limit = (message: string, ResourceType?: string) =>
  new AwsError("LimitExceededException", message, undefined, ResourceType ? { ResourceType } : {});

/**
 * Every QuickSight operation names the account in its URI: it must be 12 digits
 * (InvalidParameterValueException) and the caller's own (AccessDeniedException, 401).
 */
export function requireOwnAccount(ctx: RequestContext, accountId: string | undefined) {
  quicksightValidator().pattern(accountId, "AwsAccountId", /^[0-9]{12}$/, "^[0-9]{12}$").length(accountId, "AwsAccountId", 12, 12).check();
  if (accountId !== ctx.account) {
    throw new AwsError(
      "AccessDeniedException",
      `User: ${ctx.principal.arn} is not authorized to perform this operation on account ${accountId}: the account in the URI must be the caller's account.`,
    );
  }
}

// ---- Subscription gates -------------------------------------------------------------------

export type Edition = "STANDARD" | "ENTERPRISE" | "ENTERPRISE_AND_Q";

export interface Subscription {
  AccountName: string;
  Edition: Edition;
  AuthenticationMethod: string;
  NotificationEmail: string;
  IAMIdentityCenterInstanceArn?: string;
  /** The region CreateAccountSubscription was signed for: users, groups and settings live there. */
  IdentityRegion: string;
  DirectoryId: string;
  CreatedAt: string;
  /** From this instant the subscription reads ACCOUNT_CREATED. */
  ReadyAt: string;
  DefaultNamespace: string;
  PublicSharingEnabled: boolean;
  TerminationProtectionEnabled: boolean;
}

export const getSubscription = (tx: Transaction, account: string) => tx.get<Subscription>(T.subscriptions, account);

function identityRegionCheck(ctx: RequestContext, sub: Subscription) {
  if (ctx.region !== sub.IdentityRegion) {
    throw new AwsError(
      "AccessDeniedException",
      `Operation is being called from endpoint ${ctx.region}, but your identity region is ${sub.IdentityRegion}. Please use the ${sub.IdentityRegion} endpoint.`,
    );
  }
}

/** Account-level operations (settings, customizations, IP rules): in the identity region of a subscribed account. */
export async function requireAccount(tx: Transaction, ctx: RequestContext, accountId: string | undefined, identityRegion = true): Promise<Subscription> {
  requireOwnAccount(ctx, accountId);
  const sub = await getSubscription(tx, ctx.account);
  if (!sub) throw notFound(`Account information for account ${ctx.account} is not found.`, "ACCOUNT_SETTINGS");
  if (identityRegion) identityRegionCheck(ctx, sub);
  return sub;
}

/** Namespaces, users, groups, memberships and assignments: subscribed, identity region. */
export async function requireIdentityStore(tx: Transaction, ctx: RequestContext, accountId: string | undefined): Promise<Subscription> {
  requireOwnAccount(ctx, accountId);
  const sub = await getSubscription(tx, ctx.account);
  if (!sub) throw notFound(`Account ${ctx.account} is not signed up with QuickSight with namespace default.`, "ACCOUNT_SETTINGS");
  identityRegionCheck(ctx, sub);
  return sub;
}

/** Assets (data sources, data sets, analyses, ...): any region of a subscribed account. */
export async function requireAssets(tx: Transaction, ctx: RequestContext, accountId: string | undefined, enterpriseOnly = false): Promise<Subscription> {
  requireOwnAccount(ctx, accountId);
  const sub = await getSubscription(tx, ctx.account);
  if (!sub) throw new AwsError("UnsupportedUserEditionException", `Account ${ctx.account} is not subscribed for QuickSight`);
  if (enterpriseOnly) requireEnterprise(sub, ctx);
  return sub;
}

export function requireEnterprise(sub: Subscription, ctx: RequestContext) {
  if (sub.Edition === "STANDARD") {
    throw new AwsError("UnsupportedUserEditionException", `Operation ${ctx.operation} is disabled for STANDARD Edition. Upgrade account ${ctx.account} to Enterprise Edition.`);
  }
}

// ---- ARNs ----------------------------------------------------------------------------------

export const arnOf = (region: string, account: string, resource: string) => `arn:aws:quicksight:${region}:${account}:${resource}`;

const ARN = /^arn:aws[\w-]*:quicksight:([a-z0-9-]*):(\d{12}|aws):([a-z-]+)\/(.+)$/;

/** `{region, account, type, rest}` of a QuickSight ARN, or undefined. */
export function parseArn(arn: string | undefined) {
  const m = arn ? ARN.exec(arn) : null;
  return m ? { region: m[1], account: m[2], type: m[3], rest: m[4] } : undefined;
}

// ---- Time and status -----------------------------------------------------------------------

/** An instant `ctx.config.quicksightDelayMs` after the request: when an in-progress change reads as done. */
export const settlesAt = (ctx: RequestContext) => new Date(ctx.now.getTime() + (ctx.config.quicksightDelayMs ?? 0)).toISOString();
export const settled = (at: string | undefined, ctx: RequestContext) => !at || ctx.now.getTime() >= Date.parse(at);

export type Phase = "CREATION" | "UPDATE";

/** The asset status fields: a phase and when it settles, so Describe derives IN_PROGRESS or SUCCESSFUL from the clock. */
export interface Progress {
  Phase: Phase;
  SettlesAt: string;
}

export const progress = (Phase: Phase, ctx: RequestContext): Progress => ({ Phase, SettlesAt: settlesAt(ctx) });
export const statusOf = (p: Progress, ctx: RequestContext) =>
  `${p.Phase}_${settled(p.SettlesAt, ctx) ? "SUCCESSFUL" : "IN_PROGRESS"}` as
    | "CREATION_SUCCESSFUL"
    | "CREATION_IN_PROGRESS"
    | "UPDATE_SUCCESSFUL"
    | "UPDATE_IN_PROGRESS";
export const inProgress = (p: Phase) => `${p}_IN_PROGRESS` as "CREATION_IN_PROGRESS" | "UPDATE_IN_PROGRESS";

export const date = (iso: string | undefined) => (iso ? new Date(iso) : undefined);

// ---- Pagination ----------------------------------------------------------------------------

/** Operations whose error list has InvalidNextTokenException; the others answer InvalidParameterValueException. */
const NEXT_TOKEN_OPS = new Set([
  "ListNamespaces", "ListUsers", "ListGroups", "ListGroupMemberships", "SearchGroups", "ListDataSources", "ListDataSets", "ListAnalyses",
  "ListDashboards", "ListDashboardVersions", "ListTemplates", "ListTemplateVersions", "ListTemplateAliases", "ListThemes", "ListThemeVersions",
  "ListThemeAliases", "ListFolders", "ListFolderMembers", "ListFoldersForResource", "DescribeFolderPermissions", "ListIAMPolicyAssignments",
]);

export const badToken = (ctx: RequestContext) =>
  new AwsError(NEXT_TOKEN_OPS.has(ctx.operation) ? "InvalidNextTokenException" : "InvalidParameterValueException", "The NextToken value isn't valid.");

export function maxResults(value: number | undefined): number {
  quicksightValidator().range(value, "MaxResults", 1, 100).check();
  return value ?? 100;
}

/** One page of the rows of `table` under `prefix` (key order), QuickSight's NextToken/MaxResults. */
export async function pageOf<V>(
  tx: Transaction,
  ctx: RequestContext,
  table: string,
  prefix: string,
  input: { NextToken?: string; MaxResults?: number },
  filter?: (v: V) => boolean,
): Promise<{ items: V[]; NextToken?: string }> {
  const max = maxResults(input.MaxResults);
  const tag = `${table}\n${prefix}`;
  let after: string | undefined;
  if (input.NextToken !== undefined) {
    const [t, p, key] = decode(input.NextToken);
    if (`${t}\n${p}` !== tag || key === undefined || !key.startsWith(prefix)) throw badToken(ctx);
    after = key;
  }
  const items: V[] = [];
  let last: string | undefined;
  for (;;) {
    const rows = await tx.scan<V>(table, { prefix, after, limit: 200 });
    for (const [key, value] of rows) {
      if (filter && !filter(value)) continue;
      if (items.length === max) return { items, NextToken: encode([table, prefix, last!]) };
      items.push(value);
      last = key;
    }
    if (rows.length < 200) return { items };
    after = rows[rows.length - 1][0];
  }
}

/** A page of an in-memory list (versions, permissions): the token is the offset, bound to the listing. */
export function pageArray<V>(ctx: RequestContext, scope: string, all: V[], input: { NextToken?: string; MaxResults?: number }) {
  const max = maxResults(input.MaxResults);
  let start = 0;
  if (input.NextToken !== undefined) {
    const [s, n] = decode(input.NextToken);
    start = Number(n);
    if (s !== scope || !Number.isInteger(start) || start < 0 || start > all.length) throw badToken(ctx);
  }
  const items = all.slice(start, start + max);
  return { items, NextToken: start + max < all.length ? encode([scope, String(start + max)]) : undefined };
}

const encode = (parts: string[]) => Buffer.from(parts.join("\u0000")).toString("base64url");
const decode = (token: string) => Buffer.from(token, "base64url").toString("utf8").split("\u0000");

/** Deletes every row of `table` under `prefix`. */
export async function deleteAll(tx: Transaction, table: string, prefix: string) {
  for (;;) {
    const rows = await tx.scan(table, { prefix, limit: 500 });
    for (const [key] of rows) await tx.delete(table, key);
    if (rows.length < 500) return;
  }
}

/** Every row of `table` under `prefix`. */
export async function scanAll<V>(tx: Transaction, table: string, prefix: string): Promise<Array<[string, V]>> {
  const out: Array<[string, V]> = [];
  let after: string | undefined;
  for (;;) {
    const rows = await tx.scan<V>(table, { prefix, after, limit: 500 });
    out.push(...rows);
    if (rows.length < 500) return out;
    after = rows[rows.length - 1][0];
  }
}

/** Drops undefined members, so a stored record keeps only what the caller sent. */
export const compact = <O extends object>(o: O): O => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as O;

/**
 * Asset records are plain JSON in every store, but definitions and parameters may hold
 * timestamps (the SDK's Date values): they are stored as `{"$date": iso}` and revived on read,
 * so a definition comes back with the same types it was sent with, from memory or SQLite.
 */
export function freeze(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(freeze);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freeze(v)]));
  return value;
}

export function thaw<V>(value: V): V {
  if (Array.isArray(value)) return value.map(thaw) as V;
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "$date" && typeof entries[0][1] === "string") return new Date(entries[0][1]) as V;
    return Object.fromEntries(entries.map(([k, v]) => [k, thaw(v)])) as V;
  }
  return value;
}
