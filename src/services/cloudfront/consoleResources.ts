import { allPages, type RequestContext, type ResourceKind, type ResourceLink, type ResourceRow } from "../../core/service.js";
import type { DistributionIdList, DistributionList } from "@aws-sdk/client-cloudfront";
import { GetAnycastIpList, ListAnycastIpLists, ListDistributionsByAnycastIpListId } from "./anycastIpLists.js";
import { GetConnectionGroup, ListConnectionGroups } from "./connectionGroups.js";
import {
  GetDistribution,
  ListDistributions,
  ListDistributionsByCachePolicyId,
  ListDistributionsByOriginRequestPolicyId,
  ListDistributionsByResponseHeadersPolicyId,
} from "./distributions.js";
import { DescribeFunction, ListFunctions } from "./functions.js";
import { DescribeKeyValueStore, ListKeyValueStores } from "./keyValueStores.js";
import { GetOriginAccessControl, ListOriginAccessControls } from "./originAccess.js";
import { policyHandlers } from "./policies.js";
import { GetDistributionTenant, ListDistributionTenants } from "./tenants.js";
import { GetKeyGroup, ListDistributionsByKeyGroup, ListKeyGroups } from "./keyGroups.js";
import { T } from "./model.js";
import { GetPublicKey, ListPublicKeys } from "./publicKeys.js";
import {
  GetFieldLevelEncryption,
  GetFieldLevelEncryptionProfile,
  ListFieldLevelEncryptionConfigs,
  ListFieldLevelEncryptionProfiles,
} from "./fieldLevelEncryption.js";
import { GetRealtimeLogConfig, ListDistributionsByRealtimeLogConfig, ListRealtimeLogConfigs } from "./realtimeLogs.js";
import { GetContinuousDeploymentPolicy, ListContinuousDeploymentPolicies } from "./continuousDeployment.js";
import { GetVpcOrigin, ListDistributionsByVpcOriginId, ListVpcOrigins } from "./vpcOrigins.js";
import { DescribeConnectionFunction, ListConnectionFunctions, ListDistributionsByConnectionFunction } from "./connectionFunctions.js";
import { GetTrustStore, ListDistributionsByTrustStore, ListTrustStores } from "./trustStores.js";

/** CloudFront's resource kinds for the web console (global), read through CloudFront's own handlers. */

const PAGE = 50;
const date = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

const allKeyGroups = (ctx: RequestContext) =>
  allPages(async (Marker) => {
    const out = await ListKeyGroups({ Marker, MaxItems: 100 }, ctx);
    return { items: out.KeyGroupList?.Items, next: out.KeyGroupList?.NextMarker };
  });

/** Distributions that hold a reference, from the service's own ListDistributionsBy… answer. */
async function distributionsUsing(list: (Marker?: string) => Promise<{ items: string[] | undefined; next?: string }>, relation: string): Promise<ResourceLink[]> {
  const ids = await allPages(list);
  return ids.map((id): ResourceLink => ({ service: "cloudfront", kind: "distributions", id, direction: "referencedBy", relation }));
}

const idsOf = (list: DistributionIdList | DistributionList | undefined) => ({
  items: list?.Items?.map((d) => (typeof d === "string" ? d : d.Id!)),
  next: list?.IsTruncated ? list.NextMarker : undefined,
});

const distributions: ResourceKind = {
  name: "distributions",
  title: "Distributions",
  table: "cloudfront.distributions",
  columns: ["Id", "DomainName", "Status", "Enabled", "Comment", "LastModifiedTime"],
  async list(ctx, Marker) {
    const out = await ListDistributions({ Marker, MaxItems: PAGE }, ctx);
    const list = out.DistributionList;
    return {
      rows: (list?.Items ?? []).map((d) => ({
        id: d.Id!,
        columns: { Id: d.Id, DomainName: d.DomainName, Status: d.Status, Enabled: d.Enabled, Comment: d.Comment, LastModifiedTime: date(d.LastModifiedTime) },
      })),
      next: list?.IsTruncated ? list.NextMarker : undefined,
    };
  },
  get: (ctx, Id) => GetDistribution({ Id }, ctx),
  async links(_ctx, _id, resource) {
    const config = (resource as Awaited<ReturnType<typeof GetDistribution>>).Distribution?.DistributionConfig;
    const behaviors = [config?.DefaultCacheBehavior, ...(config?.CacheBehaviors?.Items ?? [])];
    const keyGroups = new Set(behaviors.flatMap((b) => b?.TrustedKeyGroups?.Items ?? []));
    const links: ResourceLink[] = [...keyGroups].map((id) => ({ service: "cloudfront", kind: "keyGroups", id, direction: "references", relation: "trusted key group" }));
    if (config?.AnycastIpListId) links.push({ service: "cloudfront", kind: "anycastIpLists", id: config.AnycastIpListId, direction: "references", relation: "anycast IP list" });
    const policies = [
      ["cachePolicies", "cache policy", behaviors.map((b) => b?.CachePolicyId)],
      ["originRequestPolicies", "origin request policy", behaviors.map((b) => b?.OriginRequestPolicyId)],
      ["responseHeadersPolicies", "response headers policy", behaviors.map((b) => b?.ResponseHeadersPolicyId)],
    ] as const;
    for (const [kind, relation, ids] of policies) {
      for (const id of new Set(ids.filter((i): i is string => !!i))) links.push({ service: "cloudfront", kind, id, direction: "references", relation });
    }
    const to = (kind: string, relation: string, ids: Array<string | undefined>) => {
      for (const id of new Set(ids.filter((i): i is string => !!i))) links.push({ service: "cloudfront", kind, id, direction: "references", relation });
    };
    to("fieldLevelEncryptionConfigs", "field-level encryption config", behaviors.map((b) => b?.FieldLevelEncryptionId));
    // Real-time log configs are named by Name in the console (their ARN ends with it).
    to("realtimeLogConfigs", "real-time log config", behaviors.map((b) => b?.RealtimeLogConfigArn?.split("/").pop()));
    to("vpcOrigins", "VPC origin", (config?.Origins?.Items ?? []).map((o) => o.VpcOriginConfig?.VpcOriginId));
    to("continuousDeploymentPolicies", "continuous deployment policy", [config?.ContinuousDeploymentPolicyId]);
    to("trustStores", "trust store", [config?.ViewerMtlsConfig?.TrustStoreConfig?.TrustStoreId]);
    to("connectionFunctions", "connection function", [config?.ConnectionFunctionAssociation?.Id]);
    return links;
  },
};

const publicKeys: ResourceKind = {
  name: "publicKeys",
  title: "Public keys",
  table: T.publicKeys,
  columns: ["Name", "Id", "Comment", "CreatedTime"],
  async list(ctx, Marker) {
    const out = await ListPublicKeys({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.PublicKeyList?.Items ?? []).map((k) => ({ id: k.Id!, columns: { Name: k.Name, Id: k.Id, Comment: k.Comment, CreatedTime: date(k.CreatedTime) } })),
      next: out.PublicKeyList?.NextMarker,
    };
  },
  get: (ctx, Id) => GetPublicKey({ Id }, ctx),
  // CloudFront has no "key groups of a key" call: the account's key groups are few (quota 10 by default).
  async links(ctx, id) {
    return (await allKeyGroups(ctx))
      .filter((g) => g.KeyGroup?.KeyGroupConfig?.Items?.includes(id))
      .map((g): ResourceLink => ({ service: "cloudfront", kind: "keyGroups", id: g.KeyGroup!.Id!, label: g.KeyGroup!.KeyGroupConfig!.Name, direction: "referencedBy", relation: "key group" }));
  },
};

const keyGroups: ResourceKind = {
  name: "keyGroups",
  title: "Key groups",
  table: T.keyGroups,
  columns: ["Name", "Id", "PublicKeys", "Comment", "LastModifiedTime"],
  async list(ctx, Marker) {
    const out = await ListKeyGroups({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.KeyGroupList?.Items ?? []).map(({ KeyGroup: g }) => ({
        id: g!.Id!,
        columns: { Name: g!.KeyGroupConfig?.Name, Id: g!.Id, PublicKeys: g!.KeyGroupConfig?.Items?.length ?? 0, Comment: g!.KeyGroupConfig?.Comment, LastModifiedTime: date(g!.LastModifiedTime) },
      })),
      next: out.KeyGroupList?.NextMarker,
    };
  },
  get: (ctx, Id) => GetKeyGroup({ Id }, ctx),
  async links(ctx, _id, resource) {
    const items = (resource as Awaited<ReturnType<typeof GetKeyGroup>>).KeyGroup?.KeyGroupConfig?.Items ?? [];
    const links: ResourceLink[] = [];
    for (const keyId of items) {
      const key = await GetPublicKey({ Id: keyId }, ctx).catch(() => undefined);
      links.push({ service: "cloudfront", kind: "publicKeys", id: keyId, label: key?.PublicKey?.PublicKeyConfig?.Name, direction: "references", relation: "public key" });
    }
    const KeyGroupId = (resource as Awaited<ReturnType<typeof GetKeyGroup>>).KeyGroup!.Id!;
    return [...links, ...(await distributionsUsing(async (Marker) => idsOf((await ListDistributionsByKeyGroup({ KeyGroupId, Marker, MaxItems: 100 }, ctx)).DistributionIdList), "distribution"))];
  },
};

const connectionGroups: ResourceKind = {
  name: "connectionGroups",
  title: "Connection groups",
  table: T.connectionGroups,
  columns: ["Name", "Id", "Status", "Enabled", "RoutingEndpoint", "AnycastIpListId"],
  async list(ctx, Marker) {
    const out = await ListConnectionGroups({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.ConnectionGroups ?? []).map((g) => ({
        id: g.Id!,
        columns: { Name: g.Name, Id: g.Id, Status: g.Status, Enabled: g.Enabled, RoutingEndpoint: g.RoutingEndpoint, AnycastIpListId: g.AnycastIpListId },
      })),
      next: out.NextMarker,
    };
  },
  get: (ctx, Identifier) => GetConnectionGroup({ Identifier }, ctx),
  async links(_ctx, _id, resource) {
    const listId = (resource as Awaited<ReturnType<typeof GetConnectionGroup>>).ConnectionGroup?.AnycastIpListId;
    return listId ? [{ service: "cloudfront", kind: "anycastIpLists", id: listId, direction: "references", relation: "anycast IP list" }] : [];
  },
};

const anycastIpLists: ResourceKind = {
  name: "anycastIpLists",
  title: "Anycast IP lists",
  table: T.anycastIpLists,
  columns: ["Name", "Id", "Status", "IpCount", "IpAddressType", "LastModifiedTime"],
  async list(ctx, Marker) {
    const out = await ListAnycastIpLists({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.AnycastIpLists?.Items ?? []).map((l) => ({
        id: l.Id!,
        columns: { Name: l.Name, Id: l.Id, Status: l.Status, IpCount: l.IpCount, IpAddressType: l.IpAddressType, LastModifiedTime: date(l.LastModifiedTime) },
      })),
      next: out.AnycastIpLists?.NextMarker,
    };
  },
  get: (ctx, Id) => GetAnycastIpList({ Id }, ctx),
  async links(ctx, AnycastIpListId) {
    const groups = await allPages(async (Marker) => {
      const out = await ListConnectionGroups({ Marker, MaxItems: 100, AssociationFilter: { AnycastIpListId } }, ctx);
      return { items: out.ConnectionGroups, next: out.NextMarker };
    });
    return [
      ...groups.map((g): ResourceLink => ({ service: "cloudfront", kind: "connectionGroups", id: g.Id!, label: g.Name, direction: "referencedBy", relation: "connection group" })),
      ...(await distributionsUsing(async (Marker) => idsOf((await ListDistributionsByAnycastIpListId({ AnycastIpListId, Marker, MaxItems: 100 }, ctx)).DistributionList), "distribution")),
    ];
  },
};

const tenants: ResourceKind = {
  name: "distributionTenants",
  title: "Distribution tenants",
  table: "cloudfront.distributionTenants",
  columns: ["Name", "Id", "DistributionId", "ConnectionGroupId", "Status", "Enabled"],
  async list(ctx, Marker) {
    const out = await ListDistributionTenants({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.DistributionTenantList ?? []).map((t) => ({
        id: t.Id!,
        columns: { Name: t.Name, Id: t.Id, DistributionId: t.DistributionId, ConnectionGroupId: t.ConnectionGroupId, Status: t.Status, Enabled: t.Enabled },
      })),
      next: out.NextMarker,
    };
  },
  get: (ctx, Identifier) => GetDistributionTenant({ Identifier }, ctx),
  async links(_ctx, _id, resource) {
    const t = (resource as Awaited<ReturnType<typeof GetDistributionTenant>>).DistributionTenant;
    const links: ResourceLink[] = [];
    if (t?.DistributionId) links.push({ service: "cloudfront", kind: "distributions", id: t.DistributionId, direction: "references", relation: "distribution" });
    if (t?.ConnectionGroupId) links.push({ service: "cloudfront", kind: "connectionGroups", id: t.ConnectionGroupId, direction: "references", relation: "connection group" });
    return links;
  },
};

const originAccessControls: ResourceKind = {
  name: "originAccessControls",
  title: "Origin access controls",
  table: "cloudfront.originAccessControls",
  columns: ["Name", "Id", "OriginAccessControlOriginType", "SigningBehavior", "SigningProtocol"],
  async list(ctx, Marker) {
    const out = (await ListOriginAccessControls({ Marker, MaxItems: PAGE }, ctx)).OriginAccessControlList;
    return {
      rows: (out?.Items ?? []).map((o) => ({
        id: o.Id!,
        columns: { Name: o.Name, Id: o.Id, OriginAccessControlOriginType: o.OriginAccessControlOriginType, SigningBehavior: o.SigningBehavior, SigningProtocol: o.SigningProtocol },
      })),
      next: out?.IsTruncated ? out.NextMarker : undefined,
    };
  },
  get: (ctx, Id) => GetOriginAccessControl({ Id }, ctx),
};

const functions: ResourceKind = {
  name: "functions",
  title: "Functions",
  table: "cloudfront.functions",
  columns: ["Name", "Status", "Stage", "Runtime", "LastModifiedTime"],
  async list(ctx, Marker) {
    const out = (await ListFunctions({ Marker, MaxItems: PAGE }, ctx)).FunctionList;
    return {
      rows: (out?.Items ?? []).map((f) => ({
        id: f.Name!,
        columns: { Name: f.Name, Status: f.Status, Stage: f.FunctionMetadata?.Stage, Runtime: f.FunctionConfig?.Runtime, LastModifiedTime: date(f.FunctionMetadata?.LastModifiedTime) },
      })),
      next: out?.NextMarker,
    };
  },
  get: (ctx, Name) => DescribeFunction({ Name }, ctx),
};

const keyValueStores: ResourceKind = {
  name: "keyValueStores",
  title: "Key value stores",
  table: "cloudfront.keyValueStores",
  columns: ["Name", "Id", "Status", "Comment", "LastModifiedTime"],
  async list(ctx, Marker) {
    const out = (await ListKeyValueStores({ Marker, MaxItems: PAGE }, ctx)).KeyValueStoreList;
    return {
      rows: (out?.Items ?? []).map((k) => ({ id: k.Name!, columns: { Name: k.Name, Id: k.Id, Status: k.Status, Comment: k.Comment, LastModifiedTime: date(k.LastModifiedTime) } })),
      next: out?.NextMarker,
    };
  },
  get: (ctx, Name) => DescribeKeyValueStore({ Name }, ctx),
};

/**
 * Cache, origin request and response headers policies share one life (policies.ts): one
 * declaration each, custom policies only (AWS's managed ones are listed with Type=managed).
 */
function policyKind(noun: "Cache" | "OriginRequest" | "ResponseHeaders", title: string, table: string, usedBy: (Id: string, Marker: string | undefined, ctx: RequestContext) => Promise<unknown>): ResourceKind {
  const list = noun === "Cache" ? "ListCachePolicies" : `List${noun}Policies`;
  const configKey = `${noun}PolicyConfig`;
  type Policy = { Id?: string; LastModifiedTime?: Date } & Record<string, { Name?: string; Comment?: string } | undefined>;
  return {
    name: `${noun[0].toLowerCase()}${noun.slice(1)}Policies`,
    title,
    table,
    columns: ["Name", "Id", "Comment", "LastModifiedTime"],
    async list(ctx, Marker) {
      const out = ((await policyHandlers[list]({ Type: "custom", Marker, MaxItems: PAGE }, ctx)) as Record<string, { Items?: Array<Record<string, Policy>>; NextMarker?: string }>)[`${noun}PolicyList`];
      return {
        rows: (out?.Items ?? []).map((item) => {
          const p = item[`${noun}Policy`];
          return { id: p.Id!, columns: { Name: p[configKey]?.Name, Id: p.Id, Comment: p[configKey]?.Comment, LastModifiedTime: date(p.LastModifiedTime) } };
        }),
        next: out?.NextMarker,
      };
    },
    get: (ctx, Id) => policyHandlers[`Get${noun}Policy`]({ Id }, ctx),
    async links(ctx, Id) {
      return distributionsUsing(async (Marker) => idsOf(((await usedBy(Id, Marker, ctx)) as { DistributionIdList?: DistributionIdList }).DistributionIdList), "distribution");
    },
  };
}

const cachePolicies = policyKind("Cache", "Cache policies", "cloudfront.cachePolicies", (CachePolicyId, Marker, ctx) =>
  ListDistributionsByCachePolicyId({ CachePolicyId, Marker, MaxItems: 100 }, ctx),
);
const originRequestPolicies = policyKind("OriginRequest", "Origin request policies", "cloudfront.originRequestPolicies", (OriginRequestPolicyId, Marker, ctx) =>
  ListDistributionsByOriginRequestPolicyId({ OriginRequestPolicyId, Marker, MaxItems: 100 }, ctx),
);
const responseHeadersPolicies = policyKind("ResponseHeaders", "Response headers policies", "cloudfront.responseHeadersPolicies", (ResponseHeadersPolicyId, Marker, ctx) =>
  ListDistributionsByResponseHeadersPolicyId({ ResponseHeadersPolicyId, Marker, MaxItems: 100 }, ctx),
);

/**
 * The families added with issue 19 share one declaration shape: a list page mapped to rows, the
 * family's Get, and optionally what a resource references and which distributions use it (from
 * the family's own ListDistributionsBy… answer).
 */
function simpleKind<I>(k: {
  name: string;
  title: string;
  table: string;
  columns: string[];
  page: (ctx: RequestContext, Marker: string | undefined) => Promise<{ items: I[] | undefined; next?: string }>;
  row: (item: I) => ResourceRow;
  get: (ctx: RequestContext, id: string) => Promise<unknown>;
  references?: (resource: unknown) => ResourceLink[];
  usedBy?: (ctx: RequestContext, id: string, Marker: string | undefined) => Promise<DistributionIdList | DistributionList | undefined>;
}): ResourceKind {
  return {
    name: k.name,
    title: k.title,
    table: k.table,
    columns: k.columns,
    async list(ctx, Marker?: string) {
      const page = await k.page(ctx, Marker);
      return { rows: (page.items ?? []).map(k.row), next: page.next };
    },
    get: k.get,
    ...(k.references || k.usedBy
      ? {
          async links(ctx: RequestContext, id: string, resource: unknown) {
            const used = k.usedBy ? await distributionsUsing(async (Marker) => idsOf(await k.usedBy!(ctx, id, Marker)), "distribution") : [];
            return [...(k.references?.(resource) ?? []), ...used];
          },
        }
      : {}),
  };
}

const ref = (kind: string, relation: string) => (id: string | undefined): ResourceLink[] => (id ? [{ service: "cloudfront", kind, id, direction: "references", relation }] : []);

const fleProfiles = simpleKind({
  name: "fieldLevelEncryptionProfiles",
  title: "Field-level encryption profiles",
  table: "cloudfront.fleProfiles",
  columns: ["Name", "Id", "Comment", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = (await ListFieldLevelEncryptionProfiles({ Marker, MaxItems: PAGE }, ctx)).FieldLevelEncryptionProfileList;
    return { items: out?.Items, next: out?.NextMarker };
  },
  row: (p) => ({ id: p.Id!, columns: { Name: p.Name, Id: p.Id, Comment: p.Comment, LastModifiedTime: date(p.LastModifiedTime) } }),
  get: (ctx, Id) => GetFieldLevelEncryptionProfile({ Id }, ctx),
  references: (r) =>
    ((r as Awaited<ReturnType<typeof GetFieldLevelEncryptionProfile>>).FieldLevelEncryptionProfile?.FieldLevelEncryptionProfileConfig?.EncryptionEntities?.Items ?? []).flatMap((e) =>
      ref("publicKeys", "public key")(e.PublicKeyId),
    ),
});

const fleConfigs = simpleKind({
  name: "fieldLevelEncryptionConfigs",
  title: "Field-level encryption configs",
  table: "cloudfront.fleConfigs",
  columns: ["Id", "Comment", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = (await ListFieldLevelEncryptionConfigs({ Marker, MaxItems: PAGE }, ctx)).FieldLevelEncryptionList;
    return { items: out?.Items, next: out?.NextMarker };
  },
  row: (c) => ({ id: c.Id!, columns: { Id: c.Id, Comment: c.Comment, LastModifiedTime: date(c.LastModifiedTime) } }),
  get: (ctx, Id) => GetFieldLevelEncryption({ Id }, ctx),
  references: (r) => {
    const c = (r as Awaited<ReturnType<typeof GetFieldLevelEncryption>>).FieldLevelEncryption?.FieldLevelEncryptionConfig;
    const ids = [...(c?.QueryArgProfileConfig?.QueryArgProfiles?.Items ?? []), ...(c?.ContentTypeProfileConfig?.ContentTypeProfiles?.Items ?? [])].map((p) => p.ProfileId);
    return [...new Set(ids)].flatMap(ref("fieldLevelEncryptionProfiles", "field-level encryption profile"));
  },
});

const realtimeLogConfigs = simpleKind({
  name: "realtimeLogConfigs",
  title: "Real-time log configs",
  table: "cloudfront.realtimeLogConfigs",
  columns: ["Name", "SamplingRate", "Fields", "ARN"],
  page: async (ctx, Marker) => {
    const out = (await ListRealtimeLogConfigs({ Marker, MaxItems: PAGE }, ctx)).RealtimeLogConfigs;
    return { items: out?.Items, next: out?.IsTruncated ? out.NextMarker : undefined };
  },
  row: (c) => ({ id: c.Name!, columns: { Name: c.Name, SamplingRate: c.SamplingRate, Fields: c.Fields?.length ?? 0, ARN: c.ARN } }),
  get: (ctx, Name) => GetRealtimeLogConfig({ Name }, ctx),
  usedBy: async (ctx, RealtimeLogConfigName, Marker) => (await ListDistributionsByRealtimeLogConfig({ RealtimeLogConfigName, Marker, MaxItems: 100 }, ctx)).DistributionList,
});

const continuousDeploymentPolicies = simpleKind({
  name: "continuousDeploymentPolicies",
  title: "Continuous deployment policies",
  table: "cloudfront.continuousDeploymentPolicies",
  columns: ["Id", "Enabled", "TrafficType", "StagingDistributionDnsNames", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = (await ListContinuousDeploymentPolicies({ Marker, MaxItems: PAGE }, ctx)).ContinuousDeploymentPolicyList;
    return { items: out?.Items?.map((i) => i.ContinuousDeploymentPolicy!), next: out?.NextMarker };
  },
  row: (p) => {
    const c = p.ContinuousDeploymentPolicyConfig;
    return {
      id: p.Id!,
      columns: { Id: p.Id, Enabled: c?.Enabled, TrafficType: c?.TrafficConfig?.Type, StagingDistributionDnsNames: c?.StagingDistributionDnsNames?.Items?.join(", "), LastModifiedTime: date(p.LastModifiedTime) },
    };
  },
  get: (ctx, Id) => GetContinuousDeploymentPolicy({ Id }, ctx),
});

const vpcOrigins = simpleKind({
  name: "vpcOrigins",
  title: "VPC origins",
  table: "cloudfront.vpcOrigins",
  columns: ["Name", "Id", "Status", "OriginEndpointArn", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = (await ListVpcOrigins({ Marker, MaxItems: PAGE }, ctx)).VpcOriginList;
    return { items: out?.Items, next: out?.IsTruncated ? out.NextMarker : undefined };
  },
  row: (v) => ({ id: v.Id!, columns: { Name: v.Name, Id: v.Id, Status: v.Status, OriginEndpointArn: v.OriginEndpointArn, LastModifiedTime: date(v.LastModifiedTime) } }),
  get: (ctx, Id) => GetVpcOrigin({ Id }, ctx),
  usedBy: async (ctx, VpcOriginId, Marker) => (await ListDistributionsByVpcOriginId({ VpcOriginId, Marker, MaxItems: 100 }, ctx)).DistributionIdList,
});

const connectionFunctions = simpleKind({
  name: "connectionFunctions",
  title: "Connection functions",
  table: "cloudfront.connectionFunctions",
  columns: ["Name", "Id", "Status", "Runtime", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = await ListConnectionFunctions({ Marker, MaxItems: PAGE }, ctx);
    return { items: out.ConnectionFunctions, next: out.NextMarker };
  },
  row: (f) => ({ id: f.Id!, columns: { Name: f.Name, Id: f.Id, Status: f.Status, Runtime: f.ConnectionFunctionConfig?.Runtime, LastModifiedTime: date(f.LastModifiedTime) } }),
  get: (ctx, Identifier) => DescribeConnectionFunction({ Identifier }, ctx),
  usedBy: async (ctx, ConnectionFunctionIdentifier, Marker) =>
    (await ListDistributionsByConnectionFunction({ ConnectionFunctionIdentifier, Marker, MaxItems: 100 }, ctx)).DistributionList,
});

const trustStores = simpleKind({
  name: "trustStores",
  title: "Trust stores",
  table: "cloudfront.trustStores",
  columns: ["Name", "Id", "Status", "NumberOfCaCertificates", "Reason", "LastModifiedTime"],
  page: async (ctx, Marker) => {
    const out = await ListTrustStores({ Marker, MaxItems: PAGE }, ctx);
    return { items: out.TrustStoreList, next: out.NextMarker };
  },
  row: (t) => ({ id: t.Id!, columns: { Name: t.Name, Id: t.Id, Status: t.Status, NumberOfCaCertificates: t.NumberOfCaCertificates, Reason: t.Reason, LastModifiedTime: date(t.LastModifiedTime) } }),
  get: (ctx, Identifier) => GetTrustStore({ Identifier }, ctx),
  usedBy: async (ctx, TrustStoreIdentifier, Marker) => (await ListDistributionsByTrustStore({ TrustStoreIdentifier, Marker, MaxItems: 100 }, ctx)).DistributionList,
});

export const resources: ResourceKind[] = [
  distributions,
  tenants,
  publicKeys,
  keyGroups,
  connectionGroups,
  anycastIpLists,
  cachePolicies,
  originRequestPolicies,
  responseHeadersPolicies,
  originAccessControls,
  functions,
  keyValueStores,
  fleProfiles,
  fleConfigs,
  realtimeLogConfigs,
  continuousDeploymentPolicies,
  vpcOrigins,
  connectionFunctions,
  trustStores,
];
