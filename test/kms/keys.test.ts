import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer({ quotas: { "kms.KeysPerRegion": 40 } });
const client = (region = "us-east-1", account?: string) =>
  new KMSClient(clientConfig(server().endpoint, region, account ? { accessKeyId: account, secretAccessKey: "x" } : undefined));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function newKey(kms = client(), input = {}) {
  return (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
}

const describeKey = async (keyId: string, kms = client()) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;

describe("KMS CreateKey", () => {
  it("creates a symmetric key with KMS's defaults", async () => {
    const before = Date.now();
    const key = await newKey();
    assert.match(key.KeyId!, UUID);
    assert.equal(key.Arn, `arn:aws:kms:us-east-1:000000000000:key/${key.KeyId}`);
    assert.equal(key.AWSAccountId, "000000000000");
    assert.equal(key.Enabled, true);
    assert.equal(key.KeyState, "Enabled");
    assert.equal(key.KeyManager, "CUSTOMER");
    assert.equal(key.KeyUsage, "ENCRYPT_DECRYPT");
    assert.equal(key.KeySpec, "SYMMETRIC_DEFAULT");
    assert.equal(key.CustomerMasterKeySpec, "SYMMETRIC_DEFAULT");
    assert.deepEqual(key.EncryptionAlgorithms, ["SYMMETRIC_DEFAULT"]);
    assert.equal(key.Origin, "AWS_KMS");
    assert.equal(key.Description, "");
    assert.equal(key.MultiRegion, false);
    assert.equal(key.DeletionDate, undefined);
    assert.ok(key.CreationDate!.getTime() >= before - 1000 && key.CreationDate!.getTime() <= Date.now() + 1000);
  });

  it("records asymmetric and HMAC specs with their usages and algorithms", async () => {
    const rsa = await newKey(client(), { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", Description: "signer" });
    assert.equal(rsa.KeySpec, "RSA_2048");
    assert.equal(rsa.KeyUsage, "SIGN_VERIFY");
    assert.equal(rsa.Description, "signer");
    assert.ok(rsa.SigningAlgorithms!.includes("RSASSA_PSS_SHA_256"));
    assert.equal(rsa.EncryptionAlgorithms, undefined);
    const rsaEncrypt = await newKey(client(), { KeySpec: "RSA_4096", KeyUsage: "ENCRYPT_DECRYPT" });
    assert.equal(rsaEncrypt.KeyUsage, "ENCRYPT_DECRYPT");
    assert.deepEqual(rsaEncrypt.EncryptionAlgorithms, ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
    const ecc = await newKey(client(), { KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" });
    assert.deepEqual(ecc.SigningAlgorithms, ["ECDSA_SHA_384"]);
    const hmac = await newKey(client(), { KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    assert.deepEqual(hmac.MacAlgorithms, ["HMAC_SHA_256"]);
    const legacy = await newKey(client(), { CustomerMasterKeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    assert.equal(legacy.KeySpec, "ECC_NIST_P256");
    assert.equal((await describeKey(legacy.KeyId!)).KeySpec, "ECC_NIST_P256");
  });

  it("gives multi-Region keys an mrk- id and a primary configuration", async () => {
    const key = await newKey(client(), { MultiRegion: true });
    assert.match(key.KeyId!, /^mrk-[0-9a-f]{32}$/);
    assert.equal(key.MultiRegion, true);
    assert.equal(key.MultiRegionConfiguration!.MultiRegionKeyType, "PRIMARY");
    assert.equal(key.MultiRegionConfiguration!.PrimaryKey!.Arn, key.Arn);
  });

  it("creates EXTERNAL keys pending import", async () => {
    const key = await newKey(client(), { Origin: "EXTERNAL" });
    assert.equal(key.KeyState, "PendingImport");
    assert.equal(key.Enabled, false);
    const error = await failure(client().send(new EnableKeyCommand({ KeyId: key.KeyId })));
    assert.equal(error.name, "KMSInvalidStateException");
    assert.equal(error.message, `${key.Arn} is pending import.`);
    assert.equal((await describeKey(key.KeyId!)).KeyState, "PendingImport");
  });

  const countKeys = async () => (await client().send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;

  for (const [label, input, code, message] of [
    ["an unknown KeySpec", { KeySpec: "AES_512" }, "ValidationException", /Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: \[/],
    ["an unknown KeyUsage", { KeyUsage: "SHRED" }, "ValidationException", /at 'keyUsage' failed to satisfy constraint/],
    ["a usage the spec does not allow", { KeySpec: "RSA_2048", KeyUsage: "KEY_AGREEMENT" }, "ValidationException", /^KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048$/],
    ["an asymmetric spec without a usage", { KeySpec: "ECC_NIST_P256" }, "ValidationException", /^You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys\.$/],
    ["an HMAC spec without a usage", { KeySpec: "HMAC_256" }, "ValidationException", /^You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys\.$/],
    ["an ML-DSA spec (no ML-DSA in Node.js 20's crypto)", { KeySpec: "ML_DSA_44", KeyUsage: "SIGN_VERIFY" }, "UnsupportedOperationException", /ML_DSA_44/],
    ["an SM2 spec outside China Regions", { KeySpec: "SM2", KeyUsage: "SIGN_VERIFY" }, "ValidationException", /SM2/],
    ["KeySpec with CustomerMasterKeySpec", { KeySpec: "RSA_2048", CustomerMasterKeySpec: "RSA_2048" }, "ValidationException", /cannot specify KeySpec and CustomerMasterKeySpec/],
    ["a description over 8192 characters", { Description: "d".repeat(8193) }, "ValidationException", /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192/],
    ["a policy that is not JSON", { Policy: "{not json" }, "MalformedPolicyDocumentException", /not syntactically valid JSON/],
    ["a policy over 32 KB", { Policy: JSON.stringify({ Version: "2012-10-17", Id: "x".repeat(33000) }) }, "LimitExceededException", /32768 bytes/],
    ["duplicate tag keys", { Tags: [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }] }, "TagException", /Duplicate/],
    ["a custom key store", { CustomKeyStoreId: "cks-1234567890abcdef0" }, "CustomKeyStoreNotFoundException", /cks-1234567890abcdef0/],
  ] as const) {
    it(`refuses ${label} with ${code} and creates nothing`, async () => {
      const before = await countKeys();
      const error = await failure(client().send(new CreateKeyCommand(input as never)));
      assert.equal(error.name, code);
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.message, message);
      assert.equal(await countKeys(), before);
    });
  }
});

describe("KMS DescribeKey", () => {
  it("finds a key by id, key ARN, alias name and alias ARN", async () => {
    const key = await newKey();
    const alias = `alias/describe-${key.KeyId!.slice(0, 8)}`;
    await client().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    for (const ref of [key.KeyId!, key.Arn!, alias, `arn:aws:kms:us-east-1:000000000000:${alias}`]) {
      assert.equal((await describeKey(ref)).KeyId, key.KeyId, ref);
    }
  });

  it("names an unknown key by its full ARN even when given a bare id", async () => {
    const id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const error = await failure(client().send(new DescribeKeyCommand({ KeyId: id })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, `Key 'arn:aws:kms:us-east-1:000000000000:key/${id}' does not exist`);
  });

  it("answers NotFoundException for an unknown alias and a malformed id", async () => {
    let error = await failure(client().send(new DescribeKeyCommand({ KeyId: "alias/nothing-here" })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.message, "Alias arn:aws:kms:us-east-1:000000000000:alias/nothing-here is not found.");
    error = await failure(client().send(new DescribeKeyCommand({ KeyId: "not a key" })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.message, "Invalid keyId 'not a key'");
  });

  it("keeps keys per account and per region", async () => {
    const key = await newKey(client("eu-west-1", "111111111111"));
    assert.equal(key.Arn, `arn:aws:kms:eu-west-1:111111111111:key/${key.KeyId}`);
    assert.equal(key.AWSAccountId, "111111111111");
    assert.equal((await describeKey(key.KeyId!, client("eu-west-1", "111111111111"))).KeyId, key.KeyId);
    for (const other of [client("us-east-1", "111111111111"), client("eu-west-1", "222222222222")]) {
      const error = await failure(other.send(new DescribeKeyCommand({ KeyId: key.KeyId })));
      assert.equal(error.name, "NotFoundException");
    }
    // Another region's ARN does not reach across regions either.
    const error = await failure(client("us-east-1", "111111111111").send(new DescribeKeyCommand({ KeyId: key.Arn })));
    assert.equal(error.name, "NotFoundException");
  });
});

describe("KMS ListKeys", () => {
  it("pages with Limit, Truncated and NextMarker, covering every key once", async () => {
    const kms = client("ap-south-1");
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await newKey(kms)).KeyId!);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: created[0], PendingWindowInDays: 7 }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      pages++;
      assert.ok(page.Keys!.length <= 2);
      for (const k of page.Keys!) {
        assert.equal(k.KeyArn, `arn:aws:kms:ap-south-1:000000000000:key/${k.KeyId}`);
        seen.push(k.KeyId!);
      }
      assert.equal(page.Truncated, page.NextMarker !== undefined);
      marker = page.NextMarker;
    } while (marker);
    assert.equal(pages, 3);
    // Keys pending deletion are listed too.
    assert.deepEqual([...seen].sort(), [...created].sort());
  });

  it("refuses a marker it did not issue with InvalidMarkerException", async () => {
    const error = await failure(client().send(new ListKeysCommand({ Marker: "bogus" })));
    assert.equal(error.name, "InvalidMarkerException");
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  it("refuses a Limit outside 1..1000 with ValidationException", async () => {
    const error = await failure(client().send(new ListKeysCommand({ Limit: 1001 })));
    assert.equal(error.name, "ValidationException");
    assert.match(error.message, /Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000/);
  });
});

describe("KMS EnableKey / DisableKey", () => {
  it("disables and enables idempotently", async () => {
    const key = await newKey();
    await client().send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await client().send(new DisableKeyCommand({ KeyId: key.Arn }));
    let meta = await describeKey(key.KeyId!);
    assert.equal(meta.KeyState, "Disabled");
    assert.equal(meta.Enabled, false);
    await client().send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await client().send(new EnableKeyCommand({ KeyId: key.KeyId }));
    meta = await describeKey(key.KeyId!);
    assert.equal(meta.KeyState, "Enabled");
    assert.equal(meta.Enabled, true);
  });

  it("answers NotFoundException for an unknown key", async () => {
    const error = await failure(client().send(new DisableKeyCommand({ KeyId: "0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10" })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.message, "Key 'arn:aws:kms:us-east-1:000000000000:key/0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10' does not exist");
  });

  it("refuses a key pending deletion with KMSInvalidStateException and leaves it unchanged", async () => {
    const key = await newKey();
    await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    for (const Command of [EnableKeyCommand, DisableKeyCommand]) {
      const error = await failure(client().send(new Command({ KeyId: key.KeyId })));
      assert.equal(error.name, "KMSInvalidStateException");
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.equal(error.message, `${key.Arn} is pending deletion.`);
    }
    assert.equal((await describeKey(key.KeyId!)).KeyState, "PendingDeletion");
  });
});

describe("KMS ScheduleKeyDeletion / CancelKeyDeletion", () => {
  it("schedules in 30 days by default and answers with the key ARN", async () => {
    const key = await newKey();
    const out = await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    assert.equal(out.KeyId, key.Arn);
    assert.equal(out.KeyState, "PendingDeletion");
    assert.equal(out.PendingWindowInDays, 30);
    const days = (out.DeletionDate!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, String(days));
    const meta = await describeKey(key.KeyId!);
    assert.equal(meta.KeyState, "PendingDeletion");
    assert.equal(meta.Enabled, false);
    assert.equal(meta.DeletionDate!.getTime(), out.DeletionDate!.getTime());
  });

  it("accepts 7 and 30 days and refuses 6 and 31 without changing the key", async () => {
    for (const days of [6, 31]) {
      const key = await newKey();
      const error = await failure(client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days })));
      assert.equal(error.name, "ValidationException");
      assert.equal(error.message, `PendingWindowInDays should be between 7 and 30, but it is ${days}`);
      assert.equal((await describeKey(key.KeyId!)).KeyState, "Enabled");
    }
    for (const days of [7, 30]) {
      const key = await newKey();
      const out = await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days }));
      assert.equal(out.PendingWindowInDays, days);
    }
  });

  it("refuses scheduling twice and keeps the first date", async () => {
    const key = await newKey();
    const first = await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const error = await failure(client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 20 })));
    assert.equal(error.name, "KMSInvalidStateException");
    assert.equal(error.message, `${key.Arn} is pending deletion.`);
    assert.equal((await describeKey(key.KeyId!)).DeletionDate!.getTime(), first.DeletionDate!.getTime());
  });

  it("cancels a deletion, leaving the key Disabled", async () => {
    const key = await newKey();
    await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    const out = await client().send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    assert.equal(out.KeyId, key.Arn);
    const meta = await describeKey(key.KeyId!);
    assert.equal(meta.KeyState, "Disabled");
    assert.equal(meta.Enabled, false);
    assert.equal(meta.DeletionDate, undefined);
    await client().send(new EnableKeyCommand({ KeyId: key.KeyId }));
    assert.equal((await describeKey(key.KeyId!)).KeyState, "Enabled");
  });

  it("refuses to cancel a key that is not pending deletion", async () => {
    const key = await newKey();
    const error = await failure(client().send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })));
    assert.equal(error.name, "KMSInvalidStateException");
    assert.equal(error.message, `${key.Arn} is not pending deletion.`);
    assert.equal((await describeKey(key.KeyId!)).KeyState, "Enabled");
  });

  it("takes a key id or key ARN only, not an alias", async () => {
    const key = await newKey();
    const alias = `alias/sched-${key.KeyId!.slice(0, 8)}`;
    await client().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    const error = await failure(client().send(new ScheduleKeyDeletionCommand({ KeyId: alias })));
    assert.equal(error.name, "NotFoundException");
    assert.equal((await describeKey(key.KeyId!)).KeyState, "Enabled");
  });
});

describe("KMS quotas", () => {
  it("refuses keys past KeysPerRegion with LimitExceededException, per region", async () => {
    const kms = client("sa-east-1", "333333333333");
    for (let i = 0; i < 40; i++) await newKey(kms);
    const error = await failure(kms.send(new CreateKeyCommand({})));
    assert.equal(error.name, "LimitExceededException");
    assert.equal((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length, 40);
    await newKey(client("sa-east-1", "444444444444"));
  });
});
