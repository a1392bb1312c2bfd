import type { KeyMetadata, KeySpec, KeyState, KeyUsageType, OriginType } from "@aws-sdk/client-kms";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * KMS's tables. KMS is regional: every key starts with account and region, so one prefix scan
 * is one account's keys in one region.
 */
export const T = {
  keys: "kms.keys", //       acct/region/keyId      -> KeyRecord
  grants: "kms.grants", //   acct/region/keyId/grantId -> GrantRecord
  // Grants by retiring principal, for ListRetirableGrants: acct/region/principal\n keyId/grantId -> GrantRecord
  retirable: "kms.retirableGrants",
  imports: "kms.importParameters", // acct/region/tokenHex -> ImportParameters
  aliases: "kms.aliases", // acct/region/aliasName  -> AliasRecord
  // The same aliases by target key, so ListAliases for one key pages from an index.
  keyAliases: "kms.keyAliases", // acct/region/keyId/aliasName -> AliasRecord
} as const;

export interface KeyRecord {
  KeyId: string;
  Account: string;
  Region: string;
  /** Epoch milliseconds (the store holds JSON, never Dates). */
  CreationDate: number;
  Description: string;
  KeyUsage: KeyUsageType;
  KeySpec: KeySpec;
  KeyState: KeyState;
  Origin: OriginType;
  MultiRegion: boolean;
  Policy: string;
  Tags: Array<{ TagKey: string; TagValue: string }>;
  DeletionDate?: number;
  /** The waiting period of a scheduled deletion, in days. */
  PendingWindowInDays?: number;
  /** Every key material version, oldest first (asymmetric and HMAC keys have one). */
  Materials: Material[];
  /** The material new ciphertexts use (symmetric keys); automatic rotations derived later supersede it. */
  CurrentMaterialId?: string;
  /** Seed from which automatic rotations derive their material, so a rotation needs no write (time is data). */
  RotationSeed: string;
  Rotation?: { PeriodInDays: number; /** Epoch ms rotations count from: enable time or the last materialised rotation. */ Anchor: number };
  OnDemandRotations?: number;
  /** Imported material (EXTERNAL origin). */
  ExpirationModel?: "KEY_MATERIAL_EXPIRES" | "KEY_MATERIAL_DOES_NOT_EXPIRE";
  ValidTo?: number;
  /** Multi-Region keys: this region's role, the primary's region and (on the primary) the replicas' regions. */
  PrimaryRegion?: string;
  ReplicaRegions?: string[];
  LastUsage?: { Operation: string; Timestamp: number; KmsRequestId: string };
}

/** One version of a key's material. Secrets are base64 (raw bytes, or PKCS#8 DER for key pairs). */
export interface Material {
  Id: string;
  /** Absent once imported material has been deleted or has expired. */
  Secret?: string;
  /** SHA-256 of the secret, to recognise re-imported material. */
  Digest: string;
  Date: number;
  /** How the version came: absent for the original material. */
  RotationType?: "AUTOMATIC" | "ON_DEMAND";
  /** Imported material waiting for RotateKeyOnDemand. */
  PendingRotation?: boolean;
  Description?: string;
}

export interface AliasRecord {
  AliasName: string;
  TargetKeyId: string;
  CreationDate: number;
  LastUpdatedDate: number;
}

export const regionPrefix = (account: string, region: string) => `${account}/${region}/`;
export const keyKey = (account: string, region: string, keyId: string) => `${account}/${region}/${keyId}`;
export const keyAliasKey = (account: string, region: string, keyId: string, aliasName = "") => `${account}/${region}/${keyId}/${aliasName}`;

export const keyArn = (k: { Region: string; Account: string; KeyId: string }) => `arn:aws:kms:${k.Region}:${k.Account}:key/${k.KeyId}`;
export const aliasArn = (account: string, region: string, name: string) => `arn:aws:kms:${region}:${account}:${name}`;

/** Key ids: a lowercase UUID v4, or `mrk-` and 32 hex digits for a multi-Region key. */
export const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/** Symmetric keys encrypt with `SYMMETRIC_DEFAULT`; every other spec is asymmetric or HMAC. */
export const isSymmetric = (k: KeyRecord) => k.KeySpec === "SYMMETRIC_DEFAULT";

/** The algorithms a key spec and usage allow, as KeyMetadata lists them. */
export function algorithmsOf(spec: KeySpec, usage: KeyUsageType): Partial<KeyMetadata> {
  if (usage === "ENCRYPT_DECRYPT") {
    if (spec === "SYMMETRIC_DEFAULT") return { EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"] };
    if (spec === "SM2") return { EncryptionAlgorithms: ["SM2PKE"] };
    return { EncryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] };
  }
  if (usage === "SIGN_VERIFY") {
    if (spec.startsWith("RSA_")) {
      return {
        SigningAlgorithms: [
          "RSASSA_PKCS1_V1_5_SHA_256",
          "RSASSA_PKCS1_V1_5_SHA_384",
          "RSASSA_PKCS1_V1_5_SHA_512",
          "RSASSA_PSS_SHA_256",
          "RSASSA_PSS_SHA_384",
          "RSASSA_PSS_SHA_512",
        ],
      };
    }
    const byCurve: Record<string, KeyMetadata["SigningAlgorithms"]> = {
      ECC_NIST_P256: ["ECDSA_SHA_256"],
      ECC_SECG_P256K1: ["ECDSA_SHA_256"],
      ECC_NIST_P384: ["ECDSA_SHA_384"],
      ECC_NIST_P521: ["ECDSA_SHA_512"],
      ECC_NIST_EDWARDS25519: ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
      SM2: ["SM2DSA"],
    };
    return { SigningAlgorithms: byCurve[spec] ?? ["ML_DSA_SHAKE_256"] };
  }
  if (usage === "GENERATE_VERIFY_MAC") return { MacAlgorithms: [`HMAC_SHA_${spec.slice("HMAC_".length)}` as never] };
  if (usage === "KEY_AGREEMENT") return { KeyAgreementAlgorithms: ["ECDH"] };
  return {};
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const days = (n: number) => n * DAY_MS;

/** Specs whose material is a key pair (the rest are a secret: symmetric and HMAC keys). */
export const isAsymmetric = (k: { KeySpec: KeySpec }) => k.KeySpec !== "SYMMETRIC_DEFAULT" && !k.KeySpec.startsWith("HMAC_");

/** The automatic rotation that a key's schedule made at `date`: id and secret derive from the key's seed. */
export function derivedRotation(k: KeyRecord, date: number): Material {
  const seed = Buffer.from(k.RotationSeed, "base64");
  const secret = Buffer.from(hkdfSync("sha256", seed, k.KeyId, `rotation/${date}`, 32));
  return {
    Id: createHmac("sha256", seed).update(`material-id/${date}`).digest("hex"),
    Secret: secret.toString("base64"),
    Digest: createHash("sha256").update(secret).digest("hex"),
    Date: date,
    RotationType: "AUTOMATIC",
  };
}

/** Dates of the automatic rotations due by `now` since the anchor, oldest first. */
export function dueRotations(k: KeyRecord, now: number): number[] {
  if (!k.Rotation) return [];
  const period = days(k.Rotation.PeriodInDays);
  const out: number[] = [];
  for (let d = k.Rotation.Anchor + period; d <= now; d += period) out.push(d);
  return out;
}

/**
 * The key as it stands at `now`, derived from stored instants (no timers): undefined once its
 * deletion date has passed; automatic rotations that came due added; imported material that
 * expired removed. Every read goes through this, so every process and restart answers the same.
 */
export function live(k: KeyRecord | undefined, now: number): KeyRecord | undefined {
  if (!k) return undefined;
  if (k.KeyState === "PendingDeletion" && k.DeletionDate !== undefined && k.DeletionDate <= now) return undefined;
  let key = k;
  // A disabled key, or one pending deletion, does not rotate (KMS's key-state table).
  const due = key.KeyState === "Enabled" ? dueRotations(key, now) : [];
  if (due.length) {
    const added = due.map((d) => derivedRotation(key, d));
    // The anchor moves to the last rotation, so writing this view back stores exactly what was derived.
    key = {
      ...key,
      Materials: [...key.Materials, ...added],
      CurrentMaterialId: added[added.length - 1].Id,
      Rotation: { ...key.Rotation!, Anchor: due[due.length - 1] },
    };
  }
  if (key.ExpirationModel === "KEY_MATERIAL_EXPIRES" && key.ValidTo !== undefined && key.ValidTo <= now) key = withoutImportedMaterial(key);
  return key;
}

/** An EXTERNAL key whose material is gone (deleted or expired): pending import again, old versions kept by digest. */
export function withoutImportedMaterial(k: KeyRecord): KeyRecord {
  const { ExpirationModel: _e, ValidTo: _v, ...rest } = k;
  return {
    ...rest,
    KeyState: k.KeyState === "PendingDeletion" ? "PendingDeletion" : "PendingImport",
    Materials: k.Materials.map(({ Secret: _s, ...m }) => m),
  };
}

/** The current material of a key: the one new ciphertexts, signatures and MACs use. */
export function currentMaterial(k: KeyRecord): Material | undefined {
  const m = k.CurrentMaterialId ? k.Materials.find((x) => x.Id === k.CurrentMaterialId) : k.Materials.find((x) => !x.PendingRotation);
  return m?.Secret ? m : undefined;
}

/** The `KeyMetadata` of the SDK's output types, built from a record (its primary given for a replica). */
export function keyMetadata(k: KeyRecord, primary?: KeyRecord, replicaRegions?: string[]): KeyMetadata {
  const arn = keyArn(k);
  const showsMaterialId = k.KeySpec === "SYMMETRIC_DEFAULT" && currentMaterial(k) !== undefined;
  const head = primary ?? k;
  return {
    AWSAccountId: k.Account,
    KeyId: k.KeyId,
    Arn: arn,
    CreationDate: new Date(k.CreationDate),
    Enabled: k.KeyState === "Enabled",
    Description: k.Description,
    KeyUsage: k.KeyUsage,
    KeyState: k.KeyState,
    ...(k.DeletionDate !== undefined ? { DeletionDate: new Date(k.DeletionDate) } : {}),
    ...(k.ValidTo !== undefined ? { ValidTo: new Date(k.ValidTo) } : {}),
    Origin: k.Origin,
    ...(k.ExpirationModel ? { ExpirationModel: k.ExpirationModel } : {}),
    KeyManager: "CUSTOMER",
    // The deprecated enum lacks the newer specs: AWS omits it for them.
    ...(/^(ML_|ECC_NIST_EDWARDS)/.test(k.KeySpec) ? {} : { CustomerMasterKeySpec: k.KeySpec as KeyMetadata["CustomerMasterKeySpec"] }),
    KeySpec: k.KeySpec,
    ...algorithmsOf(k.KeySpec, k.KeyUsage),
    MultiRegion: k.MultiRegion,
    ...(k.MultiRegion
      ? {
          MultiRegionConfiguration: {
            MultiRegionKeyType: k.PrimaryRegion && k.PrimaryRegion !== k.Region ? "REPLICA" : "PRIMARY",
            PrimaryKey: { Arn: keyArn(head), Region: head.Region },
            ReplicaKeys: (replicaRegions ?? head.ReplicaRegions ?? []).map((r) => ({ Arn: keyArn({ ...k, Region: r }), Region: r })),
          },
        }
      : {}),
    ...(k.PendingWindowInDays !== undefined && k.KeyState === "PendingDeletion" ? { PendingDeletionWindowInDays: k.PendingWindowInDays } : {}),
    ...(showsMaterialId ? { CurrentKeyMaterialId: currentMaterial(k)!.Id } : {}),
  };
}

export const keyNotFound = (account: string, region: string, keyId: string) =>
  new AwsError("NotFoundException", `Key '${keyArn({ Account: account, Region: region, KeyId: keyId })}' does not exist`);

export const aliasNotFound = (account: string, region: string, name: string) =>
  new AwsError("NotFoundException", `Alias ${aliasArn(account, region, name)} is not found.`);

/** How a caller named a key: by id, key ARN, alias name or alias ARN. */
export type KeyReference =
  | { kind: "key"; account: string; region: string; keyId: string }
  | { kind: "alias"; account: string; region: string; aliasName: string }
  | { kind: "invalid" };

/** A key ARN (not an alias ARN, not a bare id), as other services name KMS keys. */
export function parseKeyArn(value: string): { account: string; region: string; keyId: string } | undefined {
  const m = KEY_ARN.exec(value);
  return m && KEY_ID.test(m[3]) ? { region: m[1], account: m[2], keyId: m[3] } : undefined;
}

export function parseKeyReference(value: string, account: string, region: string): KeyReference {
  if (KEY_ID.test(value)) return { kind: "key", account, region, keyId: value };
  if (value.startsWith("alias/")) return { kind: "alias", account, region, aliasName: value };
  let m = KEY_ARN.exec(value);
  if (m) return { kind: "key", region: m[1], account: m[2], keyId: m[3] };
  m = ALIAS_ARN.exec(value);
  if (m) return { kind: "alias", region: m[1], account: m[2], aliasName: m[3] };
  return { kind: "invalid" };
}

/**
 * The key a reference names in the caller's account and region, or undefined. A reference to
 * another account or region finds nothing: this is the lookup QuickSight uses too.
 */
export async function findKey(tx: Transaction, account: string, region: string, ref: KeyReference, now: Date = new Date()): Promise<KeyRecord | undefined> {
  if (ref.kind === "invalid" || ref.account !== account || ref.region !== region) return undefined;
  let keyId: string;
  if (ref.kind === "alias") {
    const alias = await tx.get<AliasRecord>(T.aliases, keyKey(account, region, ref.aliasName));
    if (!alias) return undefined;
    keyId = alias.TargetKeyId;
  } else keyId = ref.keyId;
  const key = live(await tx.get<KeyRecord>(T.keys, keyKey(account, region, keyId)), now.getTime());
  return key?.KeyState === "PendingReplicaDeletion" ? afterReplicas(tx, key, now.getTime()) : key;
}

/**
 * A primary waiting for its replicas' deletion: once the last one is gone, its own waiting
 * period runs from that replica's deletion date (derived, like every date in KMS state).
 */
async function afterReplicas(tx: Transaction, k: KeyRecord, now: number): Promise<KeyRecord | undefined> {
  let last = 0;
  for (const region of k.ReplicaRegions ?? []) {
    const stored = await tx.get<KeyRecord>(T.keys, keyKey(k.Account, region, k.KeyId));
    if (live(stored, now)) return k;
    last = Math.max(last, stored?.DeletionDate ?? 0);
  }
  const window = k.PendingWindowInDays ?? 30;
  return live({ ...k, KeyState: "PendingDeletion", DeletionDate: last + days(window), ReplicaRegions: [] }, now);
}

/**
 * The key named by `value`, or KMS's NotFoundException in its message forms. Operations that
 * take only a key id or key ARN (EnableKey, ScheduleKeyDeletion ...) pass `aliases: false`.
 */
export async function requireKey(
  tx: Transaction,
  account: string,
  region: string,
  value: string,
  options: { aliases?: boolean; now?: Date } = {},
): Promise<KeyRecord> {
  const ref = parseKeyReference(value, account, region);
  if (ref.kind === "invalid" || (ref.kind === "alias" && options.aliases === false)) {
    throw new AwsError("NotFoundException", `Invalid keyId '${value}'`);
  }
  // A key ARN of another region names no key of this endpoint.
  if (ref.kind === "key" && ref.region !== region) throw new AwsError("NotFoundException", `Invalid arn ${ref.region}`);
  if (ref.kind === "key" && !KEY_ID.test(ref.keyId)) throw new AwsError("NotFoundException", `Invalid keyId '${value}'`);
  const key = await findKey(tx, account, region, ref, options.now);
  if (key) return key;
  if (ref.kind === "alias") throw aliasNotFound(ref.account, ref.region, ref.aliasName);
  throw keyNotFound(ref.account, ref.region, ref.keyId);
}

/** The message form KMS uses for a key in the wrong state: "{keyArn} is pending deletion." */
export function invalidState(k: KeyRecord): AwsError {
  const what: Partial<Record<KeyState, string>> = {
    PendingDeletion: "pending deletion",
    PendingImport: "pending import",
    Disabled: "disabled",
    Creating: "creating",
    PendingReplicaDeletion: "pending replica deletion",
  };
  return new AwsError("KMSInvalidStateException", `${keyArn(k)} is ${what[k.KeyState] ?? k.KeyState}.`);
}

/** KMS writes lists with `Truncated` always and `NextMarker` only when truncated. */
export const listPage = <K extends string, V>(key: K, page: { items: V[]; next?: string }) =>
  ({ [key]: page.items, Truncated: page.next !== undefined, ...(page.next ? { NextMarker: page.next } : {}) }) as {
    [P in K]: V[];
  } & { Truncated: boolean; NextMarker?: string };

/** Writes a key record back (its row is keyed by account, region and id). */
export const putKey = (tx: Transaction, k: KeyRecord) => tx.put(T.keys, keyKey(k.Account, k.Region, k.KeyId), k);

/**
 * A key usable for a cryptographic operation: enabled. A disabled key answers DisabledException,
 * every other state KMSInvalidStateException, each with the key's ARN.
 */
export function requireUsable(k: KeyRecord): KeyRecord {
  if (k.KeyState === "Enabled") return k;
  if (k.KeyState === "Disabled") throw new AwsError("DisabledException", `${keyArn(k)} is disabled.`);
  throw invalidState(k);
}

/** A key whose settings may change (policy, tags, description, grants): anything but pending deletion. */
export function requireNotPendingDeletion(k: KeyRecord): KeyRecord {
  if (k.KeyState === "PendingDeletion" || k.KeyState === "PendingReplicaDeletion") throw invalidState(k);
  return k;
}

export const usageError = (k: KeyRecord, operation: string) =>
  new AwsError("InvalidKeyUsageException", `${keyArn(k)} key usage is ${k.KeyUsage} which is not valid for ${operation}.`);

export const incompatible = (algorithm: string, k: KeyRecord) =>
  new AwsError("InvalidKeyUsageException", `Algorithm ${algorithm} is incompatible with key spec ${k.KeySpec}.`);

/** The other regions' copies of a multi-Region key, primary included, as stored (not this region's). */
export async function relatedKeys(tx: Transaction, k: KeyRecord, now: number): Promise<KeyRecord[]> {
  if (!k.MultiRegion) return [];
  const primaryRegion = k.PrimaryRegion ?? k.Region;
  const primary = primaryRegion === k.Region ? k : live(await tx.get<KeyRecord>(T.keys, keyKey(k.Account, primaryRegion, k.KeyId)), now);
  if (!primary) return [];
  const regions = [primary.Region, ...(primary.ReplicaRegions ?? [])].filter((r) => r !== k.Region);
  const out: KeyRecord[] = [];
  for (const r of regions) {
    const other = r === primary.Region ? primary : live(await tx.get<KeyRecord>(T.keys, keyKey(k.Account, r, k.KeyId)), now);
    if (other) out.push(other);
  }
  return out;
}

/** The primary of a replica (for its MultiRegionConfiguration), or undefined for any other key. */
export async function primaryOf(tx: Transaction, k: KeyRecord, now: number): Promise<KeyRecord | undefined> {
  if (!k.MultiRegion || !k.PrimaryRegion || k.PrimaryRegion === k.Region) return undefined;
  return live(await tx.get<KeyRecord>(T.keys, keyKey(k.Account, k.PrimaryRegion, k.KeyId)), now);
}

/** The metadata of a key, with its multi-Region configuration read from its primary. */
export async function describe(tx: Transaction, k: KeyRecord, now: number): Promise<KeyMetadata> {
  if (!k.MultiRegion) return keyMetadata(k);
  const primary = await primaryOf(tx, k, now);
  const head = primary ?? k;
  // Replicas whose deletion came are gone from the configuration.
  const replicas = (await relatedKeys(tx, k, now)).map((r) => r.Region).filter((r) => r !== head.Region);
  if (head === k) return keyMetadata(k, undefined, replicas);
  return keyMetadata(k, primary, [...replicas, k.Region].sort((a, b) => (head.ReplicaRegions ?? []).indexOf(a) - (head.ReplicaRegions ?? []).indexOf(b)));
}

/**
 * Copies what related multi-Region keys share (material, rotation) from `k` to the others, so a
 * ciphertext of one decrypts with any (KMS synchronises these properties).
 */
export async function syncShared(tx: Transaction, k: KeyRecord, now: number) {
  for (const other of await relatedKeys(tx, k, now)) {
    await putKey(tx, {
      ...other,
      Materials: k.Materials,
      CurrentMaterialId: k.CurrentMaterialId,
      RotationSeed: k.RotationSeed,
      Rotation: k.Rotation,
      OnDemandRotations: k.OnDemandRotations,
      ExpirationModel: k.ExpirationModel,
      ValidTo: k.ValidTo,
      ...(other.Origin === "EXTERNAL" && other.KeyState !== "PendingDeletion"
        ? { KeyState: currentMaterial(k) ? (other.KeyState === "PendingImport" ? "Enabled" : other.KeyState) : "PendingImport" }
        : {}),
    });
  }
}
