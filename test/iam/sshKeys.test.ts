import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateUserCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  GetSSHPublicKeyCommand,
  type IAMClient,
  ListSSHPublicKeysCommand,
  UpdateSSHPublicKeyCommand,
  UpdateUserCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { sshKey } from "./credentialFixtures.js";
import { expectError, iamClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function user() {
  const name = unique("coder");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const keys = async (userName: string) => (await iam().send(new ListSSHPublicKeysCommand({ UserName: userName }))).SSHPublicKeys!;

const key = sshKey();

describe("SSH public keys", () => {
  it("uploads an OpenSSH key: APKA id, ssh-keygen's MD5 fingerprint, Active, the body as sent", async () => {
    const name = await user();
    const { SSHPublicKey } = await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: key.pub }));
    assert.match(SSHPublicKey!.SSHPublicKeyId!, /^APKA[A-Z2-7]{17}$/);
    assert.equal(SSHPublicKey!.Fingerprint, key.md5);
    assert.equal(SSHPublicKey!.SSHPublicKeyBody, key.pub);
    assert.equal(SSHPublicKey!.Status, "Active");
    assert.equal(SSHPublicKey!.UserName, name);
    assert.deepEqual(await keys(name), [{ UserName: name, SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Status: "Active", UploadDate: SSHPublicKey!.UploadDate }]);

    const ssh = (await iam().send(new GetSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: "SSH" }))).SSHPublicKey!;
    assert.deepEqual(ssh, SSHPublicKey);
    const pem = (await iam().send(new GetSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: "PEM" }))).SSHPublicKey!;
    assert.match(pem.SSHPublicKeyBody!, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(pem.Fingerprint, key.md5);
  });

  it("accepts a PEM public key, with the same fingerprint as its OpenSSH form", async () => {
    const name = await user();
    const other = sshKey();
    const { SSHPublicKey } = await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: other.pem() }));
    assert.equal(SSHPublicKey!.Fingerprint, other.md5);
    const ssh = (await iam().send(new GetSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: "SSH" }))).SSHPublicKey!;
    assert.equal(ssh.SSHPublicKeyBody, other.pub.split(" ").slice(0, 2).join(" "));
  });

  it("deactivates and deletes a key; an unknown id is NoSuchEntity (404)", async () => {
    const name = await user();
    const id = (await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: key.pub }))).SSHPublicKey!.SSHPublicKeyId!;
    await iam().send(new UpdateSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: id, Status: "Inactive" }));
    assert.equal((await keys(name))[0].Status, "Inactive");
    const ghost = "APKAAAAAAAAAAAAAAAAAA";
    await expectError(iam().send(new UpdateSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: ghost, Status: "Active" })), "NoSuchEntity", 404, `The Public Key with id ${ghost} cannot be found.`);
    await expectError(iam().send(new DeleteSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: ghost })), "NoSuchEntity", 404);
    await expectError(iam().send(new GetSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: ghost, Encoding: "SSH" })), "NoSuchEntity", 404);
    assert.equal((await keys(name)).length, 1);
    await iam().send(new DeleteSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: id }));
    assert.deepEqual(await keys(name), []);
  });

  it("refuses malformed, short, non-RSA and duplicate keys; nothing is stored", async () => {
    const name = await user();
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB" })), "InvalidPublicKey", 400);
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: "not a key at all" })), "UnrecognizedPublicKeyEncoding", 400);
    await expectError(
      iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" })),
      "InvalidPublicKey",
      400,
    );
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: sshKey(1024).pub })), "InvalidPublicKey", 400, "The public key must be at least 2048 bits long.");
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: sshKey(0, "ed25519").pub })), "UnrecognizedPublicKeyEncoding", 400);
    assert.deepEqual(await keys(name), []);
    await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: key.pub }));
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: key.pub })), "DuplicateSSHPublicKey", 400);
    assert.equal((await keys(name)).length, 1);
    // Another user may hold the same key.
    await iam().send(new UploadSSHPublicKeyCommand({ UserName: await user(), SSHPublicKeyBody: key.pub }));
  });

  it("allows 5 keys per user; the sixth is LimitExceeded (409)", async () => {
    const name = await user();
    for (let i = 0; i < 5; i++) await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: sshKey().pub }));
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: sshKey().pub })), "LimitExceeded", 409, "Cannot exceed quota for PublicKeysPerUser: 5");
    assert.equal((await keys(name)).length, 5);
  });

  it("blocks DeleteUser while keys remain; a rename keeps them", async () => {
    const name = await user();
    const id = (await iam().send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: key.pub }))).SSHPublicKey!.SSHPublicKeyId!;
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete SSH public keys first.");
    const renamed = unique("renamed");
    await iam().send(new UpdateUserCommand({ UserName: name, NewUserName: renamed }));
    assert.deepEqual((await keys(renamed)).map((k) => [k.UserName, k.SSHPublicKeyId]), [[renamed, id]]);
    await iam().send(new DeleteSSHPublicKeyCommand({ UserName: renamed, SSHPublicKeyId: id }));
    await iam().send(new DeleteUserCommand({ UserName: renamed }));
  });

  it("answers NoSuchEntity for an unknown user and ValidationError for a bad encoding or id", async () => {
    const ghost = unique("ghost");
    await expectError(iam().send(new UploadSSHPublicKeyCommand({ UserName: ghost, SSHPublicKeyBody: key.pub })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    await expectError(iam().send(new ListSSHPublicKeysCommand({ UserName: ghost })), "NoSuchEntity", 404);
    const name = await user();
    await expectError(iam().send(new GetSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: "APKAAAAAAAAAAAAAAAAAA", Encoding: "DER" as never })), "ValidationError", 400);
    await expectError(
      iam().send(new DeleteSSHPublicKeyCommand({ UserName: name, SSHPublicKeyId: "APKA" })),
      "ValidationError",
      400,
      "1 validation error detected: Value 'APKA' at 'sSHPublicKeyId' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
  });
});
