import type {
  DeleteUserByPrincipalIdRequest,
  DeleteUserByPrincipalIdResponse,
  DeleteUserRequest,
  DeleteUserResponse,
  DescribeUserRequest,
  DescribeUserResponse,
  ListUserGroupsRequest,
  ListUserGroupsResponse,
  ListUsersRequest,
  ListUsersResponse,
  RegisterUserRequest,
  RegisterUserResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  User,
} from "@aws-sdk/client-quicksight";
import { randomString, UPPER_ALNUM, uuid } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findIamUser, findRole } from "../iam/index.js";
import { groupOutput, type GroupRecord } from "./groups.js";
import { arnOf, compact, exists, invalid, notFound, pageOf, quicksightValidator, scanAll, T, type Tag } from "./model.js";
import { requireUsableNamespace } from "./namespaces.js";
import { validateTags } from "./tags.js";

export interface UserRecord extends User {
  Namespace: string;
  Tags?: Tag[];
}

const ROLES = ["ADMIN", "AUTHOR", "READER", "RESTRICTED_AUTHOR", "RESTRICTED_READER", "ADMIN_PRO", "AUTHOR_PRO", "READER_PRO"];
const IDENTITY_TYPES = ["IAM", "QUICKSIGHT", "IAM_IDENTITY_CENTER"];
const IAM_ARN = /^arn:aws[\w-]*:iam::(\d{12}):(user|role)\/(?:[\u0021-\u007F]*\/)?([\w+=,.@-]+)$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export const userKey = (account: string, namespace: string, name: string) => `${account}/${namespace}/${name}`;
export const userNotFound = (ctx: RequestContext, namespace: string, name: string) =>
  notFound(`User ${arnOf(ctx.region, ctx.account, `user/${namespace}/${name}`)} does not exist.`, "USER");

export async function requireUser(tx: Transaction, ctx: RequestContext, namespace: string, name: string): Promise<UserRecord> {
  const user = await tx.get<UserRecord>(T.users, userKey(ctx.account, namespace, name));
  if (!user) throw userNotFound(ctx, namespace, name);
  return user;
}

const userOutput = ({ Namespace: _ns, Tags: _tags, ...user }: UserRecord): User => user;

function checkRole(role: string | undefined, member: string) {
  quicksightValidator().oneOf(role, member, ROLES).check();
  if (role?.startsWith("RESTRICTED_")) throw invalid(`${member} ${role} isn't currently available for use.`);
}

function checkExternalLogin(input: { ExternalLoginFederationProviderType?: string; CustomFederationProviderUrl?: string; ExternalLoginId?: string }) {
  quicksightValidator().oneOf(input.ExternalLoginFederationProviderType, "ExternalLoginFederationProviderType", ["COGNITO", "CUSTOM_OIDC"]).check();
  if (input.ExternalLoginFederationProviderType === "CUSTOM_OIDC" && !input.CustomFederationProviderUrl) {
    throw invalid("CustomFederationProviderUrl is required when ExternalLoginFederationProviderType is CUSTOM_OIDC.");
  }
}

const externalLogin = (input: { ExternalLoginFederationProviderType?: string; CustomFederationProviderUrl?: string; ExternalLoginId?: string }) =>
  input.ExternalLoginFederationProviderType
    ? compact({
        ExternalLoginFederationProviderType: input.ExternalLoginFederationProviderType,
        ExternalLoginFederationProviderUrl:
          input.ExternalLoginFederationProviderType === "COGNITO" ? "cognito-identity.amazonaws.com" : input.CustomFederationProviderUrl,
        ExternalLoginId: input.ExternalLoginId,
      })
    : {};

/**
 * Registers an IAM user or role (which must exist in nubis's IAM when it is in a known account),
 * a QuickSight user with its own name and password (inactive until invited), or an IAM Identity
 * Center user on accounts that authenticate through it.
 */
export const RegisterUser: Handler<RegisterUserRequest, RegisterUserResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { sub } = await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const namespace = input.Namespace!;
    quicksightValidator().oneOf(input.IdentityType, "IdentityType", IDENTITY_TYPES).length(input.SessionName, "SessionName", 2, 64).pattern(input.SessionName, "SessionName", /^[\w+=.@-]*$/).check();
    checkRole(input.UserRole, "UserRole");
    if (!EMAIL.test(input.Email ?? "")) throw invalid(`Email '${input.Email}' is not a valid email address.`);
    checkExternalLogin(input);
    validateTags(input.Tags);
    let userName: string;
    let principalId: string;
    if (input.IdentityType === "IAM") {
      const m = IAM_ARN.exec(input.IamArn ?? "");
      if (!m) throw invalid(`IamArn '${input.IamArn ?? ""}' is not the ARN of an IAM user or role.`);
      const [, owner, kind, name] = m;
      if (kind === "role") {
        if (!input.SessionName) throw invalid("SessionName is required to register an IAM role.");
        const role = await findRole(tx, owner, input.IamArn!);
        if (!role) throw invalid(`IamArn ${input.IamArn} does not name an existing IAM role.`);
        userName = `${name}/${input.SessionName}`;
        principalId = `federated/iam/${role.RoleId}:${input.SessionName}`;
      } else {
        const iamUser = await findIamUser(tx, owner, name);
        if (!iamUser || input.IamArn !== `arn:aws:iam::${owner}:user${iamUser.Path}${iamUser.UserName}`) {
          throw invalid(`IamArn ${input.IamArn} does not name an existing IAM user.`);
        }
        userName = name;
        principalId = `federated/iam/${iamUser.UserId}`;
      }
    } else if (input.IdentityType === "QUICKSIGHT") {
      if (!input.UserName) throw invalid("UserName is required to register a QUICKSIGHT user.");
      userName = input.UserName;
      principalId = `user/${sub.DirectoryId}/${uuid()}`;
    } else {
      if (sub.AuthenticationMethod !== "IAM_IDENTITY_CENTER") throw invalid(`IdentityType IAM_IDENTITY_CENTER needs an account that authenticates with IAM Identity Center.`);
      if (!input.UserName) throw invalid("UserName is required to register an IAM_IDENTITY_CENTER user.");
      userName = input.UserName;
      principalId = `user/${sub.DirectoryId}/${uuid()}`;
    }
    quicksightValidator().length(userName, "UserName", 1, 256).pattern(userName, "UserName", /^[\u0020-\u00FF]+$/, "[\\u0020-\\u00FF]+").check();
    const key = userKey(ctx.account, namespace, userName);
    if (await tx.get(T.users, key)) throw exists(`User ${userName} already exists in namespace ${namespace}.`, "USER");
    const user: UserRecord = compact({
      Arn: arnOf(ctx.region, ctx.account, `user/${namespace}/${userName}`),
      UserName: userName,
      Email: input.Email,
      Role: input.UserRole,
      IdentityType: input.IdentityType,
      Active: input.IdentityType !== "QUICKSIGHT",
      PrincipalId: principalId,
      CustomPermissionsName: input.CustomPermissionsName,
      ...externalLogin(input),
      Namespace: namespace,
      Tags: input.Tags,
    });
    await tx.put(T.users, key, user);
    await tx.put(T.principals, `${ctx.account}/${principalId}`, { Namespace: namespace, UserName: userName });
    return {
      User: userOutput(user),
      ...(input.IdentityType === "QUICKSIGHT"
        ? { UserInvitationUrl: `https://${ctx.region}.quicksight.aws.amazon.com/sn/console/register?code=${randomString(UPPER_ALNUM, 32)}` }
        : {}),
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const DescribeUser: Handler<DescribeUserRequest, DescribeUserResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    return { User: userOutput(await requireUser(tx, ctx, input.Namespace!, input.UserName!)), RequestId: ctx.requestId, Status: 200 };
  });

export const ListUsers: Handler<ListUsersRequest, ListUsersResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const page = await pageOf<UserRecord>(tx, ctx, T.users, `${ctx.account}/${input.Namespace}/`, input);
    return { UserList: page.items.map(userOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** Replaces Email and Role; the identity (type, ARN, principal id) never changes. */
export const UpdateUser: Handler<UpdateUserRequest, UpdateUserResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const user = await requireUser(tx, ctx, input.Namespace!, input.UserName!);
    checkRole(input.Role, "Role");
    if (!EMAIL.test(input.Email ?? "")) throw invalid(`Email '${input.Email}' is not a valid email address.`);
    checkExternalLogin(input);
    const { CustomPermissionsName: _c, ExternalLoginFederationProviderType: _t, ExternalLoginFederationProviderUrl: _u, ExternalLoginId: _i, ...rest } = user;
    const custom = input.UnapplyCustomPermissions ? undefined : (input.CustomPermissionsName ?? user.CustomPermissionsName);
    const login = input.ExternalLoginFederationProviderType
      ? externalLogin(input)
      : compact({
          ExternalLoginFederationProviderType: user.ExternalLoginFederationProviderType,
          ExternalLoginFederationProviderUrl: user.ExternalLoginFederationProviderUrl,
          ExternalLoginId: user.ExternalLoginId,
        });
    const updated: UserRecord = compact({ ...rest, Email: input.Email, Role: input.Role, CustomPermissionsName: custom, ...login });
    await tx.put(T.users, userKey(ctx.account, input.Namespace!, user.UserName!), updated);
    return { User: userOutput(updated), RequestId: ctx.requestId, Status: 200 };
  });

/** Removes a user with its memberships, its names in policy assignments and its tags. */
async function removeUser(tx: Transaction, ctx: RequestContext, user: UserRecord) {
  const ns = user.Namespace;
  const name = user.UserName!;
  for (const [key, m] of await scanAll<{ GroupName: string }>(tx, T.userGroups, `${ctx.account}/${ns}/${name}\n`)) {
    await tx.delete(T.userGroups, key);
    await tx.delete(T.groupMembers, `${ctx.account}/${ns}/${m.GroupName}\n${name}`);
  }
  for (const [key, a] of await scanAll<{ Identities?: Record<string, string[]> }>(tx, T.assignments, `${ctx.account}/${ns}/`)) {
    const users = a.Identities?.user;
    if (users?.includes(name)) await tx.put(T.assignments, key, { ...a, Identities: { ...a.Identities, user: users.filter((u) => u !== name) } });
  }
  await tx.delete(T.principals, `${ctx.account}/${user.PrincipalId}`);
  await tx.delete(T.users, userKey(ctx.account, ns, name));
}

export const DeleteUser: Handler<DeleteUserRequest, DeleteUserResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    await removeUser(tx, ctx, await requireUser(tx, ctx, input.Namespace!, input.UserName!));
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteUserByPrincipalId: Handler<DeleteUserByPrincipalIdRequest, DeleteUserByPrincipalIdResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const ref = await tx.get<{ Namespace: string; UserName: string }>(T.principals, `${ctx.account}/${input.PrincipalId}`);
    if (!ref || ref.Namespace !== input.Namespace) throw notFound(`User with principal id ${input.PrincipalId} does not exist in namespace ${input.Namespace}.`, "USER");
    await removeUser(tx, ctx, await requireUser(tx, ctx, ref.Namespace, ref.UserName));
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const ListUserGroups: Handler<ListUserGroupsRequest, ListUserGroupsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const ns = input.Namespace!;
    await requireUser(tx, ctx, ns, input.UserName!);
    const page = await pageOf<{ GroupName: string }>(tx, ctx, T.userGroups, `${ctx.account}/${ns}/${input.UserName}\n`, input);
    const groups: GroupRecord[] = [];
    for (const m of page.items) {
      const g = await tx.get<GroupRecord>(T.groups, `${ctx.account}/${ns}/${m.GroupName}`);
      if (g) groups.push(g);
    }
    return { GroupList: groups.map(groupOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

