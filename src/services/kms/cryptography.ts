import type {
  DecryptRequest,
  DecryptResponse,
  DeriveSharedSecretRequest,
  DeriveSharedSecretResponse,
  EncryptRequest,
  EncryptResponse,
  GenerateDataKeyPairRequest,
  GenerateDataKeyPairResponse,
  GenerateDataKeyPairWithoutPlaintextRequest,
  GenerateDataKeyPairWithoutPlaintextResponse,
  GenerateDataKeyRequest,
  GenerateDataKeyResponse,
  GenerateDataKeyWithoutPlaintextRequest,
  GenerateDataKeyWithoutPlaintextResponse,
  GenerateMacRequest,
  GenerateMacResponse,
  GenerateRandomRequest,
  GenerateRandomResponse,
  GetPublicKeyRequest,
  GetPublicKeyResponse,
  ReEncryptRequest,
  ReEncryptResponse,
  SignRequest,
  SignResponse,
  VerifyMacRequest,
  VerifyMacResponse,
  VerifyRequest,
  VerifyResponse,
} from "@aws-sdk/client-kms";
import { secureRandom } from "../../core/ids.js";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { Validator } from "../../core/validation.js";
import {
  deriveShared,
  generateKeyPair,
  hmac,
  oaepLimit,
  openBlob,
  parseBlob,
  publicKeyDer,
  rsaDecrypt,
  rsaEncrypt,
  sameBytes,
  sealBlob,
  sign,
  SIGNING_HASH,
  verify,
} from "./crypto.js";
import {
  algorithmsOf,
  currentMaterial,
  incompatible,
  isAsymmetric,
  keyArn,
  keyKey,
  type KeyRecord,
  live,
  type Material,
  putKey,
  requireKey,
  requireUsable,
  T,
  usageError,
} from "./model.js";
import * as check from "./validation.js";

/**
 * KMS's cryptographic operations. Each checks, in KMS's order: the request's constraints, the
 * key (NotFoundException), its state, its usage, the algorithm and sizes, DryRun, then does the
 * cryptography. A successful call records the key's last use (GetKeyLastUsage).
 */

const ENCRYPTION_ALGORITHMS = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"] as const;
const SIGNING_ALGORITHMS = [
  "RSASSA_PSS_SHA_256",
  "RSASSA_PSS_SHA_384",
  "RSASSA_PSS_SHA_512",
  "RSASSA_PKCS1_V1_5_SHA_256",
  "RSASSA_PKCS1_V1_5_SHA_384",
  "RSASSA_PKCS1_V1_5_SHA_512",
  "ECDSA_SHA_256",
  "ECDSA_SHA_384",
  "ECDSA_SHA_512",
  "SM2DSA",
  "ML_DSA_SHAKE_256",
  "ED25519_SHA_512",
  "ED25519_PH_SHA_512",
] as const;
const MESSAGE_TYPES = ["RAW", "DIGEST", "EXTERNAL_MU"] as const;
// The order KMS lists them in its enum error.
const MAC_ALGORITHMS = ["HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"] as const;
const KEY_PAIR_SPECS = [
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
  "ECC_SECG_P256K1",
  "ECC_NIST_EDWARDS25519",
  "SM2",
  "ML_KEM_512",
  "ML_KEM_768",
  "ML_KEM_1024",
] as const;

const DRY_RUN = () => new AwsError("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
const invalidCiphertext = () => new AwsError("InvalidCiphertextException", "");
const unknownCiphertextKey = () =>
  new AwsError(
    "AccessDeniedException",
    "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
  );

type Context = Record<string, string> | undefined;

/** The checks every cryptographic request shares: key id, grant tokens, encryption context. */
function common(v: Validator, input: { KeyId?: string; GrantTokens?: string[] }, keyRequired = true) {
  if (keyRequired) v.required(input.KeyId, "KeyId");
  check.keyId(v, input.KeyId);
  check.grantTokens(v, input.GrantTokens);
  return v;
}

function finish(v: Validator, tokens: string[] | undefined) {
  v.check();
  check.checkGrantTokens(tokens);
}

/** A usable key of the right usage. */
async function keyFor(tx: Transaction, ctx: RequestContext, id: string, usage: KeyRecord["KeyUsage"], operation: string) {
  const key = requireUsable(await requireKey(tx, ctx.account, ctx.region, id, { now: ctx.now }));
  if (key.KeyUsage !== usage) throw usageError(key, operation);
  return key;
}

/** An encryption context goes with symmetric keys only. */
function contextAllowed(key: KeyRecord, context: Context) {
  if (context && Object.keys(context).length && key.KeySpec !== "SYMMETRIC_DEFAULT") {
    throw new AwsError("ValidationException", `EncryptionContext is not supported with asymmetric KMS key ${keyArn(key)}.`);
  }
}

const used = (tx: Transaction, ctx: RequestContext, key: KeyRecord, operation: string) =>
  putKey(tx, { ...key, LastUsage: { Operation: operation, Timestamp: ctx.now.getTime(), KmsRequestId: ctx.requestId } });

function materialOf(key: KeyRecord): Material {
  const m = currentMaterial(key);
  // A usable key always has material; a missing one is KMS's "pending import".
  if (!m) throw new AwsError("KMSInvalidStateException", `${keyArn(key)} is pending import.`);
  return m;
}

/** Encrypts under a key, the way Encrypt, ReEncrypt (destination) and GenerateDataKey* do. */
function encryptWith(key: KeyRecord, algorithm: string | undefined, plaintext: Uint8Array, context: Context) {
  const alg = algorithm ?? "SYMMETRIC_DEFAULT";
  const allowed = algorithmsOf(key.KeySpec, key.KeyUsage).EncryptionAlgorithms ?? [];
  if (!allowed.includes(alg as never)) throw incompatible(alg, key);
  contextAllowed(key, context);
  const m = materialOf(key);
  if (key.KeySpec === "SYMMETRIC_DEFAULT") return { blob: sealBlob(key, m, plaintext, context), algorithm: alg, materialId: m.Id };
  const limit = oaepLimit(key.KeySpec, alg);
  if (plaintext.length > limit) {
    throw new AwsError("ValidationException", `Algorithm ${alg} and key spec ${key.KeySpec} cannot encrypt data larger than ${limit} bytes.`);
  }
  return { blob: rsaEncrypt(m, alg, plaintext), algorithm: alg };
}

/**
 * The key and plaintext of a ciphertext (Decrypt, ReEncrypt source). A symmetric blob names its
 * key; an RSA ciphertext needs the KeyId and algorithm.
 */
async function decryptBlob(
  tx: Transaction,
  ctx: RequestContext,
  blob: Uint8Array | undefined,
  keyId: string | undefined,
  algorithm: string | undefined,
  context: Context,
  operation: string,
  dryRun: { dryRun?: boolean; ignoreCiphertext?: boolean },
): Promise<{ key: KeyRecord; plaintext?: Buffer; algorithm: string; materialId?: string }> {
  const named = keyId !== undefined ? await requireKey(tx, ctx.account, ctx.region, keyId, { now: ctx.now }) : undefined;
  if (named && isAsymmetric(named)) {
    const key = requireUsable(named);
    if (key.KeyUsage !== "ENCRYPT_DECRYPT") throw usageError(key, operation);
    const alg = algorithm ?? "SYMMETRIC_DEFAULT";
    if (!(algorithmsOf(key.KeySpec, key.KeyUsage).EncryptionAlgorithms ?? []).includes(alg as never)) throw incompatible(alg, key);
    contextAllowed(key, context);
    if (dryRun.dryRun) throw DRY_RUN();
    const plaintext = rsaDecrypt(materialOf(key), alg, blob!);
    if (!plaintext) throw invalidCiphertext();
    return { key, plaintext, algorithm: alg };
  }
  if (dryRun.dryRun && dryRun.ignoreCiphertext) {
    if (!named) throw new AwsError("ValidationException", "KeyId is required when the IGNORE_CIPHERTEXT DryRun modifier is set.");
    const key = requireUsable(named);
    if (key.KeyUsage !== "ENCRYPT_DECRYPT") throw usageError(key, operation);
    throw DRY_RUN();
  }
  const parsed = parseBlob(blob!);
  if (!parsed) throw invalidCiphertext();
  const found = live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, ctx.region, parsed.keyId)), ctx.now.getTime());
  if (!found) throw unknownCiphertextKey();
  if (named && named.KeyId !== found.KeyId) {
    throw new AwsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
  }
  const key = requireUsable(found);
  if (key.KeyUsage !== "ENCRYPT_DECRYPT") throw usageError(key, operation);
  if (algorithm !== undefined && algorithm !== "SYMMETRIC_DEFAULT") throw incompatible(algorithm, key);
  if (dryRun.dryRun) throw DRY_RUN();
  const m = key.Materials.find((x) => x.Id === parsed.materialId);
  const plaintext = m?.Secret ? openBlob(key, m, parsed, context) : undefined;
  if (!plaintext) throw invalidCiphertext();
  return { key, plaintext, algorithm: "SYMMETRIC_DEFAULT", materialId: m!.Id };
}

const ignoresCiphertext = (modifiers: string[] | undefined) => modifiers?.includes("IGNORE_CIPHERTEXT") ?? false;

export const Encrypt: Handler<EncryptRequest, EncryptResponse> = async (input, ctx) => {
  check.blob(input.Plaintext, "Plaintext", 1, 4096);
  const v = common(check.kmsValidator(), input);
  v.oneOf(input.EncryptionAlgorithm, "EncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const key = await keyFor(tx, ctx, input.KeyId!, "ENCRYPT_DECRYPT", "Encrypt");
    const out = encryptWith(key, input.EncryptionAlgorithm, input.Plaintext!, input.EncryptionContext);
    if (input.DryRun) throw DRY_RUN();
    await used(tx, ctx, key, "Encrypt");
    return { CiphertextBlob: out.blob, KeyId: keyArn(key), EncryptionAlgorithm: out.algorithm as EncryptResponse["EncryptionAlgorithm"] };
  });
};

export const Decrypt: Handler<DecryptRequest, DecryptResponse> = async (input, ctx) => {
  const ignore = input.DryRun === true && ignoresCiphertext(input.DryRunModifiers);
  check.blob(input.CiphertextBlob, "CiphertextBlob", 1, 6144, !ignore);
  const v = common(check.kmsValidator(), input, false);
  v.oneOf(input.EncryptionAlgorithm, "EncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  input.DryRunModifiers?.forEach((m, i) => v.oneOf(m, `DryRunModifiers.${i + 1}.member`, ["IGNORE_CIPHERTEXT"]));
  finish(v, input.GrantTokens);
  if (input.Recipient) throw new AwsError("ValidationException", "Recipient (Nitro Enclaves attestation) is not supported by this KMS endpoint.");
  return ctx.transaction(async (tx) => {
    const out = await decryptBlob(tx, ctx, input.CiphertextBlob, input.KeyId, input.EncryptionAlgorithm, input.EncryptionContext, "Decrypt", {
      dryRun: input.DryRun,
      ignoreCiphertext: ignore,
    });
    await used(tx, ctx, out.key, "Decrypt");
    return {
      KeyId: keyArn(out.key),
      Plaintext: out.plaintext,
      EncryptionAlgorithm: out.algorithm as DecryptResponse["EncryptionAlgorithm"],
      ...(out.materialId ? { KeyMaterialId: out.materialId } : {}),
    };
  });
};

export const ReEncrypt: Handler<ReEncryptRequest, ReEncryptResponse> = async (input, ctx) => {
  const ignore = input.DryRun === true && ignoresCiphertext(input.DryRunModifiers);
  check.blob(input.CiphertextBlob, "CiphertextBlob", 1, 6144, !ignore);
  const v = check.kmsValidator();
  v.required(input.DestinationKeyId, "DestinationKeyId");
  check.keyId(v, input.SourceKeyId, "SourceKeyId");
  check.keyId(v, input.DestinationKeyId, "DestinationKeyId");
  check.grantTokens(v, input.GrantTokens);
  v.oneOf(input.SourceEncryptionAlgorithm, "SourceEncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  v.oneOf(input.DestinationEncryptionAlgorithm, "DestinationEncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const destination = await keyFor(tx, ctx, input.DestinationKeyId!, "ENCRYPT_DECRYPT", "ReEncrypt");
    const source = await decryptBlob(
      tx,
      ctx,
      input.CiphertextBlob,
      input.SourceKeyId,
      input.SourceEncryptionAlgorithm,
      input.SourceEncryptionContext,
      "ReEncrypt",
      { dryRun: false, ignoreCiphertext: false },
    );
    const out = encryptWith(destination, input.DestinationEncryptionAlgorithm, source.plaintext!, input.DestinationEncryptionContext);
    if (input.DryRun) throw DRY_RUN();
    await used(tx, ctx, source.key, "ReEncrypt");
    if (destination.KeyId !== source.key.KeyId) await used(tx, ctx, destination, "ReEncrypt");
    return {
      CiphertextBlob: out.blob,
      SourceKeyId: keyArn(source.key),
      KeyId: keyArn(destination),
      SourceEncryptionAlgorithm: source.algorithm as ReEncryptResponse["SourceEncryptionAlgorithm"],
      DestinationEncryptionAlgorithm: out.algorithm as ReEncryptResponse["DestinationEncryptionAlgorithm"],
      ...(source.materialId ? { SourceKeyMaterialId: source.materialId } : {}),
      ...(out.materialId ? { DestinationKeyMaterialId: out.materialId } : {}),
    };
  });
};

/** A symmetric encryption key for the data-key operations. */
async function dataKeyKey(tx: Transaction, ctx: RequestContext, id: string, operation: string) {
  const key = await keyFor(tx, ctx, id, "ENCRYPT_DECRYPT", operation);
  if (key.KeySpec !== "SYMMETRIC_DEFAULT") {
    throw new AwsError("InvalidKeyUsageException", `${keyArn(key)} key spec is ${key.KeySpec} which is not valid for ${operation}.`);
  }
  return key;
}

/** GenerateDataKey and its WithoutPlaintext twin: NumberOfBytes or KeySpec, exactly one. */
const dataKey = (operation: string, withPlaintext: boolean): Handler<GenerateDataKeyRequest, GenerateDataKeyResponse> => async (input, ctx) => {
  const v = common(check.kmsValidator(), input);
  v.range(input.NumberOfBytes, "NumberOfBytes", 1, 1024);
  v.oneOf(input.KeySpec, "KeySpec", ["AES_256", "AES_128"]);
  finish(v, input.GrantTokens);
  if (input.NumberOfBytes !== undefined && input.KeySpec !== undefined) {
    throw new AwsError("ValidationException", "Please specify either number of bytes or key spec, not both.");
  }
  if (input.NumberOfBytes === undefined && input.KeySpec === undefined) throw new AwsError("ValidationException", "Please specify either number of bytes or key spec.");
  if (input.Recipient) throw new AwsError("ValidationException", "Recipient (Nitro Enclaves attestation) is not supported by this KMS endpoint.");
  return ctx.transaction(async (tx) => {
    const key = await dataKeyKey(tx, ctx, input.KeyId!, operation);
    const plaintext = secureRandom(input.NumberOfBytes ?? (input.KeySpec === "AES_128" ? 16 : 32));
    const out = encryptWith(key, undefined, plaintext, input.EncryptionContext);
    if (input.DryRun) throw DRY_RUN();
    await used(tx, ctx, key, operation);
    return { CiphertextBlob: out.blob, ...(withPlaintext ? { Plaintext: plaintext } : {}), KeyId: keyArn(key), KeyMaterialId: out.materialId };
  });
};

export const GenerateDataKey = dataKey("GenerateDataKey", true);
export const GenerateDataKeyWithoutPlaintext: Handler<GenerateDataKeyWithoutPlaintextRequest, GenerateDataKeyWithoutPlaintextResponse> = dataKey(
  "GenerateDataKeyWithoutPlaintext",
  false,
);

const dataKeyPair = (operation: string, withPlaintext: boolean): Handler<GenerateDataKeyPairRequest, GenerateDataKeyPairResponse> => async (input, ctx) => {
  const v = common(check.kmsValidator(), input);
  v.required(input.KeyPairSpec, "KeyPairSpec");
  v.oneOf(input.KeyPairSpec, "KeyPairSpec", KEY_PAIR_SPECS);
  finish(v, input.GrantTokens);
  if (input.Recipient) throw new AwsError("ValidationException", "Recipient (Nitro Enclaves attestation) is not supported by this KMS endpoint.");
  // The pair is generated off the event loop, before the transaction (RSA-4096 takes a while).
  const supported = !/^(SM2|ML_KEM)/.test(input.KeyPairSpec!);
  const pair = supported && !input.DryRun ? await generateKeyPair(input.KeyPairSpec!) : undefined;
  return ctx.transaction(async (tx) => {
    const key = await dataKeyKey(tx, ctx, input.KeyId!, operation);
    contextAllowed(key, input.EncryptionContext);
    if (!supported) throw new AwsError("UnsupportedOperationException", `KeyPairSpec ${input.KeyPairSpec} is not supported by this KMS endpoint.`);
    if (!pair) throw DRY_RUN();
    const out = encryptWith(key, undefined, pair.privateKey, input.EncryptionContext);
    await used(tx, ctx, key, operation);
    return {
      PrivateKeyCiphertextBlob: out.blob,
      ...(withPlaintext ? { PrivateKeyPlaintext: pair.privateKey } : {}),
      PublicKey: pair.publicKey,
      KeyId: keyArn(key),
      KeyPairSpec: input.KeyPairSpec,
      KeyMaterialId: out.materialId,
    };
  });
};

export const GenerateDataKeyPair = dataKeyPair("GenerateDataKeyPair", true);
export const GenerateDataKeyPairWithoutPlaintext: Handler<GenerateDataKeyPairWithoutPlaintextRequest, GenerateDataKeyPairWithoutPlaintextResponse> =
  dataKeyPair("GenerateDataKeyPairWithoutPlaintext", false);

export const GenerateRandom: Handler<GenerateRandomRequest, GenerateRandomResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.range(input.NumberOfBytes, "NumberOfBytes", 1, 1024);
  v.length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64).check();
  if (input.NumberOfBytes === undefined) throw new AwsError("ValidationException", "NumberOfBytes is required.");
  if (input.Recipient) throw new AwsError("ValidationException", "Recipient (Nitro Enclaves attestation) is not supported by this KMS endpoint.");
  if (input.CustomKeyStoreId !== undefined) {
    await ctx.transaction((tx) => check.requireConnectedStore(tx, ctx, input.CustomKeyStoreId!));
  }
  return { Plaintext: secureRandom(input.NumberOfBytes) };
};

export const GetPublicKey: Handler<GetPublicKeyRequest, GetPublicKeyResponse> = async (input, ctx) => {
  const v = common(check.kmsValidator(), input);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const key = requireUsable(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now }));
    if (!isAsymmetric(key)) {
      throw new AwsError("UnsupportedOperationException", `${keyArn(key)} key usage is ${key.KeyUsage} which is not valid for GetPublicKey.`);
    }
    return {
      KeyId: keyArn(key),
      PublicKey: publicKeyDer(materialOf(key)),
      CustomerMasterKeySpec: key.KeySpec as GetPublicKeyResponse["CustomerMasterKeySpec"],
      KeySpec: key.KeySpec,
      KeyUsage: key.KeyUsage,
      ...algorithmsOf(key.KeySpec, key.KeyUsage),
    };
  });
};

/** Sign and Verify share their checks: algorithm of the key, message type and digest length. */
async function signingKey(
  tx: Transaction,
  ctx: RequestContext,
  input: { KeyId?: string; SigningAlgorithm?: string; MessageType?: string; Message?: Uint8Array },
  operation: string,
) {
  const key = await keyFor(tx, ctx, input.KeyId!, "SIGN_VERIFY", operation);
  const alg = input.SigningAlgorithm!;
  if (!(algorithmsOf(key.KeySpec, key.KeyUsage).SigningAlgorithms ?? []).includes(alg as never)) throw incompatible(alg, key);
  const type = input.MessageType ?? "RAW";
  if (type === "EXTERNAL_MU") throw new AwsError("ValidationException", `MessageType EXTERNAL_MU is only valid with the ML_DSA_SHAKE_256 signing algorithm.`);
  if (alg === "ED25519_SHA_512" && type !== "RAW") throw new AwsError("ValidationException", `The ED25519_SHA_512 signing algorithm requires MessageType RAW.`);
  if (alg === "ED25519_PH_SHA_512") {
    if (type !== "DIGEST") throw new AwsError("ValidationException", `The ED25519_PH_SHA_512 signing algorithm requires MessageType DIGEST.`);
    throw new AwsError("UnsupportedOperationException", "ED25519_PH_SHA_512 (Ed25519ph) is not supported by this KMS endpoint.");
  }
  if (type === "DIGEST" && input.Message!.length !== SIGNING_HASH[alg].bytes) {
    throw new AwsError("ValidationException", `Digest is invalid length for algorithm ${alg}.`);
  }
  return { key, alg, digest: type === "DIGEST" };
}

function signInput(v: Validator, input: { Message?: Uint8Array; MessageType?: string; SigningAlgorithm?: string; KeyId?: string; GrantTokens?: string[] }) {
  check.blob(input.Message, "Message", 1, 4096);
  common(v, input);
  v.oneOf(input.MessageType, "MessageType", MESSAGE_TYPES);
  v.required(input.SigningAlgorithm, "SigningAlgorithm");
  v.oneOf(input.SigningAlgorithm, "SigningAlgorithm", SIGNING_ALGORITHMS);
  return v;
}

export const Sign: Handler<SignRequest, SignResponse> = async (input, ctx) => {
  const v = signInput(check.kmsValidator(), input);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const { key, alg, digest } = await signingKey(tx, ctx, input, "Sign");
    if (input.DryRun) throw DRY_RUN();
    const signature = await sign(materialOf(key), alg, input.Message!, digest);
    await used(tx, ctx, key, "Sign");
    return { KeyId: keyArn(key), Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
  });
};

/** A signature that does not verify is KMSInvalidSignatureException (no message), never SignatureValid:false. */
export const Verify: Handler<VerifyRequest, VerifyResponse> = async (input, ctx) => {
  check.blob(input.Signature, "Signature", 1, 6144);
  const v = signInput(check.kmsValidator(), input);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const { key, alg, digest } = await signingKey(tx, ctx, input, "Verify");
    if (input.DryRun) throw DRY_RUN();
    if (!(await verify(materialOf(key), alg, input.Message!, digest, input.Signature!))) throw new AwsError("KMSInvalidSignatureException", "");
    await used(tx, ctx, key, "Verify");
    return { KeyId: keyArn(key), SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
  });
};

async function macKey(tx: Transaction, ctx: RequestContext, input: { KeyId?: string; MacAlgorithm?: string }, operation: string) {
  const key = await keyFor(tx, ctx, input.KeyId!, "GENERATE_VERIFY_MAC", operation);
  if (!(algorithmsOf(key.KeySpec, key.KeyUsage).MacAlgorithms ?? []).includes(input.MacAlgorithm as never)) throw incompatible(input.MacAlgorithm!, key);
  return key;
}

function macInput(v: Validator, input: { Message?: Uint8Array; MacAlgorithm?: string; KeyId?: string; GrantTokens?: string[] }) {
  check.blob(input.Message, "Message", 1, 4096);
  common(v, input);
  v.required(input.MacAlgorithm, "MacAlgorithm");
  v.oneOf(input.MacAlgorithm, "MacAlgorithm", MAC_ALGORITHMS);
  return v;
}

export const GenerateMac: Handler<GenerateMacRequest, GenerateMacResponse> = async (input, ctx) => {
  const v = macInput(check.kmsValidator(), input);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const key = await macKey(tx, ctx, input, "GenerateMac");
    if (input.DryRun) throw DRY_RUN();
    const mac = hmac(materialOf(key), input.MacAlgorithm!, input.Message!);
    await used(tx, ctx, key, "GenerateMac");
    return { Mac: mac, MacAlgorithm: input.MacAlgorithm, KeyId: keyArn(key) };
  });
};

export const VerifyMac: Handler<VerifyMacRequest, VerifyMacResponse> = async (input, ctx) => {
  check.blob(input.Mac, "Mac", 1, 6144);
  const v = macInput(check.kmsValidator(), input);
  finish(v, input.GrantTokens);
  return ctx.transaction(async (tx) => {
    const key = await macKey(tx, ctx, input, "VerifyMac");
    if (input.DryRun) throw DRY_RUN();
    if (!sameBytes(hmac(materialOf(key), input.MacAlgorithm!, input.Message!), input.Mac!)) throw new AwsError("KMSInvalidMacException", "");
    await used(tx, ctx, key, "VerifyMac");
    return { KeyId: keyArn(key), MacValid: true, MacAlgorithm: input.MacAlgorithm };
  });
};

export const DeriveSharedSecret: Handler<DeriveSharedSecretRequest, DeriveSharedSecretResponse> = async (input, ctx) => {
  check.blob(input.PublicKey, "PublicKey", 1, 8192);
  const v = common(check.kmsValidator(), input);
  v.required(input.KeyAgreementAlgorithm, "KeyAgreementAlgorithm");
  v.oneOf(input.KeyAgreementAlgorithm, "KeyAgreementAlgorithm", ["ECDH"]);
  finish(v, input.GrantTokens);
  if (input.Recipient) throw new AwsError("ValidationException", "Recipient (Nitro Enclaves attestation) is not supported by this KMS endpoint.");
  return ctx.transaction(async (tx) => {
    const key = await keyFor(tx, ctx, input.KeyId!, "KEY_AGREEMENT", "DeriveSharedSecret");
    const secret = deriveShared(materialOf(key), key.KeySpec, input.PublicKey!);
    // KMS answers an unusable public key with an empty ValidationException.
    if (!secret) throw new AwsError("ValidationException", "");
    if (input.DryRun) throw DRY_RUN();
    await used(tx, ctx, key, "DeriveSharedSecret");
    return { KeyId: keyArn(key), SharedSecret: secret, KeyAgreementAlgorithm: "ECDH", KeyOrigin: key.Origin };
  });
};
