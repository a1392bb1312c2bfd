import { rowChecks, type ValueShape } from "../../core/store/rowShapes.js";

/**
 * CloudFront's tables as a snapshot may hold them (model.ts `T` and each family's module).
 * CloudFront is global: keys start with the account, except the domain table, which is shared
 * by every account. Name and id indexes map to a string; CallerReferences and some names are
 * free text (they may hold `/`), hence `**` in those indexes. Configs are the SDK's documents, checked as records only.
 */
const id = (to: ValueShape = "string") => ({ key: "{account}/*", value: to });
const ref = { key: "{account}/**", value: "string" as ValueShape };
const versioned = (members: Record<string, ValueShape>): ValueShape => ({ ETag: "string", ...members });
const deployable = (members: Record<string, ValueShape>): ValueShape => versioned({ DeployedAt: "string", ...members });
const policy = id(versioned({ Id: "string", LastModifiedTime: "string", Config: "object" }));

export const tables = rowChecks({
  publicKeys: id(versioned({ Id: "string", CreatedTime: "string", CallerReference: "string", Name: "string", EncodedKey: "string", Comment: "string" })),
  publicKeyNames: ref,
  publicKeyCallerRefs: ref,
  // acct/publicKeyId/user (a key group or a field-level encryption profile) -> user id
  publicKeyUsage: { key: "{account}/*/*", value: "string" },
  keyGroups: id(versioned({ Id: "string", LastModifiedTime: "string", Name: "string", Items: ["string"], "Comment?": "string" })),
  keyGroupNames: ref,
  connectionGroups: id(
    deployable({ Id: "string", Name: "string", CreatedTime: "string", LastModifiedTime: "string", Ipv6Enabled: "boolean", RoutingEndpoint: "string", "AnycastIpListId?": "string", Enabled: "boolean", IsDefault: "boolean" }),
  ),
  connectionGroupNames: ref,
  defaultConnectionGroup: { key: "{account}", value: "string" },
  routingEndpoints: id(),
  anycastIpLists: id(deployable({ Id: "string", Name: "string", IpCount: "number", IpAddressType: "string", AnycastIps: ["string"], "IpamCidrConfigs?": "array", LastModifiedTime: "string" })),
  anycastIpListNames: ref,
  anycastIpListUsage: { key: "{account}/*/*", value: "string" },
  // acct/type/id -> the resource's tags
  tags: { key: "{account}/*/*", value: [{ Key: "string", "Value?": "string" }] },
  // acct/type/id -> the policy document (JSON text)
  resourcePolicies: { key: "{account}/*/*", value: "string" },
  // acct/kind/id/holder -> holder: who uses what, for in-use refusals
  references: { key: "{account}/*/*/**", value: "string" },
  domains: { key: "*", value: { account: "string", kind: "string", id: "string" } },
  distributions: id(deployable({ Id: "string", DomainName: "string", LastModifiedTime: "string", Config: "object", Refs: ["string"] })),
  distributionCallerRefs: ref,
  distributionTenants: id(
    deployable({
      Id: "string", DistributionId: "string", Name: "string", Domains: ["string"], "Customizations?": "object", Parameters: "array", ConnectionGroupId: "string",
      CreatedTime: "string", LastModifiedTime: "string", Enabled: "boolean", "ManagedCertificate?": "object",
    }),
  ),
  distributionTenantNames: ref,
  // acct/target/sortKey (newest first), acct/target/id, acct/target/callerReference
  invalidations: { key: "{account}/*/*", value: { Id: "string", Target: "string", CreateTime: "string", CompletedAt: "string", CallerReference: "string", Paths: ["string"] } },
  invalidationIds: { key: "{account}/*/*", value: "string" },
  invalidationRefs: { key: "{account}/*/**", value: "string" },
  // acct/target/sortKey of the invalidations not yet seen completed
  invalidationsRunning: { key: "{account}/*/*", value: { Until: "number", Files: "number", Wildcards: "number" } },
  monitoringSubscriptions: id(),
  cachePolicies: policy,
  cachePolicyNames: ref,
  originRequestPolicies: policy,
  originRequestPolicyNames: ref,
  responseHeadersPolicies: policy,
  responseHeadersPolicyNames: ref,
  continuousDeploymentPolicies: policy,
  originAccessControls: id(versioned({ Id: "string", Config: "object" })),
  originAccessControlNames: ref,
  originAccessIdentities: id(versioned({ Id: "string", S3CanonicalUserId: "string", CallerReference: "string", Comment: "string" })),
  originAccessIdentityRefs: ref,
  functions: id({ Name: "string", CreatedTime: "string", Development: "object", "Live?": "object" }),
  keyValueStores: id(deployable({ Name: "string", Id: "string", Comment: "string", LastModifiedTime: "string" })),
  keyValueStoreIds: id(),
  realtimeLogConfigs: id({ Name: "string", SamplingRate: "number", EndPoints: "array", Fields: ["string"] }),
  fleProfiles: policy,
  fleProfileNames: ref,
  fleProfileCallerRefs: ref,
  fleConfigs: id(versioned({ Id: "string", LastModifiedTime: "string", Config: "object", Refs: ["string"] })),
  fleConfigCallerRefs: ref,
  vpcOrigins: id(deployable({ Id: "string", CreatedTime: "string", LastModifiedTime: "string", Config: "object" })),
  vpcOriginNames: ref,
  connectionFunctions: id({ Id: "string", Name: "string", CreatedTime: "string", Development: "object", "Live?": "object" }),
  connectionFunctionNames: ref,
  trustStores: id(
    deployable({
      Id: "string", Name: "string", LastModifiedTime: "string", Source: "object", UseClientCertificateOCSPEndpoint: "boolean", NumberOfCaCertificates: "number", "Reason?": "string",
    }),
  ),
  trustStoreNames: ref,
});
