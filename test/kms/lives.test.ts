/**
 * Terraform-like lives through boto3 and the AWS CLI: aws_kms_key (create with policy, rotation
 * and tags; read as Terraform reads; update each attribute; schedule deletion) and aws_kms_alias.
 * The boto3 script also checks its cryptographic results with Python's `cryptography`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";

const server = useServer();

describe("aws_kms_key and aws_kms_alias lives through boto3", { skip: boto3Missing }, () => {
  it("creates, reads as Terraform does, updates every attribute, and destroys", async () => {
    const out = await boto3(
      server().endpoint,
      `
import json, os, base64, boto3
from botocore.exceptions import ClientError
kms = boto3.client("kms", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1").create_user(UserName="app")
res = {}
policy = json.dumps({"Version": "2012-10-17", "Id": "tf", "Statement": [
  {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"}]})
key = kms.create_key(Policy=policy, Description="tf key", Tags=[{"TagKey": "env", "TagValue": "dev"}])["KeyMetadata"]
kid = key["KeyId"]
kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=180)
# Terraform's Read
def read():
  meta = kms.describe_key(KeyId=kid)["KeyMetadata"]
  pol = kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
  rot = kms.get_key_rotation_status(KeyId=kid)
  tags = kms.list_resource_tags(KeyId=kid)["Tags"]
  return {"state": meta["KeyState"], "description": meta["Description"], "enabled": meta["Enabled"],
          "policy": json.loads(pol), "rotation": rot["KeyRotationEnabled"], "period": rot.get("RotationPeriodInDays"), "tags": tags}
res["created"] = read()
# Updates, one attribute at a time
kms.update_key_description(KeyId=kid, Description="new description")
kms.disable_key(KeyId=kid)
kms.enable_key(KeyId=kid)
kms.disable_key_rotation(KeyId=kid)
new_policy = json.dumps({"Version": "2012-10-17", "Statement": [
  {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/app"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]})
kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=new_policy)
kms.untag_resource(KeyId=kid, TagKeys=["env"])
kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "team", "TagValue": "core"}])
res["updated"] = read()
# aws_kms_alias: create, read through every ListAliases page, update, delete
kms.create_alias(AliasName="alias/tf-alias", TargetKeyId=kid)
other = kms.create_key()["KeyMetadata"]["KeyId"]
def find_alias():
  for page in kms.get_paginator("list_aliases").paginate():
    for a in page["Aliases"]:
      if a["AliasName"] == "alias/tf-alias": return a
res["alias"] = find_alias()["TargetKeyId"] == kid
kms.update_alias(AliasName="alias/tf-alias", TargetKeyId=other)
res["alias_updated"] = find_alias()["TargetKeyId"] == other
res["alias_data_source"] = kms.describe_key(KeyId="alias/tf-alias")["KeyMetadata"]["KeyId"] == other
res["predefined"] = any(a["AliasName"] == "alias/aws/s3" and "TargetKeyId" not in a for p in kms.get_paginator("list_aliases").paginate() for a in p["Aliases"])
kms.delete_alias(AliasName="alias/tf-alias")
res["alias_gone"] = find_alias() is None
# Crypto, checked with cryptography
blob = kms.encrypt(KeyId=kid, Plaintext=b"boto3 data", EncryptionContext={"k": "v"})["CiphertextBlob"]
res["decrypted"] = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"})["Plaintext"].decode()
try:
  kms.decrypt(CiphertextBlob=blob)
  res["context_error"] = None
except ClientError as e:
  res["context_error"] = e.response["Error"]["Code"]
signer = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
sig = kms.sign(KeyId=signer, Message=b"verify me", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
from cryptography.hazmat.primitives.serialization import load_der_public_key
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
pub = load_der_public_key(kms.get_public_key(KeyId=signer)["PublicKey"])
pub.verify(sig, b"verify me", ec.ECDSA(hashes.SHA384()))
rsa_signer = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
rsa_pub = load_der_public_key(kms.get_public_key(KeyId=rsa_signer)["PublicKey"])
pss = kms.sign(KeyId=rsa_signer, Message=b"pss", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
rsa_pub.verify(pss, b"pss", padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
res["signatures_verified"] = True
dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
res["aesgcm"] = AESGCM(dk["Plaintext"]).decrypt(b"0" * 12, AESGCM(dk["Plaintext"]).encrypt(b"0" * 12, b"local", None), None).decode()
# Terraform's destroy: ScheduleKeyDeletion, then DescribeKey until PendingDeletion
out = kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
res["deletion"] = [out["KeyState"], out["PendingWindowInDays"], out["KeyId"].endswith(kid)]
res["after"] = kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"]
try:
  kms.schedule_key_deletion(KeyId=kid)
except ClientError as e:
  res["again"] = [e.response["Error"]["Code"], "is pending deletion" in e.response["Error"]["Message"]]
print(json.dumps(res))
`,
    );
    assert.deepEqual(out.created.tags, [{ TagKey: "env", TagValue: "dev" }]);
    assert.equal(out.created.state, "Enabled");
    assert.equal(out.created.rotation, true);
    assert.equal(out.created.period, 180);
    assert.equal(out.created.policy.Id, "tf");
    assert.equal(out.updated.description, "new description");
    assert.equal(out.updated.enabled, true);
    assert.equal(out.updated.rotation, false);
    assert.equal(out.updated.policy.Statement.length, 2);
    assert.deepEqual(out.updated.tags, [{ TagKey: "team", TagValue: "core" }]);
    assert.equal(out.alias, true);
    assert.equal(out.alias_updated, true);
    assert.equal(out.alias_data_source, true);
    assert.equal(out.predefined, true);
    assert.equal(out.alias_gone, true);
    assert.equal(out.decrypted, "boto3 data");
    assert.equal(out.context_error, "InvalidCiphertextException");
    assert.equal(out.signatures_verified, true);
    assert.equal(out.aesgcm, "local");
    assert.deepEqual(out.deletion, ["PendingDeletion", 7, true]);
    assert.equal(out.after, "PendingDeletion");
    assert.deepEqual(out.again, ["KMSInvalidStateException", true]);
  });
});

describe("aws_kms_key life through the AWS CLI", { skip: awsCliMissing }, () => {
  it("creates with tags, rotates, reads, encrypts with fileb://, and schedules deletion", async () => {
    const endpoint = server().endpoint;
    const created = await aws(endpoint, "kms", "create-key", "--description", "cli key", "--tags", "TagKey=app,TagValue=cli");
    assert.equal(created.code, 0, created.stderr);
    const keyId = created.json().KeyMetadata.KeyId;
    assert.equal((await aws(endpoint, "kms", "enable-key-rotation", "--key-id", keyId)).code, 0);
    const rotation = (await aws(endpoint, "kms", "get-key-rotation-status", "--key-id", keyId)).json();
    assert.equal(rotation.KeyRotationEnabled, true);
    assert.equal(rotation.RotationPeriodInDays, 365);
    const policy = JSON.parse((await aws(endpoint, "kms", "get-key-policy", "--key-id", keyId, "--policy-name", "default", "--query", "Policy", "--output", "text")).stdout);
    assert.equal(policy.Id, "key-default-1");
    assert.deepEqual((await aws(endpoint, "kms", "list-resource-tags", "--key-id", keyId)).json().Tags, [{ TagKey: "app", TagValue: "cli" }]);
    assert.equal((await aws(endpoint, "kms", "create-alias", "--alias-name", "alias/cli", "--target-key-id", keyId)).code, 0);
    // fileb:// passes raw bytes the same way in AWS CLI v1 and v2.
    const dir = mkdtempSync(join(tmpdir(), "nubis-kms-cli-"));
    writeFileSync(join(dir, "plain"), "cli secret");
    const enc = await aws(endpoint, "kms", "encrypt", "--key-id", "alias/cli", "--plaintext", `fileb://${join(dir, "plain")}`);
    assert.equal(enc.code, 0, enc.stderr);
    const file = join(dir, "blob");
    writeFileSync(file, Buffer.from(enc.json().CiphertextBlob, "base64"));
    const dec = await aws(endpoint, "kms", "decrypt", "--ciphertext-blob", `fileb://${file}`);
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(Buffer.from(dec.json().Plaintext, "base64").toString(), "cli secret");
    const random = await aws(endpoint, "kms", "generate-random", "--number-of-bytes", "16");
    assert.equal(Buffer.from(random.json().Plaintext, "base64").length, 16);
    const failed = await aws(endpoint, "kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "3");
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /ValidationException/);
    const scheduled = await aws(endpoint, "kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
    assert.equal(scheduled.json().KeyState, "PendingDeletion");
    assert.equal((await aws(endpoint, "kms", "describe-key", "--key-id", keyId)).json().KeyMetadata.KeyState, "PendingDeletion");
    const cancelled = await aws(endpoint, "kms", "cancel-key-deletion", "--key-id", keyId);
    assert.equal(cancelled.code, 0);
    assert.equal((await aws(endpoint, "kms", "describe-key", "--key-id", keyId)).json().KeyMetadata.KeyState, "Disabled");
    rmSync(dir, { recursive: true, force: true });
  });
});
