import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UpdatePrimaryRegionCommand,
  VerifyCommand,
} from "@aws-sdk/client-kms";
import { useServer } from "../harness.js";
import { ageKey, bytes, createKey, DAY, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

describe("KMS multi-Region keys", () => {
  it("replicates a primary: same id, own policy and tags, shared material both ways", async () => {
    const east = client("us-east-1");
    const west = client("us-west-2");
    const key = await createKey(east, { MultiRegion: true, Description: "primary", Tags: [{ TagKey: "p", TagValue: "1" }] });
    assert.deepEqual(key.MultiRegionConfiguration, { MultiRegionKeyType: "PRIMARY", PrimaryKey: { Arn: key.Arn, Region: "us-east-1" }, ReplicaKeys: [] });
    const out = await east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "us-west-2", Tags: [{ TagKey: "r", TagValue: "2" }] }));
    const replicaArn = `arn:aws:kms:us-west-2:000000000000:key/${key.KeyId}`;
    const meta = out.ReplicaKeyMetadata!;
    assert.equal(meta.KeyId, key.KeyId);
    assert.equal(meta.Arn, replicaArn);
    assert.equal(meta.KeyState, "Creating");
    assert.equal(meta.Enabled, false);
    assert.equal(meta.Description, "");
    assert.equal(meta.MultiRegionConfiguration!.MultiRegionKeyType, "REPLICA");
    assert.deepEqual(meta.MultiRegionConfiguration!.PrimaryKey, { Arn: key.Arn, Region: "us-east-1" });
    assert.deepEqual(meta.MultiRegionConfiguration!.ReplicaKeys, [{ Arn: replicaArn, Region: "us-west-2" }]);
    assert.deepEqual(JSON.parse(out.ReplicaPolicy!).Statement[0].Principal, { AWS: "arn:aws:iam::000000000000:root" });
    assert.deepEqual(out.ReplicaTags, [{ TagKey: "r", TagValue: "2" }]);
    const replica = (await west.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(replica.KeyState, "Enabled");
    assert.equal(replica.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
    const primary = (await east.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.deepEqual(primary.MultiRegionConfiguration!.ReplicaKeys, [{ Arn: replicaArn, Region: "us-west-2" }]);
    assert.deepEqual((await west.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags, [{ TagKey: "r", TagValue: "2" }]);
    assert.ok((await west.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy);
    // A blob of one region decrypts in the other, and names that region's key.
    const fromEast = (await east.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("east"), EncryptionContext: { c: "1" } }))).CiphertextBlob!;
    const decWest = await west.send(new DecryptCommand({ CiphertextBlob: fromEast, EncryptionContext: { c: "1" } }));
    assert.equal(Buffer.from(decWest.Plaintext!).toString(), "east");
    assert.equal(decWest.KeyId, replicaArn);
    const fromWest = (await west.send(new EncryptCommand({ KeyId: replicaArn, Plaintext: bytes("west") }))).CiphertextBlob!;
    assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: fromWest }))).Plaintext!).toString(), "west");
    // Rotation is set on the primary and shared.
    await east.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    assert.equal((await west.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, true);
    await refusal(west, () => west.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), "UnsupportedOperationException", { message: `${replicaArn} is not a multi-region primary key.` });
    await east.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const rotated = (await west.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.notEqual(rotated.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
    assert.equal(Buffer.from((await west.send(new DecryptCommand({ CiphertextBlob: fromEast, EncryptionContext: { c: "1" } }))).Plaintext!).toString(), "east");
  });

  it("replicates asymmetric keys: a signature of one region verifies in the other", async () => {
    const east = client("us-east-1");
    const eu = client("eu-west-1");
    const key = await createKey(east, { MultiRegion: true, KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await east.send(new ReplicateKeyCommand({ KeyId: key.Arn, ReplicaRegion: "eu-west-1" }));
    const sig = await east.send(new SignCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256" }));
    const ok = await eu.send(new VerifyCommand({ KeyId: key.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256", Signature: sig.Signature }));
    assert.equal(ok.SignatureValid, true);
  });

  it("moves the primary with UpdatePrimaryRegion", async () => {
    const east = client("us-east-1");
    const west = client("us-west-1");
    const key = await createKey(east, { MultiRegion: true });
    await east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "us-west-1" }));
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: "us-west-1" }));
    const westArn = `arn:aws:kms:us-west-1:000000000000:key/${key.KeyId}`;
    const now = (await west.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.MultiRegionConfiguration!;
    assert.equal(now.MultiRegionKeyType, "PRIMARY");
    assert.deepEqual(now.PrimaryKey, { Arn: westArn, Region: "us-west-1" });
    assert.deepEqual(now.ReplicaKeys, [{ Arn: key.Arn, Region: "us-east-1" }]);
    const old = (await east.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.MultiRegionConfiguration!;
    assert.equal(old.MultiRegionKeyType, "REPLICA");
    assert.deepEqual(old.PrimaryKey, { Arn: westArn, Region: "us-west-1" });
    await refusal(east, () => east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "eu-north-1" })), "UnsupportedOperationException", {
      message: `${key.Arn} is not a multi-region primary key.`,
    });
    await west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "eu-north-1" }));
    const three = (await west.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.MultiRegionConfiguration!;
    assert.deepEqual(three.ReplicaKeys!.map((r) => r.Region), ["us-east-1", "eu-north-1"]);
  });

  it("refuses single-Region keys, existing replicas, the own region and unknown replica regions", async () => {
    const east = client("us-east-1");
    const single = await createKey(east);
    await refusal(east, () => east.send(new ReplicateKeyCommand({ KeyId: single.KeyId, ReplicaRegion: "us-west-2" })), "UnsupportedOperationException", { keyId: single.KeyId });
    await refusal(east, () => east.send(new UpdatePrimaryRegionCommand({ KeyId: single.KeyId, PrimaryRegion: "us-west-2" })), "UnsupportedOperationException", { keyId: single.KeyId });
    const key = await createKey(east, { MultiRegion: true });
    await east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "ap-south-1" }));
    await refusal(east, () => east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "ap-south-1" })), "AlreadyExistsException", { keyId: key.KeyId });
    await refusal(east, () => east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "us-east-1" })), "ValidationException", { keyId: key.KeyId });
    await refusal(east, () => east.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: "Mars" })), "ValidationException", {
      message: /at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    });
    await refusal(east, () => east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: "sa-east-1" })), "NotFoundException", { keyId: key.KeyId });
    // A primary with replicas waits for them.
    const out = await east.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal(out.KeyState, "PendingReplicaDeletion");
    const south = client("ap-south-1");
    const replicaOut = await south.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal((await east.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "PendingReplicaDeletion");
    // Once the replica is gone, the primary's own 7 days start from the replica's deletion date.
    await ageKey(server, key.KeyId!, 8 * DAY);
    await refusal(south, () => south.send(new DescribeKeyCommand({ KeyId: key.KeyId })), "NotFoundException");
    const primary = (await east.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(primary.KeyState, "PendingDeletion");
    assert.equal(primary.DeletionDate!.getTime(), replicaOut.DeletionDate!.getTime() - 8 * DAY + 7 * DAY);
    assert.deepEqual(primary.MultiRegionConfiguration!.ReplicaKeys, []);
    await ageKey(server, key.KeyId!, 7 * DAY);
    await refusal(east, () => east.send(new DescribeKeyCommand({ KeyId: key.KeyId })), "NotFoundException");
  });
});
