import { rowChecks, type ValueShape } from "../../core/store/rowShapes.js";

/**
 * KMS's tables (model.ts `T`, customKeyStores.ts) as a snapshot may hold them. Every key starts
 * with account and region; alias names and retiring principals may hold `/`, hence `**`.
 * Instants are epoch milliseconds (numbers), as model.ts stores them.
 */
const alias: ValueShape = { AliasName: "string", TargetKeyId: "string", CreationDate: "number", LastUpdatedDate: "number" };
const grant: ValueShape = {
  GrantId: "string", KeyId: "string", Account: "string", Region: "string", "Name?": "string", CreationDate: "number",
  GranteePrincipal: "string", "RetiringPrincipal?": "string", Operations: ["string"], "Constraints?": "object",
};

export const tables = rowChecks({
  keys: {
    key: "{account}/{region}/*",
    value: {
      KeyId: "string", Account: "string", Region: "string", CreationDate: "number", Description: "string", KeyUsage: "string", KeySpec: "string",
      KeyState: "string", Origin: "string", MultiRegion: "boolean", Policy: "string", Tags: [{ TagKey: "string", TagValue: "string" }],
      "DeletionDate?": "number", "PendingWindowInDays?": "number",
      Materials: [{ Id: "string", "Secret?": "string", Digest: "string", Date: "number", "RotationType?": "string", "PendingRotation?": "boolean", "Description?": "string" }],
      "CurrentMaterialId?": "string", RotationSeed: "string", "Rotation?": { PeriodInDays: "number", Anchor: "number" }, "OnDemandRotations?": "number",
      "ExpirationModel?": "string", "ValidTo?": "number", "PrimaryRegion?": "string", "ReplicaRegions?": ["string"], "LastUsage?": "object",
    },
  },
  grants: { key: "{account}/{region}/*/*", value: grant },
  // acct/region/principal\nkeyId/grantId: the principal (an ARN) holds `/`.
  retirableGrants: { key: "{account}/{region}/**", value: grant },
  importParameters: { key: "{account}/{region}/*", value: { KeyId: "string", WrappingAlgorithm: "string", PrivateKey: "string", ValidTo: "number" } },
  aliases: { key: "{account}/{region}/alias/**", value: alias },
  keyAliases: { key: "{account}/{region}/*/alias/**", value: alias },
  customKeyStores: {
    key: "{account}/{region}/*",
    value: {
      CustomKeyStoreId: "string", CustomKeyStoreName: "string", CustomKeyStoreType: "string", ConnectionState: "string", "ConnectionErrorCode?": "string",
      CreationDate: "number", Connectivity: "string", AccessKeyId: "string", UriEndpoint: "string", UriPath: "string",
      "VpcEndpointServiceName?": "string", "VpcEndpointServiceOwner?": "string",
    },
  },
});
