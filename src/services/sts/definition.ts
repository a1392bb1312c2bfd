import type { ServiceDefinition } from "../../core/service.js";
import { tables } from "./tables.js";

/** STS as the core routes it; its operations load on the first call (./operations.ts). */
export const sts: ServiceDefinition = {
  name: "sts",
  title: "STS",
  signingName: "sts",
  protocol: "awsQuery",
  global: false,
  apiVersion: "2011-06-15",
  xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
  hostPrefixes: ["sts"],
  validationErrorCode: "ValidationError",
  internalErrorCode: "InternalFailure",
  loadSchemas: () => import("@aws-sdk/client-sts/dist-es/schemas/schemas_0.js"),
  load: () => import("./operations.js"),
  // STS allows 15 minutes of clock skew (SPEC §8).
  signatureWindowMinutes: 15,
  // Its sessions' ASIA… keys are resolved through its identity.
  issuesIdentities: true,
  // Web identity and SAML callers have no AWS credentials yet (iam-sts §13.3).
  unsignedOperations: ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"],
  handlers: {},
  // What a snapshot row of each table must look like (./tables.ts).
  tables,
};
