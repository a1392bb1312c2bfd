import assert from "node:assert/strict";
import { constants, createCipheriv, createHmac, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, verify } from "node:crypto";
import { describe, it } from "node:test";
import {
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  type KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  SignCommand,
  ScheduleKeyDeletionCommand,
  CancelKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { failure, useServer } from "../harness.js";
import { ageKey, bytes, createKey, DAY, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const never = { ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" as const };

/** Wraps material with the public key of GetParametersForImport, as a client does. */
async function wrapFor(kms: KMSClient, keyId: string, material: Buffer, algorithm: "RSAES_OAEP_SHA_256" | "RSAES_OAEP_SHA_1" | "RSA_AES_KEY_WRAP_SHA_256" = "RSAES_OAEP_SHA_256") {
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: "RSA_2048" }));
  const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: "der", type: "spki" });
  const oaep = (data: Buffer, hash: string) => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
  let wrapped: Buffer;
  if (algorithm === "RSA_AES_KEY_WRAP_SHA_256") {
    const aes = randomBytes(32);
    const kw = createCipheriv("id-aes256-wrap-pad", aes, Buffer.from("a65959a6", "hex"));
    wrapped = Buffer.concat([oaep(aes, "sha256"), kw.update(material), kw.final()]);
  } else wrapped = oaep(material, algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");
  return { params, wrapped };
}

async function importInto(kms: KMSClient, keyId: string, material: Buffer, extra: object = never, algorithm?: Parameters<typeof wrapFor>[3]) {
  const { params, wrapped } = await wrapFor(kms, keyId, material, algorithm);
  return kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ...extra }));
}

describe("KMS key material import", () => {
  it("GetParametersForImport gives a real RSA wrapping key valid 24 hours", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    const before = Date.now();
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_3072" }));
    assert.equal(params.KeyId, key.Arn);
    const pub = createPublicKey({ key: Buffer.from(params.PublicKey!), format: "der", type: "spki" });
    assert.equal(pub.asymmetricKeyDetails!.modulusLength, 3072);
    const validTo = params.ParametersValidTo!.getTime();
    assert.ok(validTo >= before + DAY - 2000 && validTo <= Date.now() + DAY + 2000);
    const aws = await createKey(kms);
    await refusal(kms, () => kms.send(new GetParametersForImportCommand({ KeyId: aws.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" })), "UnsupportedOperationException", {
      message: `${aws.Arn} origin is AWS_KMS which is not valid for this operation.`,
    });
  });

  it("imports symmetric material: the key works, old ciphertexts survive delete and re-import of the same bytes", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    assert.equal(key.CurrentKeyMaterialId, undefined);
    const material = randomBytes(32);
    const validTo = new Date(Date.now() + 30 * DAY);
    const out = await importInto(kms, key.KeyId!, material, { ValidTo: validTo }, "RSAES_OAEP_SHA_1");
    assert.equal(out.KeyId, key.Arn);
    assert.match(out.KeyMaterialId!, /^[0-9a-f]{64}$/);
    let meta = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(meta.KeyState, "Enabled");
    assert.equal(meta.Enabled, true);
    assert.equal(meta.ExpirationModel, "KEY_MATERIAL_EXPIRES");
    assert.equal(meta.ValidTo!.getTime(), validTo.getTime());
    assert.equal(meta.CurrentKeyMaterialId, out.KeyMaterialId);
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("imported") }))).CiphertextBlob!;
    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    assert.equal(deleted.KeyMaterialId, out.KeyMaterialId);
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(meta.KeyState, "PendingImport");
    assert.equal(meta.ExpirationModel, undefined);
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: blob })), "KMSInvalidStateException", { message: `${key.Arn} is pending import.` });
    // Other material is not the key's material.
    await refusal(kms, () => importInto(kms, key.KeyId!, randomBytes(32)), "IncorrectKeyMaterialException", { keyId: key.KeyId });
    await importInto(kms, key.KeyId!, material);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), "imported");
  });

  it("expires imported material at ValidTo (derived at read time)", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    await importInto(kms, key.KeyId!, randomBytes(32), { ValidTo: new Date(Date.now() + 2 * DAY) });
    await ageKey(server, key.KeyId!, 3 * DAY);
    const meta = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(meta.KeyState, "PendingImport");
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") })), "KMSInvalidStateException");
  });

  it("imports new material pending rotation, made current by RotateKeyOnDemand", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    const first = await importInto(kms, key.KeyId!, randomBytes(32));
    await refusal(kms, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), "KMSInvalidStateException", {
      message: `No available key material pending rotation for the key: ${key.Arn}.`,
    });
    const old = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("one") }))).CiphertextBlob!;
    const second = await importInto(kms, key.KeyId!, randomBytes(32), { ...never, ImportType: "NEW_KEY_MATERIAL" });
    const third = await failure(importInto(kms, key.KeyId!, randomBytes(32), { ...never, ImportType: "NEW_KEY_MATERIAL" }));
    assert.equal(third.name, "KMSInvalidStateException");
    assert.match(third.message, new RegExp(`because another key material \\(id: ${second.KeyMaterialId}\\) is pending rotation\\.$`));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId, first.KeyMaterialId);
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId, second.KeyMaterialId);
    const all = (await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL" }))).Rotations!;
    assert.deepEqual(all.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState]), [
      [first.KeyMaterialId, "NON_CURRENT", "IMPORTED"],
      [second.KeyMaterialId, "CURRENT", "IMPORTED"],
    ]);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: old }))).Plaintext!).toString(), "one");
  });

  it("imports an RSA key pair (RSA_AES_KEY_WRAP): KMS ciphertext decrypts locally, GetPublicKey is the imported key", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL", KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await importInto(kms, key.KeyId!, pair.privateKey.export({ type: "pkcs8", format: "der" }), never, "RSA_AES_KEY_WRAP_SHA_256");
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    assert.deepEqual(Buffer.from(pub.PublicKey!), pair.publicKey.export({ type: "spki", format: "der" }));
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("to local"), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }));
    const local = privateDecrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, enc.CiphertextBlob!);
    assert.equal(local.toString(), "to local");
  });

  it("imports ECC and HMAC material: signatures and MACs match the caller's copy", async () => {
    const kms = client();
    const ecc = await createKey(kms, { Origin: "EXTERNAL", KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    await importInto(kms, ecc.KeyId!, pair.privateKey.export({ type: "pkcs8", format: "der" }), never, "RSA_AES_KEY_WRAP_SHA_256");
    const sig = await kms.send(new SignCommand({ KeyId: ecc.KeyId, Message: bytes("signed"), SigningAlgorithm: "ECDSA_SHA_256" }));
    assert.ok(verify("sha256", bytes("signed"), { key: pair.publicKey, dsaEncoding: "der" }, sig.Signature!));
    const hmacKey = await createKey(kms, { Origin: "EXTERNAL", KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    const secret = randomBytes(32);
    await importInto(kms, hmacKey.KeyId!, secret);
    const mac = await kms.send(new GenerateMacCommand({ KeyId: hmacKey.KeyId, Message: bytes("mac"), MacAlgorithm: "HMAC_SHA_256" }));
    assert.deepEqual(Buffer.from(mac.Mac!), createHmac("sha256", secret).update("mac").digest());
    // A key pair of another curve is not this key's material.
    const other = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const wrongKey = await createKey(kms, { Origin: "EXTERNAL", KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => importInto(kms, wrongKey.KeyId!, other.privateKey.export({ type: "pkcs8", format: "der" }), never, "RSA_AES_KEY_WRAP_SHA_256"), "IncorrectKeyMaterialException", {
      keyId: wrongKey.KeyId,
    });
  });

  it("refuses bad tokens, bad wrapping, missing ValidTo, and non-EXTERNAL keys, changing nothing", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    const other = await createKey(kms, { Origin: "EXTERNAL" });
    const { params, wrapped } = await wrapFor(kms, key.KeyId!, randomBytes(32));
    await refusal(kms, () => kms.send(new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped })), "ValidationException", {
      message: "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new ImportKeyMaterialCommand({ KeyId: other.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ...never })), "InvalidImportTokenException", {
      keyId: other.KeyId,
    });
    await refusal(kms, () => kms.send(new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: randomBytes(64), EncryptedKeyMaterial: wrapped, ...never })), "InvalidImportTokenException", {
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: randomBytes(256), ...never })), "InvalidCiphertextException", {
      keyId: key.KeyId,
    });
    const wrongSize = await wrapFor(kms, key.KeyId!, randomBytes(16));
    await refusal(kms, () => kms.send(new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: wrongSize.params.ImportToken, EncryptedKeyMaterial: wrongSize.wrapped, ...never })), "IncorrectKeyMaterialException", {
      keyId: key.KeyId,
    });
    const aws = await createKey(kms);
    await refusal(kms, () => kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: aws.KeyId })), "UnsupportedOperationException", { keyId: aws.KeyId });
    await refusal(kms, () => kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: "RSAES_PKCS1_V1_5", WrappingKeySpec: "RSA_2048" })), "ValidationException");
  });

  it("keeps a key pending deletion in that state when its material is deleted", async () => {
    const kms = client();
    const key = await createKey(kms, { Origin: "EXTERNAL" });
    await importInto(kms, key.KeyId!, randomBytes(32));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "PendingDeletion");
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "PendingImport");
  });
});

