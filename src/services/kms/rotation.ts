import type {
  DisableKeyRotationRequest,
  EnableKeyRotationRequest,
  GetKeyRotationStatusRequest,
  GetKeyRotationStatusResponse,
  ListKeyRotationsRequest,
  ListKeyRotationsResponse,
  RotateKeyOnDemandRequest,
  RotateKeyOnDemandResponse,
  RotationsListEntry,
} from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { generateSecret, newMaterial } from "./crypto.js";
import { days, invalidState, keyArn, type KeyRecord, listPage, putKey, requireKey, requireUsable, syncShared } from "./model.js";
import * as check from "./validation.js";

/**
 * Rotation of symmetric encryption keys. Automatic rotations are derived from the stored anchor
 * and period when the key is read (model.ts `live`), so nothing runs in the background; on-demand
 * rotations write a new material version. Related multi-Region keys share the schedule and the
 * material, so every change is copied to them.
 */

const NON_SYMMETRIC = "You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.";

/** The key whose rotation settings a call changes: a symmetric AWS_KMS key, the primary of a multi-Region set. */
async function rotatable(tx: Transaction, ctx: RequestContext, keyId: string): Promise<KeyRecord> {
  const key = await requireKey(tx, ctx.account, ctx.region, keyId, { aliases: false, now: ctx.now });
  if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingReplicaDeletion" || key.KeyState === "PendingImport") throw invalidState(key);
  requireUsable(key);
  if (key.KeySpec !== "SYMMETRIC_DEFAULT") throw new AwsError("UnsupportedOperationException", NON_SYMMETRIC);
  if (key.Origin !== "AWS_KMS") throw new AwsError("UnsupportedOperationException", `${keyArn(key)} origin is ${key.Origin} which is not valid for this operation.`);
  if (key.MultiRegion && key.PrimaryRegion && key.PrimaryRegion !== key.Region) {
    throw new AwsError("UnsupportedOperationException", `${keyArn(key)} is not a multi-region primary key.`);
  }
  return key;
}

async function save(tx: Transaction, ctx: RequestContext, key: KeyRecord) {
  await putKey(tx, key);
  await syncShared(tx, key, ctx.now.getTime());
}

/** A second call with another period keeps the schedule's start and applies the new period. */
export const EnableKeyRotation: Handler<EnableKeyRotationRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.range(input.RotationPeriodInDays, "RotationPeriodInDays", 90, 2560).check();
  return ctx.transaction(async (tx) => {
    const key = await rotatable(tx, ctx, input.KeyId!);
    const period = input.RotationPeriodInDays ?? 365;
    await save(tx, ctx, { ...key, Rotation: { PeriodInDays: period, Anchor: key.Rotation?.Anchor ?? ctx.now.getTime() } });
    return {};
  });
};

export const DisableKeyRotation: Handler<DisableKeyRotationRequest, Record<string, never>> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => {
    const { Rotation: _r, ...key } = await rotatable(tx, ctx, input.KeyId!);
    await save(tx, ctx, key as KeyRecord);
    return {};
  });
};

/** Asymmetric and HMAC keys answer `false`, as KMS does today (Terraform reads it for every key). */
export const GetKeyRotationStatus: Handler<GetKeyRotationStatusRequest, GetKeyRotationStatusResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    const r = key.Rotation;
    if (!r) return { KeyRotationEnabled: false, KeyId: keyArn(key) };
    return {
      KeyRotationEnabled: true,
      KeyId: keyArn(key),
      RotationPeriodInDays: r.PeriodInDays,
      NextRotationDate: new Date(r.Anchor + days(r.PeriodInDays)),
    };
  });
};

/**
 * Rotates now: new material for an AWS_KMS key; for an EXTERNAL key, the imported material that
 * waits for rotation becomes current. The automatic schedule is unchanged.
 */
export const RotateKeyOnDemand: Handler<RotateKeyOnDemandRequest, RotateKeyOnDemandResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  const secret = await generateSecret("SYMMETRIC_DEFAULT");
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (key.KeyState !== "Enabled" && key.KeyState !== "Disabled") throw invalidState(key);
    requireUsable(key);
    if (key.KeySpec !== "SYMMETRIC_DEFAULT") throw new AwsError("UnsupportedOperationException", "");
    if (key.MultiRegion && key.PrimaryRegion && key.PrimaryRegion !== key.Region) {
      throw new AwsError("UnsupportedOperationException", `${keyArn(key)} is not a multi-region primary key.`);
    }
    const limit = ctx.quota("OnDemandRotationsPerKey");
    if ((key.OnDemandRotations ?? 0) >= limit) {
      throw new AwsError(
        "LimitExceededException",
        `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${keyArn(key)}`,
      );
    }
    const now = ctx.now.getTime();
    let rotated: KeyRecord;
    if (key.Origin === "EXTERNAL") {
      const pending = key.Materials.find((m) => m.PendingRotation);
      if (!pending) throw new AwsError("KMSInvalidStateException", `No available key material pending rotation for the key: ${keyArn(key)}.`);
      rotated = {
        ...key,
        Materials: key.Materials.map((m) => (m === pending ? { ...m, PendingRotation: undefined, RotationType: "ON_DEMAND", Date: now } : m)),
        CurrentMaterialId: pending.Id,
      };
    } else {
      const m = newMaterial(secret, now, { RotationType: "ON_DEMAND" });
      rotated = { ...key, Materials: [...key.Materials, m], CurrentMaterialId: m.Id };
    }
    await save(tx, ctx, { ...rotated, OnDemandRotations: (key.OnDemandRotations ?? 0) + 1 });
    return { KeyId: keyArn(key) };
  });
};

/** Material versions oldest first; ROTATIONS_ONLY leaves out the original material. */
export const ListKeyRotations: Handler<ListKeyRotationsRequest, ListKeyRotationsResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.oneOf(input.IncludeKeyMaterial, "IncludeKeyMaterial", ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"]).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (key.KeySpec !== "SYMMETRIC_DEFAULT") throw new AwsError("UnsupportedOperationException", NON_SYMMETRIC);
    const all = input.IncludeKeyMaterial === "ALL_KEY_MATERIAL";
    const entries: RotationsListEntry[] = key.Materials.filter((m) => all || m.RotationType).map((m) => ({
      KeyId: keyArn(key),
      KeyMaterialId: m.Id,
      ...(m.Description !== undefined ? { KeyMaterialDescription: m.Description } : {}),
      ...(key.Origin === "EXTERNAL" ? { ImportState: m.Secret ? "IMPORTED" : "PENDING_IMPORT" } : {}),
      KeyMaterialState: m.PendingRotation ? "PENDING_ROTATION" : m.Id === key.CurrentMaterialId ? "CURRENT" : "NON_CURRENT",
      ...(key.Origin === "EXTERNAL" && key.ExpirationModel ? { ExpirationModel: key.ExpirationModel } : {}),
      ...(key.Origin === "EXTERNAL" && key.ValidTo !== undefined ? { ValidTo: new Date(key.ValidTo) } : {}),
      ...(m.RotationType ? { RotationDate: new Date(m.Date), RotationType: m.RotationType } : {}),
    }));
    const start = input.Marker === undefined ? 0 : check.indexMarker(input.Marker, entries.length);
    const limit = input.Limit ?? 100;
    const next = start + limit < entries.length ? check.toIndexMarker(start + limit) : undefined;
    return listPage("Rotations", { items: entries.slice(start, start + limit), next });
  });
};
