import type {
  CreateKeyValueStoreRequest,
  CreateKeyValueStoreResult,
  DeleteKeyValueStoreRequest,
  DescribeKeyValueStoreRequest,
  DescribeKeyValueStoreResult,
  KeyValueStore,
  ListKeyValueStoresRequest,
  ListKeyValueStoresResult,
  UpdateKeyValueStoreRequest,
  UpdateKeyValueStoreResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { arnOf, resourceUrl, uuid } from "./ids.js";
import { key, listPage, maxItemsOf, oneOf, shortList } from "./model.js";
import { refuseInUse } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch, type Deployable, isDeployed, nextDeployment, nextVersion } from "./versioning.js";

/**
 * Key value stores (control plane only: the data plane is another service). A store is
 * PROVISIONING after its creation, then READY, derived from the stored deploy instant.
 */
const TABLE = "cloudfront.keyValueStores"; //   acct/name -> record
const IDS = "cloudfront.keyValueStoreIds"; //    acct/id   -> name
const KVS = "key-value-store";

interface KvsRecord extends Deployable {
  Name: string;
  Id: string;
  Comment: string;
  LastModifiedTime: string;
}

taggable({ type: KVS, exists: async (tx, account, id) => !!(await tx.get(IDS, key(account, id))) });

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;

const storeOf = (r: KvsRecord, ctx: RequestContext): KeyValueStore => ({
  Name: r.Name,
  Id: r.Id,
  Comment: r.Comment,
  ARN: arnOf(ctx.account, KVS, r.Id),
  Status: isDeployed(r, ctx) ? "READY" : "PROVISIONING",
  LastModifiedTime: new Date(r.LastModifiedTime),
});

async function requireStore(tx: Transaction, account: string, name: string | undefined): Promise<KvsRecord> {
  const found = name ? await tx.get<KvsRecord>(TABLE, key(account, name)) : undefined;
  if (!found) throw new AwsError("EntityNotFound", `The key value store ${name ?? ""} does not exist.`, 404);
  return found;
}

export async function findKeyValueStoreByArn(tx: Transaction, account: string, arn: string): Promise<boolean> {
  const m = /^arn:aws:cloudfront::(\d{12}):key-value-store\/([0-9a-f-]{36})$/.exec(arn);
  return !!m && m[1] === account && !!(await tx.get(IDS, key(account, m[2])));
}

function comment(value: string | undefined): string {
  if (value !== undefined && [...value].length > 128) throw new AwsError("InvalidArgument", "The key value store comment cannot be longer than 128 characters.");
  return value ?? "";
}

export const CreateKeyValueStore: Handler<CreateKeyValueStoreRequest, CreateKeyValueStoreResult> = async (input, ctx) => {
  if (!input.Name || !NAME.test(input.Name)) throw new AwsError("InvalidArgument", "The key value store Name must be 1 to 64 characters: letters, digits, hyphens and underscores.");
  const text = comment(input.Comment);
  const tags = validTags(input.Tags);
  if (input.ImportSource) {
    oneOf(input.ImportSource.SourceType, ["S3"], "ImportSource.SourceType");
    if (!/^arn:aws:s3:::.+/.test(input.ImportSource.SourceARN ?? "")) throw new AwsError("InvalidArgument", "ImportSource.SourceARN must be an S3 object ARN.");
  }
  return ctx.transaction(async (tx) => {
    if (await tx.get(TABLE, key(ctx.account, input.Name!))) throw new AwsError("EntityAlreadyExists", `A key value store named ${input.Name} already exists.`, 409);
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("KeyValueStoresPerAccount")) {
      throw new AwsError("EntityLimitExceeded", "You have reached the maximum number of key value stores for this AWS account.", 400);
    }
    const record = nextDeployment({ Name: input.Name!, Id: uuid(), Comment: text, LastModifiedTime: ctx.now.toISOString() }, ctx);
    await tx.put(TABLE, key(ctx.account, record.Name), record);
    await tx.put(IDS, key(ctx.account, record.Id), record.Name);
    await initTags(tx, ctx, KVS, record.Id, tags);
    return { KeyValueStore: { ...storeOf(record, ctx), Status: "PROVISIONING" }, ETag: record.ETag, Location: resourceUrl("key-value-store", record.Name) };
  });
};

export const DescribeKeyValueStore: Handler<DescribeKeyValueStoreRequest, DescribeKeyValueStoreResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireStore(tx, ctx.account, input.Name);
    return { KeyValueStore: storeOf(r, ctx), ETag: r.ETag };
  });

/** Only the Comment changes; the store stays READY (no new provisioning). */
export const UpdateKeyValueStore: Handler<UpdateKeyValueStoreRequest, UpdateKeyValueStoreResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireStore(tx, ctx.account, input.Name);
    checkIfMatch(r, input.IfMatch);
    if (input.Comment === undefined) throw new AwsError("InvalidArgument", "Comment is required.");
    // A new version, but the store's provisioning instant stays: a comment provisions nothing.
    const updated = { ...nextVersion({ ...r, Comment: comment(input.Comment), LastModifiedTime: ctx.now.toISOString() }), DeployedAt: r.DeployedAt };
    await tx.put(TABLE, key(ctx.account, r.Name), updated);
    return { KeyValueStore: storeOf(updated, ctx), ETag: updated.ETag };
  });

export const DeleteKeyValueStore: Handler<DeleteKeyValueStoreRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireStore(tx, ctx.account, input.Name);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "key-value-store", r.Id);
    await tx.delete(TABLE, key(ctx.account, r.Name));
    await tx.delete(IDS, key(ctx.account, r.Id));
    await dropTags(tx, ctx.account, KVS, r.Id);
    return {};
  });

export const ListKeyValueStores: Handler<ListKeyValueStoresRequest, ListKeyValueStoresResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  if (input.Status !== undefined) oneOf(input.Status, ["READY", "PROVISIONING", "PROVISIONING_FAILED"], "Status");
  return ctx.transaction(async (tx) => {
    const page = await listPage<KvsRecord>(tx, TABLE, ctx.account, input.Marker, maxItems);
    const items = page.items.map((r) => storeOf(r, ctx)).filter((s) => !input.Status || s.Status === input.Status);
    return { KeyValueStoreList: shortList(maxItems, { items, nextMarker: page.nextMarker }, (s) => s) };
  });
};
