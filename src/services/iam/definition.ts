import type { ServiceDefinition } from "../../core/service.js";
import { tables } from "./tables.js";

/** IAM as the core routes it; its operations load on the first call (./operations.ts). */
export const iam: ServiceDefinition = {
  name: "iam",
  title: "IAM",
  signingName: "iam",
  protocol: "awsQuery",
  global: true,
  apiVersion: "2010-05-08",
  xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
  hostPrefixes: ["iam"],
  validationErrorCode: "ValidationError",
  internalErrorCode: "ServiceFailure",
  loadSchemas: () => import("@aws-sdk/client-iam/dist-es/schemas/schemas_0.js"),
  load: () => import("./operations.js"),
  handlers: {},
  // AWS's default quotas; real accounts can raise some, hence `--quota iam.<Name>=N`.
  quotas: {
    SigningCertificatesPerUser: 2,
    ServerCertificatesPerAccount: 20,
    OpenIdConnectProvidersPerAccount: 100,
    SAMLProvidersPerAccount: 100,
    GroupsPerAccount: 300,
    UsersPerAccount: 5000,
    GroupsPerUser: 10,
    PoliciesPerGroup: 10,
    InlinePolicySizePerGroup: 5120,
    PoliciesPerAccount: 1500,
    PolicySize: 6144,
    AccessKeysPerUser: 2,
    InlinePolicySizePerUser: 2048,
    PoliciesPerUser: 10,
    RolesPerAccount: 1000,
    PoliciesPerRole: 10,
    InlinePolicySizePerRole: 10240,
    ACLSizePerRole: 2048,
    InstanceProfilesPerAccount: 1000,
    VersionsPerPolicy: 5,
  },
  // IAM allows 15 minutes of clock skew like STS (SPEC §8: observed on STS, assumed for IAM).
  signatureWindowMinutes: 15,
  // Its users' AKIA… keys are resolved through its identity.
  issuesIdentities: true,
  tables,
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
