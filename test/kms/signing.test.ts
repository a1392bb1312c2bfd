import assert from "node:assert/strict";
import { constants, createHash, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import { describe, it } from "node:test";
import {
  DeriveSharedSecretCommand,
  DisableKeyCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  type KeySpec,
  type MacAlgorithmSpec,
  SignCommand,
  type SigningAlgorithmSpec,
  VerifyCommand,
  VerifyMacCommand,
} from "@aws-sdk/client-kms";
import { useServer } from "../harness.js";
import { bytes, createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/** Verifies a KMS signature with node:crypto against the key's GetPublicKey SPKI. */
function verifyLocally(spki: Uint8Array, algorithm: string, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (algorithm === "ED25519_SHA_512") return verify(null, message, key, signature);
  const hash = HASH[algorithm.slice(-3)];
  if (algorithm.startsWith("RSASSA_PSS")) {
    return verify(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(-3)) / 8 }, signature);
  }
  if (algorithm.startsWith("RSASSA_PKCS1")) return verify(hash, message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  return verify(hash, message, { key, dsaEncoding: "der" }, signature);
}

const SIGNERS: Array<[KeySpec, SigningAlgorithmSpec[]]> = [
  ["RSA_2048", ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]],
  ["RSA_3072", ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512"]],
  ["ECC_NIST_P256", ["ECDSA_SHA_256"]],
  ["ECC_NIST_P384", ["ECDSA_SHA_384"]],
  ["ECC_NIST_P521", ["ECDSA_SHA_512"]],
  ["ECC_SECG_P256K1", ["ECDSA_SHA_256"]],
  ["ECC_NIST_EDWARDS25519", ["ED25519_SHA_512"]],
];

describe("KMS Sign / Verify", () => {
  for (const [spec, algorithms] of SIGNERS) {
    it(`signs with ${spec} (${algorithms.join(", ")}), RAW and DIGEST, verifiable with node:crypto`, async () => {
      const kms = client();
      const key = await createKey(kms, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key.Arn }));
      assert.equal(pub.KeyId, key.Arn);
      assert.equal(pub.KeySpec, spec);
      assert.equal(pub.KeyUsage, "SIGN_VERIFY");
      assert.deepEqual(pub.SigningAlgorithms, key.SigningAlgorithms);
      const message = bytes(`message for ${spec}`);
      for (const alg of algorithms) {
        const raw = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: alg }));
        assert.equal(raw.KeyId, key.Arn);
        assert.equal(raw.SigningAlgorithm, alg);
        assert.ok(verifyLocally(pub.PublicKey!, alg, message, raw.Signature!), `${alg} RAW`);
        const ok = await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: alg, Signature: raw.Signature }));
        assert.equal(ok.SignatureValid, true);
        if (alg === "ED25519_SHA_512") continue;
        // A digest signed with DIGEST verifies against the message, and the other way round.
        const digest = createHash(HASH[alg.slice(-3)]).update(message).digest();
        const signed = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg }));
        assert.ok(verifyLocally(pub.PublicKey!, alg, message, signed.Signature!), `${alg} DIGEST`);
        await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg, Signature: raw.Signature }));
        await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: alg, Signature: signed.Signature }));
        await refusal(kms, () => kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg, Signature: randomBytes(64) })), "KMSInvalidSignatureException", { message: "" });
      }
      await refusal(kms, () => kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: bytes("other"), SigningAlgorithm: algorithms[0], Signature: randomBytes(64) })), "KMSInvalidSignatureException", {
        message: "",
        keyId: key.KeyId,
      });
    });
  }

  it("refuses digests of the wrong length, algorithms of other keys and wrong usages", async () => {
    const kms = client();
    const key = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: randomBytes(31), MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" })), "ValidationException", {
      message: "Digest is invalid length for algorithm ECDSA_SHA_256.",
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_384" })), "InvalidKeyUsageException", {
      message: "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
    });
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "RSASSA_PSS_SHA_256" })), "InvalidKeyUsageException");
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "FAST" as never })), "ValidationException", {
      message: /Value 'FAST' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set/,
    });
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: randomBytes(4097), SigningAlgorithm: "ECDSA_SHA_256" })), "ValidationException", {
      message: "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    });
    const symmetric = await createKey(kms);
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: symmetric.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256" })), "InvalidKeyUsageException", {
      message: `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`,
    });
    await refusal(kms, () => kms.send(new GetPublicKeyCommand({ KeyId: symmetric.KeyId })), "UnsupportedOperationException");
    const ed = await createKey(kms, { KeySpec: "ECC_NIST_EDWARDS25519", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: ed.KeyId, Message: randomBytes(64), MessageType: "DIGEST", SigningAlgorithm: "ED25519_SHA_512" })), "ValidationException");
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256", DryRun: true })), "DryRunOperationException");
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await refusal(kms, () => kms.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256" })), "DisabledException", {
      message: `${key.Arn} is disabled.`,
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId })), "DisabledException");
  });
});

describe("KMS GenerateMac / VerifyMac", () => {
  for (const size of ["224", "256", "384", "512"]) {
    it(`HMAC_${size}: the same MAC every time, verified by VerifyMac`, async () => {
      const kms = client();
      const key = await createKey(kms, { KeySpec: `HMAC_${size}` as KeySpec, KeyUsage: "GENERATE_VERIFY_MAC" });
      const alg = `HMAC_SHA_${size}` as MacAlgorithmSpec;
      const a = await kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: bytes("mac me"), MacAlgorithm: alg }));
      const b = await kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: bytes("mac me"), MacAlgorithm: alg }));
      assert.deepEqual(a.Mac, b.Mac);
      assert.equal(a.Mac!.length, Number(size) / 8);
      assert.equal(a.KeyId, key.Arn);
      assert.equal(a.MacAlgorithm, alg);
      const ok = await kms.send(new VerifyMacCommand({ KeyId: key.KeyId, Message: bytes("mac me"), MacAlgorithm: alg, Mac: a.Mac }));
      assert.equal(ok.MacValid, true);
      await refusal(kms, () => kms.send(new VerifyMacCommand({ KeyId: key.KeyId, Message: bytes("mac you"), MacAlgorithm: alg, Mac: a.Mac })), "KMSInvalidMacException", {
        message: "",
        keyId: key.KeyId,
      });
    });
  }

  it("refuses another MAC algorithm and non-HMAC keys", async () => {
    const kms = client();
    const key = await createKey(kms, { KeySpec: "HMAC_224", KeyUsage: "GENERATE_VERIFY_MAC" });
    await refusal(kms, () => kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: bytes("m"), MacAlgorithm: "HMAC_SHA_256" })), "InvalidKeyUsageException", {
      message: "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
      keyId: key.KeyId,
    });
    const symmetric = await createKey(kms);
    await refusal(kms, () => kms.send(new GenerateMacCommand({ KeyId: symmetric.KeyId, Message: bytes("m"), MacAlgorithm: "HMAC_SHA_256" })), "InvalidKeyUsageException", {
      message: `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`,
    });
    await refusal(kms, () => kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: bytes("m"), MacAlgorithm: "HMAC_MD5" as never })), "ValidationException", {
      message: "1 validation error detected: Value 'HMAC_MD5' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]",
    });
  });
});

describe("KMS DeriveSharedSecret", () => {
  for (const [spec, curve, size] of [["ECC_NIST_P256", "prime256v1", 32], ["ECC_NIST_P384", "secp384r1", 48], ["ECC_NIST_P521", "secp521r1", 66]] as const) {
    it(`${spec}: the secret equals a local ECDH with GetPublicKey's key`, async () => {
      const kms = client();
      const key = await createKey(kms, { KeySpec: spec, KeyUsage: "KEY_AGREEMENT" });
      assert.deepEqual(key.KeyAgreementAlgorithms, ["ECDH"]);
      const peer = generateKeyPairSync("ec", { namedCurve: curve });
      const out = await kms.send(
        new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer.publicKey.export({ type: "spki", format: "der" }) }),
      );
      assert.equal(out.KeyId, key.Arn);
      assert.equal(out.KeyAgreementAlgorithm, "ECDH");
      assert.equal(out.KeyOrigin, "AWS_KMS");
      assert.equal(out.SharedSecret!.length, size);
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
      assert.deepEqual(pub.KeyAgreementAlgorithms, ["ECDH"]);
      const local = diffieHellman({ privateKey: peer.privateKey, publicKey: createPublicKey({ key: Buffer.from(pub.PublicKey!), format: "der", type: "spki" }) });
      assert.deepEqual(Buffer.from(out.SharedSecret!), local);
    });
  }

  it("refuses a public key of another curve or garbage with an empty ValidationException, and non-agreement keys", async () => {
    const kms = client();
    const key = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" });
    const other = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "der" });
    await refusal(kms, () => kms.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: other })), "ValidationException", { message: "" });
    await refusal(kms, () => kms.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: randomBytes(40) })), "ValidationException", { message: "" });
    const signer = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => kms.send(new DeriveSharedSecretCommand({ KeyId: signer.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: other })), "InvalidKeyUsageException", {
      message: `${signer.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
    });
    await refusal(kms, () => kms.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: "DH" as never, PublicKey: other })), "ValidationException", {
      message: "1 validation error detected: Value 'DH' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    });
  });
});
