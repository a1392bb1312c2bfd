import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserPermissionsBoundaryRequest,
  DeleteUserRequest,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  PutUserPermissionsBoundaryRequest,
  UpdateUserRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { pageByPath } from "./pages.js";
import type { Handler } from "../../core/service.js";
import { uniqueId } from "./ids.js";
import { childKey, limitExceeded, listPage, type Membership, nameKey, requireUser, T, type UserRecord, userOutput, isoSeconds } from "./model.js";
import { type Tag, tagHandlers, validateTags } from "./tags.js";
import { moveEntity, setBoundary } from "./policyUsage.js";
import { forgetPrincipal } from "./roles.js";
import { refuseWhileCredentials, renameUserInCredentials } from "./credentials.js";
import * as check from "./validation.js";

const userExists = (name: string) => new AwsError("EntityAlreadyExists", `User with name ${name} already exists.`);

export const CreateUser: Handler<CreateUserRequest, CreateUserResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  check.path(v, input.Path, "Path");
  check.arn(v, input.PermissionsBoundary, "PermissionsBoundary");
  v.check();
  validateTags(input.Tags as Tag[] | undefined, v);
  return ctx.transaction(async (tx) => {
    const key = nameKey(ctx.account, input.UserName!);
    if (await tx.get(T.users, key)) throw userExists(input.UserName!);
    const limit = ctx.quota("UsersPerAccount");
    if ((await tx.count(T.users, `${ctx.account}/`)) >= limit) throw limitExceeded("UsersPerAccount", limit);
    const user: UserRecord = {
      UserName: input.UserName!,
      UserId: uniqueId("AIDA"),
      Path: input.Path ?? "/",
      CreateDate: isoSeconds(ctx.now),
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
      ...(input.PermissionsBoundary ? { PermissionsBoundary: input.PermissionsBoundary } : {}),
    };
    if (user.PermissionsBoundary) await setBoundary(tx, ctx.account, userEntity(user), undefined, user.PermissionsBoundary);
    await tx.put(T.users, key, user);
    return { User: userOutput(ctx.account, user, true) };
  });
};

/** Without UserName: the caller, an IAM user or the account root. */
export const GetUser: Handler<GetUserRequest, GetUserResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.check();
  const name = input.UserName ?? ctx.principal.userName;
  if (name === undefined) {
    return { User: { UserId: ctx.account, Arn: ctx.principal.arn, CreateDate: new Date(0) } as GetUserResponse["User"] };
  }
  return ctx.transaction(async (tx) => ({ User: userOutput(ctx.account, await requireUser(tx, ctx.account, name), true) }));
};

export const ListUsers: Handler<ListUsersRequest, ListUsersResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const page = await pageByPath<UserRecord>(tx, T.users, ctx.account, input);
    return listPage("Users", { items: page.items.map((u) => userOutput(ctx.account, u)), next: page.next });
  });
};

/** Renames and/or moves a user; its id, groups, policies and keys stay with it. */
export const UpdateUser: Handler<UpdateUserRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.entityName(v, input.NewUserName, "NewUserName", 64);
  check.path(v, input.NewPath, "NewPath");
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const name = input.NewUserName ?? user.UserName;
    if (name !== user.UserName) {
      if (await tx.get(T.users, nameKey(ctx.account, name))) throw userExists(name);
      await tx.delete(T.users, nameKey(ctx.account, user.UserName));
      // A user is in at most GroupsPerUser groups: re-key each membership under the new name.
      const memberships = await tx.scan<Membership>(T.userGroups, { prefix: childKey(ctx.account, user.UserId), limit: 10_000 });
      for (const [key, m] of memberships) {
        const renamed = { ...m, UserName: name };
        await tx.put(T.userGroups, key, renamed);
        await tx.delete(T.groupMembers, childKey(ctx.account, m.GroupId, user.UserName.toLowerCase()));
        await tx.put(T.groupMembers, childKey(ctx.account, m.GroupId, name.toLowerCase()), renamed);
      }
      for (const [key, k] of await tx.scan<{ UserName?: string }>(T.accessKeys, { prefix: childKey(ctx.account, user.UserId), limit: 100 })) {
        await tx.put(T.accessKeys, key, { ...k, UserName: name });
        const id = key.slice(key.lastIndexOf("/") + 1);
        await tx.put(T.accessKeyIndex, id, { ...k, UserName: name });
      }
      await renameUserInCredentials(tx, ctx.account, user.UserId, name);
    }
    await tx.put(T.users, nameKey(ctx.account, name), { ...user, UserName: name, Path: input.NewPath ?? user.Path });
    const entity = { type: "User" as const, id: user.UserId, name, path: input.NewPath ?? user.Path };
    await moveEntity(tx, ctx.account, T.userAttached, entity, user.PermissionsBoundary);
    return {};
  });
};

export const DeleteUser: Handler<DeleteUserRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const under = childKey(ctx.account, user.UserId);
    if (await tx.count(T.userGroups, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.");
    }
    if (await tx.count(T.userPolicies, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
    }
    if (await tx.count(T.userAttached, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
    }
    await refuseWhileCredentials(tx, ctx.account, user.UserId);
    if (user.PermissionsBoundary) await setBoundary(tx, ctx.account, userEntity(user), user.PermissionsBoundary, undefined);
    await tx.delete(T.users, nameKey(ctx.account, user.UserName));
    await forgetPrincipal(tx, ctx.account, `arn:aws:iam::${ctx.account}:user${user.Path}${user.UserName}`, user.UserId);
    return {};
  });
};

export const { Tag: TagUser, Untag: UntagUser, List: ListUserTags } = tagHandlers({
  member: "UserName",
  validate: (v, name) => check.entityName(v, name, "UserName", 128),
  load: async (tx, account, name) => {
    const user = await requireUser(tx, account, name);
    return { tags: user.Tags, save: (Tags) => tx.put(T.users, nameKey(account, user.UserName), { ...user, Tags }) };
  },
});

const userEntity = (u: UserRecord) => ({ type: "User" as const, id: u.UserId, name: u.UserName, path: u.Path });

export const PutUserPermissionsBoundary: Handler<PutUserPermissionsBoundaryRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.arn(v, input.PermissionsBoundary, "PermissionsBoundary");
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    await setBoundary(tx, ctx.account, userEntity(user), user.PermissionsBoundary, input.PermissionsBoundary!);
    await tx.put<UserRecord>(T.users, nameKey(ctx.account, user.UserName), { ...user, PermissionsBoundary: input.PermissionsBoundary! });
    return {};
  });
};

/** Succeeds, changing nothing, when the user has no boundary. */
export const DeleteUserPermissionsBoundary: Handler<DeleteUserPermissionsBoundaryRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    if (!user.PermissionsBoundary) return {};
    await setBoundary(tx, ctx.account, userEntity(user), user.PermissionsBoundary, undefined);
    const { PermissionsBoundary: _gone, ...rest } = user;
    await tx.put<UserRecord>(T.users, nameKey(ctx.account, user.UserName), rest);
    return {};
  });
};
