import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { getSubscription, invalid, parseArn, settled, T, type Permission } from "./model.js";

/**
 * ResourcePermission lists, shared by every asset kind: validated on create and on
 * Update*Permissions, where grants merge into a principal's action set and revokes remove
 * actions (a principal left with none goes). The whole change is checked before anything
 * applies, so one bad entry changes nothing.
 */

const q = (names: string[]) => names.map((n) => `quicksight:${n}`);

/** The owner action sets of the QuickSight Developer Guide; any subset is valid. */
export const ACTIONS = {
  datasource: q(["DescribeDataSource", "DescribeDataSourcePermissions", "PassDataSource", "UpdateDataSource", "DeleteDataSource", "UpdateDataSourcePermissions"]),
  dataset: q([
    "DescribeDataSet", "DescribeDataSetPermissions", "PassDataSet", "DescribeIngestion", "ListIngestions", "UpdateDataSet", "DeleteDataSet",
    "CreateIngestion", "CancelIngestion", "UpdateDataSetPermissions",
  ]),
  analysis: q(["RestoreAnalysis", "UpdateAnalysisPermissions", "DeleteAnalysis", "DescribeAnalysisPermissions", "QueryAnalysis", "DescribeAnalysis", "UpdateAnalysis"]),
  dashboard: q([
    "DescribeDashboard", "ListDashboardVersions", "UpdateDashboardPermissions", "QueryDashboard", "UpdateDashboard", "DeleteDashboard",
    "DescribeDashboardPermissions", "UpdateDashboardPublishedVersion",
  ]),
  template: q([
    "DescribeTemplate", "UpdateTemplate", "DeleteTemplate", "UpdateTemplatePermissions", "DescribeTemplatePermissions", "UpdateTemplateAlias",
    "DeleteTemplateAlias", "DescribeTemplateAlias", "ListTemplateAliases", "ListTemplateVersions", "CreateTemplateAlias",
  ]),
  theme: q([
    "DescribeTheme", "UpdateTheme", "DeleteTheme", "UpdateThemePermissions", "DescribeThemePermissions", "DescribeThemeAlias", "UpdateThemeAlias",
    "DeleteThemeAlias", "ListThemeAliases", "ListThemeVersions", "CreateThemeAlias",
  ]),
  folder: q([
    "CreateFolder", "DescribeFolder", "UpdateFolder", "DeleteFolder", "CreateFolderMembership", "DeleteFolderMembership", "DescribeFolderPermissions",
    "UpdateFolderPermissions",
  ]),
} as const;

export type PermissionKind = keyof typeof ACTIONS;

const PRINCIPAL = /^arn:aws[\w-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group|namespace)\/.+$/;
const ACCOUNT_ROOT = /^arn:aws[\w-]*:iam::\d{12}:root$/;

/** Checks one list of permissions (entry count, principal ARN, 1–20 known actions). */
export function validatePermissions(kind: PermissionKind, list: Permission[] | undefined, member: string, min: number, max: number) {
  if (list === undefined) return;
  if (list.length < min || list.length > max) throw invalid(`${member} must have between ${min} and ${max} entries; it has ${list.length}.`);
  const allowed: readonly string[] = ACTIONS[kind];
  for (const p of list) {
    const principal = p.Principal ?? "";
    if (principal.length < 1 || principal.length > 256) throw invalid(`Principal '${principal}' in ${member} must be 1 to 256 characters long.`);
    const crossAccount = (kind === "template" || kind === "theme") && ACCOUNT_ROOT.test(principal);
    if (!PRINCIPAL.test(principal) && !crossAccount) {
      throw invalid(`Principal '${principal}' in ${member} is not a valid QuickSight user, group or namespace ARN.`);
    }
    const actions = p.Actions ?? [];
    if (actions.length < 1 || actions.length > 20) throw invalid(`Actions of principal ${principal} in ${member} must have between 1 and 20 entries.`);
    const bad = actions.find((a) => !allowed.includes(a));
    if (bad) throw invalid(`Action '${bad}' in ${member} is not valid for a ${kind} resource.`);
  }
}

/** Merges a principal's repeated entries into one entry with the union of its actions. */
export function normalize(list: Permission[] | undefined): Permission[] {
  return apply([], list, undefined);
}

/** Grants then revokes, on a copy. */
export function apply(current: Permission[], grants: Permission[] | undefined, revokes: Permission[] | undefined): Permission[] {
  const byPrincipal = new Map<string, Set<string>>();
  for (const p of current) byPrincipal.set(p.Principal!, new Set(p.Actions));
  for (const p of grants ?? []) {
    const set = byPrincipal.get(p.Principal!) ?? new Set<string>();
    for (const a of p.Actions ?? []) set.add(a);
    byPrincipal.set(p.Principal!, set);
  }
  for (const p of revokes ?? []) {
    const set = byPrincipal.get(p.Principal!);
    if (!set) continue;
    for (const a of p.Actions ?? []) set.delete(a);
    if (!set.size) byPrincipal.delete(p.Principal!);
  }
  return [...byPrincipal].map(([Principal, actions]) => ({ Principal, Actions: [...actions] }));
}

/** Validates an Update*Permissions request (both lists) and returns the resulting list. */
export function update(
  kind: PermissionKind,
  current: Permission[],
  input: { GrantPermissions?: Permission[]; RevokePermissions?: Permission[] },
  min: number,
  max: number,
): Permission[] {
  validatePermissions(kind, input.GrantPermissions, "GrantPermissions", min, max);
  validatePermissions(kind, input.RevokePermissions, "RevokePermissions", min, max);
  return apply(current, input.GrantPermissions, input.RevokePermissions);
}

/**
 * Granted principals must exist: a user, group or namespace of the caller's account in its
 * identity region (or, for templates and themes, an account root). Revokes are not checked, so
 * an entry left by a deleted group can still be revoked.
 */
export async function checkPrincipalsExist(tx: Transaction, ctx: RequestContext, list: Permission[] | undefined) {
  if (!list?.length) return;
  const sub = await getSubscription(tx, ctx.account);
  for (const { Principal } of list) {
    if (ACCOUNT_ROOT.test(Principal ?? "")) continue;
    const arn = parseArn(Principal)!;
    const missing = () => invalid(`Principal ${Principal} does not exist: grant permissions to a user, group or namespace of account ${ctx.account}.`);
    if (arn.account !== ctx.account || arn.region !== sub?.IdentityRegion) throw missing();
    const table = arn.type === "user" ? T.users : arn.type === "group" ? T.groups : T.namespaces;
    const row = await tx.get<{ DeletingUntil?: string }>(table, `${ctx.account}/${arn.rest}`);
    if (!row || (arn.type === "namespace" && row.DeletingUntil && settled(row.DeletingUntil, ctx))) throw missing();
  }
}
