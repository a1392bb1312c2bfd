/**
 * A real client nobody here wrote: the AWS Encryption SDK for JavaScript encrypts and decrypts
 * through nubis's KMS (GenerateDataKey, Encrypt, Decrypt), with an encryption context, several
 * keys, and a multi-Region key decrypted in another region through the MRK-aware keyring.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildAwsKmsMrkAwareStrictMultiKeyringNode,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
} from "@aws-crypto/client-node";
import { KMS, ReplicateKeyCommand } from "@aws-sdk/client-kms";
import { clientConfig, useServer } from "../harness.js";
import { createKey, kmsClient } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** The keyring's KMS clients, pointed at nubis, one per region the key ARNs name. */
const clientProvider = (region: string) => new KMS(clientConfig(server().endpoint, region));

describe("AWS Encryption SDK through nubis KMS", () => {
  it("encrypts and decrypts with a KMS keyring, an encryption context and two keys", async () => {
    const kms = client();
    const generator = await createKey(kms);
    const second = await createKey(kms);
    const keyring = new KmsKeyringNode({ generatorKeyId: generator.Arn, keyIds: [second.Arn!], clientProvider });
    const context = { stage: "test", purpose: "nubis" };
    const { result, messageHeader } = await encrypt(keyring, "hello, Encryption SDK", { encryptionContext: context });
    assert.equal(messageHeader.encryptedDataKeys.length, 2);
    assert.deepEqual(
      messageHeader.encryptedDataKeys.map((k) => k.providerInfo),
      [generator.Arn, second.Arn],
    );
    const out = await decrypt(keyring, result);
    assert.equal(out.plaintext.toString(), "hello, Encryption SDK");
    assert.equal(out.messageHeader.encryptionContext.stage, "test");
    assert.equal(out.messageHeader.encryptionContext.purpose, "nubis");
    // Each key alone decrypts the message.
    for (const arn of [generator.Arn!, second.Arn!]) {
      const alone = await decrypt(new KmsKeyringNode({ keyIds: [arn], clientProvider }), result);
      assert.equal(alone.plaintext.toString(), "hello, Encryption SDK");
    }
  });

  it("refuses to decrypt with a keyring whose key did not encrypt the message", async () => {
    const kms = client();
    const key = await createKey(kms);
    const other = await createKey(kms);
    const { result } = await encrypt(new KmsKeyringNode({ generatorKeyId: key.Arn, clientProvider }), "secret");
    await assert.rejects(decrypt(new KmsKeyringNode({ keyIds: [other.Arn!], clientProvider }), result));
  });

  it("decrypts a message made with a multi-Region primary through its replica in another region", async () => {
    const east = client("us-east-1");
    const key = await createKey(east, { MultiRegion: true });
    await east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "eu-west-1" }));
    const replicaArn = key.Arn!.replace("us-east-1", "eu-west-1");
    const eastKeyring = buildAwsKmsMrkAwareStrictMultiKeyringNode({ generatorKeyId: key.Arn, clientProvider });
    const { result } = await encrypt(eastKeyring, "across regions", { encryptionContext: { region: "us-east-1" } });
    const westKeyring = buildAwsKmsMrkAwareStrictMultiKeyringNode({ keyIds: [replicaArn], clientProvider });
    const out = await decrypt(westKeyring, result);
    assert.equal(out.plaintext.toString(), "across regions");
    assert.equal(out.messageHeader.encryptionContext.region, "us-east-1");
  });
});
