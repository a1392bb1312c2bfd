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
  },
  authorization,
};
