import type { ReplicateKeyRequest, ReplicateKeyResponse, UpdatePrimaryRegionRequest } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import {
  currentMaterial,
  describe,
  invalidState,
  keyArn,
  keyKey,
  type KeyRecord,
  live,
  putKey,
  regionPrefix,
  requireKey,
  T,
} from "./model.js";
import { checkPolicy, checkPrincipalsExist, defaultPolicy } from "./policies.js";
import * as check from "./validation.js";

/**
 * Multi-Region keys: one key id in several regions of an account, one primary. Related keys
 * share material and rotation (model.ts `syncShared` copies them on every change); each keeps
 * its own policy, tags, aliases, description, state and grants.
 */

const REGION = /^([a-z]+-){2,3}\d+$/;

const notPrimary = (k: KeyRecord) => new AwsError("UnsupportedOperationException", `${keyArn(k)} is not a multi-region primary key.`);
const isReplica = (k: KeyRecord) => k.MultiRegion && k.PrimaryRegion !== undefined && k.PrimaryRegion !== k.Region;

export const ReplicateKey: Handler<ReplicateKeyRequest, ReplicateKeyResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId").required(input.ReplicaRegion, "ReplicaRegion");
  check.keyId(v, input.KeyId);
  v.length(input.ReplicaRegion, "ReplicaRegion", 1, 32).pattern(input.ReplicaRegion, "ReplicaRegion", REGION, "^([a-z]+-){2,3}\\d+$");
  check.policy(v, input.Policy);
  check.description(v, input.Description);
  check.tagMembers(v, input.Tags).check();
  check.tags(input.Tags);
  const region = input.ReplicaRegion!;
  const now = ctx.now.getTime();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (!key.MultiRegion) throw new AwsError("UnsupportedOperationException", `Unable to replicate a non-MultiRegion key ${key.KeyId}`);
    if (isReplica(key)) throw notPrimary(key);
    if (key.KeyState === "Disabled") throw new AwsError("DisabledException", `${keyArn(key)} is disabled.`);
    if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingReplicaDeletion") throw invalidState(key);
    if (region === ctx.region) throw new AwsError("ValidationException", `The replica region ${region} must be different from the primary key's region.`);
    const replicaArn = keyArn({ ...key, Region: region });
    if (live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, region, key.KeyId)), now)) {
      throw new AwsError("AlreadyExistsException", `Replica key ${replicaArn} already exists.`);
    }
    if (input.Policy !== undefined) {
      checkPolicy(ctx, input.Policy, replicaArn, input.BypassPolicyLockoutSafetyCheck);
      await checkPrincipalsExist(tx, ctx.account, input.Policy);
    }
    const limit = ctx.quota("KeysPerRegion");
    if ((await tx.count(T.keys, regionPrefix(ctx.account, region))) >= limit) {
      throw new AwsError("LimitExceededException", `Cannot exceed quota for KeysPerRegion: ${limit}`);
    }
    const replica: KeyRecord = {
      ...key,
      Region: region,
      CreationDate: now,
      Description: input.Description ?? "",
      Policy: input.Policy ?? defaultPolicy(ctx.account),
      Tags: (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey!, TagValue: t.TagValue! })),
      KeyState: currentMaterial(key) ? "Enabled" : "PendingImport",
      PrimaryRegion: key.Region,
      ReplicaRegions: undefined,
      LastUsage: undefined,
    };
    delete replica.ReplicaRegions;
    delete replica.LastUsage;
    const primary: KeyRecord = { ...key, ReplicaRegions: [...(key.ReplicaRegions ?? []).filter((r) => r !== region), region] };
    await putKey(tx, primary);
    await putKey(tx, replica);
    // AWS answers while the replica is still being created; nubis creates it at once.
    const meta = await describe(tx, replica, now);
    return {
      ReplicaKeyMetadata: { ...meta, KeyState: "Creating", Enabled: false },
      ReplicaPolicy: replica.Policy,
      ReplicaTags: replica.Tags,
    };
  });
};

/** Makes the replica in PrimaryRegion the primary; the old primary becomes a replica. */
export const UpdatePrimaryRegion: Handler<UpdatePrimaryRegionRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId").required(input.PrimaryRegion, "PrimaryRegion");
  check.keyId(v, input.KeyId);
  v.length(input.PrimaryRegion, "PrimaryRegion", 1, 32).pattern(input.PrimaryRegion, "PrimaryRegion", REGION, "^([a-z]+-){2,3}\\d+$").check();
  const target = input.PrimaryRegion!;
  const now = ctx.now.getTime();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now });
    if (!key.MultiRegion) throw new AwsError("UnsupportedOperationException", `${keyArn(key)} is not a multi-Region key.`);
    if (isReplica(key)) throw notPrimary(key);
    if (key.KeyState === "Disabled") throw new AwsError("DisabledException", `${keyArn(key)} is disabled.`);
    if (key.KeyState !== "Enabled" && key.KeyState !== "PendingImport") throw invalidState(key);
    if (target === ctx.region) throw new AwsError("ValidationException", `${keyArn(key)} is already the primary key in ${target}.`);
    const replica = live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, target, key.KeyId)), now);
    if (!replica) throw new AwsError("NotFoundException", `Key '${keyArn({ ...key, Region: target })}' does not exist`);
    const regions = [...(key.ReplicaRegions ?? []).filter((r) => r !== target), key.Region];
    const { ReplicaRegions: _r, ...oldPrimary } = key;
    await putKey(tx, { ...replica, PrimaryRegion: target, ReplicaRegions: regions });
    await putKey(tx, { ...oldPrimary, PrimaryRegion: target } as KeyRecord);
    for (const r of regions) {
      if (r === key.Region) continue;
      const other = await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, r, key.KeyId));
      if (other) await putKey(tx, { ...other, PrimaryRegion: target });
    }
    return {};
  });
};
