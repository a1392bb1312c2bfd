import { storedTime } from "../../core/timestamps.js";
import type {
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  GetAccessKeyLastUsedRequest,
  GetAccessKeyLastUsedResponse,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { Handler, Principal, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { accessKeyId, secretAccessKey } from "./ids.js";
import { type AccessKeyRecord, childKey, limitExceeded, listPage, requireUser, T, isoSeconds } from "./model.js";
import * as check from "./validation.js";

/** Without UserName the keys are the caller's: its IAM user's, or the account root's own. */
async function owner(tx: Transaction, ctx: RequestContext, userName: string | undefined) {
  const name = userName ?? ctx.principal.userName;
  if (name === undefined) return { UserName: undefined, UserId: "root" };
  const user = await requireUser(tx, ctx.account, name);
  return { UserName: user.UserName, UserId: user.UserId };
}

const metadata = (k: AccessKeyRecord) => ({
  ...(k.UserName !== undefined ? { UserName: k.UserName } : {}),
  AccessKeyId: k.AccessKeyId,
  Status: k.Status,
  CreateDate: storedTime(k.CreateDate),
});

export const CreateAccessKey: Handler<CreateAccessKeyRequest, CreateAccessKeyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const { UserName, UserId } = await owner(tx, ctx, input.UserName);
    const under = childKey(ctx.account, UserId);
    const limit = ctx.quota("AccessKeysPerUser");
    if ((await tx.count(T.accessKeys, under)) >= limit) throw limitExceeded("AccessKeysPerUser", limit);
    const key: AccessKeyRecord = {
      account: ctx.account,
      ...(UserName !== undefined ? { UserName, UserId } : {}),
      AccessKeyId: accessKeyId(ctx.account),
      SecretAccessKey: secretAccessKey(),
      Status: "Active",
      CreateDate: isoSeconds(ctx.now),
    };
    await tx.put(T.accessKeys, under + key.AccessKeyId, key);
    await tx.put(T.accessKeyIndex, key.AccessKeyId, key);
    return { AccessKey: { ...metadata(key), UserName: UserName ?? "", SecretAccessKey: key.SecretAccessKey } };
  });
};

export const ListAccessKeys: Handler<ListAccessKeysRequest, ListAccessKeysResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const { UserId } = await owner(tx, ctx, input.UserName);
    const page = await paginate<AccessKeyRecord>(tx, T.accessKeys, childKey(ctx.account, UserId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    return listPage("AccessKeyMetadata", { items: page.items.map(metadata), next: page.next });
  });
};

export const DeleteAccessKey: Handler<DeleteAccessKeyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.length(input.AccessKeyId, "AccessKeyId", 16, 128).pattern(input.AccessKeyId, "AccessKeyId", /^[\w]+$/, "[\\w]+");
  v.check();
  return ctx.transaction(async (tx) => {
    const { UserId } = await owner(tx, ctx, input.UserName);
    if (!(await tx.delete(T.accessKeys, childKey(ctx.account, UserId, input.AccessKeyId)))) {
      throw new AwsError("NoSuchEntity", `The Access Key with id ${input.AccessKeyId} cannot be found.`);
    }
    await tx.delete(T.accessKeyIndex, input.AccessKeyId!);
    await tx.delete(T.accessKeyLastUsed, input.AccessKeyId!);
    return {};
  });
};

/** Active/Inactive: an Inactive key is refused from the next request on (`--auth signature|iam`). */
export const UpdateAccessKey: Handler<UpdateAccessKeyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.length(input.AccessKeyId, "AccessKeyId", 16, 128).pattern(input.AccessKeyId, "AccessKeyId", /^[\w]+$/, "[\\w]+");
  v.oneOf(input.Status, "Status", ["Active", "Inactive"]);
  v.check();
  return ctx.transaction(async (tx) => {
    const { UserId } = await owner(tx, ctx, input.UserName);
    const key = childKey(ctx.account, UserId, input.AccessKeyId);
    const record = await tx.get<AccessKeyRecord>(T.accessKeys, key);
    if (!record) throw new AwsError("NoSuchEntity", `The Access Key with id ${input.AccessKeyId} cannot be found.`);
    const updated = { ...record, Status: input.Status! };
    await tx.put(T.accessKeys, key, updated);
    await tx.put(T.accessKeyIndex, record.AccessKeyId, updated);
    return {};
  });
};

/** Keys issued here act as their user (or their account's root). */
export async function resolveAccessKey(tx: Transaction, id: string): Promise<Principal | undefined> {
  const key = await tx.get<AccessKeyRecord>(T.accessKeyIndex, id);
  if (!key) return undefined;
  if (key.UserName === undefined) return { type: "root", account: key.account, arn: `arn:aws:iam::${key.account}:root`, userId: key.account };
  const path = (await tx.get<{ Path: string }>(T.users, `${key.account}/${key.UserName.toLowerCase()}`))?.Path ?? "/";
  return {
    type: "user",
    account: key.account,
    arn: `arn:aws:iam::${key.account}:user${path}${key.UserName}`,
    userId: key.UserId!,
    userName: key.UserName,
  };
}

/** Last use of a key, to the minute as AWS reports it. */
interface LastUse {
  LastUsedDate: string;
  ServiceName: string;
  Region: string;
}

const toMinute = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString().replace(".000Z", "Z");

/**
 * Records that a request was signed with the key (called by the core for every request signed
 * with an AKIA key, in every auth mode). AWS reports the minute, so the row is written only
 * when the minute, service or region changes: at most one write per key per minute and
 * service, and otherwise one read.
 */
export async function recordKeyUse(tx: Transaction, accessKeyId: string, use: { service: string; region: string; now: Date }) {
  const key = await tx.get<AccessKeyRecord>(T.accessKeyIndex, accessKeyId);
  if (!key) return;
  const last: LastUse = { LastUsedDate: toMinute(use.now), ServiceName: use.service, Region: use.region };
  const stored = await tx.get<LastUse>(T.accessKeyLastUsed, accessKeyId);
  if (stored && stored.LastUsedDate === last.LastUsedDate && stored.ServiceName === last.ServiceName && stored.Region === last.Region) return;
  await tx.put(T.accessKeyLastUsed, accessKeyId, last);
}

/** For the credential report: a key's last use, if any. */
export const lastUse = (tx: Transaction, accessKeyId: string) => tx.get<LastUse>(T.accessKeyLastUsed, accessKeyId);

/** Any key of the account, whoever owns it; a key never used reads N/A. */
export const GetAccessKeyLastUsed: Handler<GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.AccessKeyId, "AccessKeyId", 16, 128).pattern(input.AccessKeyId, "AccessKeyId", /^[\w]+$/, "[\\w]+");
  v.check();
  return ctx.transaction(async (tx) => {
    const key = await tx.get<AccessKeyRecord>(T.accessKeyIndex, input.AccessKeyId!);
    if (!key || key.account !== ctx.account) throw new AwsError("NoSuchEntity", `The Access Key with id ${input.AccessKeyId} cannot be found.`);
    const used = await lastUse(tx, key.AccessKeyId);
    return {
      ...(key.UserName !== undefined ? { UserName: key.UserName } : {}),
      AccessKeyLastUsed: used
        ? { LastUsedDate: new Date(used.LastUsedDate), ServiceName: used.ServiceName, Region: used.Region }
        : { ServiceName: "N/A", Region: "N/A" },
    };
  });
};
