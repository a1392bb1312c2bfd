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

/** `on("GetDistribution", "distribution", "Id")`: the resource named by one input member. */
const on = (action: string, type: string, member: string): Authorizer<In> => onResource(action, type, (i) => i[member] ?? "");

/** Key value stores are named by Name in requests and by Id in their ARN. */
const kvs = (action: string): Authorizer<In> =>
  onResource(action, "key-value-store", async (i, ctx) => {
    const store = await ctx.transaction((tx) => tx.get<{ Id: string }>("cloudfront.keyValueStores", key(ctx.account, i.Name ?? "")));
    return store?.Id ?? "*";
  });

/** Connection functions and trust stores are named by Id, Name or ARN in requests, by Id in their ARN. */
const byIdentifier = (action: string, type: string, names: string, member: string): Authorizer<In> =>
  onResource(action, type, async (i, ctx) => {
    const value = i[member] ?? "";
    const prefix = arnOf(ctx.account, type, "");
    if (value.startsWith(prefix)) return value.slice(prefix.length);
    return (await lookup(names, value, ctx)) ?? value;
  });

const anyOf = (names: string[]): Record<string, Authorizer<In>> => Object.fromEntries(names.map((n) => [n, anyResource(n)]));

export const authorization: Record<string, Authorizer<In>> = {
  CreateDistribution: create("CreateDistribution", "distribution"),
  CreateDistributionWithTags: (input, ctx) => {
    const arn = arnOf(ctx.account, "distribution", "*");
    return { action: "cloudfront:CreateDistribution", resources: [arn], also: [{ action: "cloudfront:TagResource", resources: [arn] }] };
  },
  GetDistribution: on("GetDistribution", "distribution", "Id"),
  GetDistributionConfig: on("GetDistributionConfig", "distribution", "Id"),
  UpdateDistribution: on("UpdateDistribution", "distribution", "Id"),
  DeleteDistribution: on("DeleteDistribution", "distribution", "Id"),
  AssociateDistributionWebACL: on("AssociateDistributionWebACL", "distribution", "Id"),
  DisassociateDistributionWebACL: on("DisassociateDistributionWebACL", "distribution", "Id"),
  CreateMonitoringSubscription: on("CreateMonitoringSubscription", "distribution", "DistributionId"),
  GetMonitoringSubscription: on("GetMonitoringSubscription", "distribution", "DistributionId"),
  DeleteMonitoringSubscription: on("DeleteMonitoringSubscription", "distribution", "DistributionId"),
  CreateInvalidation: on("CreateInvalidation", "distribution", "DistributionId"),
  GetInvalidation: on("GetInvalidation", "distribution", "DistributionId"),
  ListInvalidations: on("ListInvalidations", "distribution", "DistributionId"),
  CreateInvalidationForDistributionTenant: on("CreateInvalidationForDistributionTenant", "distribution-tenant", "Id"),
  GetInvalidationForDistributionTenant: on("GetInvalidationForDistributionTenant", "distribution-tenant", "DistributionTenantId"),
  ListInvalidationsForDistributionTenant: on("ListInvalidationsForDistributionTenant", "distribution-tenant", "Id"),
  ...anyOf([
    "ListDistributions",
    "ListDistributionsByCachePolicyId",
    "ListDistributionsByOriginRequestPolicyId",
    "ListDistributionsByResponseHeadersPolicyId",
    "ListDistributionsByWebACLId",
    "ListDistributionsByConnectionMode",
    "ListOriginAccessControls",
    "ListCloudFrontOriginAccessIdentities",
    "ListCachePolicies",
    "ListOriginRequestPolicies",
    "ListResponseHeadersPolicies",
    "ListFunctions",
    "ListKeyValueStores",
    "ListDistributionTenants",
    "ListDistributionTenantsByCustomization",
    "CreateCloudFrontOriginAccessIdentity",
    "GetCloudFrontOriginAccessIdentity",
    "GetCloudFrontOriginAccessIdentityConfig",
    "UpdateCloudFrontOriginAccessIdentity",
    "DeleteCloudFrontOriginAccessIdentity",
  ]),
  CreateOriginAccessControl: create("CreateOriginAccessControl", "origin-access-control"),
  GetOriginAccessControl: on("GetOriginAccessControl", "origin-access-control", "Id"),
  GetOriginAccessControlConfig: on("GetOriginAccessControlConfig", "origin-access-control", "Id"),
  UpdateOriginAccessControl: on("UpdateOriginAccessControl", "origin-access-control", "Id"),
  DeleteOriginAccessControl: on("DeleteOriginAccessControl", "origin-access-control", "Id"),
  ...Object.fromEntries(
    (["Cache", "OriginRequest", "ResponseHeaders"] as const).flatMap((noun) => {
      const type = { Cache: "cache-policy", OriginRequest: "origin-request-policy", ResponseHeaders: "response-headers-policy" }[noun];
      return [
        [`Create${noun}Policy`, create(`Create${noun}Policy`, type)],
        [`Get${noun}Policy`, on(`Get${noun}Policy`, type, "Id")],
        [`Get${noun}PolicyConfig`, on(`Get${noun}PolicyConfig`, type, "Id")],
        [`Update${noun}Policy`, on(`Update${noun}Policy`, type, "Id")],
        [`Delete${noun}Policy`, on(`Delete${noun}Policy`, type, "Id")],
      ];
    }),
  ),
  CreateFunction: (input, ctx) => {
    const arn = arnOf(ctx.account, "function", input.Name ?? "*");
    const tagged = ((input as { Tags?: { Items?: unknown[] } }).Tags?.Items?.length ?? 0) > 0;
    return { action: "cloudfront:CreateFunction", resources: [arn], ...(tagged ? { also: [{ action: "cloudfront:TagResource", resources: [arn] }] } : {}) };
  },
  DescribeFunction: on("DescribeFunction", "function", "Name"),
  GetFunction: on("GetFunction", "function", "Name"),
  UpdateFunction: on("UpdateFunction", "function", "Name"),
  PublishFunction: on("PublishFunction", "function", "Name"),
  TestFunction: on("TestFunction", "function", "Name"),
  DeleteFunction: on("DeleteFunction", "function", "Name"),
  CreateKeyValueStore: create("CreateKeyValueStore", "key-value-store"),
  DescribeKeyValueStore: kvs("DescribeKeyValueStore"),
  UpdateKeyValueStore: kvs("UpdateKeyValueStore"),
  DeleteKeyValueStore: kvs("DeleteKeyValueStore"),
  CreateDistributionTenant: create("CreateDistributionTenant", "distribution-tenant"),
  GetDistributionTenant: on("GetDistributionTenant", "distribution-tenant", "Identifier"),
  GetDistributionTenantByDomain: anyResource("GetDistributionTenantByDomain"),
  UpdateDistributionTenant: on("UpdateDistributionTenant", "distribution-tenant", "Id"),
  GetManagedCertificateDetails: on("GetManagedCertificateDetails", "distribution-tenant", "Identifier"),
  AssociateDistributionTenantWebACL: on("AssociateDistributionTenantWebACL", "distribution-tenant", "Id"),
  DisassociateDistributionTenantWebACL: on("DisassociateDistributionTenantWebACL", "distribution-tenant", "Id"),
  AssociateAlias: on("AssociateAlias", "distribution", "TargetDistributionId"),
  ListConflictingAliases: on("ListConflictingAliases", "distribution", "DistributionId"),
  ListDomainConflicts: anyResource("ListDomainConflicts"),
  UpdateDomainAssociation: (i: In, ctx) => {
    const t = i.TargetResource as unknown as { DistributionId?: string; DistributionTenantId?: string } | undefined;
    const arn = t?.DistributionId ? arnOf(ctx.account, "distribution", t.DistributionId) : arnOf(ctx.account, "distribution-tenant", t?.DistributionTenantId ?? "*");
    return { action: "cloudfront:UpdateDomainAssociation", resources: [arn] };
  },
  DeleteDistributionTenant: on("DeleteDistributionTenant", "distribution-tenant", "Id"),

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

  ...Object.fromEntries(
    (["Config", "Profile"] as const).flatMap((noun) => {
      const type = noun === "Config" ? "field-level-encryption-config" : "field-level-encryption-profile";
      const base = noun === "Config" ? "FieldLevelEncryption" : "FieldLevelEncryptionProfile";
      return [
        [`CreateFieldLevelEncryption${noun}`, create(`CreateFieldLevelEncryption${noun}`, type)],
        [`Get${base}`, on(`Get${base}`, type, "Id")],
        [`Get${base}Config`, on(`Get${base}Config`, type, "Id")],
        [`UpdateFieldLevelEncryption${noun}`, on(`UpdateFieldLevelEncryption${noun}`, type, "Id")],
        [`DeleteFieldLevelEncryption${noun}`, on(`DeleteFieldLevelEncryption${noun}`, type, "Id")],
      ];
    }),
  ),
  // Real-time log configs are named by Name or ARN; their ARN carries the name.
  ...Object.fromEntries(
    ["CreateRealtimeLogConfig", "GetRealtimeLogConfig", "UpdateRealtimeLogConfig", "DeleteRealtimeLogConfig"].map((op) => [
      op,
      (i: In, ctx: RequestContext) => ({ action: `cloudfront:${op}`, resources: [i.Name ? arnOf(ctx.account, "realtime-log-config", i.Name) : (i.ARN ?? "*")] }),
    ]),
  ),
  CreateContinuousDeploymentPolicy: create("CreateContinuousDeploymentPolicy", "continuous-deployment-policy"),
  GetContinuousDeploymentPolicy: on("GetContinuousDeploymentPolicy", "continuous-deployment-policy", "Id"),
  GetContinuousDeploymentPolicyConfig: on("GetContinuousDeploymentPolicyConfig", "continuous-deployment-policy", "Id"),
  UpdateContinuousDeploymentPolicy: on("UpdateContinuousDeploymentPolicy", "continuous-deployment-policy", "Id"),
  DeleteContinuousDeploymentPolicy: on("DeleteContinuousDeploymentPolicy", "continuous-deployment-policy", "Id"),
  // A copy creates a distribution: CopyDistribution on the primary and CreateDistribution.
  CopyDistribution: (i: In, ctx) => ({
    action: "cloudfront:CopyDistribution",
    resources: [arnOf(ctx.account, "distribution", i.PrimaryDistributionId ?? "")],
    also: [{ action: "cloudfront:CreateDistribution", resources: [arnOf(ctx.account, "distribution", "*")] }],
  }),
  UpdateDistributionWithStagingConfig: on("UpdateDistributionWithStagingConfig", "distribution", "Id"),
  CreateVpcOrigin: create("CreateVpcOrigin", "vpcorigin"),
  GetVpcOrigin: on("GetVpcOrigin", "vpcorigin", "Id"),
  UpdateVpcOrigin: on("UpdateVpcOrigin", "vpcorigin", "Id"),
  DeleteVpcOrigin: on("DeleteVpcOrigin", "vpcorigin", "Id"),
  CreateStreamingDistribution: create("CreateStreamingDistribution", "streaming-distribution"),
  CreateStreamingDistributionWithTags: (input, ctx) => {
    const arn = arnOf(ctx.account, "streaming-distribution", "*");
    return { action: "cloudfront:CreateStreamingDistribution", resources: [arn], also: [{ action: "cloudfront:TagResource", resources: [arn] }] };
  },
  GetStreamingDistribution: on("GetStreamingDistribution", "streaming-distribution", "Id"),
  GetStreamingDistributionConfig: on("GetStreamingDistributionConfig", "streaming-distribution", "Id"),
  UpdateStreamingDistribution: on("UpdateStreamingDistribution", "streaming-distribution", "Id"),
  DeleteStreamingDistribution: on("DeleteStreamingDistribution", "streaming-distribution", "Id"),
  ...anyOf([
    "ListFieldLevelEncryptionConfigs",
    "ListFieldLevelEncryptionProfiles",
    "ListRealtimeLogConfigs",
    "ListDistributionsByRealtimeLogConfig",
    "ListContinuousDeploymentPolicies",
    "ListVpcOrigins",
    "ListDistributionsByVpcOriginId",
    "ListDistributionsByOwnedResource",
    "ListStreamingDistributions",
  ]),
  CreateConnectionFunction: create("CreateConnectionFunction", "connection-function"),
  DescribeConnectionFunction: byIdentifier("DescribeConnectionFunction", "connection-function", "cloudfront.connectionFunctionNames", "Identifier"),
  GetConnectionFunction: byIdentifier("GetConnectionFunction", "connection-function", "cloudfront.connectionFunctionNames", "Identifier"),
  UpdateConnectionFunction: on("UpdateConnectionFunction", "connection-function", "Id"),
  PublishConnectionFunction: on("PublishConnectionFunction", "connection-function", "Id"),
  TestConnectionFunction: on("TestConnectionFunction", "connection-function", "Id"),
  DeleteConnectionFunction: on("DeleteConnectionFunction", "connection-function", "Id"),
  ListDistributionsByConnectionFunction: anyResource("ListDistributionsByConnectionFunction"),
  ListConnectionFunctions: anyResource("ListConnectionFunctions"),
  CreateTrustStore: create("CreateTrustStore", "trust-store"),
  GetTrustStore: byIdentifier("GetTrustStore", "trust-store", "cloudfront.trustStoreNames", "Identifier"),
  UpdateTrustStore: on("UpdateTrustStore", "trust-store", "Id"),
  DeleteTrustStore: on("DeleteTrustStore", "trust-store", "Id"),
  ListTrustStores: anyResource("ListTrustStores"),
  ListDistributionsByTrustStore: anyResource("ListDistributionsByTrustStore"),
  // Resource policies act on the resource their ARN names.
  PutResourcePolicy: (i: In) => ({ action: "cloudfront:PutResourcePolicy", resources: [i.ResourceArn ?? ""] }),
  GetResourcePolicy: (i: In) => ({ action: "cloudfront:GetResourcePolicy", resources: [i.ResourceArn ?? ""] }),
  DeleteResourcePolicy: (i: In) => ({ action: "cloudfront:DeleteResourcePolicy", resources: [i.ResourceArn ?? ""] }),
  VerifyDnsConfiguration: (i: In, ctx) => ({
    action: "cloudfront:VerifyDnsConfiguration",
    resources: [i.Identifier?.startsWith("arn:") ? i.Identifier : arnOf(ctx.account, "distribution-tenant", i.Identifier ?? "*")],
  }),

  // Tagging acts on the resource its ARN names.
  TagResource: (i: In) => ({ action: "cloudfront:TagResource", resources: [i.Resource ?? ""] }),
  UntagResource: (i: In) => ({ action: "cloudfront:UntagResource", resources: [i.Resource ?? ""] }),
  ListTagsForResource: (i: In) => ({ action: "cloudfront:ListTagsForResource", resources: [i.Resource ?? ""] }),
};
