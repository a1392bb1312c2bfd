import type { GetAccountAuthorizationDetailsRequest, GetAccountAuthorizationDetailsResponse } from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { awsManagedPolicy } from "./awsManagedPolicies.js";
import { groupArn, userArn } from "./ids.js";
import { profilesOfRole } from "./instanceProfiles.js";
import { type Attachment, childKey, type GroupRecord, type InlinePolicy, type Membership, type PolicyRecord, T, type UserRecord } from "./model.js";
import { policyVersions } from "./policies.js";
import { rfc3986 } from "./policyDocument.js";
import { roleArn, type RoleRecord } from "./roles.js";
import * as check from "./validation.js";
import { invalidMarker } from "./pages.js";

/**
 * GetAccountAuthorizationDetails: every user, group, role and managed policy with what grants
 * it permissions, documents URL-encoded. One page runs over the sections in order (users,
 * groups, roles, customer policies, attached AWS policies); the marker names the section and
 * the last key, so a page costs the same at any depth.
 */

type Filter = "User" | "Group" | "Role" | "LocalManagedPolicy" | "AWSManagedPolicy";
const FILTERS: Filter[] = ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"];
const MANY = 10_000;

const inline = async (tx: Transaction, table: string, account: string, id: string) =>
  (await tx.scan<InlinePolicy>(table, { prefix: childKey(account, id), limit: MANY })).map(([, p]) => ({ PolicyName: p.PolicyName, PolicyDocument: rfc3986(p.PolicyDocument) }));

const attached = async (tx: Transaction, table: string, account: string, id: string) =>
  (await tx.scan<Attachment>(table, { prefix: childKey(account, id), limit: MANY })).map(([, a]) => ({ PolicyName: a.PolicyName, PolicyArn: a.PolicyArn }));

const boundary = (arn: string | undefined) =>
  arn ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const, PermissionsBoundaryArn: arn } } : {};

function policyDetail(p: Omit<PolicyRecord, "AttachmentCount"> & { AttachmentCount: number }) {
  const defaultId = p.DefaultVersionId ?? "v1";
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: defaultId,
    AttachmentCount: p.AttachmentCount,
    PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount ?? 0,
    IsAttachable: true,
    ...(p.Description ? { Description: p.Description } : {}),
    CreateDate: new Date(p.CreateDate),
    UpdateDate: new Date(p.UpdateDate),
    PolicyVersionList: [...policyVersions(p)].reverse().map((v) => ({
      Document: rfc3986(v.Document),
      VersionId: v.VersionId,
      IsDefaultVersion: v.VersionId === defaultId,
      CreateDate: new Date(v.CreateDate),
    })),
  };
}

/** How each section reads one of its rows into its detail. */
const SECTIONS: Record<Filter, { table: string; member: "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies"; detail: (tx: Transaction, account: string, row: never) => Promise<unknown> }> = {
  User: {
    table: T.users,
    member: "UserDetailList",
    detail: async (tx, account, u: UserRecord) => ({
      Path: u.Path,
      UserName: u.UserName,
      UserId: u.UserId,
      Arn: userArn(account, u.Path, u.UserName),
      CreateDate: new Date(u.CreateDate),
      UserPolicyList: await inline(tx, T.userPolicies, account, u.UserId),
      GroupList: (await tx.scan<Membership>(T.userGroups, { prefix: childKey(account, u.UserId), limit: MANY })).map(([, m]) => m.GroupName),
      AttachedManagedPolicies: await attached(tx, T.userAttached, account, u.UserId),
      ...boundary(u.PermissionsBoundary),
      Tags: u.Tags ?? [],
    }),
  },
  Group: {
    table: T.groups,
    member: "GroupDetailList",
    detail: async (tx, account, g: GroupRecord) => ({
      Path: g.Path,
      GroupName: g.GroupName,
      GroupId: g.GroupId,
      Arn: groupArn(account, g.Path, g.GroupName),
      CreateDate: new Date(g.CreateDate),
      GroupPolicyList: await inline(tx, T.groupPolicies, account, g.GroupId),
      AttachedManagedPolicies: await attached(tx, T.groupAttached, account, g.GroupId),
    }),
  },
  Role: {
    table: T.roles,
    member: "RoleDetailList",
    detail: async (tx, account, r: RoleRecord) => ({
      Path: r.Path,
      RoleName: r.RoleName,
      RoleId: r.RoleId,
      Arn: roleArn(account, r.Path, r.RoleName),
      CreateDate: new Date(r.CreateDate),
      AssumeRolePolicyDocument: rfc3986(r.AssumeRolePolicyDocument),
      InstanceProfileList: await profilesOfRole(tx, account, r),
      RolePolicyList: await inline(tx, T.rolePolicies, account, r.RoleId),
      AttachedManagedPolicies: await attached(tx, T.roleAttached, account, r.RoleId),
      ...boundary(r.PermissionsBoundary),
      Tags: r.Tags ?? [],
      RoleLastUsed: r.RoleLastUsed ? { LastUsedDate: new Date(r.RoleLastUsed.LastUsedDate), Region: r.RoleLastUsed.Region } : {},
    }),
  },
  LocalManagedPolicy: {
    table: T.policies,
    member: "Policies",
    detail: async (_tx, _account, p: PolicyRecord) => policyDetail(p),
  },
  // Only the AWS managed policies this account attaches (a row per policy with its count); the
  // handler renders them from the row's key, the policy's ARN.
  AWSManagedPolicy: {
    table: T.awsPolicyAttachments,
    member: "Policies",
    detail: async (_tx, _account, count: number) => count,
  },
};

const marker = (section: number, key: string) => Buffer.from(JSON.stringify([section, key])).toString("base64url");

function readMarker(text: string): [number, string] {
  try {
    const [section, key] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof section === "number" && section >= 0 && section < FILTERS.length && typeof key === "string") return [section, key];
  } catch {
    // falls through
  }
  throw invalidMarker();
}

export const GetAccountAuthorizationDetails: Handler<GetAccountAuthorizationDetailsRequest, GetAccountAuthorizationDetailsResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  input.Filter?.forEach((f, i) => v.oneOf(f, `Filter.${i + 1}.member`, FILTERS));
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  const wanted = new Set<Filter>(input.Filter?.length ? (input.Filter as Filter[]) : FILTERS);
  const max = input.MaxItems ?? 100;
  const [start, resume] = input.Marker !== undefined ? readMarker(input.Marker) : [0, undefined];
  return ctx.transaction(async (tx) => {
    // Up to max + 1 rows across the sections: the extra one says whether the page is truncated.
    const picked: Array<{ s: number; key: string; row: unknown }> = [];
    for (let s = start; s < FILTERS.length && picked.length <= max; s++) {
      if (!wanted.has(FILTERS[s])) continue;
      let after = s === start ? resume : undefined;
      for (;;) {
        const want = max + 1 - picked.length;
        const rows = await tx.scan<unknown>(SECTIONS[FILTERS[s]].table, { prefix: `${ctx.account}/`, after, limit: want });
        for (const [key, row] of rows) {
          // AWS managed policies: only those attached, and that nubis knows.
          if (FILTERS[s] === "AWSManagedPolicy" && !((row as number) > 0 && (await awsManagedPolicy(key.slice(ctx.account.length + 1))))) continue;
          picked.push({ s, key, row });
        }
        if (rows.length < want || picked.length > max) break;
        after = rows[rows.length - 1][0];
      }
    }
    const page = picked.slice(0, max);
    const out: Record<string, unknown[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    for (const { s, key, row } of page) {
      const filter = FILTERS[s];
      if (filter === "AWSManagedPolicy") {
        out.Policies.push(policyDetail({ ...(await awsManagedPolicy(key.slice(ctx.account.length + 1)))!, AttachmentCount: row as number }));
      } else {
        out[SECTIONS[filter].member].push(await SECTIONS[filter].detail(tx, ctx.account, row as never));
      }
    }
    const last = page[page.length - 1];
    const truncated = picked.length > max;
    return { ...out, IsTruncated: truncated, ...(truncated ? { Marker: marker(last.s, last.key) } : {}) } as GetAccountAuthorizationDetailsResponse;
  });
};
