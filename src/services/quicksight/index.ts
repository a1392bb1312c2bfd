import type { ServiceDefinition } from "../../core/service.js";
import * as account from "./account.js";
import * as analyses from "./analyses.js";
import * as assignments from "./assignments.js";
import * as dashboards from "./dashboards.js";
import * as folders from "./folders.js";
import * as templates from "./templates.js";
import * as themes from "./themes.js";
import * as dataSets from "./dataSets.js";
import * as dataSources from "./dataSources.js";
import { authorizationFor } from "./authorization.js";
import * as groups from "./groups.js";
import * as ingestions from "./ingestions.js";
import { DescribeKeyRegistration, UpdateKeyRegistration } from "./keyRegistration.js";
import * as namespaces from "./namespaces.js";
import * as tags from "./tags.js";
import * as users from "./users.js";

/** Every exported function of a family module whose name is an operation (PascalCase). */
const operations = (...modules: object[]) =>
  Object.fromEntries(modules.flatMap((m) => Object.entries(m).filter(([name, f]) => /^[A-Z]/.test(name) && typeof f === "function")));

const handlers = {
  UpdateKeyRegistration,
  DescribeKeyRegistration,
  ...operations(account, namespaces, users, groups, assignments, tags, dataSources, dataSets, ingestions, analyses, dashboards, templates, themes, folders),
};

export const quicksight: ServiceDefinition = {
  name: "quicksight",
  title: "QuickSight",
  signingName: "quicksight",
  protocol: "restJson1",
  global: false,
  apiVersion: "2018-04-01",
  hostPrefixes: ["quicksight"],
  validationErrorCode: "InvalidParameterValueException",
  internalErrorCode: "InternalFailureException",
  loadSchemas: () => import("@aws-sdk/client-quicksight"),
  handlers,
  quotas: { NamespacesPerAccount: 100, GroupsPerNamespace: 10000 },
  authorization: authorizationFor(Object.keys(handlers)),
  resources: () => import("./consoleResources.js").then((m) => m.resources),
};
