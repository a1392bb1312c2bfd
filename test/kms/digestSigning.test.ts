/**
 * Sign / Verify with MessageType DIGEST (in process: EMSA-PSS in pss.ts, ECDSA in ecdsa.ts),
 * cross-checked both ways: against node:crypto over the original message, and against nubis's
 * own RAW path, for every key spec and signing algorithm KMS allows.
 */
import assert from "node:assert/strict";
import { constants, createCipheriv, createHash, createPublicKey, generateKeyPairSync, type KeyObject, publicEncrypt, randomBytes, sign, verify } from "node:crypto";
import { describe, it } from "node:test";
import {
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  type KeySpec,
  type KMSClient,
  SignCommand,
  type SigningAlgorithmSpec,
  VerifyCommand,
} from "@aws-sdk/client-kms";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { useServer } from "../harness.js";
import { bytes, createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const RSA_ALGORITHMS: SigningAlgorithmSpec[] = [
  "RSASSA_PSS_SHA_256",
  "RSASSA_PSS_SHA_384",
  "RSASSA_PSS_SHA_512",
  "RSASSA_PKCS1_V1_5_SHA_256",
  "RSASSA_PKCS1_V1_5_SHA_384",
  "RSASSA_PKCS1_V1_5_SHA_512",
];
const SIGNERS: Array<[KeySpec, SigningAlgorithmSpec[]]> = [
  ["RSA_2048", RSA_ALGORITHMS],
  ["RSA_3072", RSA_ALGORITHMS],
  ["RSA_4096", RSA_ALGORITHMS],
  ["ECC_NIST_P256", ["ECDSA_SHA_256"]],
  ["ECC_NIST_P384", ["ECDSA_SHA_384"]],
  ["ECC_NIST_P521", ["ECDSA_SHA_512"]],
  ["ECC_SECG_P256K1", ["ECDSA_SHA_256"]],
];
const CURVES = { ECC_NIST_P256: p256, ECC_NIST_P384: p384, ECC_NIST_P521: p521, ECC_SECG_P256K1: secp256k1 } as Record<string, typeof p256>;

const hashOf = (alg: string) => `sha${alg.slice(-3)}`;
const digestOf = (alg: string, message: Uint8Array) => createHash(hashOf(alg)).update(message).digest();

/** node:crypto's verification over the original message, with KMS's parameters. */
function verifiesLocally(key: KeyObject, alg: string, message: Uint8Array, signature: Uint8Array) {
  if (alg.startsWith("RSASSA_PSS")) return verify(hashOf(alg), message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 }, signature);
  if (alg.startsWith("RSASSA_PKCS1")) return verify(hashOf(alg), message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  return verify(hashOf(alg), message, { key, dsaEncoding: "der" }, signature);
}

async function publicKey(kms: KMSClient, keyId: string) {
  const pub = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(pub.PublicKey!), format: "der", type: "spki" });
}

const flipBit = (b: Uint8Array, i: number) => {
  const c = Buffer.from(b);
  c[i] ^= 0x01;
  return c;
};

describe("KMS Sign / Verify over a DIGEST", () => {
  for (const [spec, algorithms] of SIGNERS) {
    it(`${spec}: DIGEST and RAW signatures are the same signatures (${algorithms.join(", ")})`, async () => {
      const kms = client();
      const key = await createKey(kms, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
      const pub = await publicKey(kms, key.KeyId!);
      const message = bytes(`a message for ${spec}`);
      for (const alg of algorithms) {
        const digest = digestOf(alg, message);
        const byDigest = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg }));
        assert.equal(byDigest.KeyId, key.Arn);
        assert.equal(byDigest.SigningAlgorithm, alg);
        assert.ok(verifiesLocally(pub, alg, message, byDigest.Signature!), `${alg}: node:crypto verifies the DIGEST signature over the message`);
        const byMessage = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: alg }));
        // nubis verifies a RAW signature over the digest, and a DIGEST signature over the message.
        const ok = await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg, Signature: byMessage.Signature }));
        assert.equal(ok.SignatureValid, true);
        assert.equal(ok.KeyId, key.Arn);
        await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, MessageType: "RAW", SigningAlgorithm: alg, Signature: byDigest.Signature }));
        await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg, Signature: byDigest.Signature }));
        // PKCS#1 v1.5 is deterministic; PSS (random salt) and ECDSA (random k) are not, as in KMS.
        const again = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg }));
        if (alg.startsWith("RSASSA_PKCS1")) assert.deepEqual(again.Signature, byDigest.Signature);
        else assert.notDeepEqual(again.Signature, byDigest.Signature);
        assert.ok(verifiesLocally(pub, alg, message, again.Signature!));
      }
    });
  }

  for (const [spec, algorithms] of SIGNERS.filter(([s]) => s !== "RSA_3072" && s !== "RSA_4096")) {
    it(`${spec}: a tampered digest or signature is KMSInvalidSignatureException, and changes nothing`, async () => {
      const kms = client();
      const key = await createKey(kms, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
      for (const alg of algorithms) {
        const digest = digestOf(alg, bytes("tamper"));
        const { Signature } = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: alg }));
        const bad = (message: Uint8Array, signature: Uint8Array, MessageType: "RAW" | "DIGEST" = "DIGEST") =>
          refusal(kms, () => kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, MessageType, SigningAlgorithm: alg, Signature: signature })), "KMSInvalidSignatureException", {
            message: "",
            keyId: key.KeyId,
          });
        await bad(flipBit(digest, 0), Signature!);
        await bad(flipBit(digest, digest.length - 1), Signature!);
        await bad(digest, flipBit(Signature!, Signature!.length - 1));
        await bad(digest, flipBit(Signature!, Math.floor(Signature!.length / 2)));
        await bad(digest, Signature!.subarray(0, Signature!.length - 1));
        await bad(digest, Buffer.concat([Signature!, Buffer.from([0])]));
        await bad(bytes("tamper!"), Signature!, "RAW");
        if (spec.startsWith("RSA")) await bad(digest, Buffer.alloc(Signature!.length, 0xff)); // not below the modulus
        else await bad(digest, Buffer.from(CURVES[spec].Signature.fromBytes(Signature!, "der").toBytes("compact"))); // r ‖ s is not DER
      }
    });
  }

  it("a digest of another length than the algorithm's hash is ValidationException, for Sign and Verify", async () => {
    const kms = client();
    const rsa = await createKey(kms, { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" });
    const ecc = await createKey(kms, { KeySpec: "ECC_NIST_P521", KeyUsage: "SIGN_VERIFY" });
    const cases: Array<[string, SigningAlgorithmSpec, number]> = [
      [rsa.KeyId!, "RSASSA_PSS_SHA_384", 32],
      [rsa.KeyId!, "RSASSA_PSS_SHA_256", 64],
      [rsa.KeyId!, "RSASSA_PKCS1_V1_5_SHA_512", 48],
      [ecc.KeyId!, "ECDSA_SHA_512", 66],
    ];
    for (const [KeyId, alg, length] of cases) {
      const expected = { message: `Digest is invalid length for algorithm ${alg}.`, keyId: KeyId };
      await refusal(kms, () => kms.send(new SignCommand({ KeyId, Message: randomBytes(length), MessageType: "DIGEST", SigningAlgorithm: alg })), "ValidationException", expected);
      await refusal(
        kms,
        () => kms.send(new VerifyCommand({ KeyId, Message: randomBytes(length), MessageType: "DIGEST", SigningAlgorithm: alg, Signature: randomBytes(64) })),
        "ValidationException",
        expected,
      );
    }
  });

  it("ECDSA: S is not normalised (about half the signatures have a high S), and high-S signatures verify", async () => {
    const kms = client();
    for (const spec of ["ECC_NIST_P256", "ECC_SECG_P256K1"] as const) {
      const key = await createKey(kms, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
      const pub = await publicKey(kms, key.KeyId!);
      const curve = CURVES[spec];
      const n = curve.Point.Fn.ORDER;
      const message = bytes("malleable");
      const digest = digestOf("ECDSA_SHA_256", message);
      let high = 0;
      for (let i = 0; i < 32; i++) {
        const { Signature } = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" }));
        const sig = curve.Signature.fromBytes(Signature!, "der");
        if (sig.s > n / 2n) high++;
        // Its mirror (r, n − s) is as valid: node:crypto and nubis both accept it, RAW and DIGEST.
        const mirror = new curve.Signature(sig.r, n - sig.s).toBytes("der");
        assert.ok(verifiesLocally(pub, "ECDSA_SHA_256", message, mirror));
        if (i < 2) {
          await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256", Signature: mirror }));
          await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: "ECDSA_SHA_256", Signature: mirror }));
        }
      }
      assert.ok(high > 0 && high < 32, `${spec}: ${high} of 32 signatures had a high S`);
    }
  });

  it("verifies a caller's own signatures over a DIGEST with imported key material (high and low S alike)", async () => {
    const kms = client();
    const cases: Array<[KeySpec, string, SigningAlgorithmSpec, object]> = [
      ["ECC_NIST_P384", "ec", "ECDSA_SHA_384", { namedCurve: "secp384r1" }],
      ["ECC_NIST_P521", "ec", "ECDSA_SHA_512", { namedCurve: "secp521r1" }],
      ["RSA_2048", "rsa", "RSASSA_PSS_SHA_384", { modulusLength: 2048 }],
    ];
    for (const [spec, type, alg, params] of cases) {
      const key = await createKey(kms, { Origin: "EXTERNAL", KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
      const pair = generateKeyPairSync(type as "ec", params as { namedCurve: string });
      const wrapping = await kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: "RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec: "RSA_2048" }));
      const aes = randomBytes(32);
      const kw = createCipheriv("id-aes256-wrap-pad", aes, Buffer.from("a65959a6", "hex"));
      const wrappingKey = createPublicKey({ key: Buffer.from(wrapping.PublicKey!), format: "der", type: "spki" });
      const material = pair.privateKey.export({ type: "pkcs8", format: "der" });
      const wrapped = Buffer.concat([publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, aes), kw.update(material), kw.final()]);
      await kms.send(
        new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: wrapping.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }),
      );
      for (let i = 0; i < 4; i++) {
        const message = bytes(`signed by the caller ${i}`);
        const signature = alg.startsWith("RSASSA_PSS")
          ? sign(hashOf(alg), message, { key: pair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 })
          : sign(hashOf(alg), message, { key: pair.privateKey, dsaEncoding: "der" });
        const ok = await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digestOf(alg, message), MessageType: "DIGEST", SigningAlgorithm: alg, Signature: signature }));
        assert.equal(ok.SignatureValid, true);
        const ours = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: digestOf(alg, message), MessageType: "DIGEST", SigningAlgorithm: alg }));
        assert.ok(verifiesLocally(pair.publicKey, alg, message, ours.Signature!));
      }
      if (alg.startsWith("RSASSA_PSS")) {
        // KMS's PSS salt is the hash's length: a signature with another salt length does not verify.
        const message = bytes("salted differently");
        const signature = sign(hashOf(alg), message, { key: pair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
        await refusal(kms, () => kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: digestOf(alg, message), MessageType: "DIGEST", SigningAlgorithm: alg, Signature: signature })), "KMSInvalidSignatureException");
      }
    }
  });
});
