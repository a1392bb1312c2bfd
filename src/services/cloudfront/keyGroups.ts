import type {
  CreateKeyGroupRequest,
  CreateKeyGroupResult,
  DeleteKeyGroupRequest,
  GetKeyGroupConfigRequest,
  GetKeyGroupConfigResult,
  GetKeyGroupRequest,
  GetKeyGroupResult,
  KeyGroup,
  KeyGroupConfig,
  ListDistributionsByKeyGroupRequest,
  ListDistributionsByKeyGroupResult,
  ListKeyGroupsRequest,
  ListKeyGroupsResult,
  UpdateKeyGroupRequest,
  UpdateKeyGroupResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { isoMillis, keyGroupId, resourceUrl } from "./ids.js";
import { fullList, key, type KeyGroupRecord, listPage, maxItemsOf, requireKeyGroup, requirePublicKey, T } from "./model.js";
import { refuseInUse, usersPage } from "./references.js";
import * as check from "./validation.js";
import { checkIfMatch, nextVersion } from "./versioning.js";

const configOf = (r: KeyGroupRecord): KeyGroupConfig => ({
  Name: r.Name,
  Items: [...r.Items],
  ...(r.Comment !== undefined ? { Comment: r.Comment } : {}),
});

const keyGroupOf = (r: KeyGroupRecord): KeyGroup => ({ Id: r.Id, LastModifiedTime: new Date(r.LastModifiedTime), KeyGroupConfig: configOf(r) });

type Config = Pick<KeyGroupRecord, "Name" | "Items" | "Comment">;

/** Checks that need no state: a name, one to (quota) distinct keys, a short comment. */
function validConfig(config: KeyGroupConfig | undefined, ctx: RequestContext): Config {
  if (!config) throw new AwsError("MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.");
  check.text(config.Name, "Name");
  check.comment(config.Comment, "key group");
  const items = config.Items ?? [];
  if (!items.length) throw new AwsError("InvalidArgument", "A key group must contain at least one public key.");
  if (new Set(items).size !== items.length) throw new AwsError("InvalidArgument", "A public key can appear only once in a key group.");
  if (items.length > ctx.quota("PublicKeysPerKeyGroup")) {
    throw new AwsError(
      "TooManyPublicKeysInKeyGroup",
      "The number of public keys in this key group is more than the maximum allowed.",
    );
  }
  return { Name: config.Name!, Items: items, Comment: config.Comment };
}

/** Every item must be a public key of the account (NoSuchPublicKey, 404, as the spec recommends). */
async function requireKeys(tx: Transaction, account: string, items: string[]) {
  for (const id of items) await requirePublicKey(tx, account, id);
}

const nameTaken = () =>
  new AwsError("KeyGroupAlreadyExists", "A key group with this name already exists. You must provide a unique name. To modify an existing key group, use UpdateKeyGroup.");

/** Public key -> key group rows, so PublicKeyInUse is one count. */
async function setUsage(tx: Transaction, account: string, groupId: string, before: string[], after: string[]) {
  for (const id of before) if (!after.includes(id)) await tx.delete(T.keyUsage, key(account, id, groupId));
  for (const id of after) if (!before.includes(id)) await tx.put(T.keyUsage, key(account, id, groupId), groupId);
}

export const CreateKeyGroup: Handler<CreateKeyGroupRequest, CreateKeyGroupResult> = async (input, ctx) => {
  const config = validConfig(input.KeyGroupConfig, ctx);
  return ctx.transaction(async (tx) => {
    if (await tx.get(T.keyGroupNames, key(ctx.account, config.Name))) throw nameTaken();
    const limit = ctx.quota("KeyGroupsPerAccount");
    if ((await tx.count(T.keyGroups, `${ctx.account}/`)) >= limit) {
      throw new AwsError("TooManyKeyGroups", "Processing your request will cause you to exceed the maximum number of key groups allowed.");
    }
    await requireKeys(tx, ctx.account, config.Items);
    const record = nextVersion({ Id: keyGroupId(), LastModifiedTime: isoMillis(ctx.now), ...config });
    await tx.put(T.keyGroups, key(ctx.account, record.Id), record);
    await tx.put(T.keyGroupNames, key(ctx.account, record.Name), record.Id);
    await setUsage(tx, ctx.account, record.Id, [], record.Items);
    return { KeyGroup: keyGroupOf(record), Location: resourceUrl("key-group", record.Id), ETag: record.ETag };
  });
};

export const GetKeyGroup: Handler<GetKeyGroupRequest, GetKeyGroupResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireKeyGroup(tx, ctx.account, input.Id);
    return { KeyGroup: keyGroupOf(record), ETag: record.ETag };
  });

export const GetKeyGroupConfig: Handler<GetKeyGroupConfigRequest, GetKeyGroupConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireKeyGroup(tx, ctx.account, input.Id);
    return { KeyGroupConfig: configOf(record), ETag: record.ETag };
  });

export const ListKeyGroups: Handler<ListKeyGroupsRequest, ListKeyGroupsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<KeyGroupRecord>(tx, T.keyGroups, ctx.account, input.Marker, maxItems);
    return {
      KeyGroupList: {
        MaxItems: maxItems,
        Quantity: page.items.length,
        NextMarker: page.nextMarker,
        Items: page.items.length ? page.items.map((r) => ({ KeyGroup: keyGroupOf(r) })) : undefined,
      },
    };
  });
};

/**
 * The seed operation: the whole config is replaced (the caller read it, changed it locally and
 * sends it all back with the ETag it read). LastModifiedTime is bumped and a new ETag issued.
 */
export const UpdateKeyGroup: Handler<UpdateKeyGroupRequest, UpdateKeyGroupResult> = async (input, ctx) => {
  const config = validConfig(input.KeyGroupConfig, ctx);
  return ctx.transaction(async (tx) => {
    const record = await requireKeyGroup(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    if (config.Name !== record.Name) {
      if (await tx.get(T.keyGroupNames, key(ctx.account, config.Name))) throw nameTaken();
      await tx.delete(T.keyGroupNames, key(ctx.account, record.Name));
      await tx.put(T.keyGroupNames, key(ctx.account, config.Name), record.Id);
    }
    await requireKeys(tx, ctx.account, config.Items);
    const { Comment: _old, ...kept } = record;
    const updated = nextVersion({ ...kept, ...config, LastModifiedTime: isoMillis(ctx.now) });
    if (updated.Comment === undefined) delete updated.Comment;
    await tx.put(T.keyGroups, key(ctx.account, record.Id), updated);
    await setUsage(tx, ctx.account, record.Id, record.Items, updated.Items);
    return { KeyGroup: keyGroupOf(updated), ETag: updated.ETag };
  });
};

export const DeleteKeyGroup: Handler<DeleteKeyGroupRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireKeyGroup(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    // A cache behaviour that trusts the group holds it (ResourceInUse).
    await refuseInUse(tx, ctx.account, "key-group", record.Id);
    await tx.delete(T.keyGroups, key(ctx.account, record.Id));
    await tx.delete(T.keyGroupNames, key(ctx.account, record.Name));
    await setUsage(tx, ctx.account, record.Id, record.Items, []);
    return {};
  });

/** The distributions with a cache behaviour that trusts the key group. */
export const ListDistributionsByKeyGroup: Handler<ListDistributionsByKeyGroupRequest, ListDistributionsByKeyGroupResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    await requireKeyGroup(tx, ctx.account, input.KeyGroupId);
    return { DistributionIdList: fullList(input.Marker, maxItems, await usersPage(tx, ctx.account, "key-group", input.KeyGroupId!, input.Marker, maxItems), (d) => d) };
  });
};
