import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  Tag,
  TagResourceRequest,
  Tags,
  UntagResourceRequest,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { key, T } from "./model.js";

/**
 * Tags of every taggable CloudFront resource, addressed by ARN
 * (`arn:aws:cloudfront::{account}:{type}/{id}`). A resource family makes its resources
 * taggable by registering its ARN type with `taggable()`; the tagging operations then resolve
 * an ARN through that registry, so a family added later needs no change here. Tags live in
 * one table beside the resources (`acct/type/id -> Tag[]`) and are not part of a resource's
 * version: tagging issues no new ETag (as for distributions).
 */
export interface TaggableKind {
  /** The ARN's resource type: `connection-group` in `…:connection-group/cg_…`. */
  type: string;
  /** True when the account holds a resource of this kind with this id. */
  exists(tx: Transaction, account: string, id: string): Promise<boolean>;
}

const kinds = new Map<string, TaggableKind>();

/** Registers a taggable resource kind (called once by the family's module). */
export function taggable(kind: TaggableKind): void {
  kinds.set(kind.type, kind);
}

const tagsKey = (account: string, type: string, id: string) => key(account, type, id);

const invalidTagging = (message: string) => new AwsError("InvalidTagging", message);

// Letters, separators (space), numbers and `_ . : / = + - @`, as in the model's TagKey pattern.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks tags as sent (TagResource, or Tags on a create); InvalidTagging for any violation. */
export function validTags(tags: Tags | undefined): Tag[] {
  const items = tags?.Items ?? [];
  const seen = new Set<string>();
  return items.map((tag) => {
    const k = tag.Key;
    if (k === undefined || ![...k].length || [...k].length > 128) throw invalidTagging("A tag key must be 1 to 128 characters long.");
    if (!TAG_CHARS.test(k)) throw invalidTagging(`The tag key '${k}' has characters that are not allowed: use letters, numbers, spaces and _ . : / = + - @.`);
    const v = tag.Value;
    if (v !== undefined && [...v].length > 256) throw invalidTagging("A tag value can be at most 256 characters long.");
    if (v !== undefined && !TAG_CHARS.test(v)) throw invalidTagging(`The value of tag '${k}' has characters that are not allowed: use letters, numbers, spaces and _ . : / = + - @.`);
    if (seen.has(k)) throw invalidTagging(`The tag key '${k}' appears more than once.`);
    seen.add(k);
    return v === undefined ? { Key: k } : { Key: k, Value: v };
  });
}

/** `existing` with `added` applied: a key already there takes the new value in place. */
function merged(existing: Tag[], added: Tag[]): Tag[] {
  const out = existing.map((t) => added.find((a) => a.Key === t.Key) ?? t);
  for (const a of added) if (!existing.some((t) => t.Key === a.Key)) out.push(a);
  return out;
}

function checkCount(tags: Tag[], ctx: RequestContext) {
  if (tags.length > ctx.quota("TagsPerResource")) {
    throw invalidTagging(`A resource can have at most ${ctx.quota("TagsPerResource")} tags.`);
  }
}

/** Stores a new resource's tags (already checked with validTags). */
export async function initTags(tx: Transaction, ctx: RequestContext, type: string, id: string, tags: Tag[]): Promise<void> {
  checkCount(tags, ctx);
  if (tags.length) await tx.put(T.tags, tagsKey(ctx.account, type, id), tags);
}

/** Removes a deleted resource's tags. */
export async function dropTags(tx: Transaction, account: string, type: string, id: string): Promise<void> {
  await tx.delete(T.tags, tagsKey(account, type, id));
}

/**
 * The store key of the resource an ARN names: InvalidArgument when it is not a CloudFront ARN,
 * NoSuchResource when it names nothing of the caller's account that can be tagged.
 */
async function resolve(tx: Transaction, ctx: RequestContext, arn: string | undefined): Promise<string> {
  const m = /^arn:(aws|aws-cn):cloudfront::([0-9]+):(.*)$/s.exec(arn ?? "");
  if (!m) throw new AwsError("InvalidArgument", `The resource ARN '${arn ?? ""}' is not a valid CloudFront ARN.`);
  const [, partition, account, resource] = m;
  const slash = resource.indexOf("/");
  const kind = slash > 0 ? kinds.get(resource.slice(0, slash)) : undefined;
  const id = resource.slice(slash + 1);
  const found = partition === "aws" && account === ctx.account && kind && id && (await kind.exists(tx, account, id));
  if (!found) throw new AwsError("NoSuchResource", `The resource ${arn} does not exist.`);
  return tagsKey(account, kind.type, id);
}

export const TagResource: Handler<TagResourceRequest, Record<string, never>> = async (input, ctx) => {
  const added = validTags(input.Tags);
  return ctx.transaction(async (tx) => {
    const at = await resolve(tx, ctx, input.Resource);
    const tags = merged((await tx.get<Tag[]>(T.tags, at)) ?? [], added);
    checkCount(tags, ctx);
    // An empty Tags body changes nothing (and leaves no empty row behind).
    if (added.length) await tx.put(T.tags, at, tags);
    return {};
  });
};

/** Keys are checked like TagResource's; a key the resource does not have is ignored. */
export const UntagResource: Handler<UntagResourceRequest, Record<string, never>> = async (input, ctx) => {
  const keys = input.TagKeys?.Items ?? [];
  validTags({ Items: [...new Set(keys)].map((Key) => ({ Key })) });
  return ctx.transaction(async (tx) => {
    const at = await resolve(tx, ctx, input.Resource);
    const existing = (await tx.get<Tag[]>(T.tags, at)) ?? [];
    const kept = existing.filter((t) => !keys.includes(t.Key!));
    if (kept.length === existing.length) return {};
    if (kept.length) await tx.put(T.tags, at, kept);
    else await tx.delete(T.tags, at);
    return {};
  });
};

export const ListTagsForResource: Handler<ListTagsForResourceRequest, ListTagsForResourceResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const tags = (await tx.get<Tag[]>(T.tags, await resolve(tx, ctx, input.Resource))) ?? [];
    return { Tags: tags.length ? { Items: tags } : {} };
  });
