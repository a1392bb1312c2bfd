import type { KeyMetadata, KeySpec, KeyState, KeyUsageType, OriginType } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * KMS's tables. KMS is regional: every key starts with account and region, so one prefix scan
 * is one account's keys in one region.
 */
export const T = {
  keys: "kms.keys", //       acct/region/keyId      -> KeyRecord
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
          "RSASSA_PSS_SHA_256",
          "RSASSA_PSS_SHA_384",
          "RSASSA_PSS_SHA_512",
          "RSASSA_PKCS1_V1_5_SHA_256",
          "RSASSA_PKCS1_V1_5_SHA_384",
          "RSASSA_PKCS1_V1_5_SHA_512",
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

/** The `KeyMetadata` of the SDK's output types, built from a record. */
export function keyMetadata(k: KeyRecord): KeyMetadata {
  const arn = keyArn(k);
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
    Origin: k.Origin,
    KeyManager: "CUSTOMER",
    CustomerMasterKeySpec: k.KeySpec as KeyMetadata["CustomerMasterKeySpec"],
    KeySpec: k.KeySpec,
    ...algorithmsOf(k.KeySpec, k.KeyUsage),
    MultiRegion: k.MultiRegion,
    ...(k.MultiRegion
      ? { MultiRegionConfiguration: { MultiRegionKeyType: "PRIMARY", PrimaryKey: { Arn: arn, Region: k.Region }, ReplicaKeys: [] } }
      : {}),
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
export async function findKey(tx: Transaction, account: string, region: string, ref: KeyReference): Promise<KeyRecord | undefined> {
  if (ref.kind === "invalid" || ref.account !== account || ref.region !== region) return undefined;
  let keyId: string;
  if (ref.kind === "alias") {
    const alias = await tx.get<AliasRecord>(T.aliases, keyKey(account, region, ref.aliasName));
    if (!alias) return undefined;
    keyId = alias.TargetKeyId;
  } else keyId = ref.keyId;
  return tx.get<KeyRecord>(T.keys, keyKey(account, region, keyId));
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
  options: { aliases: boolean } = { aliases: true },
): Promise<KeyRecord> {
  const ref = parseKeyReference(value, account, region);
  if (ref.kind === "invalid" || (ref.kind === "alias" && !options.aliases)) {
    throw new AwsError("NotFoundException", `Invalid keyId ${value}`);
  }
  const key = await findKey(tx, account, region, ref);
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
  };
  return new AwsError("KMSInvalidStateException", `${keyArn(k)} is ${what[k.KeyState] ?? k.KeyState}.`);
}

/** KMS writes lists with `Truncated` always and `NextMarker` only when truncated. */
export const listPage = <K extends string, V>(key: K, page: { items: V[]; next?: string }) =>
  ({ [key]: page.items, Truncated: page.next !== undefined, ...(page.next ? { NextMarker: page.next } : {}) }) as {
    [P in K]: V[];
  } & { Truncated: boolean; NextMarker?: string };
