/** What QuickSight does, loaded on its first call (its definition is ./definition.ts). */
import * as account from "./account.js";
import * as analyses from "./analyses.js";
import * as assignments from "./assignments.js";
import { authorizationFor } from "./authorization.js";
import * as dashboards from "./dashboards.js";
import * as dataSets from "./dataSets.js";
import * as dataSources from "./dataSources.js";
import * as folders from "./folders.js";
import * as groups from "./groups.js";
import * as ingestions from "./ingestions.js";
import { DescribeKeyRegistration, UpdateKeyRegistration } from "./keyRegistration.js";
import * as namespaces from "./namespaces.js";
import * as tags from "./tags.js";
import * as templates from "./templates.js";
import * as themes from "./themes.js";
import * as users from "./users.js";

/** Every exported function of a family module whose name is an operation (PascalCase). */
const operationsOf = (...modules: object[]) =>
  Object.fromEntries(modules.flatMap((m) => Object.entries(m).filter(([name, f]) => /^[A-Z]/.test(name) && typeof f === "function")));

export const handlers = {
  UpdateKeyRegistration,
  DescribeKeyRegistration,
  ...operationsOf(account, namespaces, users, groups, assignments, tags, dataSources, dataSets, ingestions, analyses, dashboards, templates, themes, folders),
};

export const authorization = authorizationFor(Object.keys(handlers));
