import type {
  CancelKeyDeletionRequest,
  CancelKeyDeletionResponse,
  CreateKeyRequest,
  CreateKeyResponse,
  DescribeKeyRequest,
  DescribeKeyResponse,
  DisableKeyRequest,
  EnableKeyRequest,
  GetKeyLastUsageRequest,
  GetKeyLastUsageResponse,
  ListKeysRequest,
  ListKeysResponse,
  ScheduleKeyDeletionRequest,
  ScheduleKeyDeletionResponse,
  UpdateKeyDescriptionRequest,
} from "@aws-sdk/client-kms";
import { randomUUID } from "node:crypto";
import { secureRandom } from "../../core/ids.js";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import { generateSecret, newMaterial, supportedSpec } from "./crypto.js";
import {
  days,
  describe,
  invalidState,
  keyArn,
  type KeyRecord,
  listPage,
  live,
  putKey,
  regionPrefix,
  relatedKeys,
  requireKey,
  requireNotPendingDeletion,
  T,
} from "./model.js";
import { checkPolicy, checkPrincipalsExist, defaultPolicy } from "./policies.js";
import * as check from "./validation.js";

/** A new key record with fresh material (none for EXTERNAL keys: ImportKeyMaterial brings it). */
export function newKeyRecord(
  ctx: { account: string; region: string; now: Date },
  fields: Pick<KeyRecord, "KeySpec" | "KeyUsage" | "Origin" | "MultiRegion" | "Policy" | "Description" | "Tags">,
  secret: Buffer | undefined,
): KeyRecord {
  const now = ctx.now.getTime();
  const materials = secret ? [newMaterial(secret, now)] : [];
  return {
    KeyId: fields.MultiRegion ? `mrk-${secureRandom(16).toString("hex")}` : randomUUID(),
    Account: ctx.account,
    Region: ctx.region,
    CreationDate: now,
    ...fields,
    // Imported key material arrives later (ImportKeyMaterial): until then the key is unusable.
    KeyState: fields.Origin === "EXTERNAL" ? "PendingImport" : "Enabled",
    Materials: materials,
    ...(fields.KeySpec === "SYMMETRIC_DEFAULT" && materials.length ? { CurrentMaterialId: materials[0].Id } : {}),
    RotationSeed: secureRandom(32).toString("base64"),
    ...(fields.MultiRegion ? { PrimaryRegion: ctx.region, ReplicaRegions: [] } : {}),
  };
}

export const CreateKey: Handler<CreateKeyRequest, CreateKeyResponse> = async (input, ctx) => {
  const { spec, usage, origin } = check.createKeyInput(input);
  if (!supportedSpec(spec)) {
    // Node.js 20's crypto has no ML-DSA/ML-KEM, and SM2 keys exist only in China Regions.
    throw new AwsError(
      spec === "SM2" ? "ValidationException" : "UnsupportedOperationException",
      spec === "SM2" ? `KeySpec SM2 is not supported in ${ctx.region}.` : `KeySpec ${spec} is not supported by this KMS endpoint.`,
    );
  }
  const probeArn = keyArn({ Account: ctx.account, Region: ctx.region, KeyId: "*" });
  if (input.Policy !== undefined) checkPolicy(ctx, input.Policy, probeArn, input.BypassPolicyLockoutSafetyCheck);
  // Generated before the transaction: a key pair can take a while and must not hold the store.
  const secret = origin === "EXTERNAL" || input.CustomKeyStoreId !== undefined ? undefined : await generateSecret(spec);
  return ctx.transaction(async (tx) => {
    if (input.CustomKeyStoreId !== undefined) await check.requireConnectedStore(tx, ctx, input.CustomKeyStoreId);
    if (input.Policy !== undefined) await checkPrincipalsExist(tx, ctx.account, input.Policy);
    const limit = ctx.quota("KeysPerRegion");
    if ((await tx.count(T.keys, regionPrefix(ctx.account, ctx.region))) >= limit) {
      throw new AwsError("LimitExceededException", `Cannot exceed quota for KeysPerRegion: ${limit}`);
    }
    const key = newKeyRecord(ctx, {
      KeySpec: spec,
      KeyUsage: usage,
      Origin: origin,
      MultiRegion: input.MultiRegion ?? false,
      Policy: input.Policy ?? defaultPolicy(ctx.account),
      Description: input.Description ?? "",
      Tags: (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey!, TagValue: t.TagValue! })),
    }, secret);
    await putKey(tx, key);
    return { KeyMetadata: await describe(tx, key, ctx.now.getTime()) };
  });
};

export const DescribeKey: Handler<DescribeKeyRequest, DescribeKeyResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  check.grantTokens(v, input.GrantTokens).check();
  check.checkGrantTokens(input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    return { KeyMetadata: await describe(tx, key, ctx.now.getTime()) };
  });
};

/** Every key of the account in the region, whatever its state (PendingDeletion too), in key order; deleted keys are gone. */
export const ListKeys: Handler<ListKeysRequest, ListKeysResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.check();
  const now = ctx.now.getTime();
  return ctx.transaction(async (tx) => {
    const page = await paginate<KeyRecord>(tx, T.keys, regionPrefix(ctx.account, ctx.region), {
      marker: input.Marker,
      maxItems: input.Limit ?? 100,
      filter: (k) => live(k, now) !== undefined,
      invalidMarker: () => new AwsError("InvalidMarkerException", "Invalid marker"),
    });
    return listPage("Keys", { items: page.items.map((k) => ({ KeyId: k.KeyId, KeyArn: keyArn(k) })), next: page.next });
  });
};

/** Enable and Disable are idempotent; a key pending deletion or import cannot change. */
const setEnabled = (enabled: boolean): Handler<EnableKeyRequest | DisableKeyRequest, Record<string, never>> =>
  async (input, ctx) => {
    check.keyId(check.kmsValidator(), input.KeyId).check();
    return ctx.transaction(async (tx) => {
      const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
      if (!["Enabled", "Disabled"].includes(key.KeyState!)) throw invalidState(key);
      await putKey(tx, { ...key, KeyState: enabled ? "Enabled" : "Disabled" });
      return {};
    });
  };

export const EnableKey = setEnabled(true);
export const DisableKey = setEnabled(false);

export const UpdateKeyDescription: Handler<UpdateKeyDescriptionRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.required(input.Description, "Description");
  check.description(v, input.Description).check();
  return ctx.transaction(async (tx) => {
    const key = requireNotPendingDeletion(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    await putKey(tx, { ...key, Description: input.Description! });
    return {};
  });
};

/**
 * Schedules deletion after a waiting period of 7 to 30 days (default 30). The key is unusable
 * meanwhile; after the date it is gone (derived at read time). A multi-Region primary that still
 * has replicas waits for them in PendingReplicaDeletion.
 */
export const ScheduleKeyDeletion: Handler<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.range(input.PendingWindowInDays, "PendingWindowInDays", 1, 365);
  v.check();
  const window = input.PendingWindowInDays ?? 30;
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingReplicaDeletion") throw invalidState(key);
    if (window < 7 || window > 30) {
      throw new AwsError("ValidationException", `PendingWindowInDays should be between 7 and 30, but it is ${window}`);
    }
    const now = ctx.now.getTime();
    const isPrimary = key.MultiRegion && (key.PrimaryRegion ?? key.Region) === key.Region;
    const replicas = isPrimary ? (await relatedKeys(tx, key, now)).length : 0;
    if (replicas) {
      await putKey(tx, { ...key, KeyState: "PendingReplicaDeletion", PendingWindowInDays: window });
      return { KeyId: keyArn(key), KeyState: "PendingReplicaDeletion", PendingWindowInDays: window };
    }
    const scheduled: KeyRecord = { ...key, KeyState: "PendingDeletion", DeletionDate: now + days(window), PendingWindowInDays: window };
    await putKey(tx, scheduled);
    return { KeyId: keyArn(key), DeletionDate: new Date(scheduled.DeletionDate!), KeyState: "PendingDeletion", PendingWindowInDays: window };
  });
};

/** Cancelling leaves the key Disabled (or PendingImport when it has no key material). */
export const CancelKeyDeletion: Handler<CancelKeyDeletionRequest, CancelKeyDeletionResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (key.KeyState !== "PendingDeletion" && key.KeyState !== "PendingReplicaDeletion") {
      throw new AwsError("KMSInvalidStateException", `${keyArn(key)} is not pending deletion.`);
    }
    const { DeletionDate: _d, PendingWindowInDays: _w, ...rest } = key;
    const hasMaterial = key.Materials.some((m) => m.Secret);
    await putKey(tx, { ...rest, KeyState: key.Origin === "EXTERNAL" && !hasMaterial ? "PendingImport" : "Disabled" });
    return { KeyId: keyArn(key) };
  });
};

/** The last successful cryptographic use of a key, tracked since the key's creation. */
export const GetKeyLastUsage: Handler<GetKeyLastUsageRequest, GetKeyLastUsageResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    const u = key.LastUsage;
    return {
      KeyId: keyArn(key),
      ...(u ? { KeyLastUsage: { Operation: u.Operation, Timestamp: new Date(u.Timestamp), KmsRequestId: u.KmsRequestId } } : {}),
      TrackingStartDate: new Date(key.CreationDate),
      KeyCreationDate: new Date(key.CreationDate),
    } as GetKeyLastUsageResponse;
  });
};
