import type { Authorization, Authorizer, RequestContext } from "../../core/service.js";
import { arnOf } from "./model.js";

/**
 * QuickSight operations' authorization: the action is `quicksight:<Operation>`, the resource the
 * ARN the service authorization reference gives the operation's resource type (user, group,
 * namespace, data source, ...), built from the request's identifiers; account-level
 * operations (subscription, settings, key registration, lists without a parent) act on "*".
 * A create or tag call that carries tags also needs quicksight:TagResource on the resource.
 */

type In = Record<string, unknown>;
const s = (v: unknown) => (typeof v === "string" ? v : "");

/** The ARN the request's identifiers name, most specific first. */
function resourceOf(input: In, ctx: RequestContext): string {
  const arn = (resource: string) => arnOf(ctx.region, ctx.account, resource);
  const ns = s(input.Namespace) || "default";
  if (input.ResourceArn) return s(input.ResourceArn);
  if (input.UserName !== undefined) return arn(`user/${ns}/${s(input.UserName)}`);
  if (input.GroupName !== undefined) return arn(`group/${ns}/${s(input.GroupName)}`);
  if (input.DataSourceId !== undefined) return arn(`datasource/${s(input.DataSourceId)}`);
  if (input.IngestionId !== undefined) return arn(`dataset/${s(input.DataSetId)}/ingestion/${s(input.IngestionId)}`);
  if (input.DataSetId !== undefined) return arn(`dataset/${s(input.DataSetId)}`);
  if (input.AnalysisId !== undefined) return arn(`analysis/${s(input.AnalysisId)}`);
  if (input.DashboardId !== undefined) return arn(`dashboard/${s(input.DashboardId)}`);
  if (input.TemplateId !== undefined) return arn(`template/${s(input.TemplateId)}`);
  if (input.ThemeId !== undefined) return arn(`theme/${s(input.ThemeId)}`);
  if (input.FolderId !== undefined) return arn(`folder/${s(input.FolderId)}`);
  if (input.AssignmentName !== undefined) return arn(`assignment/${s(input.AssignmentName)}`);
  if (input.Namespace !== undefined) return arn(`namespace/${ns}`);
  return "*";
}

const declare = (operation: string): Authorizer<In> => (input, ctx): Authorization => {
  const resource = resourceOf(input, ctx);
  const tags = Array.isArray(input.Tags) && input.Tags.length > 0 && operation !== "TagResource";
  return {
    action: `quicksight:${operation}`,
    resources: [resource],
    ...(tags ? { also: [{ action: "quicksight:TagResource", resources: [resource] }] } : {}),
  };
};

/** One declaration per served operation (index.ts passes the handler names). */
export const authorizationFor = (operations: string[]): Record<string, Authorizer> =>
  Object.fromEntries(operations.map((op) => [op, declare(op)]));
