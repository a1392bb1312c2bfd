import type { ServiceDefinition } from "../../core/service.js";
import { authorization } from "./authorization.js";
import { CreateAlias, DeleteAlias, ListAliases, UpdateAlias } from "./aliases.js";
import * as crypto from "./cryptography.js";
import {
  ConnectCustomKeyStore,
  CreateCustomKeyStore,
  DeleteCustomKeyStore,
  DescribeCustomKeyStores,
  DisconnectCustomKeyStore,
  UpdateCustomKeyStore,
} from "./customKeyStores.js";
import { CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant } from "./grants.js";
import {
  CancelKeyDeletion,
  CreateKey,
  DescribeKey,
  DisableKey,
  EnableKey,
  GetKeyLastUsage,
  ListKeys,
  ScheduleKeyDeletion,
  UpdateKeyDescription,
} from "./keys.js";
import { DeleteImportedKeyMaterial, GetParametersForImport, ImportKeyMaterial } from "./imports.js";
import { ReplicateKey, UpdatePrimaryRegion } from "./multiRegion.js";
import { GetKeyPolicy, ListKeyPolicies, PutKeyPolicy } from "./policies.js";
import { DisableKeyRotation, EnableKeyRotation, GetKeyRotationStatus, ListKeyRotations, RotateKeyOnDemand } from "./rotation.js";
import { ListResourceTags, TagResource, UntagResource } from "./tags.js";

/** What other services (QuickSight) read of KMS state, inside their own transaction. */
export { findKey, isSymmetric, keyArn, parseKeyArn, type KeyRecord } from "./model.js";

export const kms: ServiceDefinition = {
  name: "kms",
  title: "KMS",
  signingName: "kms",
  protocol: "awsJson1_1",
  global: false,
  apiVersion: "2014-11-01",
  targetPrefix: "TrentService",
  hostPrefixes: ["kms"],
  validationErrorCode: "ValidationException",
  internalErrorCode: "KMSInternalException",
  loadSchemas: () => import("@aws-sdk/client-kms"),
  // AWS's default quotas (per account and region, or per key; the key policy size in bytes).
  quotas: {
    KeysPerRegion: 100_000,
    KeyPolicySize: 32_768,
    AliasesPerKey: 50,
    GrantsPerKey: 50_000,
    OnDemandRotationsPerKey: 25,
    CustomKeyStoresPerRegion: 10,
  },
  handlers: {
    CreateKey,
    DescribeKey,
    ListKeys,
    EnableKey,
    DisableKey,
    ScheduleKeyDeletion,
    CancelKeyDeletion,
    UpdateKeyDescription,
    GetKeyLastUsage,
    CreateAlias,
    UpdateAlias,
    ListAliases,
    DeleteAlias,
    GetKeyPolicy,
    PutKeyPolicy,
    ListKeyPolicies,
    TagResource,
    UntagResource,
    ListResourceTags,
    EnableKeyRotation,
    DisableKeyRotation,
    GetKeyRotationStatus,
    RotateKeyOnDemand,
    ListKeyRotations,
    CreateGrant,
    ListGrants,
    ListRetirableGrants,
    RetireGrant,
    RevokeGrant,
    ReplicateKey,
    UpdatePrimaryRegion,
    GetParametersForImport,
    ImportKeyMaterial,
    DeleteImportedKeyMaterial,
    CreateCustomKeyStore,
    DescribeCustomKeyStores,
    UpdateCustomKeyStore,
    DeleteCustomKeyStore,
    ConnectCustomKeyStore,
    DisconnectCustomKeyStore,
    Encrypt: crypto.Encrypt,
    Decrypt: crypto.Decrypt,
    ReEncrypt: crypto.ReEncrypt,
    GenerateDataKey: crypto.GenerateDataKey,
    GenerateDataKeyWithoutPlaintext: crypto.GenerateDataKeyWithoutPlaintext,
    GenerateDataKeyPair: crypto.GenerateDataKeyPair,
    GenerateDataKeyPairWithoutPlaintext: crypto.GenerateDataKeyPairWithoutPlaintext,
    GenerateRandom: crypto.GenerateRandom,
    GetPublicKey: crypto.GetPublicKey,
    Sign: crypto.Sign,
    Verify: crypto.Verify,
    GenerateMac: crypto.GenerateMac,
    VerifyMac: crypto.VerifyMac,
    DeriveSharedSecret: crypto.DeriveSharedSecret,
  },
  authorization,
  // Key policies are resource-based policies: the engine evaluates them with identity policies.
  resourcePolicies: true,
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
