import type { KeySpec, KeyUsageType, OriginType, Tag } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { Validator } from "../../core/validation.js";

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

export const keyId = (v: Validator, value: string | undefined, member = "KeyId") => v.length(value, member, 1, 2048);

export const limit = (v: Validator, value: number | undefined) => v.range(value, "Limit", 1, 1000);

export const marker = (v: Validator, value: string | undefined) =>
  v.length(value, "Marker", 1, 1024).pattern(value, "Marker", MARKER_PATTERN, MARKER_PATTERN_TEXT);

export const aliasName = (v: Validator, value: string | undefined) =>
  v.length(value, "AliasName", 1, 256).pattern(value, "AliasName", ALIAS_PATTERN, ALIAS_PATTERN_TEXT);

/** Aliases start with `alias/`, and `alias/aws/` belongs to AWS managed keys. */
export function checkAliasName(name: string) {
  if (!name.startsWith("alias/") || name === "alias/") throw new AwsError("InvalidAliasNameException", `Alias must start with the prefix "alias/" followed by a name.`);
  if (name.startsWith("alias/aws/")) {
    throw new AwsError("InvalidAliasNameException", `Alias ${name} is reserved: the prefix alias/aws/ belongs to AWS managed keys.`);
  }
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
  v.length(input.Policy, "Policy", 1, 131072).pattern(input.Policy, "Policy", POLICY_PATTERN, POLICY_PATTERN_TEXT);
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
  // Asymmetric specs need an explicit usage unless ENCRYPT_DECRYPT (the model default) is allowed.
  const usage = (input.KeyUsage ?? "ENCRYPT_DECRYPT") as KeyUsageType;
  if (!allowed.includes(usage)) {
    throw new AwsError("ValidationException", `KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  }
  const origin = (input.Origin ?? "AWS_KMS") as OriginType;
  if (input.CustomKeyStoreId !== undefined) {
    // No custom key store exists in nubis (CreateCustomKeyStore is not implemented), so any id is unknown.
    throw new AwsError("CustomKeyStoreNotFoundException", `Custom key store ${input.CustomKeyStoreId} does not exist.`);
  }
  if (origin === "AWS_CLOUDHSM" || origin === "EXTERNAL_KEY_STORE") {
    throw new AwsError("ValidationException", `A CustomKeyStoreId is required when Origin is ${origin}.`);
  }
  tags(input.Tags);
  return { spec, usage, origin };
}

/** At most 50 tags, each key once. */
export function tags(value: Tag[] | undefined) {
  if (!value) return;
  if (value.length > 50) throw new AwsError("TagException", "Too many tags: a KMS key can have at most 50 tags.");
  const keys = new Set(value.map((t) => t.TagKey));
  if (keys.size !== value.length) throw new AwsError("TagException", "Duplicate tag keys");
}
