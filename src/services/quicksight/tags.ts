import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { getSubscription, invalid, limit, notFound, parseArn, T, type Tag } from "./model.js";

/**
 * Tags of every taggable QuickSight resource, kept in the resource's own record (`Tags`), so
 * deleting a resource deletes its tags. The three tag operations find the record from its ARN.
 */

const MAX_TAGS = 50;

/** Tables of the taggable ARN types whose key is `account/region/id`. */
const ASSET_TABLES: Record<string, string> = {
  datasource: T.dataSources,
  dataset: T.dataSets,
  analysis: T.analyses,
  dashboard: T.dashboards,
  template: T.templates,
  theme: T.themes,
  folder: T.folders,
};

/** Where the record a taggable ARN names lives, or why it cannot be tagged. */
async function locate(tx: Transaction, ctx: RequestContext, arn: string): Promise<{ table: string; key: string }> {
  const parsed = parseArn(arn);
  if (!parsed) throw invalid(`ResourceArn ${arn} is not a valid QuickSight ARN.`);
  const gone = notFound(`Resource ${arn} not found.`);
  if (parsed.account !== ctx.account) throw gone;
  const sub = await getSubscription(tx, ctx.account);
  if (!sub) throw notFound(`Account ${ctx.account} is not signed up with QuickSight with namespace default.`);
  const { type, rest, region } = parsed;
  if (ASSET_TABLES[type]) {
    if (region !== ctx.region || rest.includes("/")) throw gone;
    return { table: ASSET_TABLES[type], key: `${ctx.account}/${region}/${rest}` };
  }
  if (type === "user" || type === "namespace") {
    if (region !== sub.IdentityRegion) throw gone;
    return type === "user" ? { table: T.users, key: `${ctx.account}/${rest}` } : { table: T.namespaces, key: `${ctx.account}/${rest}` };
  }
  if (type === "customization") {
    const [owner, namespace = ""] = rest.split("/");
    if (owner !== ctx.account || region !== ctx.region) throw gone;
    return { table: T.customizations, key: `${ctx.account}/${region}/${namespace}` };
  }
  throw invalid(`Resources of type ${type} cannot be tagged.`);
}

/** Checks a tag list (keys 1–128, values 1–256, no repeated key). */
export function validateTags(tags: Tag[] | undefined, member = "Tags") {
  if (tags === undefined) return;
  if (tags.length < 1 || tags.length > 200) throw invalid(`${member} must have between 1 and 200 entries.`);
  const seen = new Set<string>();
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128) throw invalid(`Tag key '${t.Key ?? ""}' must be 1 to 128 characters long.`);
    if (t.Value === undefined || t.Value.length < 1 || t.Value.length > 256) throw invalid(`Tag value of key '${t.Key}' must be 1 to 256 characters long.`);
    if (seen.has(t.Key)) throw invalid(`Tag key '${t.Key}' appears more than once.`);
    seen.add(t.Key);
  }
  if (tags.length > MAX_TAGS) throw limit(`A resource can have at most ${MAX_TAGS} tags.`);
}

/** New keys are added, existing keys take the new value; more than 50 in all is refused. */
export function mergeTags(current: Tag[] | undefined, added: Tag[]): Tag[] {
  const map = new Map((current ?? []).map((t) => [t.Key!, t.Value!]));
  for (const t of added) map.set(t.Key!, t.Value!);
  if (map.size > MAX_TAGS) throw limit(`A resource can have at most ${MAX_TAGS} tags; this request would leave ${map.size}.`);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

type Tagged = { Tags?: Tag[]; DeletedAt?: string };

async function record(tx: Transaction, ctx: RequestContext, arn: string) {
  const where = await locate(tx, ctx, arn);
  const value = await tx.get<Tagged>(where.table, where.key);
  if (!value) throw notFound(`Resource ${arn} not found.`);
  return { where, value };
}

export const TagResource: Handler<TagResourceRequest, TagResourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { where, value } = await record(tx, ctx, input.ResourceArn!);
    validateTags(input.Tags);
    await tx.put(where.table, where.key, { ...value, Tags: mergeTags(value.Tags, input.Tags ?? []) });
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const UntagResource: Handler<UntagResourceRequest, UntagResourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { where, value } = await record(tx, ctx, input.ResourceArn!);
    const keys = new Set(input.TagKeys ?? []);
    if (!keys.size) throw invalid("TagKeys must have at least one entry.");
    await tx.put(where.table, where.key, { ...value, Tags: (value.Tags ?? []).filter((t) => !keys.has(t.Key!)) });
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const ListTagsForResource: Handler<ListTagsForResourceRequest, ListTagsForResourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const { value } = await record(tx, ctx, input.ResourceArn!);
    return { Tags: value.Tags ?? [], RequestId: ctx.requestId, Status: 200 };
  });
