import type {
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupRequest,
  GetGroupRequest,
  GetGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  UpdateGroupRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { pageByPath, paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { uniqueId } from "./ids.js";
import {
  childKey,
  type GroupRecord,
  groupOutput,
  limitExceeded,
  listPage,
  type Membership,
  nameKey,
  requireGroup,
  T,
  type UserRecord,
  userOutput,
  isoSeconds,
} from "./model.js";
import { moveEntity } from "./policyUsage.js";
import * as check from "./validation.js";

const groupExists = (name: string) => new AwsError("EntityAlreadyExists", `Group with name ${name} already exists.`);

export const CreateGroup: Handler<CreateGroupRequest, CreateGroupResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.path(v, input.Path, "Path");
  v.check();
  return ctx.transaction(async (tx) => {
    const key = nameKey(ctx.account, input.GroupName!);
    if (await tx.get(T.groups, key)) throw groupExists(input.GroupName!);
    const limit = ctx.quota("GroupsPerAccount");
    if ((await tx.count(T.groups, `${ctx.account}/`)) >= limit) throw limitExceeded("GroupsPerAccount", limit);
    const group: GroupRecord = {
      GroupName: input.GroupName!,
      GroupId: uniqueId("AGPA"),
      Path: input.Path ?? "/",
      CreateDate: isoSeconds(ctx.now),
    };
    await tx.put(T.groups, key, group);
    return { Group: groupOutput(ctx.account, group) };
  });
};

export const GetGroup: Handler<GetGroupRequest, GetGroupResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const page = await paginate<Membership>(tx, T.groupMembers, childKey(ctx.account, group.GroupId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    const users = [];
    for (const m of page.items) {
      const user = await tx.get<UserRecord>(T.users, nameKey(ctx.account, m.UserName));
      if (user) users.push(userOutput(ctx.account, user));
    }
    return { Group: groupOutput(ctx.account, group), ...listPage("Users", { items: users, next: page.next }) };
  });
};

export const ListGroups: Handler<ListGroupsRequest, ListGroupsResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const page = await pageByPath<GroupRecord>(tx, T.groups, ctx.account, input);
    return listPage("Groups", { items: page.items.map((g) => groupOutput(ctx.account, g)), next: page.next });
  });
};

/**
 * Renames and/or moves a group. The group keeps its id, members and policies; only its name,
 * path and so its ARN change. The membership rows by user are re-keyed under the new name,
 * in the same transaction, so ListGroupsForUser stays ordered by name.
 */
export const UpdateGroup: Handler<UpdateGroupRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.entityName(v, input.NewGroupName, "NewGroupName", 128);
  check.path(v, input.NewPath, "NewPath");
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const name = input.NewGroupName ?? group.GroupName;
    if (name !== group.GroupName) {
      // Any other group with that name in any letter case, or this group in another case.
      if (await tx.get(T.groups, nameKey(ctx.account, name))) throw groupExists(name);
      await tx.delete(T.groups, nameKey(ctx.account, group.GroupName));
      await renameInMemberships(tx, ctx.account, group, name);
    }
    await tx.put(T.groups, nameKey(ctx.account, name), { ...group, GroupName: name, Path: input.NewPath ?? group.Path });
    await moveEntity(tx, ctx.account, T.groupAttached, { type: "Group", id: group.GroupId, name, path: input.NewPath ?? group.Path });
    return {};
  });
};

async function renameInMemberships(tx: Transaction, account: string, group: GroupRecord, newName: string) {
  const prefix = childKey(account, group.GroupId);
  let after: string | undefined;
  for (;;) {
    const rows = await tx.scan<Membership>(T.groupMembers, { prefix, after, limit: 500 });
    for (const [key, m] of rows) {
      const renamed = { ...m, GroupName: newName };
      await tx.put(T.groupMembers, key, renamed);
      await tx.delete(T.userGroups, childKey(account, m.UserId, group.GroupName.toLowerCase()));
      await tx.put(T.userGroups, childKey(account, m.UserId, newName.toLowerCase()), renamed);
    }
    if (rows.length < 500) return;
    after = rows[rows.length - 1][0];
  }
}

export const DeleteGroup: Handler<DeleteGroupRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const under = childKey(ctx.account, group.GroupId);
    if (await tx.count(T.groupMembers, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.");
    }
    if (await tx.count(T.groupPolicies, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
    }
    if (await tx.count(T.groupAttached, under)) {
      throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
    }
    await tx.delete(T.groups, nameKey(ctx.account, group.GroupName));
    return {};
  });
};
