import type { ServiceDefinition } from "../../core/service.js";
import { tables } from "./tables.js";

/** KMS as the core routes it; its operations load on the first call (./operations.ts). */
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
  loadSchemas: () => import("@aws-sdk/client-kms/dist-es/schemas/schemas_0.js"),
  // AWS's default quotas (per account and region, or per key; the key policy size in bytes).
  quotas: {
    KeysPerRegion: 100_000,
    KeyPolicySize: 32_768,
    AliasesPerKey: 50,
    GrantsPerKey: 50_000,
    OnDemandRotationsPerKey: 25,
    CustomKeyStoresPerRegion: 10,
  },
  load: () => import("./operations.js"),
  handlers: {},
  tables,
  // Key policies are resource-based policies: the engine evaluates them with identity policies.
  resourcePolicies: true,
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
