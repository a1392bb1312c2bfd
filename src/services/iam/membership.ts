import type {
  AddUserToGroupRequest,
  ListGroupsForUserRequest,
  ListGroupsForUserResponse,
  RemoveUserFromGroupRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import {
  childKey,
  type GroupRecord,
  groupOutput,
  limitExceeded,
  listPage,
  type Membership,
  nameKey,
  requireGroup,
  requireUser,
  T,
} from "./model.js";
import * as check from "./validation.js";

const validate = (input: { GroupName?: string; UserName?: string }) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.entityName(v, input.UserName, "UserName", 128);
  v.check();
};

/** Adding a member twice is a no-op, as AWS answers it. */
export const AddUserToGroup: Handler<AddUserToGroupRequest, Record<string, never>> = async (input, ctx) => {
  validate(input);
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const byGroup = childKey(ctx.account, group.GroupId, user.UserName.toLowerCase());
    if (await tx.get(T.groupMembers, byGroup)) return {};
    const limit = ctx.quota("GroupsPerUser");
    if ((await tx.count(T.userGroups, childKey(ctx.account, user.UserId))) >= limit) throw limitExceeded("GroupsPerUser", limit);
    const m: Membership = { GroupId: group.GroupId, GroupName: group.GroupName, UserId: user.UserId, UserName: user.UserName };
    await tx.put(T.groupMembers, byGroup, m);
    await tx.put(T.userGroups, childKey(ctx.account, user.UserId, group.GroupName.toLowerCase()), m);
    return {};
  });
};

export const RemoveUserFromGroup: Handler<RemoveUserFromGroupRequest, Record<string, never>> = async (input, ctx) => {
  validate(input);
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const user = await requireUser(tx, ctx.account, input.UserName!);
    if (!(await tx.delete(T.groupMembers, childKey(ctx.account, group.GroupId, user.UserName.toLowerCase())))) {
      throw new AwsError("NoSuchEntity", `The user with name ${user.UserName} cannot be found in group ${group.GroupName}.`);
    }
    await tx.delete(T.userGroups, childKey(ctx.account, user.UserId, group.GroupName.toLowerCase()));
    return {};
  });
};

export const ListGroupsForUser: Handler<ListGroupsForUserRequest, ListGroupsForUserResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const page = await paginate<Membership>(tx, T.userGroups, childKey(ctx.account, user.UserId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    const groups = [];
    for (const m of page.items) {
      const group = await tx.get<GroupRecord>(T.groups, nameKey(ctx.account, m.GroupName));
      if (group) groups.push(groupOutput(ctx.account, group));
    }
    return listPage("Groups", { items: groups, next: page.next });
  });
};
