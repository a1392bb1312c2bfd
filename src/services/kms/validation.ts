import type { KeySpec, KeyUsageType, OriginType, Tag } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";
import { lowerCamel, Validator } from "../../core/validation.js";

/** KMS's validation: every constraint failure is one `ValidationException` listing them all. */
export const kmsValidator = () => new Validator("ValidationException");

/** The key usages each key spec allows; the first is the one CreateKey defaults to. */
export const USAGES: Record<KeySpec, readonly KeyUsageType[]> = {
  SYMMETRIC_DEFAULT: ["ENCRYPT_DECRYPT"],
  RSA_2048: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
  RSA_3072: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
  RSA_4096: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
  ECC_NIST_P256: ["SIGN_VERIFY", "KEY_AGREEMENT"],
  ECC_NIST_P384: ["SIGN_VERIFY", "KEY_AGREEMENT"],
  ECC_NIST_P521: ["SIGN_VERIFY", "KEY_AGREEMENT"],
  ECC_SECG_P256K1: ["SIGN_VERIFY"],
  ECC_NIST_EDWARDS25519: ["SIGN_VERIFY"],
  HMAC_224: ["GENERATE_VERIFY_MAC"],
  HMAC_256: ["GENERATE_VERIFY_MAC"],
  HMAC_384: ["GENERATE_VERIFY_MAC"],
  HMAC_512: ["GENERATE_VERIFY_MAC"],
  SM2: ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"],
  ML_DSA_44: ["SIGN_VERIFY"],
  ML_DSA_65: ["SIGN_VERIFY"],
  ML_DSA_87: ["SIGN_VERIFY"],
  ML_KEM_512: ["ENCAPSULATE_DECAPSULATE"],
  ML_KEM_768: ["ENCAPSULATE_DECAPSULATE"],
  ML_KEM_1024: ["ENCAPSULATE_DECAPSULATE"],
};
export const KEY_SPECS = Object.keys(USAGES) as KeySpec[];
const CMK_SPECS = KEY_SPECS.filter((s) => !/^(ML_|ECC_NIST_EDWARDS)/.test(s));
const KEY_USAGES: readonly KeyUsageType[] = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"];
const ORIGINS: readonly OriginType[] = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];

const POLICY_PATTERN = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;
const POLICY_PATTERN_TEXT = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
const ALIAS_PATTERN = /^[a-zA-Z0-9:/_-]+$/;
const ALIAS_PATTERN_TEXT = "^[a-zA-Z0-9:/_-]+$";
const MARKER_PATTERN = /^[\u0020-\u00FF]*$/;
const MARKER_PATTERN_TEXT = "[\\u0020-\\u00FF]*";

export const policy = (v: Validator, value: string | undefined) =>
  v.length(value, "Policy", 1, 131072).pattern(value, "Policy", POLICY_PATTERN, POLICY_PATTERN_TEXT);

export const description = (v: Validator, value: string | undefined) => v.length(value, "Description", 0, 8192);

/**
 * Blob members are reported without their value ("Value at 'plaintext' failed ..."), as KMS
 * does; checked before the other members, each alone.
 */
export function blob(value: Uint8Array | undefined, member: string, min: number, max: number, required = true) {
  const fail = (rule: string) => new AwsError("ValidationException", `1 validation error detected: Value ${value === undefined ? "null " : ""}at '${lowerCamel(member)}' failed to satisfy constraint: ${rule}`);
  if (value === undefined || value === null) {
    if (required) throw fail("Member must not be null");
    return;
  }
  if (value.length < min) throw fail(`Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw fail(`Member must have length less than or equal to ${max}`);
}

/** Up to 10 grant tokens of 1–8192 characters, each one nubis issued (KMS's tokens are opaque). */
export function grantTokens(v: Validator, tokens: string[] | undefined) {
  if (!tokens) return v;
  if (tokens.length > 10) v.fail(`[${tokens.join(", ")}]`, "GrantTokens", "Member must have length less than or equal to 10");
  tokens.forEach((t, i) => v.length(t, `GrantTokens.${i + 1}.member`, 1, 8192));
  return v;
}

export const GRANT_TOKEN = /^AQpA[A-Za-z0-9_-]{20,}$/;

/** Throws InvalidGrantTokenException for a token nubis did not issue. */
export function checkGrantTokens(tokens: string[] | undefined) {
  for (const t of tokens ?? []) if (!GRANT_TOKEN.test(t)) throw new AwsError("InvalidGrantTokenException", "Invalid grant token.");
}

export const enumOf = <T extends string>(v: Validator, value: T | undefined, member: string, allowed: readonly T[]) => v.oneOf(value, member, allowed);

export const keyId = (v: Validator, value: string | undefined, member = "KeyId") => v.length(value, member, 1, 2048);

export const limit = (v: Validator, value: number | undefined) => v.range(value, "Limit", 1, 1000);

export const marker = (v: Validator, value: string | undefined) =>
  v.length(value, "Marker", 1, 1024).pattern(value, "Marker", MARKER_PATTERN, MARKER_PATTERN_TEXT);

export const aliasName = (v: Validator, value: string | undefined) =>
  v.length(value, "AliasName", 1, 256).pattern(value, "AliasName", ALIAS_PATTERN, ALIAS_PATTERN_TEXT);

/** Aliases start with `alias/`, have no `:`, and `alias/aws/` belongs to AWS managed keys. */
export function checkAliasName(name: string) {
  if (!name.startsWith("alias/") || name === "alias/") {
    throw new AwsError(
      "ValidationException",
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name.includes(":")) throw new AwsError("ValidationException", `${name} contains invalid characters for an alias`);
  // KMS answers a reserved name with an empty NotAuthorizedException.
  if (name.startsWith("alias/aws/")) throw new AwsError("NotAuthorizedException", "");
}

export interface CreateKeyChoice {
  spec: KeySpec;
  usage: KeyUsageType;
  origin: OriginType;
}

/** CreateKey's key spec, usage and origin, with the defaults and combinations KMS allows. */
export function createKeyInput(input: {
  Policy?: string;
  Description?: string;
  KeyUsage?: string;
  KeySpec?: string;
  CustomerMasterKeySpec?: string;
  Origin?: string;
  CustomKeyStoreId?: string;
  Tags?: Tag[];
}): CreateKeyChoice {
  const v = kmsValidator();
  policy(v, input.Policy);
  v.length(input.Description, "Description", 0, 8192);
  v.oneOf(input.KeyUsage, "KeyUsage", KEY_USAGES);
  v.oneOf(input.KeySpec, "KeySpec", KEY_SPECS);
  v.oneOf(input.CustomerMasterKeySpec, "CustomerMasterKeySpec", CMK_SPECS);
  v.oneOf(input.Origin, "Origin", ORIGINS);
  input.Tags?.forEach((tag, i) => {
    v.length(tag.TagKey, `Tags.${i + 1}.member.TagKey`, 1, 128);
    v.length(tag.TagValue, `Tags.${i + 1}.member.TagValue`, 0, 256);
  });
  v.check();
  if (input.KeySpec && input.CustomerMasterKeySpec) {
    throw new AwsError("ValidationException", "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.");
  }
  const spec = (input.KeySpec ?? input.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT") as KeySpec;
  const allowed = USAGES[spec];
  // Only symmetric encryption keys have a default usage.
  if (input.KeyUsage === undefined && spec !== "SYMMETRIC_DEFAULT") {
    throw new AwsError("ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
  }
  const usage = (input.KeyUsage ?? "ENCRYPT_DECRYPT") as KeyUsageType;
  if (!allowed.includes(usage)) {
    throw new AwsError("ValidationException", `KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  }
  const origin = (input.Origin ?? "AWS_KMS") as OriginType;
  if ((origin === "AWS_CLOUDHSM" || origin === "EXTERNAL_KEY_STORE") && input.CustomKeyStoreId === undefined) {
    throw new AwsError("ValidationException", `A CustomKeyStoreId is required when Origin is ${origin}.`);
  }
  tags(input.Tags);
  return { spec, usage, origin };
}

/** At most 50 tags, each key once. */
export function tags(value: Tag[] | undefined) {
  if (!value) return;
  if (value.length > 50) throw new AwsError("TagException", "Too many tags");
  const keys = new Set(value.map((t) => t.TagKey));
  if (keys.size !== value.length) throw new AwsError("TagException", "Duplicate tag keys");
  if (value.some((t) => t.TagKey!.toLowerCase().startsWith("aws:"))) throw new AwsError("TagException", "Tags beginning with aws: are reserved");
}

export const tagMembers = (v: Validator, value: Tag[] | undefined) => {
  value?.forEach((tag, i) => {
    v.required(tag.TagKey, `Tags.${i + 1}.member.TagKey`).required(tag.TagValue, `Tags.${i + 1}.member.TagValue`);
    v.length(tag.TagKey, `Tags.${i + 1}.member.TagKey`, 1, 128);
    v.length(tag.TagValue, `Tags.${i + 1}.member.TagValue`, 0, 256);
  });
  return v;
};

/** Markers of lists held in one record (tags, rotations): the position of the next item. */
export const toIndexMarker = (i: number) => Buffer.from(`i:${i}`).toString("base64url");
export function indexMarker(marker: string, size: number): number {
  const m = /^i:(\d+)$/.exec(Buffer.from(marker, "base64url").toString("utf8"));
  const i = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(i) || i > size) throw new AwsError("InvalidMarkerException", "Invalid marker");
  return i;
}

/** The custom key store an id names in the caller's account and region (CustomKeyStoreNotFoundException otherwise). */
export async function requireCustomKeyStore(tx: Transaction, ctx: { account: string; region: string }, id: string) {
  const store = await tx.get<{ ConnectionState: string }>(CUSTOM_KEY_STORES, `${ctx.account}/${ctx.region}/${id}`);
  if (!store) throw new AwsError("CustomKeyStoreNotFoundException", `Custom key store ${id} does not exist.`);
  return store;
}

/** A custom key store that can serve a request: nubis connects none (customKeyStores.ts), so it is never CONNECTED. */
export async function requireConnectedStore(tx: Transaction, ctx: { account: string; region: string }, id: string) {
  const store = await requireCustomKeyStore(tx, ctx, id);
  if (store.ConnectionState !== "CONNECTED") {
    throw new AwsError("CustomKeyStoreInvalidStateException", `Custom key store ${id} is ${store.ConnectionState}: it must be CONNECTED.`);
  }
  return store;
}
export const CUSTOM_KEY_STORES = "kms.customKeyStores";
