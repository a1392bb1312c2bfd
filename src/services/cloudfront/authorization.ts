import type { Authorizer, RequestContext } from "../../core/service.js";
import { arnOf } from "./ids.js";
import { key, T } from "./model.js";

/**
 * Action and resource ARNs of each CloudFront operation, from the service authorization
 * reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html).
 * Public keys and key groups have no resource type there: their actions are granted on "*".
 */

const anyResource = (action: string): Authorizer => () => ({ action: `cloudfront:${action}`, resources: ["*"] });

type In = Record<string, string | undefined>;

const CONNECTION_GROUP = "connection-group";
const ANYCAST_IP_LIST = "anycast-ip-list";

/** A resource's ARN from its id; a create names `{type}/*` (its id is drawn afterwards). */
const onResource = (action: string, type: string, id: (input: In, ctx: RequestContext) => string | Promise<string>): Authorizer<In> =>
  async (input, ctx) => ({ action: `cloudfront:${action}`, resources: [arnOf(ctx.account, type, await id(input, ctx))] });

/** A create with tags also needs cloudfront:TagResource (the service authorization reference). */
const create = (action: string, type: string): Authorizer<In> => (input, ctx) => {
  const arn = arnOf(ctx.account, type, "*");
  const tagged = ((input as { Tags?: { Items?: unknown[] } }).Tags?.Items?.length ?? 0) > 0;
  return { action: `cloudfront:${action}`, resources: [arn], ...(tagged ? { also: [{ action: "cloudfront:TagResource", resources: [arn] }] } : {}) };
};

/** GetConnectionGroup takes an id or a name; GetConnectionGroupByRoutingEndpoint an endpoint. */
const lookup = (table: string, value: string | undefined, ctx: RequestContext) =>
  ctx.transaction((tx) => tx.get<string>(table, key(ctx.account, value ?? "")));

async function connectionGroupId(input: In, ctx: RequestContext): Promise<string> {
  const byName = await lookup(T.connectionGroupNames, input.Identifier, ctx);
  return byName ?? input.Identifier ?? "";
}

export const authorization: Record<string, Authorizer<In>> = {
  CreatePublicKey: anyResource("CreatePublicKey"),
  GetPublicKey: anyResource("GetPublicKey"),
  GetPublicKeyConfig: anyResource("GetPublicKeyConfig"),
  ListPublicKeys: anyResource("ListPublicKeys"),
  UpdatePublicKey: anyResource("UpdatePublicKey"),
  DeletePublicKey: anyResource("DeletePublicKey"),
  CreateKeyGroup: anyResource("CreateKeyGroup"),
  GetKeyGroup: anyResource("GetKeyGroup"),
  GetKeyGroupConfig: anyResource("GetKeyGroupConfig"),
  ListKeyGroups: anyResource("ListKeyGroups"),
  UpdateKeyGroup: anyResource("UpdateKeyGroup"),
  DeleteKeyGroup: anyResource("DeleteKeyGroup"),
  // Lists the distributions that use a key group: the distribution listing action.
  ListDistributionsByKeyGroup: anyResource("ListDistributionsByKeyGroup"),

  CreateConnectionGroup: create("CreateConnectionGroup", CONNECTION_GROUP),
  GetConnectionGroup: onResource("GetConnectionGroup", CONNECTION_GROUP, connectionGroupId),
  GetConnectionGroupByRoutingEndpoint: onResource("GetConnectionGroupByRoutingEndpoint", CONNECTION_GROUP, async (i, ctx) =>
    (await lookup(T.routingEndpoints, i.RoutingEndpoint?.toLowerCase(), ctx)) ?? "*"),
  ListConnectionGroups: anyResource("ListConnectionGroups"),
  UpdateConnectionGroup: onResource("UpdateConnectionGroup", CONNECTION_GROUP, (i) => i.Id ?? ""),
  DeleteConnectionGroup: onResource("DeleteConnectionGroup", CONNECTION_GROUP, (i) => i.Id ?? ""),

  CreateAnycastIpList: create("CreateAnycastIpList", ANYCAST_IP_LIST),
  GetAnycastIpList: onResource("GetAnycastIpList", ANYCAST_IP_LIST, (i) => i.Id ?? ""),
  ListAnycastIpLists: anyResource("ListAnycastIpLists"),
  UpdateAnycastIpList: onResource("UpdateAnycastIpList", ANYCAST_IP_LIST, (i) => i.Id ?? ""),
  DeleteAnycastIpList: onResource("DeleteAnycastIpList", ANYCAST_IP_LIST, (i) => i.Id ?? ""),
  ListDistributionsByAnycastIpListId: anyResource("ListDistributionsByAnycastIpListId"),

  // Tagging acts on the resource its ARN names.
  TagResource: (i: In) => ({ action: "cloudfront:TagResource", resources: [i.Resource ?? ""] }),
  UntagResource: (i: In) => ({ action: "cloudfront:UntagResource", resources: [i.Resource ?? ""] }),
  ListTagsForResource: (i: In) => ({ action: "cloudfront:ListTagsForResource", resources: [i.Resource ?? ""] }),
};
