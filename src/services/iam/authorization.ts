import type { Authorization, Authorizer, RequestContext } from "../../core/service.js";
import { groupArn, policyArn, userArn } from "./ids.js";
import { type GroupRecord, nameKey, T, type UserRecord } from "./model.js";
import { roleArn } from "./roles.js";

/**
 * Action and resource ARNs of each IAM operation, from the service authorization reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_identityandaccessmanagementiam.html).
 * Resources name the entity with its current path, read from the state; one that does not
 * exist is named with the path `/` (the operation then answers NoSuchEntity, if allowed).
 */

type In = Record<string, string | undefined>;

async function pathOf(ctx: RequestContext, table: string, name: string | undefined): Promise<string> {
  if (!name) return "/";
  const row = await ctx.transaction((tx) => tx.get<GroupRecord | UserRecord>(table, nameKey(ctx.account, name)));
  return row?.Path ?? "/";
}

const group = async (ctx: RequestContext, name: string | undefined) =>
  groupArn(ctx.account, await pathOf(ctx, T.groups, name), name ?? "");

export const user = async (ctx: RequestContext, name: string | undefined) =>
  userArn(ctx.account, await pathOf(ctx, T.users, name), name ?? "");

/** Without UserName, access key and GetUser calls act on the caller itself. */
export const selfOr = async (ctx: RequestContext, name: string | undefined) =>
  name === undefined && ctx.principal.type === "user" ? ctx.principal.arn : user(ctx, name);

export const on = (action: string, resource: (input: In, ctx: RequestContext) => Promise<string> | string): Authorizer<In> =>
  async (input, ctx): Promise<Authorization> => ({ action: `iam:${action}`, resources: [await resource(input, ctx)] });

const onGroup = (action: string) => on(action, (i, ctx) => group(ctx, i.GroupName));
export const onUser = (action: string) => on(action, (i, ctx) => user(ctx, i.UserName));
export const onSelfOrUser = (action: string) => on(action, (i, ctx) => selfOr(ctx, i.UserName));

/** A create that carries tags also needs the tagging action on the new entity (iam:TagUser). */
export const create = (action: string, tagAction: string, arn: (i: In, ctx: RequestContext) => string): Authorizer<In> =>
  (input, ctx): Authorization => {
    const resource = arn(input, ctx);
    const tagged = ((input as { Tags?: unknown[] }).Tags?.length ?? 0) > 0;
    return { action: `iam:${action}`, resources: [resource], ...(tagged ? { also: [{ action: `iam:${tagAction}`, resources: [resource] }] } : {}) };
  };

/** Attach/Detach: the entity is the resource; the policy is the iam:PolicyARN condition key. */
const attach = (action: string, entity: (i: In, ctx: RequestContext) => Promise<string>): Authorizer<In> =>
  async (input, ctx): Promise<Authorization> => ({
    action: `iam:${action}`,
    resources: [await entity(input, ctx)],
    context: input.PolicyArn ? { "iam:PolicyARN": [input.PolicyArn] } : {},
  });

/**
 * A rename or a move needs the permission on the entity under its old name and path, and on
 * the new ARN (the UpdateGroup seed: Managers -> MGRs needs both).
 */
export const rename = (action: string, table: string, arnOf: typeof groupArn, nameMember: string, newNameMember: string): Authorizer<In> =>
  async (input, ctx) => {
    const path = await pathOf(ctx, table, input[nameMember]);
    const name = input[nameMember] ?? "";
    const oldArn = arnOf(ctx.account, path, name);
    const newArn = arnOf(ctx.account, input.NewPath ?? path, input[newNameMember] ?? name);
    return { action: `iam:${action}`, resources: oldArn === newArn ? [oldArn] : [oldArn, newArn] };
  };

const role = async (ctx: RequestContext, name: string | undefined) => roleArn(ctx.account, await pathOf(ctx, T.roles, name), name ?? "");
const onRole = (action: string) => on(action, (i, ctx) => role(ctx, i.RoleName));
const profileArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:instance-profile${path}${name}`;
const onProfile = (action: string) =>
  on(action, async (i, ctx) => profileArn(ctx.account, await pathOf(ctx, T.instanceProfiles, i.InstanceProfileName), i.InstanceProfileName ?? ""));
const onPolicy = (action: string) => on(action, (i) => i.PolicyArn ?? "");
/** Calls that set a permissions boundary carry it as the iam:PermissionsBoundary condition key. */
const withBoundary = (authorizer: Authorizer<In>): Authorizer<In> => async (input, ctx) => {
  const auth = await authorizer(input, ctx);
  return input.PermissionsBoundary ? { ...auth, context: { ...auth.context, "iam:PermissionsBoundary": [input.PermissionsBoundary] } } : auth;
};
/** A service-linked role's ARN, from the service principal (CreateServiceLinkedRole). */
const serviceRole = (i: In, ctx: RequestContext) => roleArn(ctx.account, `/aws-service-role/${i.AWSServiceName ?? ""}/`, "*");

export const authorization: Record<string, Authorizer<In>> = {
  CreateGroup: on("CreateGroup", (i, ctx) => groupArn(ctx.account, i.Path ?? "/", i.GroupName ?? "")),
  GetGroup: onGroup("GetGroup"),
  ListGroups: on("ListGroups", (i, ctx) => groupArn(ctx.account, i.PathPrefix ?? "/", "")),
  UpdateGroup: rename("UpdateGroup", T.groups, groupArn, "GroupName", "NewGroupName"),
  DeleteGroup: onGroup("DeleteGroup"),
  AddUserToGroup: onGroup("AddUserToGroup"),
  RemoveUserFromGroup: onGroup("RemoveUserFromGroup"),
  PutGroupPolicy: onGroup("PutGroupPolicy"),
  GetGroupPolicy: onGroup("GetGroupPolicy"),
  ListGroupPolicies: onGroup("ListGroupPolicies"),
  DeleteGroupPolicy: onGroup("DeleteGroupPolicy"),
  AttachGroupPolicy: attach("AttachGroupPolicy", (i, ctx) => group(ctx, i.GroupName)),
  DetachGroupPolicy: attach("DetachGroupPolicy", (i, ctx) => group(ctx, i.GroupName)),
  ListAttachedGroupPolicies: onGroup("ListAttachedGroupPolicies"),

  CreateUser: withBoundary(create("CreateUser", "TagUser", (i, ctx) => userArn(ctx.account, i.Path ?? "/", i.UserName ?? ""))),
  GetUser: onSelfOrUser("GetUser"),
  ListUsers: on("ListUsers", (i, ctx) => userArn(ctx.account, i.PathPrefix ?? "/", "")),
  UpdateUser: rename("UpdateUser", T.users, userArn, "UserName", "NewUserName"),
  DeleteUser: onUser("DeleteUser"),
  TagUser: onUser("TagUser"),
  UntagUser: onUser("UntagUser"),
  ListUserTags: onUser("ListUserTags"),
  ListGroupsForUser: onUser("ListGroupsForUser"),
  PutUserPolicy: onUser("PutUserPolicy"),
  GetUserPolicy: onUser("GetUserPolicy"),
  ListUserPolicies: onUser("ListUserPolicies"),
  DeleteUserPolicy: onUser("DeleteUserPolicy"),
  AttachUserPolicy: attach("AttachUserPolicy", (i, ctx) => user(ctx, i.UserName)),
  DetachUserPolicy: attach("DetachUserPolicy", (i, ctx) => user(ctx, i.UserName)),
  ListAttachedUserPolicies: onUser("ListAttachedUserPolicies"),

  CreatePolicy: create("CreatePolicy", "TagPolicy", (i, ctx) => policyArn(ctx.account, i.Path ?? "/", i.PolicyName ?? "")),
  GetPolicy: on("GetPolicy", (i) => i.PolicyArn ?? ""),
  DeletePolicy: on("DeletePolicy", (i) => i.PolicyArn ?? ""),
  // ListPolicies has no resource type.
  ListPolicies: on("ListPolicies", () => "*"),

  CreateRole: withBoundary(create("CreateRole", "TagRole", (i, ctx) => roleArn(ctx.account, i.Path ?? "/", i.RoleName ?? ""))),
  GetRole: onRole("GetRole"),
  ListRoles: on("ListRoles", (i, ctx) => roleArn(ctx.account, i.PathPrefix ?? "/", "")),
  UpdateRole: onRole("UpdateRole"),
  UpdateRoleDescription: onRole("UpdateRoleDescription"),
  UpdateAssumeRolePolicy: onRole("UpdateAssumeRolePolicy"),
  DeleteRole: onRole("DeleteRole"),
  PutRolePolicy: onRole("PutRolePolicy"),
  GetRolePolicy: onRole("GetRolePolicy"),
  ListRolePolicies: onRole("ListRolePolicies"),
  DeleteRolePolicy: onRole("DeleteRolePolicy"),
  AttachRolePolicy: attach("AttachRolePolicy", (i, ctx) => role(ctx, i.RoleName)),
  DetachRolePolicy: attach("DetachRolePolicy", (i, ctx) => role(ctx, i.RoleName)),
  ListAttachedRolePolicies: onRole("ListAttachedRolePolicies"),
  TagRole: onRole("TagRole"),
  UntagRole: onRole("UntagRole"),
  ListRoleTags: onRole("ListRoleTags"),
  PutRolePermissionsBoundary: withBoundary(onRole("PutRolePermissionsBoundary")),
  DeleteRolePermissionsBoundary: onRole("DeleteRolePermissionsBoundary"),
  PutUserPermissionsBoundary: withBoundary(onUser("PutUserPermissionsBoundary")),
  DeleteUserPermissionsBoundary: onUser("DeleteUserPermissionsBoundary"),
  CreateServiceLinkedRole: on("CreateServiceLinkedRole", serviceRole),
  DeleteServiceLinkedRole: onRole("DeleteServiceLinkedRole"),
  GetServiceLinkedRoleDeletionStatus: on("GetServiceLinkedRoleDeletionStatus", () => "*"),

  CreateInstanceProfile: create("CreateInstanceProfile", "TagInstanceProfile", (i, ctx) => profileArn(ctx.account, i.Path ?? "/", i.InstanceProfileName ?? "")),
  GetInstanceProfile: onProfile("GetInstanceProfile"),
  ListInstanceProfiles: on("ListInstanceProfiles", (i, ctx) => profileArn(ctx.account, i.PathPrefix ?? "/", "")),
  DeleteInstanceProfile: onProfile("DeleteInstanceProfile"),
  AddRoleToInstanceProfile: onProfile("AddRoleToInstanceProfile"),
  RemoveRoleFromInstanceProfile: onProfile("RemoveRoleFromInstanceProfile"),
  ListInstanceProfilesForRole: onRole("ListInstanceProfilesForRole"),
  TagInstanceProfile: onProfile("TagInstanceProfile"),
  UntagInstanceProfile: onProfile("UntagInstanceProfile"),
  ListInstanceProfileTags: onProfile("ListInstanceProfileTags"),

  CreatePolicyVersion: onPolicy("CreatePolicyVersion"),
  GetPolicyVersion: onPolicy("GetPolicyVersion"),
  ListPolicyVersions: onPolicy("ListPolicyVersions"),
  DeletePolicyVersion: onPolicy("DeletePolicyVersion"),
  SetDefaultPolicyVersion: onPolicy("SetDefaultPolicyVersion"),
  TagPolicy: onPolicy("TagPolicy"),
  UntagPolicy: onPolicy("UntagPolicy"),
  ListPolicyTags: onPolicy("ListPolicyTags"),
  ListEntitiesForPolicy: onPolicy("ListEntitiesForPolicy"),
  // GetContextKeysForCustomPolicy has no resource type; the principal one acts on the principal.
  GetContextKeysForCustomPolicy: on("GetContextKeysForCustomPolicy", () => "*"),
  GetContextKeysForPrincipalPolicy: on("GetContextKeysForPrincipalPolicy", (i) => i.PolicySourceArn ?? ""),
  ListPoliciesGrantingServiceAccess: on("ListPoliciesGrantingServiceAccess", (i) => i.Arn ?? ""),

  CreateAccessKey: onSelfOrUser("CreateAccessKey"),
  ListAccessKeys: onSelfOrUser("ListAccessKeys"),
  UpdateAccessKey: onSelfOrUser("UpdateAccessKey"),
  DeleteAccessKey: onSelfOrUser("DeleteAccessKey"),

  SimulatePrincipalPolicy: on("SimulatePrincipalPolicy", (i) => i.PolicySourceArn ?? ""),
  // SimulateCustomPolicy has no resource type.
  SimulateCustomPolicy: on("SimulateCustomPolicy", () => "*"),
};
