import type {
  ConnectionGroup,
  ConnectionGroupSummary,
  CreateConnectionGroupRequest,
  CreateConnectionGroupResult,
  DeleteConnectionGroupRequest,
  GetConnectionGroupByRoutingEndpointRequest,
  GetConnectionGroupByRoutingEndpointResult,
  GetConnectionGroupRequest,
  GetConnectionGroupResult,
  ListConnectionGroupsRequest,
  ListConnectionGroupsResult,
  UpdateConnectionGroupRequest,
  UpdateConnectionGroupResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { arnOf, connectionGroupId, isoMillis, routingEndpoint } from "./ids.js";
import { type AnycastIpListRecord, type ConnectionGroupRecord, key, listPage, maxItemsOf, requireAnycastIpList, requireConnectionGroup, T } from "./model.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { refuseInUse } from "./references.js";
import * as check from "./validation.js";
import { checkIfMatch, isDeployed, nextDeployment } from "./versioning.js";

export const CONNECTION_GROUP = "connection-group";

taggable({
  type: CONNECTION_GROUP,
  exists: async (tx, account, id) => !!(await tx.get(T.connectionGroups, key(account, id))),
});

const statusOf = (r: ConnectionGroupRecord, ctx: RequestContext) => (isDeployed(r, ctx) ? "Deployed" : "InProgress");

function connectionGroupOf(r: ConnectionGroupRecord, status: string, account: string): ConnectionGroup {
  return {
    Id: r.Id,
    Name: r.Name,
    Arn: arnOf(account, CONNECTION_GROUP, r.Id),
    CreatedTime: new Date(r.CreatedTime),
    LastModifiedTime: new Date(r.LastModifiedTime),
    Ipv6Enabled: r.Ipv6Enabled,
    RoutingEndpoint: r.RoutingEndpoint,
    ...(r.AnycastIpListId ? { AnycastIpListId: r.AnycastIpListId } : {}),
    Status: status,
    Enabled: r.Enabled,
    IsDefault: r.IsDefault,
  };
}

const summaryOf = (r: ConnectionGroupRecord, ctx: RequestContext): ConnectionGroupSummary => ({
  Id: r.Id,
  Name: r.Name,
  Arn: arnOf(ctx.account, CONNECTION_GROUP, r.Id),
  RoutingEndpoint: r.RoutingEndpoint,
  CreatedTime: new Date(r.CreatedTime),
  LastModifiedTime: new Date(r.LastModifiedTime),
  ETag: r.ETag,
  ...(r.AnycastIpListId ? { AnycastIpListId: r.AnycastIpListId } : {}),
  Enabled: r.Enabled,
  Status: statusOf(r, ctx),
  IsDefault: r.IsDefault,
});

const nameTaken = (name: string) => new AwsError("EntityAlreadyExists", `A connection group named '${name}' already exists.`);

/**
 * The list a group is to use, checked: it exists in the account (EntityNotFound), it has room
 * for one more group unless the group already uses it (EntityLimitExceeded), and it has IPv6
 * addresses when the group has IPv6 enabled (an ipv4 list requires Ipv6Enabled=false, as
 * Terraform documents: InvalidArgument).
 */
async function usableList(tx: Transaction, ctx: RequestContext, listId: string, ipv6: boolean, groupId?: string): Promise<AnycastIpListRecord> {
  const list = await requireAnycastIpList(tx, ctx.account, listId);
  const alreadyUsing = groupId !== undefined && !!(await tx.get(T.anycastUsage, key(ctx.account, listId, groupId)));
  if (!alreadyUsing && (await tx.count(T.anycastUsage, key(ctx.account, listId, ""))) >= ctx.quota("ConnectionGroupsPerAnycastIpList")) {
    throw new AwsError(
      "EntityLimitExceeded",
      `The Anycast static IP list ${listId} is already used by ${ctx.quota("ConnectionGroupsPerAnycastIpList")} connection groups, the maximum.`,
    );
  }
  if (ipv6 && list.IpAddressType === "ipv4") {
    throw new AwsError("InvalidArgument", "IPv6 must be disabled (Ipv6Enabled=false) to use an Anycast static IP list of IPv4 addresses only.");
  }
  return list;
}

/** A routing endpoint no group of the account has (13 random characters: a retry is near impossible). */
async function freeEndpoint(tx: Transaction, account: string): Promise<string> {
  for (;;) {
    const endpoint = routingEndpoint();
    if (!(await tx.get(T.routingEndpoints, key(account, endpoint)))) return endpoint;
  }
}

export const CreateConnectionGroup: Handler<CreateConnectionGroupRequest, CreateConnectionGroupResult> = async (input, ctx) => {
  // The name's character set is undocumented; CloudFront's usual 1-128 characters apply.
  check.text(input.Name, "Name");
  const name = input.Name!;
  const tags = validTags(input.Tags);
  const ipv6 = input.Ipv6Enabled ?? true;
  const listId = input.AnycastIpListId || undefined;
  return ctx.transaction(async (tx) => {
    if (await tx.get(T.connectionGroupNames, key(ctx.account, name))) throw nameTaken(name);
    if ((await tx.count(T.connectionGroups, `${ctx.account}/`)) >= ctx.quota("ConnectionGroupsPerAccount")) {
      throw new AwsError("EntityLimitExceeded", `The account already has ${ctx.quota("ConnectionGroupsPerAccount")} connection groups, the maximum.`);
    }
    if (listId) await usableList(tx, ctx, listId, ipv6);
    const now = isoMillis(ctx.now);
    const record = nextDeployment(
      {
        Id: connectionGroupId(),
        Name: name,
        CreatedTime: now,
        LastModifiedTime: now,
        Ipv6Enabled: ipv6,
        RoutingEndpoint: await freeEndpoint(tx, ctx.account),
        ...(listId ? { AnycastIpListId: listId } : {}),
        Enabled: input.Enabled ?? true,
        IsDefault: false,
      },
      ctx,
    );
    await tx.put(T.connectionGroups, key(ctx.account, record.Id), record);
    await tx.put(T.connectionGroupNames, key(ctx.account, name), record.Id);
    await tx.put(T.routingEndpoints, key(ctx.account, record.RoutingEndpoint), record.Id);
    if (listId) await tx.put(T.anycastUsage, key(ctx.account, listId, record.Id), record.Id);
    await initTags(tx, ctx, CONNECTION_GROUP, record.Id, tags);
    // Create echoes the tags it was given (AWS CLI example); Get and Update show none.
    const group = connectionGroupOf(record, "InProgress", ctx.account);
    return { ConnectionGroup: tags.length ? { ...group, Tags: { Items: tags } } : group, ETag: record.ETag };
  });
};

/** Identifier is the Id, the Name or the ARN (the binding has already percent-decoded it). */
async function findGroup(tx: Transaction, account: string, identifier: string): Promise<ConnectionGroupRecord | undefined> {
  if (identifier.startsWith("arn:")) {
    const m = /^arn:aws:cloudfront::(\d+):connection-group\/(.+)$/.exec(identifier);
    return m && m[1] === account ? tx.get<ConnectionGroupRecord>(T.connectionGroups, key(account, m[2])) : undefined;
  }
  const byId = await tx.get<ConnectionGroupRecord>(T.connectionGroups, key(account, identifier));
  if (byId) return byId;
  const id = await tx.get<string>(T.connectionGroupNames, key(account, identifier));
  return id ? tx.get<ConnectionGroupRecord>(T.connectionGroups, key(account, id)) : undefined;
}

export const GetConnectionGroup: Handler<GetConnectionGroupRequest, GetConnectionGroupResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await findGroup(tx, ctx.account, input.Identifier ?? "");
    if (!record) throw new AwsError("EntityNotFound", `The connection group ${input.Identifier ?? ""} does not exist.`);
    return { ConnectionGroup: connectionGroupOf(record, statusOf(record, ctx), ctx.account), ETag: record.ETag };
  });

export const GetConnectionGroupByRoutingEndpoint: Handler<GetConnectionGroupByRoutingEndpointRequest, GetConnectionGroupByRoutingEndpointResult> = (
  input,
  ctx,
) =>
  ctx.transaction(async (tx) => {
    // DNS names are case-insensitive; CloudFront issues them in lowercase.
    const endpoint = (input.RoutingEndpoint ?? "").toLowerCase();
    const id = await tx.get<string>(T.routingEndpoints, key(ctx.account, endpoint));
    if (!id) throw new AwsError("EntityNotFound", `No connection group has the routing endpoint ${input.RoutingEndpoint ?? ""}.`);
    const record = await requireConnectionGroup(tx, ctx.account, id);
    return { ConnectionGroup: connectionGroupOf(record, statusOf(record, ctx), ctx.account), ETag: record.ETag };
  });

/**
 * Id order, NextMarker the last Id returned (as every CloudFront list). With an
 * AssociationFilter the page comes from the list -> group index, so it costs the same however
 * many other groups the account has.
 */
export const ListConnectionGroups: Handler<ListConnectionGroupsRequest, ListConnectionGroupsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const listId = input.AssociationFilter?.AnycastIpListId;
  return ctx.transaction(async (tx) => {
    let records: ConnectionGroupRecord[];
    let nextMarker: string | undefined;
    if (listId) {
      await requireAnycastIpList(tx, ctx.account, listId);
      const page = await listPage<string>(tx, T.anycastUsage, key(ctx.account, listId), input.Marker, maxItems);
      records = [];
      for (const id of page.items) records.push(await requireConnectionGroup(tx, ctx.account, id));
      nextMarker = page.nextMarker;
    } else {
      const page = await listPage<ConnectionGroupRecord>(tx, T.connectionGroups, ctx.account, input.Marker, maxItems);
      records = page.items;
      nextMarker = page.nextMarker;
    }
    return {
      NextMarker: nextMarker,
      ConnectionGroups: records.length ? records.map((r) => summaryOf(r, ctx)) : undefined,
    };
  });
};

/**
 * The seed operation. Members that are sent change, the others keep their value; an empty
 * AnycastIpListId removes the list. Every update, even one that changes nothing, issues a new
 * ETag and starts a new deployment (InProgress).
 */
export const UpdateConnectionGroup: Handler<UpdateConnectionGroupRequest, UpdateConnectionGroupResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireConnectionGroup(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    const ipv6 = input.Ipv6Enabled ?? record.Ipv6Enabled;
    const listId = input.AnycastIpListId === undefined ? record.AnycastIpListId : input.AnycastIpListId || undefined;
    if (listId) await usableList(tx, ctx, listId, ipv6, record.Id);
    if (listId !== record.AnycastIpListId) {
      if (record.AnycastIpListId) await tx.delete(T.anycastUsage, key(ctx.account, record.AnycastIpListId, record.Id));
      if (listId) await tx.put(T.anycastUsage, key(ctx.account, listId, record.Id), record.Id);
    }
    const { AnycastIpListId: _old, ...kept } = record;
    const updated = nextDeployment(
      {
        ...kept,
        Ipv6Enabled: ipv6,
        ...(listId ? { AnycastIpListId: listId } : {}),
        Enabled: input.Enabled ?? record.Enabled,
        LastModifiedTime: isoMillis(ctx.now),
      },
      ctx,
    );
    await tx.put(T.connectionGroups, key(ctx.account, record.Id), updated);
    return { ConnectionGroup: connectionGroupOf(updated, "InProgress", ctx.account), ETag: updated.ETag };
  });

/**
 * Only a disabled group whose disabling has finished deploying can be deleted, as for
 * distributions: Terraform disables, waits for Deployed, then deletes (and retries on
 * ResourceNotDisabled).
 */
export const DeleteConnectionGroup: Handler<DeleteConnectionGroupRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireConnectionGroup(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    if (record.Enabled) throw new AwsError("ResourceNotDisabled", "The connection group is enabled: disable it before deleting it.");
    if (!isDeployed(record, ctx)) {
      throw new AwsError("ResourceNotDisabled", "The connection group is being disabled: wait until its status is Deployed before deleting it.");
    }
    await refuseInUse(tx, ctx.account, "connection-group", record.Id);
    await tx.delete(T.connectionGroups, key(ctx.account, record.Id));
    await tx.delete(T.connectionGroupNames, key(ctx.account, record.Name));
    await tx.delete(T.routingEndpoints, key(ctx.account, record.RoutingEndpoint));
    if (record.AnycastIpListId) await tx.delete(T.anycastUsage, key(ctx.account, record.AnycastIpListId, record.Id));
    await dropTags(tx, ctx.account, CONNECTION_GROUP, record.Id);
    if (record.IsDefault) await tx.delete(DEFAULT, ctx.account);
    return {};
  });

const DEFAULT = "cloudfront.defaultConnectionGroup"; // acct -> connection group id

/**
 * The account's default connection group, which CloudFront creates for the first tenant that
 * names none (IsDefault, `CreatedByCloudFront-{Id}`) and reuses afterwards.
 */
export async function defaultConnectionGroup(tx: Transaction, ctx: RequestContext): Promise<ConnectionGroupRecord> {
  const id = await tx.get<string>(DEFAULT, ctx.account);
  const existing = id ? await tx.get<ConnectionGroupRecord>(T.connectionGroups, key(ctx.account, id)) : undefined;
  if (existing) return existing;
  const now = isoMillis(ctx.now);
  const groupId = connectionGroupId();
  const record = nextDeployment(
    {
      Id: groupId,
      Name: `CreatedByCloudFront-${groupId}`,
      CreatedTime: now,
      LastModifiedTime: now,
      Ipv6Enabled: true,
      RoutingEndpoint: await freeEndpoint(tx, ctx.account),
      Enabled: true,
      IsDefault: true,
    },
    ctx,
  );
  await tx.put(T.connectionGroups, key(ctx.account, record.Id), record);
  await tx.put(T.connectionGroupNames, key(ctx.account, record.Name), record.Id);
  await tx.put(T.routingEndpoints, key(ctx.account, record.RoutingEndpoint), record.Id);
  await tx.put(DEFAULT, ctx.account, record.Id);
  return record;
}
