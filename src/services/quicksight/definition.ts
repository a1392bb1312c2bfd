import type { ServiceDefinition } from "../../core/service.js";
import { tables } from "./tables.js";

/** QuickSight as the core routes it; its operations load on the first call (./operations.ts). */
export const quicksight: ServiceDefinition = {
  name: "quicksight",
  title: "QuickSight",
  signingName: "quicksight",
  protocol: "restJson1",
  global: false,
  apiVersion: "2018-04-01",
  hostPrefixes: ["quicksight"],
  // Its model has doubles (visual formatting, thresholds) beside integers.
  fractionalNumbers: true,
  validationErrorCode: "InvalidParameterValueException",
  internalErrorCode: "InternalFailureException",
  loadSchemas: () => import("@aws-sdk/client-quicksight/dist-es/schemas/schemas_0.js"),
  load: () => import("./operations.js"),
  handlers: {},
  // What a snapshot row of each table must look like (./tables.ts).
  tables,
  quotas: { NamespacesPerAccount: 100, GroupsPerNamespace: 10000 },
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
