/** What KMS does, loaded on its first call (its definition is ./definition.ts). */
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

export { authorization } from "./authorization.js";

export const handlers = {
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
};
