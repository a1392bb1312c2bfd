import type { CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest, ListAliasesResponse, UpdateAliasRequest } from "@aws-sdk/client-kms";
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
  regionPrefix,
  requireKey,
  T,
} from "./model.js";
import * as check from "./validation.js";

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
async function targetKey(tx: Transaction, account: string, region: string, keyId: string): Promise<KeyRecord> {
  const key = await requireKey(tx, account, region, keyId, { aliases: false });
  if (key.KeyState === "PendingDeletion") throw invalidState(key);
  return key;
}

/** An alias names one key of the same account and region; the key may be any but pending deletion. */
export const CreateAlias: Handler<CreateAliasRequest, Record<string, never>> = async (input, ctx) => {
  validateAliasInput(input);
  const name = input.AliasName!;
  return ctx.transaction(async (tx) => {
    if (await tx.get(T.aliases, keyKey(ctx.account, ctx.region, name))) {
      throw new AwsError("AlreadyExistsException", `An alias with the name ${aliasArn(ctx.account, ctx.region, name)} already exists`);
    }
    const key = await targetKey(tx, ctx.account, ctx.region, input.TargetKeyId!);
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
    const alias = await tx.get<AliasRecord>(T.aliases, keyKey(ctx.account, ctx.region, name));
    if (!alias) throw aliasNotFound(ctx.account, ctx.region, name);
    const key = await targetKey(tx, ctx.account, ctx.region, input.TargetKeyId!);
    const current = await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, ctx.region, alias.TargetKeyId));
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
      page = await paginate<AliasRecord>(tx, T.aliases, regionPrefix(ctx.account, ctx.region), options);
    } else {
      const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId, { aliases: false });
      page = await paginate<AliasRecord>(tx, T.keyAliases, keyAliasKey(ctx.account, ctx.region, key.KeyId), options);
    }
    const aliases = page.items.map((a) => ({
      AliasName: a.AliasName,
      AliasArn: aliasArn(ctx.account, ctx.region, a.AliasName),
      TargetKeyId: a.TargetKeyId,
      CreationDate: new Date(a.CreationDate),
      LastUpdatedDate: new Date(a.LastUpdatedDate),
    }));
    return listPage("Aliases", { items: aliases, next: page.next });
  });
};

export const DeleteAlias: Handler<DeleteAliasRequest, Record<string, never>> = async (input, ctx) => {
  check.aliasName(check.kmsValidator(), input.AliasName).check();
  const name = input.AliasName!;
  check.checkAliasName(name);
  return ctx.transaction(async (tx) => {
    const alias = await tx.get<AliasRecord>(T.aliases, keyKey(ctx.account, ctx.region, name));
    if (!alias) throw aliasNotFound(ctx.account, ctx.region, name);
    await removeAlias(tx, ctx.account, ctx.region, alias);
    return {};
  });
};
