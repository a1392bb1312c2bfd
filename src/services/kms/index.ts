import type { ServiceDefinition } from "../../core/service.js";
import { authorization } from "./authorization.js";
import { CreateAlias, DeleteAlias, ListAliases, UpdateAlias } from "./aliases.js";
import { CancelKeyDeletion, CreateKey, DescribeKey, DisableKey, EnableKey, ListKeys, ScheduleKeyDeletion } from "./keys.js";

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
  // AWS's default quotas (keys per account per region; key policy document size in bytes).
  quotas: {
    KeysPerRegion: 100_000,
    KeyPolicySize: 32_768,
  },
  handlers: {
    CreateKey,
    DescribeKey,
    ListKeys,
    EnableKey,
    DisableKey,
    ScheduleKeyDeletion,
    CancelKeyDeletion,
    CreateAlias,
    UpdateAlias,
    ListAliases,
    DeleteAlias,
  },
  authorization,
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
