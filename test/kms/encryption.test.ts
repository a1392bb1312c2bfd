import assert from "node:assert/strict";
import { constants, createDecipheriv, createCipheriv, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  CreateAliasCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyLastUsageCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { failure, useServer } from "../harness.js";
import { bytes, createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

describe("KMS Encrypt / Decrypt (symmetric)", () => {
  it("round-trips with the key found from the blob, and names the key by ARN", async () => {
    const kms = client();
    const key = await createKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: "alias/enc", TargetKeyId: key.KeyId }));
    for (const ref of [key.KeyId!, key.Arn!, "alias/enc", "arn:aws:kms:us-east-1:000000000000:alias/enc"]) {
      const enc = await kms.send(new EncryptCommand({ KeyId: ref, Plaintext: bytes("secret") }));
      assert.equal(enc.KeyId, key.Arn);
      assert.equal(enc.EncryptionAlgorithm, "SYMMETRIC_DEFAULT");
      assert.ok(enc.CiphertextBlob!.length > 6 && enc.CiphertextBlob!.length <= 6144);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), "secret");
      assert.equal(dec.KeyId, key.Arn);
      assert.equal(dec.EncryptionAlgorithm, "SYMMETRIC_DEFAULT");
      assert.equal(dec.KeyMaterialId, key.CurrentKeyMaterialId);
    }
    const a = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("same") }));
    const b = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("same") }));
    assert.notDeepEqual(a.CiphertextBlob, b.CiphertextBlob);
    // 4096 bytes fit in a blob of at most 6144.
    const big = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: randomBytes(4096) }));
    assert.ok(big.CiphertextBlob!.length <= 6144);
    const usage = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.KeyId }));
    assert.equal(usage.KeyId, key.Arn);
    assert.equal(usage.KeyLastUsage!.Operation, "Encrypt");
    assert.equal(usage.KeyCreationDate!.getTime(), key.CreationDate!.getTime());
  });

  it("binds the encryption context: same pairs in any order decrypt, any difference is InvalidCiphertextException", async () => {
    const kms = client();
    const key = await createKey(kms);
    const context = { purpose: "test", "aws-crypto-public-key": "A".repeat(120) };
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("ctx"), EncryptionContext: context }));
    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { "aws-crypto-public-key": "A".repeat(120), purpose: "test" } }),
    );
    assert.equal(Buffer.from(dec.Plaintext!).toString(), "ctx");
    const others: Array<Record<string, string> | undefined> = [undefined, {}, { purpose: "test" }, { ...context, extra: "1" }, { ...context, purpose: "Test" }];
    for (const other of others) {
      await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: other })), "InvalidCiphertextException", {
        message: "",
        keyId: key.KeyId,
      });
    }
    // An empty context is the same as none.
    const none = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x"), EncryptionContext: {} }));
    await kms.send(new DecryptCommand({ CiphertextBlob: none.CiphertextBlob }));
  });

  it("refuses tampered, truncated, extended and foreign blobs", async () => {
    const kms = client();
    const key = await createKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("tamper") }))).CiphertextBlob!;
    // A changed byte anywhere: in the key id it names no key here (AccessDenied), elsewhere the GCM tag fails.
    for (let i = 0; i < blob.length; i += 5) {
      const bad = Uint8Array.from(blob);
      bad[i] ^= 0x01;
      const error = await failure(kms.send(new DecryptCommand({ CiphertextBlob: bad })));
      const inKeyId = i >= 1 && i < 2 + key.KeyId!.length;
      assert.equal(error.name, inKeyId ? "AccessDeniedException" : "InvalidCiphertextException", `byte ${i}`);
    }
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, blob.length - 1) })), "InvalidCiphertextException");
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: Buffer.concat([blob, Buffer.from([0])]) })), "InvalidCiphertextException");
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(64) })), "InvalidCiphertextException");
    const foreign = /refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access/;
    await refusal(client("us-east-1", "111111111111"), () => client("us-east-1", "111111111111").send(new DecryptCommand({ CiphertextBlob: blob })), "AccessDeniedException", {
      message: foreign,
    });
    await refusal(client("eu-west-1"), () => client("eu-west-1").send(new DecryptCommand({ CiphertextBlob: blob })), "AccessDeniedException", { message: foreign });
  });

  it("answers IncorrectKeyException when KeyId names another key", async () => {
    const kms = client();
    const key = await createKey(kms);
    const other = await createKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") }))).CiphertextBlob!;
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.KeyId })), "IncorrectKeyException", {
      message: "The key ID in the request does not identify a CMK that can perform this operation.",
    });
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: key.Arn }));
    assert.equal(Buffer.from(ok.Plaintext!).toString(), "x");
  });

  it("refuses by key state and usage, each with its own error, and changes nothing", async () => {
    const kms = client();
    const disabled = await createKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: bytes("x") }))).CiphertextBlob!;
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: bytes("x") })), "DisabledException", {
      message: `${disabled.Arn} is disabled.`,
      keyId: disabled.KeyId,
    });
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: blob })), "DisabledException", { keyId: disabled.KeyId });
    const pending = await createKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: pending.KeyId, NumberOfBytes: 32 })), "KMSInvalidStateException", {
      message: `${pending.Arn} is pending deletion.`,
      keyId: pending.KeyId,
    });
    const external = await createKey(kms, { Origin: "EXTERNAL" });
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: external.KeyId, Plaintext: bytes("x") })), "KMSInvalidStateException", {
      message: `${external.Arn} is pending import.`,
      keyId: external.KeyId,
    });
    const signer = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: signer.KeyId, Plaintext: bytes("x") })), "InvalidKeyUsageException", {
      message: `${signer.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
      keyId: signer.KeyId,
    });
    const hmac = await createKey(kms, { KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: hmac.KeyId, NumberOfBytes: 16 })), "InvalidKeyUsageException", {
      message: `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.`,
    });
    const symmetric = await createKey(kms);
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: symmetric.KeyId, Plaintext: bytes("x"), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })), "InvalidKeyUsageException", {
      message: "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
    });
  });

  it("applies the model's constraints and DryRun", async () => {
    const kms = client();
    const key = await createKey(kms);
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: randomBytes(4097) })), "ValidationException", {
      message: "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    });
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x"), DryRun: true })), "DryRunOperationException", {
      message: "The request would have succeeded, but the DryRun option is set.",
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x"), GrantTokens: ["not-a-token"] })), "InvalidGrantTokenException");
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: "alias/none", Plaintext: bytes("x") })), "NotFoundException", {
      message: "Alias arn:aws:kms:us-east-1:000000000000:alias/none is not found.",
    });
    await refusal(kms, () => kms.send(new DecryptCommand({ KeyId: key.KeyId, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })), "DryRunOperationException");
  });
});

describe("KMS ReEncrypt", () => {
  it("moves a ciphertext to another key and context", async () => {
    const kms = client();
    const source = await createKey(kms);
    const destination = await createKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: source.KeyId, Plaintext: bytes("move me"), EncryptionContext: { a: "1" } }))).CiphertextBlob!;
    const out = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { a: "1" }, DestinationKeyId: destination.KeyId, DestinationEncryptionContext: { b: "2" } }),
    );
    assert.equal(out.SourceKeyId, source.Arn);
    assert.equal(out.KeyId, destination.Arn);
    assert.equal(out.SourceEncryptionAlgorithm, "SYMMETRIC_DEFAULT");
    assert.equal(out.DestinationEncryptionAlgorithm, "SYMMETRIC_DEFAULT");
    assert.equal(out.SourceKeyMaterialId, source.CurrentKeyMaterialId);
    assert.equal(out.DestinationKeyMaterialId, destination.CurrentKeyMaterialId);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { b: "2" } }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), "move me");
    assert.equal(dec.KeyId, destination.Arn);
    await refusal(kms, () => kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: destination.KeyId })), "InvalidCiphertextException");
    await refusal(
      kms,
      () => kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { a: "1" }, SourceKeyId: destination.KeyId, DestinationKeyId: destination.KeyId })),
      "IncorrectKeyException",
    );
  });
});

describe("KMS RSA encryption", () => {
  it("is standard RSAES-OAEP: GetPublicKey's SPKI encrypts locally for Decrypt, and KMS's ciphertext has the modulus size", async () => {
    const kms = client();
    const key = await createKey(kms, { KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    assert.deepEqual(pub.EncryptionAlgorithms, ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
    assert.equal(pub.KeyUsage, "ENCRYPT_DECRYPT");
    const spki = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: "der", type: "spki" });
    for (const [alg, hash] of [["RSAES_OAEP_SHA_1", "sha1"], ["RSAES_OAEP_SHA_256", "sha256"]] as const) {
      const local = publicEncrypt({ key: spki, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, bytes("outside"));
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: local, KeyId: key.KeyId, EncryptionAlgorithm: alg }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), "outside");
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("inside"), EncryptionAlgorithm: alg }));
      assert.equal(enc.CiphertextBlob!.length, 256);
      const round = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: key.KeyId, EncryptionAlgorithm: alg }));
      assert.equal(Buffer.from(round.Plaintext!).toString(), "inside");
    }
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: randomBytes(191), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })), "ValidationException", {
      message: "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.",
    });
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: randomBytes(214), EncryptionAlgorithm: "RSAES_OAEP_SHA_1" }));
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") })), "InvalidKeyUsageException", {
      message: "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    });
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 32 })), "InvalidKeyUsageException");
  });
});

describe("KMS data keys", () => {
  it("GenerateDataKey returns a plaintext that works for AES-GCM locally and a blob that decrypts to it", async () => {
    const kms = client();
    const key = await createKey(kms);
    for (const [input, size] of [[{ KeySpec: "AES_256" as const }, 32], [{ KeySpec: "AES_128" as const }, 16], [{ NumberOfBytes: 24 }, 24], [{ NumberOfBytes: 1024 }, 1024]] as const) {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, EncryptionContext: { app: "x" }, ...input }));
      assert.equal(out.Plaintext!.length, size);
      assert.equal(out.KeyId, key.Arn);
      assert.equal(out.KeyMaterialId, key.CurrentKeyMaterialId);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { app: "x" } }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), Buffer.from(out.Plaintext!));
    }
    const { Plaintext: dataKey } = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" }));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", dataKey!, iv);
    const body = Buffer.concat([cipher.update("local data"), cipher.final()]);
    const decipher = createDecipheriv("aes-256-gcm", dataKey!, iv);
    decipher.setAuthTag(cipher.getAuthTag());
    assert.equal(Buffer.concat([decipher.update(body), decipher.final()]).toString(), "local data");
    const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: "AES_128" }));
    assert.equal((without as { Plaintext?: unknown }).Plaintext, undefined);
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }))).Plaintext!.length, 16);
  });

  it("refuses both or neither of NumberOfBytes and KeySpec, and sizes out of range", async () => {
    const kms = client();
    const key = await createKey(kms);
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })), "ValidationException", { message: "Please specify either number of bytes or key spec." });
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256", NumberOfBytes: 32 })), "ValidationException");
    await refusal(kms, () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 1025 })), "ValidationException", {
      message: "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    });
  });

  it("GenerateDataKeyPair returns a matching PKCS#8 / SPKI pair whose private key the blob holds", async () => {
    const kms = client();
    const key = await createKey(kms);
    for (const spec of ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"] as const) {
      const out = await kms.send(new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: spec, EncryptionContext: { s: spec } }));
      assert.equal(out.KeyPairSpec, spec);
      assert.equal(out.KeyId, key.Arn);
      const priv = createPrivateKey({ key: Buffer.from(out.PrivateKeyPlaintext!), format: "der", type: "pkcs8" });
      const derived = createPublicKey(priv).export({ type: "spki", format: "der" });
      assert.deepEqual(derived, Buffer.from(out.PublicKey!));
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: { s: spec } }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), Buffer.from(out.PrivateKeyPlaintext!));
    }
    const without = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key.KeyId, KeyPairSpec: "RSA_2048" }));
    assert.equal((without as { PrivateKeyPlaintext?: unknown }).PrivateKeyPlaintext, undefined);
    const priv = createPrivateKey({ key: Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: without.PrivateKeyCiphertextBlob }))).Plaintext!), format: "der", type: "pkcs8" });
    const secret = publicEncrypt({ key: createPublicKey({ key: Buffer.from(without.PublicKey!), format: "der", type: "spki" }) }, bytes("pair"));
    assert.equal(privateDecrypt(priv, secret).toString(), "pair");
    await refusal(kms, () => kms.send(new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: "RSA_1024" as never })), "ValidationException", {
      message: /at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set/,
    });
  });

  it("GenerateRandom returns the bytes asked for, 1 to 1024", async () => {
    const kms = client();
    for (const n of [1, 32, 1024]) assert.equal((await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }))).Plaintext!.length, n);
    await refusal(kms, () => kms.send(new GenerateRandomCommand({})), "ValidationException", { message: "NumberOfBytes is required." });
    await refusal(kms, () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })), "ValidationException", {
      message: "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    });
  });
});
