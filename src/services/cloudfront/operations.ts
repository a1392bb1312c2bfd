/** What CloudFront does, loaded on its first call (its definition is ./definition.ts). */
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
import * as connectionFunctions from "./connectionFunctions.js";
import * as trustStores from "./trustStores.js";

/** Invalidations of a distribution and of a tenant share one module; each target names its own not-found. */
const invalidations = invalidationHandlers(
  { tenant: false, urlKind: "distribution", requireTarget: async (tx, ctx, id) => (await requireDistribution(tx, ctx.account, id)).Id },
  { tenant: true, urlKind: "distribution-tenant", requireTarget: async (tx, ctx, id) => (await tenants.requireTenant(tx, ctx.account, id)).Id },
);

const handlersOf = (module: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(module).filter(([name, v]) => typeof v === "function" && /^[A-Z]/.test(name) && !name.startsWith("Require")));

export { authorization } from "./authorization.js";

export const handlers = {
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
  ...handlersOf(connectionFunctions),
  ...handlersOf(trustStores),
};
