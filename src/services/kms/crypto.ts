/**
 * KMS's cryptography, on node:crypto (OpenSSL underneath): key material per key spec, the
 * self-describing symmetric ciphertext blob, RSA-OAEP, signatures, HMAC and ECDH. node:crypto
 * signs only messages it hashes itself, so signatures over a caller's digest (MessageType DIGEST)
 * have their encodings in their own modules: RSASSA-PSS's EMSA-PSS in ./pss.ts (RFC 8017), ECDSA
 * in ./ecdsa.ts (@noble/curves, with OpenSSL's point multiplication). PKCS#1 v1.5 over a digest
 * is OpenSSL's own padding of a DigestInfo. Everything runs in process.
 */
import type { KeySpec } from "@aws-sdk/client-kms";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPair as generateKeyPairCallback,
  type KeyObject,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
} from "node:crypto";
import { promisify } from "node:util";
import { AwsError } from "../../core/errors.js";
import { secureRandom } from "../../core/ids.js";
import type { KeyRecord, Material } from "./model.js";
import { signPss, verifyPss } from "./pss.js";

/** Curves of the ECC key specs, as OpenSSL names them. */
export const CURVES: Partial<Record<KeySpec, string>> = {
  ECC_NIST_P256: "prime256v1",
  ECC_NIST_P384: "secp384r1",
  ECC_NIST_P521: "secp521r1",
  ECC_SECG_P256K1: "secp256k1",
};

/** Secret sizes of HMAC keys: the digest size of their hash. */
export const HMAC_BYTES: Partial<Record<KeySpec, number>> = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 };

/** Key specs nubis can hold material for (node:crypto on Node 20 has no ML-DSA, ML-KEM or SM2 operations). */
export const supportedSpec = (spec: KeySpec) => !/^(ML_|SM2)/.test(spec);

/**
 * Fresh key material for a spec: 32 random bytes (AES-256), an HMAC secret, or a PKCS#8 DER
 * private key. Key pairs are generated off the event loop (RSA-4096 takes a while).
 */
export async function generateSecret(spec: KeySpec): Promise<Buffer> {
  if (spec === "SYMMETRIC_DEFAULT") return secureRandom(32);
  const hmac = HMAC_BYTES[spec];
  if (hmac) return secureRandom(hmac);
  return (await generateKeyPair(spec)).privateKey;
}

const generatePair = promisify(generateKeyPairCallback);

/** A key pair as DER: PKCS#8 private key, SubjectPublicKeyInfo public key. */
export async function generateKeyPair(spec: string): Promise<{ privateKey: Buffer; publicKey: Buffer }> {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (spec.startsWith("RSA_")) pair = await generatePair("rsa", { modulusLength: Number(spec.slice(4)) });
  else if (spec === "ECC_NIST_EDWARDS25519") pair = await generatePair("ed25519", undefined);
  else {
    const curve = CURVES[spec as KeySpec];
    if (!curve) throw new AwsError("UnsupportedOperationException", `KeyPairSpec ${spec} is not supported.`);
    pair = await generatePair("ec", { namedCurve: curve });
  }
  return { privateKey: pair.privateKey.export({ type: "pkcs8", format: "der" }), publicKey: pair.publicKey.export({ type: "spki", format: "der" }) };
}

export function newMaterial(secret: Buffer, date: number, extra: Partial<Material> = {}): Material {
  return {
    Id: secureRandom(32).toString("hex"),
    Secret: secret.toString("base64"),
    Digest: createHash("sha256").update(secret).digest("hex"),
    Date: date,
    ...extra,
  };
}

export const secretOf = (m: Material) => Buffer.from(m.Secret!, "base64");

/**
 * Parsed key pairs by their stored PKCS#8 (base64): OpenSSL's decoders take ~0.8 ms per parse,
 * more than the signature itself. The entry is a function of the stored bytes alone, so it is
 * never stale, on any store; the oldest entries make room past a bound.
 */
const PAIRS = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
const PAIRS_MAX = 1024;

function pairOf(m: Material) {
  const secret = m.Secret!;
  let pair = PAIRS.get(secret);
  if (pair) return pair;
  const privateKey = createPrivateKey({ key: Buffer.from(secret, "base64"), format: "der", type: "pkcs8" });
  pair = { privateKey, publicKey: createPublicKey(privateKey) };
  if (PAIRS.size >= PAIRS_MAX) PAIRS.delete(PAIRS.keys().next().value!);
  PAIRS.set(secret, pair);
  return pair;
}

export const privateKeyOf = (m: Material) => pairOf(m).privateKey;
export const publicKeyOf = (m: Material) => pairOf(m).publicKey;
export const publicKeyDer = (m: Material) => publicKeyOf(m).export({ type: "spki", format: "der" });

// ---------------------------------------------------------------------------------------------
// The symmetric ciphertext blob: 0x01 | key-id length | key id | material id (32 bytes) | IV (12) | tag (16) | AES-256-GCM ciphertext

const VERSION = 0x01;

/**
 * What the GCM tag authenticates besides the plaintext: the key (account, id; the region for a
 * single-Region key, since related multi-Region keys share material and decrypt each other's
 * blobs), the material version, and the encryption context in canonical form.
 */
function aad(k: KeyRecord, materialId: string, context: Record<string, string> | undefined): Buffer {
  const head = `nubis-kms/1\0${k.Account}\0${k.MultiRegion ? "*" : k.Region}\0${k.KeyId}\0${materialId}\0`;
  // The context's pairs, sorted by key, each string as a 4-byte big-endian length and its UTF-8 bytes.
  const keys = context ? Object.keys(context).sort() : [];
  let size = Buffer.byteLength(head);
  for (const key of keys) size += 8 + Buffer.byteLength(key) + Buffer.byteLength(context![key]);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head);
  const put = (text: string) => {
    const n = out.write(text, at + 4);
    out.writeUInt32BE(n, at);
    at += 4 + n;
  };
  for (const key of keys) {
    put(key);
    put(context![key]);
  }
  return out;
}

export function sealBlob(k: KeyRecord, m: Material, plaintext: Uint8Array, context: Record<string, string> | undefined): Buffer {
  const iv = secureRandom(12);
  const cipher = createCipheriv("aes-256-gcm", secretOf(m), iv);
  cipher.setAAD(aad(k, m.Id, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(k.KeyId, "ascii");
  return Buffer.concat([Buffer.from([VERSION, id.length]), id, Buffer.from(m.Id, "hex"), iv, cipher.getAuthTag(), body]);
}

export interface ParsedBlob {
  keyId: string;
  materialId: string;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

/** The header of a blob, or undefined when the bytes are not one of ours. */
export function parseBlob(blob: Uint8Array): ParsedBlob | undefined {
  const b = Buffer.from(blob);
  if (b.length < 2 || b[0] !== VERSION) return undefined;
  const n = b[1];
  const head = 2 + n + 32 + 12 + 16;
  if (b.length < head) return undefined;
  return {
    keyId: b.subarray(2, 2 + n).toString("ascii"),
    materialId: b.subarray(2 + n, 2 + n + 32).toString("hex"),
    iv: b.subarray(2 + n + 32, 2 + n + 44),
    tag: b.subarray(2 + n + 44, head),
    body: b.subarray(head),
  };
}

/** The plaintext, or undefined when the blob was altered or the context differs. */
export function openBlob(k: KeyRecord, m: Material, blob: ParsedBlob, context: Record<string, string> | undefined): Buffer | undefined {
  try {
    const decipher = createDecipheriv("aes-256-gcm", secretOf(m), blob.iv);
    decipher.setAAD(aad(k, m.Id, context));
    decipher.setAuthTag(blob.tag);
    return Buffer.concat([decipher.update(blob.body), decipher.final()]);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// RSA encryption: standard RSAES-OAEP, MGF1 with the same hash, empty label.

const oaepHash = (algorithm: string) => (algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");

/** The largest plaintext RSAES-OAEP takes: modulus bytes − 2·hash bytes − 2. */
export const oaepLimit = (spec: KeySpec, algorithm: string) => Number(spec.slice(4)) / 8 - 2 * (algorithm === "RSAES_OAEP_SHA_1" ? 20 : 32) - 2;

export const rsaEncrypt = (m: Material, algorithm: string, plaintext: Uint8Array) =>
  publicEncrypt({ key: publicKeyOf(m), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext);

export function rsaDecrypt(m: Material | KeyObject, algorithm: string, ciphertext: Uint8Array): Buffer | undefined {
  try {
    const key = "Id" in m ? privateKeyOf(m) : m;
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, ciphertext);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures

/** The hash of each signing algorithm, and its digest size in bytes. */
export const SIGNING_HASH: Record<string, { hash: string; bytes: number }> = {
  RSASSA_PSS_SHA_256: { hash: "sha256", bytes: 32 },
  RSASSA_PSS_SHA_384: { hash: "sha384", bytes: 48 },
  RSASSA_PSS_SHA_512: { hash: "sha512", bytes: 64 },
  RSASSA_PKCS1_V1_5_SHA_256: { hash: "sha256", bytes: 32 },
  RSASSA_PKCS1_V1_5_SHA_384: { hash: "sha384", bytes: 48 },
  RSASSA_PKCS1_V1_5_SHA_512: { hash: "sha512", bytes: 64 },
  ECDSA_SHA_256: { hash: "sha256", bytes: 32 },
  ECDSA_SHA_384: { hash: "sha384", bytes: 48 },
  ECDSA_SHA_512: { hash: "sha512", bytes: 64 },
  ED25519_SHA_512: { hash: "sha512", bytes: 64 },
  ED25519_PH_SHA_512: { hash: "sha512", bytes: 64 },
};

// DER DigestInfo prefixes of RFC 8017 §9.2 note 1, for PKCS#1 v1.5 over a given digest.
const DIGEST_INFO: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

const options = (key: KeyObject, algorithm: string) => {
  const { bytes } = SIGNING_HASH[algorithm];
  if (algorithm.startsWith("RSASSA_PSS")) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bytes };
  if (algorithm.startsWith("RSASSA_PKCS1")) return { key, padding: constants.RSA_PKCS1_PADDING };
  return { key, dsaEncoding: "der" as const };
};

/** The ECDSA module, loaded on the first ECDSA signature over a digest. */
const ecdsa = () => import("./ecdsa.js");

/** Signs a message (RAW) or its digest (DIGEST), as KMS does for the algorithm. */
export async function sign(m: Material, algorithm: string, message: Uint8Array, digest: boolean): Promise<Buffer> {
  const key = privateKeyOf(m);
  const { hash } = SIGNING_HASH[algorithm];
  if (algorithm === "ED25519_SHA_512") return cryptoSign(null, message, key);
  if (!digest) return cryptoSign(hash, message, options(key, algorithm));
  if (algorithm.startsWith("RSASSA_PKCS1")) {
    return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[hash], "hex"), message]));
  }
  if (algorithm.startsWith("RSASSA_PSS")) return signPss(key, hash, message);
  return (await ecdsa()).signDigest(key, message);
}

/** True when the signature verifies over the message (RAW) or its digest (DIGEST). */
export async function verify(m: Material, algorithm: string, message: Uint8Array, digest: boolean, signature: Uint8Array): Promise<boolean> {
  const key = publicKeyOf(m);
  const { hash } = SIGNING_HASH[algorithm];
  try {
    if (algorithm === "ED25519_SHA_512") return cryptoVerify(null, message, key, signature);
    if (!digest) return cryptoVerify(hash, message, options(key, algorithm), signature);
    if (algorithm.startsWith("RSASSA_PKCS1")) {
      const expected = Buffer.concat([Buffer.from(DIGEST_INFO[hash], "hex"), message]);
      const got = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
      return got.length === expected.length && timingSafeEqual(got, expected);
    }
    if (algorithm.startsWith("RSASSA_PSS")) return verifyPss(key, hash, message, signature);
    return (await ecdsa()).verifyDigest(key, message, signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// HMAC and ECDH

export const hmac = (m: Material, algorithm: string, message: Uint8Array) =>
  createHmac(`sha${algorithm.slice("HMAC_SHA_".length)}`, secretOf(m)).update(message).digest();

export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** The ECDH shared secret (the x-coordinate) with a peer's SPKI public key, or undefined when it is no key of the curve. */
export function deriveShared(m: Material, spec: KeySpec, peerSpki: Uint8Array): Buffer | undefined {
  try {
    const peer = createPublicKey({ key: Buffer.from(peerSpki), format: "der", type: "spki" });
    if (peer.asymmetricKeyType !== "ec" || peer.asymmetricKeyDetails?.namedCurve !== CURVES[spec]) return undefined;
    return diffieHellman({ privateKey: privateKeyOf(m), publicKey: peer });
  } catch {
    return undefined;
  }
}

/** Checks imported or replicated asymmetric material against the key spec. */
export function pairMatchesSpec(der: Buffer, spec: KeySpec): boolean {
  try {
    const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    const d = key.asymmetricKeyDetails ?? {};
    if (spec.startsWith("RSA_")) return key.asymmetricKeyType === "rsa" && d.modulusLength === Number(spec.slice(4));
    if (spec === "ECC_NIST_EDWARDS25519") return key.asymmetricKeyType === "ed25519";
    return key.asymmetricKeyType === "ec" && d.namedCurve === CURVES[spec];
  } catch {
    return false;
  }
}

/** AES key wrap with padding (RFC 5649), as OpenSSL's id-aes256-wrap-pad, for RSA_AES_KEY_WRAP imports. */
export function aesUnwrapPad(kek: Buffer, wrapped: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(`id-aes${kek.length * 8}-wrap-pad`, kek, Buffer.from("a65959a6", "hex"));
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    return undefined;
  }
}
