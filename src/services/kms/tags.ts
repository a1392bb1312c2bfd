import type { ListResourceTagsRequest, ListResourceTagsResponse, TagResourceRequest, UntagResourceRequest } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { listPage, putKey, requireKey, requireNotPendingDeletion } from "./model.js";
import * as check from "./validation.js";

/** Tags live on the key record: a key has at most 50, so one row holds them all. */

export const TagResource: Handler<TagResourceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.required(input.Tags, "Tags");
  check.tagMembers(v, input.Tags).check();
  check.tags(input.Tags);
  return ctx.transaction(async (tx) => {
    const key = requireNotPendingDeletion(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    const merged = new Map(key.Tags.map((t) => [t.TagKey, t.TagValue]));
    for (const t of input.Tags!) merged.set(t.TagKey!, t.TagValue!);
    if (merged.size > 50) throw new AwsError("TagException", "Too many tags");
    await putKey(tx, { ...key, Tags: [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });
    return {};
  });
};

/** Unknown tag keys are ignored. */
export const UntagResource: Handler<UntagResourceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.required(input.TagKeys, "TagKeys");
  input.TagKeys?.forEach((k, i) => v.length(k, `TagKeys.${i + 1}.member`, 1, 128));
  v.check();
  return ctx.transaction(async (tx) => {
    const key = requireNotPendingDeletion(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    const drop = new Set(input.TagKeys);
    await putKey(tx, { ...key, Tags: key.Tags.filter((t) => !drop.has(t.TagKey)) });
    return {};
  });
};

/** Tags in the order they were first set; the marker is the index of the next one. */
export const ListResourceTags: Handler<ListResourceTagsRequest, ListResourceTagsResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.range(input.Limit, "Limit", 1, 50);
  check.marker(v, input.Marker).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    const start = input.Marker === undefined ? 0 : check.indexMarker(input.Marker, key.Tags.length);
    const limit = input.Limit ?? 50;
    const items = key.Tags.slice(start, start + limit);
    const next = start + limit < key.Tags.length ? check.toIndexMarker(start + limit) : undefined;
    return listPage("Tags", { items, next });
  });
};
