import type { CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest, ListAliasesResponse } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import { aliasArn, aliasNotFound, type AliasRecord, invalidState, keyKey, listPage, regionPrefix, requireKey, T } from "./model.js";
import * as check from "./validation.js";

/** An alias names one key of the same account and region; the key may be any but pending deletion. */
export const CreateAlias: Handler<CreateAliasRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.aliasName(v, input.AliasName);
  check.keyId(v, input.TargetKeyId, "TargetKeyId");
  v.check();
  const name = input.AliasName!;
  check.checkAliasName(name);
  return ctx.transaction(async (tx) => {
    const k = keyKey(ctx.account, ctx.region, name);
    if (await tx.get(T.aliases, k)) {
      throw new AwsError("AlreadyExistsException", `An alias with the name ${aliasArn(ctx.account, ctx.region, name)} already exists`);
    }
    const key = await requireKey(tx, ctx.account, ctx.region, input.TargetKeyId!, { aliases: false });
    if (key.KeyState === "PendingDeletion") throw invalidState(key);
    const now = ctx.now.getTime();
    await tx.put<AliasRecord>(T.aliases, k, { AliasName: name, TargetKeyId: key.KeyId, CreationDate: now, LastUpdatedDate: now });
    return {};
  });
};

/** Aliases of the account and region in name order, or only those of one key. */
export const ListAliases: Handler<ListAliasesRequest, ListAliasesResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  if (input.KeyId !== undefined) check.keyId(v, input.KeyId);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const target = input.KeyId === undefined ? undefined : (await requireKey(tx, ctx.account, ctx.region, input.KeyId, { aliases: false })).KeyId;
    const page = await paginate<AliasRecord>(tx, T.aliases, regionPrefix(ctx.account, ctx.region), {
      marker: input.Marker,
      maxItems: input.Limit ?? 50,
      filter: target ? (a) => a.TargetKeyId === target : undefined,
      invalidMarker: () => new AwsError("InvalidMarkerException", "Invalid marker"),
    });
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
    if (!(await tx.delete(T.aliases, keyKey(ctx.account, ctx.region, name)))) throw aliasNotFound(ctx.account, ctx.region, name);
    return {};
  });
};
