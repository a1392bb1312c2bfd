import type { ServiceDefinition } from "../../core/service.js";
import { authorization } from "./authorization.js";
import {
  CreateAnycastIpList,
  DeleteAnycastIpList,
  GetAnycastIpList,
  ListAnycastIpLists,
  ListDistributionsByAnycastIpListId,
  UpdateAnycastIpList,
} from "./anycastIpLists.js";
import {
  CreateConnectionGroup,
  DeleteConnectionGroup,
  GetConnectionGroup,
  GetConnectionGroupByRoutingEndpoint,
  ListConnectionGroups,
  UpdateConnectionGroup,
} from "./connectionGroups.js";
import {
  CreateKeyGroup,
  DeleteKeyGroup,
  GetKeyGroup,
  GetKeyGroupConfig,
  ListDistributionsByKeyGroup,
  ListKeyGroups,
  UpdateKeyGroup,
} from "./keyGroups.js";
import { CreatePublicKey, DeletePublicKey, GetPublicKey, GetPublicKeyConfig, ListPublicKeys, UpdatePublicKey } from "./publicKeys.js";
import { ListTagsForResource, TagResource, UntagResource } from "./tagging.js";
import {
  AssociateDistributionWebACL,
  CreateDistribution,
  CreateDistributionWithTags,
  DeleteDistribution,
  DisassociateDistributionWebACL,
  GetDistribution,
  GetDistributionConfig,
  ListDistributions,
  ListDistributionsByCachePolicyId,
  ListDistributionsByConnectionMode,
  ListDistributionsByOriginRequestPolicyId,
  ListDistributionsByResponseHeadersPolicyId,
  ListDistributionsByWebACLId,
  requireDistribution,
  UpdateDistribution,
} from "./distributions.js";
import { invalidationHandlers } from "./invalidations.js";
import * as originAccess from "./originAccess.js";
import { policyHandlers } from "./policies.js";
import * as functions from "./functions.js";
import * as keyValueStores from "./keyValueStores.js";
import * as tenants from "./tenants.js";
import * as monitoring from "./monitoringSubscriptions.js";
import * as domains from "./domains.js";
import * as fieldLevelEncryption from "./fieldLevelEncryption.js";
import * as realtimeLogs from "./realtimeLogs.js";
import * as continuousDeployment from "./continuousDeployment.js";
import * as vpcOrigins from "./vpcOrigins.js";
import * as streamingDistributions from "./streamingDistributions.js";
import * as resourcePolicies from "./resourcePolicies.js";
import * as dnsVerification from "./dnsVerification.js";

/** Invalidations of a distribution and of a tenant share one module; each target names its own not-found. */
const invalidations = invalidationHandlers(
  { tenant: false, urlKind: "distribution", requireTarget: async (tx, ctx, id) => (await requireDistribution(tx, ctx.account, id)).Id },
  { tenant: true, urlKind: "distribution-tenant", requireTarget: async (tx, ctx, id) => (await tenants.requireTenant(tx, ctx.account, id)).Id },
);

const handlersOf = (module: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(module).filter(([name, v]) => typeof v === "function" && /^[A-Z]/.test(name) && !name.startsWith("Require")));

export const cloudfront: ServiceDefinition = {
  name: "cloudfront",
  title: "CloudFront",
  signingName: "cloudfront",
  protocol: "restXml",
  global: true,
  apiVersion: "2020-05-31",
  xmlNamespace: "http://cloudfront.amazonaws.com/doc/2020-05-31/",
  hostPrefixes: ["cloudfront"],
  pathPrefixes: ["/2020-05-31/"],
  validationErrorCode: "InvalidArgument",
  // A continuous deployment policy's SingleWeightConfig.Weight is a float (0 to 0.15); every other number is an integer.
  fractionalNumbers: ["Weight"],
  internalErrorCode: "InternalError",
  loadSchemas: () => import("@aws-sdk/client-cloudfront"),
  // AWS's default quotas (CloudFront developer guide); `--quota cloudfront.<Name>=N`.
  quotas: {
    PublicKeysPerAccount: 10,
    KeyGroupsPerAccount: 10,
    PublicKeysPerKeyGroup: 5,
    ConnectionGroupsPerAccount: 100,
    ConnectionGroupsPerAnycastIpList: 5,
    TagsPerResource: 50,
    DistributionsPerAccount: 500,
    CNAMEsPerDistribution: 100,
    OriginsPerDistribution: 100,
    OriginGroupsPerDistribution: 10,
    CacheBehaviorsPerDistribution: 75,
    OriginCustomHeadersPerOrigin: 10,
    KeyGroupsPerCacheBehavior: 4,
    DistributionsPerAssociatedResource: 100,
    InvalidationPathsInProgress: 3000,
    InvalidationWildcardPathsInProgress: 15,
    OriginAccessControlsPerAccount: 100,
    OriginAccessIdentitiesPerAccount: 100,
    CachePoliciesPerAccount: 20,
    OriginRequestPoliciesPerAccount: 20,
    ResponseHeadersPoliciesPerAccount: 20,
    FunctionsPerAccount: 100,
    FunctionCodeBytes: 10240,
    KeyValueStoresPerAccount: 50,
    FieldLevelEncryptionConfigsPerAccount: 10,
    FieldLevelEncryptionProfilesPerAccount: 10,
    RealtimeLogConfigsPerAccount: 150,
    ContinuousDeploymentPoliciesPerAccount: 20,
    StagingDistributionsPerAccount: 20,
    VpcOriginsPerAccount: 25,
  },
  handlers: {
    CreatePublicKey,
    GetPublicKey,
    GetPublicKeyConfig,
    ListPublicKeys,
    UpdatePublicKey,
    DeletePublicKey,
    CreateKeyGroup,
    GetKeyGroup,
    GetKeyGroupConfig,
    ListKeyGroups,
    UpdateKeyGroup,
    DeleteKeyGroup,
    ListDistributionsByKeyGroup,
    CreateConnectionGroup,
    GetConnectionGroup,
    GetConnectionGroupByRoutingEndpoint,
    ListConnectionGroups,
    UpdateConnectionGroup,
    DeleteConnectionGroup,
    CreateAnycastIpList,
    GetAnycastIpList,
    ListAnycastIpLists,
    UpdateAnycastIpList,
    DeleteAnycastIpList,
    ListDistributionsByAnycastIpListId,
    TagResource,
    UntagResource,
    ListTagsForResource,
    CreateDistribution,
    CreateDistributionWithTags,
    GetDistribution,
    GetDistributionConfig,
    UpdateDistribution,
    DeleteDistribution,
    ListDistributions,
    ListDistributionsByCachePolicyId,
    ListDistributionsByOriginRequestPolicyId,
    ListDistributionsByResponseHeadersPolicyId,
    ListDistributionsByWebACLId,
    ListDistributionsByConnectionMode,
    AssociateDistributionWebACL,
    DisassociateDistributionWebACL,
    ...invalidations,
    ...handlersOf(originAccess),
    ...policyHandlers,
    ...handlersOf(functions),
    ...handlersOf(keyValueStores),
    ...handlersOf(tenants),
    ...handlersOf(monitoring),
    ...handlersOf(domains),
    ...handlersOf(fieldLevelEncryption),
    ...handlersOf(realtimeLogs),
    ...handlersOf(continuousDeployment),
    ...handlersOf(vpcOrigins),
    ...handlersOf(streamingDistributions),
    ...handlersOf(resourcePolicies),
    ...handlersOf(dnsVerification),
  },
  authorization,
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
