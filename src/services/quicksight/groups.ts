import type {
  CreateGroupMembershipRequest,
  CreateGroupMembershipResponse,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupMembershipRequest,
  DeleteGroupMembershipResponse,
  DeleteGroupRequest,
  DeleteGroupResponse,
  DescribeGroupMembershipRequest,
  DescribeGroupMembershipResponse,
  DescribeGroupRequest,
  DescribeGroupResponse,
  Group,
  ListGroupMembershipsRequest,
  ListGroupMembershipsResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  SearchGroupsRequest,
  SearchGroupsResponse,
  UpdateGroupRequest,
  UpdateGroupResponse,
} from "@aws-sdk/client-quicksight";
import { uuid } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { arnOf, exists, invalid, limit, notFound, pageOf, quicksightValidator, scanAll, T } from "./model.js";
import { requireUsableNamespace } from "./namespaces.js";
import { requireUser, type UserRecord } from "./users.js";

/**
 * Groups of a namespace and their members. A membership is stored twice (by group and by
 * user) so both ListGroupMemberships and ListUserGroups page from an index; `\n` separates
 * the two names because neither may contain it.
 */
export interface GroupRecord {
  Arn: string;
  GroupName: string;
  Description?: string;
  PrincipalId: string;
}

interface Membership {
  GroupName: string;
  MemberName: string;
  Arn: string;
}

export const groupOutput = (g: GroupRecord): Group => ({ ...g });

const groupKey = (account: string, ns: string, name: string) => `${account}/${ns}/${name}`;
const memberKey = (account: string, ns: string, group: string, user: string) => `${account}/${ns}/${group}\n${user}`;
const userGroupKey = (account: string, ns: string, user: string, group: string) => `${account}/${ns}/${user}\n${group}`;

async function requireGroup(tx: Transaction, ctx: RequestContext, ns: string, name: string): Promise<GroupRecord> {
  const group = await tx.get<GroupRecord>(T.groups, groupKey(ctx.account, ns, name));
  if (!group) throw notFound(`Group ${arnOf(ctx.region, ctx.account, `group/${ns}/${name}`)} does not exist.`, "GROUP");
  return group;
}

const checkDescription = (d: string | undefined) => quicksightValidator().length(d, "Description", 1, 512).check();

export const CreateGroup: Handler<CreateGroupRequest, CreateGroupResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { sub } = await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const ns = input.Namespace!;
    const name = input.GroupName!;
    quicksightValidator().length(name, "GroupName", 1, 256).pattern(name, "GroupName", /^[\u0020-\u00FF]+$/, "[\\u0020-\\u00FF]+").check();
    checkDescription(input.Description);
    const key = groupKey(ctx.account, ns, name);
    if (await tx.get(T.groups, key)) throw exists(`Group ${name} already exists in namespace ${ns}.`, "GROUP");
    const max = ctx.quota("GroupsPerNamespace");
    if ((await tx.count(T.groups, `${ctx.account}/${ns}/`)) >= max) throw limit(`Namespace ${ns} already has ${max} groups, the most it can have.`, "GROUP");
    const group: GroupRecord = {
      Arn: arnOf(ctx.region, ctx.account, `group/${ns}/${name}`),
      GroupName: name,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      PrincipalId: `group/${sub.DirectoryId}/${uuid()}`,
    };
    await tx.put(T.groups, key, group);
    return { Group: groupOutput(group), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeGroup: Handler<DescribeGroupRequest, DescribeGroupResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    return { Group: groupOutput(await requireGroup(tx, ctx, input.Namespace!, input.GroupName!)), RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateGroup: Handler<UpdateGroupRequest, UpdateGroupResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const group = await requireGroup(tx, ctx, input.Namespace!, input.GroupName!);
    checkDescription(input.Description);
    const updated = { ...group, ...(input.Description !== undefined ? { Description: input.Description } : {}) };
    await tx.put(T.groups, groupKey(ctx.account, input.Namespace!, group.GroupName), updated);
    return { Group: groupOutput(updated), RequestId: ctx.requestId, Status: 200 };
  });

/** Removes the group and its memberships; the users stay. */
export const DeleteGroup: Handler<DeleteGroupRequest, DeleteGroupResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const ns = input.Namespace!;
    const group = await requireGroup(tx, ctx, ns, input.GroupName!);
    for (const [key, m] of await scanAll<Membership>(tx, T.groupMembers, `${ctx.account}/${ns}/${group.GroupName}\n`)) {
      await tx.delete(T.groupMembers, key);
      await tx.delete(T.userGroups, userGroupKey(ctx.account, ns, m.MemberName, group.GroupName));
    }
    for (const [key, a] of await scanAll<{ Identities?: Record<string, string[]> }>(tx, T.assignments, `${ctx.account}/${ns}/`)) {
      const groups = a.Identities?.group;
      if (groups?.includes(group.GroupName)) await tx.put(T.assignments, key, { ...a, Identities: { ...a.Identities, group: groups.filter((g) => g !== group.GroupName) } });
    }
    await tx.delete(T.groups, groupKey(ctx.account, ns, group.GroupName));
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const ListGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const page = await pageOf<GroupRecord>(tx, ctx, T.groups, `${ctx.account}/${input.Namespace}/`, input);
    return { GroupList: page.items.map(groupOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** One filter: GROUP_NAME StartsWith a value, case-sensitive. */
export const SearchGroups: Handler<SearchGroupsRequest, SearchGroupsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const filters = input.Filters ?? [];
    if (filters.length !== 1) throw invalid("Filters must have exactly one entry.");
    const [f] = filters;
    quicksightValidator().oneOf(f.Operator, "Filters.Operator", ["StartsWith"]).oneOf(f.Name, "Filters.Name", ["GROUP_NAME"]).check();
    const value = f.Value ?? "";
    const page = await pageOf<GroupRecord>(tx, ctx, T.groups, `${ctx.account}/${input.Namespace}/${value}`, input);
    return { GroupList: page.items.map(groupOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

async function memberPair(tx: Transaction, ctx: RequestContext, input: { AwsAccountId?: string; Namespace?: string; GroupName?: string; MemberName?: string }) {
  await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
  quicksightValidator().length(input.MemberName, "MemberName", 1, 256).pattern(input.MemberName, "MemberName", /^[\u0020-\u00FF]+$/, "[\\u0020-\\u00FF]+").check();
  const group = await requireGroup(tx, ctx, input.Namespace!, input.GroupName!);
  return { ns: input.Namespace!, group, member: input.MemberName! };
}

const memberNotFound = (ctx: RequestContext, group: GroupRecord, member: string) =>
  notFound(`User ${member} is not a member of group ${group.Arn}.`, "USER");

/** Adds a user of the namespace to the group; adding a member again changes nothing. */
export const CreateGroupMembership: Handler<CreateGroupMembershipRequest, CreateGroupMembershipResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { ns, group, member } = await memberPair(tx, ctx, input);
    const user: UserRecord = await requireUser(tx, ctx, ns, member);
    const m: Membership = { GroupName: group.GroupName, MemberName: member, Arn: user.Arn! };
    await tx.put(T.groupMembers, memberKey(ctx.account, ns, group.GroupName, member), m);
    await tx.put(T.userGroups, userGroupKey(ctx.account, ns, member, group.GroupName), m);
    return { GroupMember: { Arn: m.Arn, MemberName: member }, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeGroupMembership: Handler<DescribeGroupMembershipRequest, DescribeGroupMembershipResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { ns, group, member } = await memberPair(tx, ctx, input);
    const m = await tx.get<Membership>(T.groupMembers, memberKey(ctx.account, ns, group.GroupName, member));
    if (!m) throw memberNotFound(ctx, group, member);
    return { GroupMember: { Arn: m.Arn, MemberName: member }, RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteGroupMembership: Handler<DeleteGroupMembershipRequest, DeleteGroupMembershipResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { ns, group, member } = await memberPair(tx, ctx, input);
    if (!(await tx.delete(T.groupMembers, memberKey(ctx.account, ns, group.GroupName, member)))) throw memberNotFound(ctx, group, member);
    await tx.delete(T.userGroups, userGroupKey(ctx.account, ns, member, group.GroupName));
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const ListGroupMemberships: Handler<ListGroupMembershipsRequest, ListGroupMembershipsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
    const group = await requireGroup(tx, ctx, input.Namespace!, input.GroupName!);
    const page = await pageOf<Membership>(tx, ctx, T.groupMembers, `${ctx.account}/${input.Namespace}/${group.GroupName}\n`, input);
    return {
      GroupMemberList: page.items.map((m) => ({ Arn: m.Arn, MemberName: m.MemberName })),
      NextToken: page.NextToken,
      RequestId: ctx.requestId,
      Status: 200,
    };
  });
