import type { Authorizer } from "../../core/service.js";

/**
 * Action and resource ARNs of each CloudFront operation, from the service authorization
 * reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html).
 * Public keys and key groups have no resource type there: their actions are granted on "*".
 */

const anyResource = (action: string): Authorizer => () => ({ action: `cloudfront:${action}`, resources: ["*"] });

export const authorization: Record<string, Authorizer> = {
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
};
