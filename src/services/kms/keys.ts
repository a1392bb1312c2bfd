import type {
  CancelKeyDeletionRequest,
  CancelKeyDeletionResponse,
  CreateKeyRequest,
  CreateKeyResponse,
  DescribeKeyRequest,
  DescribeKeyResponse,
  DisableKeyRequest,
  EnableKeyRequest,
  ListKeysRequest,
  ListKeysResponse,
  ScheduleKeyDeletionRequest,
  ScheduleKeyDeletionResponse,
} from "@aws-sdk/client-kms";
import { randomBytes, randomUUID } from "node:crypto";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import {
  invalidState,
  keyArn,
  keyKey,
  keyMetadata,
  type KeyRecord,
  listPage,
  regionPrefix,
  requireKey,
  T,
} from "./model.js";
import * as check from "./validation.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The key policy KMS attaches when CreateKey names none: the account root may do anything. */
const defaultPolicy = (account: string) =>
  JSON.stringify(
    {
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [
        { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      ],
    },
    null,
    2,
  );

export const CreateKey: Handler<CreateKeyRequest, CreateKeyResponse> = async (input, ctx) => {
  const { spec, usage, origin } = check.createKeyInput(input);
  if (input.Policy !== undefined) {
    let policy: unknown;
    try {
      policy = JSON.parse(input.Policy);
    } catch {
      throw new AwsError("MalformedPolicyDocumentException", "The key policy is not valid JSON.");
    }
    if (policy === null || typeof policy !== "object" || Array.isArray(policy)) {
      throw new AwsError("MalformedPolicyDocumentException", "Policy document must be a JSON object.");
    }
    const limit = ctx.quota("KeyPolicySize");
    if (Buffer.byteLength(input.Policy) > limit) {
      throw new AwsError("LimitExceededException", `The key policy exceeds the maximum size of ${limit} bytes.`);
    }
  }
  return ctx.transaction(async (tx) => {
    const limit = ctx.quota("KeysPerRegion");
    if ((await tx.count(T.keys, regionPrefix(ctx.account, ctx.region))) >= limit) {
      throw new AwsError("LimitExceededException", `Cannot exceed quota for KeysPerRegion: ${limit}`);
    }
    const key: KeyRecord = {
      KeyId: input.MultiRegion ? `mrk-${randomBytes(16).toString("hex")}` : randomUUID(),
      Account: ctx.account,
      Region: ctx.region,
      CreationDate: ctx.now.getTime(),
      Description: input.Description ?? "",
      KeyUsage: usage,
      KeySpec: spec,
      // Imported key material arrives later (ImportKeyMaterial): until then the key is unusable.
      KeyState: origin === "EXTERNAL" ? "PendingImport" : "Enabled",
      Origin: origin,
      MultiRegion: input.MultiRegion ?? false,
      Policy: input.Policy ?? defaultPolicy(ctx.account),
      Tags: (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey!, TagValue: t.TagValue! })),
    };
    await tx.put(T.keys, keyKey(ctx.account, ctx.region, key.KeyId), key);
    return { KeyMetadata: keyMetadata(key) };
  });
};

export const DescribeKey: Handler<DescribeKeyRequest, DescribeKeyResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => ({ KeyMetadata: keyMetadata(await requireKey(tx, ctx.account, ctx.region, input.KeyId!)) }));
};

/** Every key of the account in the region, whatever its state (PendingDeletion too), in key order. */
export const ListKeys: Handler<ListKeysRequest, ListKeysResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const page = await paginate<KeyRecord>(tx, T.keys, regionPrefix(ctx.account, ctx.region), {
      marker: input.Marker,
      maxItems: input.Limit ?? 100,
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
      const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false });
      if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingImport") throw invalidState(key);
      await tx.put(T.keys, keyKey(ctx.account, ctx.region, key.KeyId), { ...key, KeyState: enabled ? "Enabled" : "Disabled" });
      return {};
    });
  };

export const EnableKey = setEnabled(true);
export const DisableKey = setEnabled(false);

/**
 * Schedules deletion after a waiting period of 7 to 30 days (default 30). The key is disabled
 * meanwhile. Its answer names the key by ARN, not by the bare id.
 */
export const ScheduleKeyDeletion: Handler<ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.range(input.PendingWindowInDays, "PendingWindowInDays", 7, 30);
  v.check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false });
    if (key.KeyState === "PendingDeletion") throw invalidState(key);
    const days = input.PendingWindowInDays ?? 30;
    const scheduled: KeyRecord = { ...key, KeyState: "PendingDeletion", DeletionDate: ctx.now.getTime() + days * DAY_MS, PendingWindowInDays: days };
    await tx.put(T.keys, keyKey(ctx.account, ctx.region, key.KeyId), scheduled);
    return { KeyId: keyArn(key), DeletionDate: new Date(scheduled.DeletionDate!), KeyState: "PendingDeletion", PendingWindowInDays: days };
  });
};

/** Cancelling leaves the key Disabled (or PendingImport when it never got key material). */
export const CancelKeyDeletion: Handler<CancelKeyDeletionRequest, CancelKeyDeletionResponse> = async (input, ctx) => {
  check.keyId(check.kmsValidator(), input.KeyId).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false });
    if (key.KeyState !== "PendingDeletion") {
      throw new AwsError("KMSInvalidStateException", `${keyArn(key)} is not pending deletion.`);
    }
    const { DeletionDate: _d, PendingWindowInDays: _w, ...rest } = key;
    const restored: KeyRecord = { ...rest, KeyState: key.Origin === "EXTERNAL" ? "PendingImport" : "Disabled" };
    await tx.put(T.keys, keyKey(ctx.account, ctx.region, key.KeyId), restored);
    return { KeyId: keyArn(key) };
  });
};
