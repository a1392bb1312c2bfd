import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import * as check from "./validation.js";
import { invalidMarker } from "./pages.js";

/**
 * Tags of every taggable IAM entity (users, roles, policies, instance profiles, MFA devices,
 * OIDC/SAML providers, server certificates), with IAM's rules (spec iam-sts §6): at most 50,
 * keys unique regardless of case, the `aws:` prefix reserved, all or nothing.
 *
 * Tags live in the entity's own record (`Tags?: Tag[]`, in the order they were first given).
 * A kind declares how to find its record and write it back; `tagHandlers(kind)` then gives its
 * TagX / UntagX / ListXTags:
 *
 *   export const { Tag: TagRole, Untag: UntagRole, List: ListRoleTags } = tagHandlers({
 *     member: "RoleName",
 *     validate: (v, name) => check.entityName(v, name, "RoleName", 64),
 *     load: async (tx, account, name) => { const r = await requireRole(tx, account, name);
 *       return { tags: r.Tags, save: (Tags) => putRole(tx, account, { ...r, Tags }) }; },
 *   });
 *
 * Creates validate their `Tags` with `validateTags` and store `Tags` only when non-empty.
 */

export type Tag = check.Tag;

export const MAX_TAGS = 50;

export interface TaggableKind {
  /** The input member naming the entity: `UserName`, `RoleName`, `PolicyArn`, `SerialNumber`… */
  member: string;
  /** Constraint checks of that member (ValidationError), run before anything else. */
  validate(v: Validator, value: string | undefined): unknown;
  /** The entity's tags and how to store new ones; throws the kind's NoSuchEntity. */
  load(tx: Transaction, account: string, id: string): Promise<{ tags: Tag[] | undefined; save(tags: Tag[]): Promise<void> }>;
}

/** Checks a list of tags given to a create or a TagX call (ValidationError / InvalidInput). */
export function validateTags(tags: Tag[] | undefined, v: Validator = check.iamValidator()) {
  check.tags(v, tags);
  for (const t of tags ?? []) reservedKey(t.Key);
}

/** Checks the TagKeys of an UntagX call. */
export function validateTagKeys(keys: string[] | undefined, v: Validator = check.iamValidator()) {
  v.required(keys, "TagKeys");
  if (keys && keys.length > MAX_TAGS) v.fail(`[${keys.join(", ")}]`, "TagKeys", `Member must have length less than or equal to ${MAX_TAGS}`);
  (keys ?? []).forEach((key, i) => check.tagKey(v, key, `TagKeys.${i + 1}.member`));
  v.check();
  for (const key of keys ?? []) reservedKey(key);
}

function reservedKey(key: string) {
  if (key.toLowerCase().startsWith("aws:")) throw new AwsError("InvalidInput", "Tag keys starting with 'aws:' are reserved for internal use.");
}

/**
 * `existing` with `added` applied: a key already there in any case is replaced in place and
 * takes the case of the new request; more than 50 in all is LimitExceeded and changes nothing.
 */
export function mergeTags(existing: Tag[] | undefined, added: Tag[]): Tag[] {
  const out = [...(existing ?? [])];
  for (const tag of added) {
    const at = out.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (at >= 0) out[at] = { Key: tag.Key, Value: tag.Value };
    else out.push({ Key: tag.Key, Value: tag.Value });
  }
  if (out.length > MAX_TAGS) throw new AwsError("LimitExceeded", "The number of tags has reached the maximum limit.");
  return out;
}

/** `existing` without the given keys (any case); keys not present are ignored. */
export function removeTags(existing: Tag[] | undefined, keys: string[]): Tag[] {
  const gone = new Set(keys.map((k) => k.toLowerCase()));
  return (existing ?? []).filter((t) => !gone.has(t.Key.toLowerCase()));
}

/** `{ Tags }` for an output that carries tags only when there are some. */
export const tagsIfAny = (tags: Tag[] | undefined) => (tags?.length ? { Tags: tags } : {});

/** A ListXTags page: sorted by key ignoring case; the marker is the offset of the next tag. */
export function tagsPage(tags: Tag[] | undefined, marker: string | undefined, maxItems = 100) {
  const sorted = [...(tags ?? [])].sort((a, b) => (a.Key.toLowerCase() < b.Key.toLowerCase() ? -1 : a.Key.toLowerCase() > b.Key.toLowerCase() ? 1 : 0));
  let start = 0;
  if (marker !== undefined) {
    const m = /^tags:(\d+)$/.exec(Buffer.from(marker, "base64url").toString("utf8"));
    start = m ? Number(m[1]) : -1;
    if (start < 0 || start > sorted.length) throw invalidMarker();
  }
  const end = start + maxItems;
  const truncated = end < sorted.length;
  return {
    Tags: sorted.slice(start, end),
    IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(`tags:${end}`).toString("base64url") } : {}),
  };
}

type Input = Record<string, unknown>;

/** TagX, UntagX and ListXTags for one taggable kind. */
export function tagHandlers(kind: TaggableKind) {
  const id = (input: Input) => input[kind.member] as string | undefined;

  const Tag: Handler<Input, Record<string, never>> = async (input, ctx) => {
    const v = check.iamValidator();
    kind.validate(v, id(input));
    v.required(input.Tags, "Tags");
    validateTags(input.Tags as Tag[] | undefined, v);
    return ctx.transaction(async (tx) => {
      const entity = await kind.load(tx, ctx.account, id(input)!);
      await entity.save(mergeTags(entity.tags, input.Tags as Tag[]));
      return {};
    });
  };

  const Untag: Handler<Input, Record<string, never>> = async (input, ctx) => {
    const v = check.iamValidator();
    kind.validate(v, id(input));
    validateTagKeys(input.TagKeys as string[] | undefined, v);
    return ctx.transaction(async (tx) => {
      const entity = await kind.load(tx, ctx.account, id(input)!);
      const kept = removeTags(entity.tags, input.TagKeys as string[]);
      if (kept.length !== (entity.tags?.length ?? 0)) await entity.save(kept);
      return {};
    });
  };

  const List: Handler<Input, ReturnType<typeof tagsPage>> = async (input, ctx) => {
    const v = check.iamValidator();
    kind.validate(v, id(input));
    check.maxItems(v, input.MaxItems as number | undefined);
    check.marker(v, input.Marker as string | undefined);
    v.check();
    return ctx.transaction(async (tx) => {
      const entity = await kind.load(tx, ctx.account, id(input)!);
      return tagsPage(entity.tags, input.Marker as string | undefined, (input.MaxItems as number | undefined) ?? 100);
    });
  };

  return { Tag, Untag, List };
}
