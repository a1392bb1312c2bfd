import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  type IAMClient,
  ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient, ID, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function user() {
  const name = unique("keyholder");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const keyIds = async (userName: string) => (await iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata!.map((k) => k.AccessKeyId);

/** The account id AWS encodes in a key id (SPEC §8): base32-decode from the 5th character. */
function accountOf(keyId: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of keyId.slice(4)) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const first6 = BigInt("0b" + bits.slice(0, 48));
  return String((first6 & 0x7fffffffff80n) >> 7n).padStart(12, "0");
}

describe("CreateAccessKey / ListAccessKeys / DeleteAccessKey", () => {
  it("creates an active AKIA key with a 40-character secret; the list shows its metadata without the secret", async () => {
    const name = await user();
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: name }));
    assert.match(AccessKey!.AccessKeyId!, ID.accessKey);
    assert.equal(AccessKey!.UserName, name);
    assert.equal(AccessKey!.Status, "Active");
    assert.equal(AccessKey!.SecretAccessKey!.length, 40);
    assert.equal(AccessKey!.CreateDate!.getUTCMilliseconds(), 0);
    assert.equal(accountOf(AccessKey!.AccessKeyId!), "000000000000", "the key id encodes the account");
    const { AccessKeyMetadata } = await iam().send(new ListAccessKeysCommand({ UserName: name }));
    assert.deepEqual(AccessKeyMetadata, [{ UserName: name, AccessKeyId: AccessKey!.AccessKeyId, Status: "Active", CreateDate: AccessKey!.CreateDate }]);
  });

  it("encodes the caller's account in keys created under a 12-digit account", async () => {
    const other = iamClient(server().endpoint, "123456789012");
    const name = unique("remote");
    await other.send(new CreateUserCommand({ UserName: name }));
    const { AccessKey } = await other.send(new CreateAccessKeyCommand({ UserName: name }));
    assert.equal(accountOf(AccessKey!.AccessKeyId!), "123456789012");
  });

  it("deletes one key and keeps the other", async () => {
    const name = await user();
    const a = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const b = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    assert.notEqual(a.AccessKeyId, b.AccessKeyId);
    assert.notEqual(a.SecretAccessKey, b.SecretAccessKey);
    await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: a.AccessKeyId }));
    assert.deepEqual(await keyIds(name), [b.AccessKeyId]);
  });

  it("answers NoSuchEntity (404) for an unknown key, another user's key or an unknown user; no key is removed", async () => {
    const alice = await user();
    const bob = await user();
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: alice }))).AccessKey!;
    const missing = "AKIAAAAAAAAAAAAAAAAA";
    await expectError(iam().send(new DeleteAccessKeyCommand({ UserName: alice, AccessKeyId: missing })), "NoSuchEntity", 404, `The Access Key with id ${missing} cannot be found.`);
    await expectError(iam().send(new DeleteAccessKeyCommand({ UserName: bob, AccessKeyId: key.AccessKeyId })), "NoSuchEntity", 404, `The Access Key with id ${key.AccessKeyId} cannot be found.`);
    const ghost = unique("ghost");
    await expectError(iam().send(new DeleteAccessKeyCommand({ UserName: ghost, AccessKeyId: key.AccessKeyId })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    await expectError(iam().send(new CreateAccessKeyCommand({ UserName: ghost })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    await expectError(iam().send(new ListAccessKeysCommand({ UserName: ghost })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    assert.deepEqual(await keyIds(alice), [key.AccessKeyId]);
    assert.deepEqual(await keyIds(bob), []);
  });

  it("answers ValidationError for an access key id that is too short", async () => {
    const name = await user();
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    await expectError(
      iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: "AKIA" })),
      "ValidationError",
      400,
      "1 validation error detected: Value 'AKIA' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
    );
    assert.deepEqual(await keyIds(name), [key.AccessKeyId]);
  });
});
