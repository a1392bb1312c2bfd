/**
 * --auth iam: key policies are resource-based policies evaluated with identity policies (the
 * account-root statement delegates to IAM), and grants allow on their own.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IAMClient } from "@aws-sdk/client-iam";
import { CreateGrantCommand, CreateKeyCommand, ListGrantsCommand, RetireGrantCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { clientConfig, failure, useServer } from "../harness.js";
import { policy, ROOT, unique, userWithKey, type Creds } from "../auth/helpers.js";
import { bytes } from "./fixtures.js";

const server = useServer({ auth: "iam" });
const ACCOUNT = "000000000000";
const iam = () => new IAMClient(clientConfig(server().endpoint, "us-east-1", ROOT));
const kms = (creds: Creds = ROOT) => new KMSClient(clientConfig(server().endpoint, "us-east-1", creds));
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

const allowAll = { Effect: "Allow", Action: "kms:*", Resource: "*" };
const rootStatement = { Sid: "root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };

async function user(document?: string) {
  const name = unique("kmsuser");
  return { name, creds: await userWithKey(iam(), name, document) };
}

async function keyWithPolicy(...statements: object[]) {
  return (await kms().send(new CreateKeyCommand({ Policy: policy(...statements), BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!;
}

async function deniedBy(call: Promise<unknown>, name: string, action: string, arn: string, layer: string) {
  const error = await failure(call);
  assert.equal(error.name, "AccessDeniedException", error.message);
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.equal(error.message, `User: ${userArn(name)} is not authorized to perform: ${action} on resource: ${arn} because no ${layer} allows the ${action} action`);
}

describe("KMS under --auth iam", () => {
  it("the default key policy delegates to IAM: an IAM allow is enough, no IAM policy is not", async () => {
    const key = (await kms().send(new CreateKeyCommand({}))).KeyMetadata!;
    const allowed = await user(policy(allowAll));
    const enc = await kms(allowed.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") }));
    assert.equal(enc.KeyId, key.Arn);
    const none = await user();
    await deniedBy(kms(none.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") })), none.name, "kms:Encrypt", key.Arn!, "identity-based policy");
  });

  it("a user allowed by IAM but not by the key policy is denied", async () => {
    const admin = await user();
    const key = await keyWithPolicy({ Effect: "Allow", Principal: { AWS: userArn(admin.name) }, Action: "kms:*", Resource: "*" });
    const iamOnly = await user(policy(allowAll));
    await deniedBy(kms(iamOnly.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") })), iamOnly.name, "kms:Encrypt", key.Arn!, "resource-based policy");
    await deniedBy(kms(iamOnly.creds).send(new DescribeKeyCommand({ KeyId: key.KeyId })), iamOnly.name, "kms:DescribeKey", key.Arn!, "resource-based policy");
    // The user the key policy names needs no IAM policy.
    await kms(admin.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") }));
  });

  it("a user named by the key policy but for one action only, and an explicit Deny in the key policy", async () => {
    const named = await user();
    const denied = await user(policy(allowAll));
    const key = await keyWithPolicy(
      rootStatement,
      { Effect: "Allow", Principal: { AWS: userArn(named.name) }, Action: ["kms:Encrypt", "kms:Decrypt"], Resource: "*" },
      { Effect: "Deny", Principal: { AWS: userArn(denied.name) }, Action: "kms:Decrypt", Resource: "*" },
    );
    const blob = (await kms(named.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("named") }))).CiphertextBlob!;
    assert.equal(Buffer.from((await kms(named.creds).send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), "named");
    // Not named for DescribeKey, and no IAM policy: the root statement delegates to nothing.
    await deniedBy(kms(named.creds).send(new DescribeKeyCommand({ KeyId: key.KeyId })), named.name, "kms:DescribeKey", key.Arn!, "identity-based policy");
    await kms(denied.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") }));
    const error = await failure(kms(denied.creds).send(new DecryptCommand({ CiphertextBlob: blob })));
    assert.equal(error.name, "AccessDeniedException");
    assert.match(error.message, /with an explicit deny in a resource-based policy$/);
  });

  it("a grant lets its grantee use the key for its operations only", async () => {
    const grantee = await user();
    const key = await keyWithPolicy(rootStatement);
    await kms().send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: userArn(grantee.name), Operations: ["Encrypt"], Constraints: { EncryptionContextSubset: { app: "a" } } }));
    const blob = (await kms(grantee.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("g"), EncryptionContext: { app: "a", more: "1" } }))).CiphertextBlob!;
    await deniedBy(kms(grantee.creds).send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("g"), EncryptionContext: { app: "b" } })), grantee.name, "kms:Encrypt", key.Arn!, "identity-based policy");
    await deniedBy(kms(grantee.creds).send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { app: "a", more: "1" } })), grantee.name, "kms:Decrypt", key.Arn!, "identity-based policy");
  });

  it("a grant's retiring principal retires it without any policy; others may not", async () => {
    const retirer = await user();
    const other = await user();
    const key = await keyWithPolicy(rootStatement);
    const grant = await kms().send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: userArn("nobody"), RetiringPrincipal: userArn(retirer.name), Operations: ["Encrypt"] }));
    await deniedBy(kms(other.creds).send(new RetireGrantCommand({ GrantToken: grant.GrantToken })), other.name, "kms:RetireGrant", key.Arn!, "identity-based policy");
    await kms(retirer.creds).send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: grant.GrantId }));
    assert.deepEqual((await kms().send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants, []);
  });

  it("the lockout check holds for a user: a policy without the caller is refused", async () => {
    const admin = await user(policy(allowAll));
    const key = (await kms(admin.creds).send(new CreateKeyCommand({}))).KeyMetadata!;
    const error = await failure(
      kms(admin.creds).send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy({ Effect: "Allow", Principal: { AWS: userArn("someone") }, Action: "kms:*", Resource: "*" }) })),
    );
    assert.equal(error.name, "MalformedPolicyDocumentException");
    // The account root statement lets the user's IAM policy keep the key manageable.
    await kms(admin.creds).send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy(rootStatement) }));
  });
});
