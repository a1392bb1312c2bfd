import type { AliasListEntry, CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest, ListAliasesResponse, UpdateAliasRequest } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import {
  aliasArn,
  aliasNotFound,
  type AliasRecord,
  invalidState,
  keyAliasKey,
  keyKey,
  type KeyRecord,
  listPage,
  live,
  regionPrefix,
  requireKey,
  T,
} from "./model.js";
import * as check from "./validation.js";

/** The aliases AWS predefines for its managed keys: listed, without a target key. */
export const PREDEFINED = [
  "acm",
  "dynamodb",
  "ebs",
  "elasticfilesystem",
  "es",
  "glue",
  "kinesisvideo",
  "lambda",
  "rds",
  "redshift",
  "s3",
  "secretsmanager",
  "ssm",
  "xray",
].map((s) => `alias/aws/${s}`);

/**
 * The account's aliases with the predefined ones merged in name order. The predefined names are
 * not rows; they are merged into the page by the marker (the last name listed).
 */
async function withPredefined(tx: Transaction, account: string, region: string, options: { marker?: string; maxItems: number; invalidMarker: () => AwsError }) {
  let after: string | undefined;
  if (options.marker !== undefined) {
    const m = /^a:(alias\/.+)$/.exec(Buffer.from(options.marker, "base64url").toString("utf8"));
    if (!m) throw options.invalidMarker();
    after = m[1];
  }
  const prefix = regionPrefix(account, region);
  const rows = await tx.scan<AliasRecord>(T.aliases, { prefix, ...(after ? { after: prefix + after } : {}), limit: options.maxItems + 1 });
  const virtual: AliasRecord[] = PREDEFINED.filter((n) => after === undefined || n > after).map((n) => ({ AliasName: n, TargetKeyId: "", CreationDate: 0, LastUpdatedDate: 0 }));
  const merged = [...rows.map(([, a]) => a), ...virtual].sort((x, y) => (x.AliasName < y.AliasName ? -1 : x.AliasName > y.AliasName ? 1 : 0));
  const items = merged.slice(0, options.maxItems);
  const next = merged.length > options.maxItems ? Buffer.from(`a:${items[items.length - 1].AliasName}`).toString("base64url") : undefined;
  return { items, next };
}

/** The alias of that name, unless its key has been deleted (then the name is free). */
async function liveAlias(tx: Transaction, account: string, region: string, name: string, now: Date): Promise<AliasRecord | undefined> {
  const alias = await tx.get<AliasRecord>(T.aliases, keyKey(account, region, name));
  if (!alias) return undefined;
  return live(await tx.get<KeyRecord>(T.keys, keyKey(account, region, alias.TargetKeyId)), now.getTime()) ? alias : undefined;
}

/** An alias's two rows, by name and by target key, written and removed together. */
async function putAlias(tx: Transaction, account: string, region: string, alias: AliasRecord) {
  await tx.put(T.aliases, keyKey(account, region, alias.AliasName), alias);
  await tx.put(T.keyAliases, keyAliasKey(account, region, alias.TargetKeyId, alias.AliasName), alias);
}

async function removeAlias(tx: Transaction, account: string, region: string, alias: AliasRecord) {
  await tx.delete(T.aliases, keyKey(account, region, alias.AliasName));
  await tx.delete(T.keyAliases, keyAliasKey(account, region, alias.TargetKeyId, alias.AliasName));
}

const validateAliasInput = (input: { AliasName?: string; TargetKeyId?: string }) => {
  const v = check.kmsValidator();
  check.aliasName(v, input.AliasName);
  check.keyId(v, input.TargetKeyId, "TargetKeyId");
  v.check();
  check.checkAliasName(input.AliasName!);
};

/** The key an alias may point to: in the caller's account and region, by key id or key ARN, not pending deletion. */
async function targetKey(tx: Transaction, account: string, region: string, keyId: string, now: Date): Promise<KeyRecord> {
  if (keyId.startsWith("alias/") || /^arn:aws[a-z-]*:kms:[^:]*:\d*:alias\//.test(keyId)) throw new AwsError("ValidationException", "Aliases must refer to keys. Not aliases");
  const key = await requireKey(tx, account, region, keyId, { aliases: false, now });
  if (key.KeyState === "PendingDeletion") throw invalidState(key);
  return key;
}

/** An alias names one key of the same account and region; the key may be any but pending deletion. */
export const CreateAlias: Handler<CreateAliasRequest, Record<string, never>> = async (input, ctx) => {
  validateAliasInput(input);
  const name = input.AliasName!;
  return ctx.transaction(async (tx) => {
    if (await liveAlias(tx, ctx.account, ctx.region, name, ctx.now)) {
      throw new AwsError("AlreadyExistsException", `An alias with the name ${aliasArn(ctx.account, ctx.region, name)} already exists`);
    }
    const key = await targetKey(tx, ctx.account, ctx.region, input.TargetKeyId!, ctx.now);
    const stale = await tx.get<AliasRecord>(T.aliases, keyKey(ctx.account, ctx.region, name));
    if (stale) await removeAlias(tx, ctx.account, ctx.region, stale);
    const limit = ctx.quota("AliasesPerKey");
    if ((await tx.count(T.keyAliases, keyAliasKey(ctx.account, ctx.region, key.KeyId))) >= limit) {
      throw new AwsError("LimitExceededException", `Cannot exceed quota for AliasesPerKey: ${limit}`);
    }
    const now = ctx.now.getTime();
    await putAlias(tx, ctx.account, ctx.region, { AliasName: name, TargetKeyId: key.KeyId, CreationDate: now, LastUpdatedDate: now });
    return {};
  });
};

/**
 * Points an existing alias at another key. Both keys must be of the same kind (symmetric,
 * asymmetric or HMAC) and usage, so that code using the alias keeps working.
 */
export const UpdateAlias: Handler<UpdateAliasRequest, Record<string, never>> = async (input, ctx) => {
  validateAliasInput(input);
  const name = input.AliasName!;
  return ctx.transaction(async (tx) => {
    const alias = await liveAlias(tx, ctx.account, ctx.region, name, ctx.now);
    if (!alias) throw aliasNotFound(ctx.account, ctx.region, name);
    const key = await targetKey(tx, ctx.account, ctx.region, input.TargetKeyId!, ctx.now);
    const current = live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, ctx.region, alias.TargetKeyId)), ctx.now.getTime());
    if (current) {
      const kind = (k: KeyRecord) => (k.KeySpec === "SYMMETRIC_DEFAULT" ? "symmetric" : k.KeySpec.startsWith("HMAC_") ? "HMAC" : "asymmetric");
      if (kind(current) !== kind(key) || current.KeyUsage !== key.KeyUsage) {
        throw new AwsError(
          "ValidationException",
          `Alias ${name} points to a ${kind(current)} ${current.KeyUsage} key; the new target must be of the same type and key usage, not a ${kind(key)} ${key.KeyUsage} key.`,
        );
      }
    }
    await removeAlias(tx, ctx.account, ctx.region, alias);
    await putAlias(tx, ctx.account, ctx.region, { ...alias, TargetKeyId: key.KeyId, LastUpdatedDate: ctx.now.getTime() });
    return {};
  });
};

/** Aliases of the account and region in name order, or those of one key (from the by-key index). */
export const ListAliases: Handler<ListAliasesRequest, ListAliasesResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  if (input.KeyId !== undefined) check.keyId(v, input.KeyId);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const invalidMarker = () => new AwsError("InvalidMarkerException", "Invalid marker");
    const options = { marker: input.Marker, maxItems: input.Limit ?? 50, invalidMarker };
    let page;
    if (input.KeyId === undefined) {
      // AWS's predefined aliases (alias/aws/*) come first in name order, without a target until their AWS managed key exists.
      page = await withPredefined(tx, ctx.account, ctx.region, options);
    } else {
      const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId, { aliases: false, now: ctx.now });
      page = await paginate<AliasRecord>(tx, T.keyAliases, keyAliasKey(ctx.account, ctx.region, key.KeyId), options);
    }
    const aliases: AliasListEntry[] = [];
    for (const a of page.items) {
      if (a.TargetKeyId && !live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, ctx.region, a.TargetKeyId)), ctx.now.getTime())) continue;
      aliases.push({
        AliasName: a.AliasName,
        AliasArn: aliasArn(ctx.account, ctx.region, a.AliasName),
        ...(a.TargetKeyId ? { TargetKeyId: a.TargetKeyId, CreationDate: new Date(a.CreationDate), LastUpdatedDate: new Date(a.LastUpdatedDate) } : {}),
      });
    }
    return listPage("Aliases", { items: aliases, next: page.next });
  });
};

export const DeleteAlias: Handler<DeleteAliasRequest, Record<string, never>> = async (input, ctx) => {
  check.aliasName(check.kmsValidator(), input.AliasName).check();
  const name = input.AliasName!;
  check.checkAliasName(name);
  return ctx.transaction(async (tx) => {
    const alias = await liveAlias(tx, ctx.account, ctx.region, name, ctx.now);
    if (!alias) throw aliasNotFound(ctx.account, ctx.region, name);
    await removeAlias(tx, ctx.account, ctx.region, alias);
    return {};
  });
};
