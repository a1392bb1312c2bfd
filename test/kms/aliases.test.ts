import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from "@aws-sdk/client-kms";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer();
const client = (region = "us-east-1") => new KMSClient(clientConfig(server().endpoint, region));
const newKey = async (kms = client(), input = {}) => (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
const aliasNames = async (kms = client(), KeyId?: string) =>
  (await kms.send(new ListAliasesCommand({ KeyId, Limit: 1000 }))).Aliases!.map((a) => a.AliasName);

describe("KMS aliases", () => {
  it("creates, lists and deletes an alias", async () => {
    const key = await newKey();
    const before = Date.now();
    await client().send(new CreateAliasCommand({ AliasName: "alias/app", TargetKeyId: key.KeyId }));
    const list = await client().send(new ListAliasesCommand({}));
    assert.equal(list.Truncated, false);
    assert.equal(list.NextMarker, undefined);
    const alias = list.Aliases!.find((a) => a.AliasName === "alias/app")!;
    assert.equal(alias.AliasArn, "arn:aws:kms:us-east-1:000000000000:alias/app");
    assert.equal(alias.TargetKeyId, key.KeyId);
    assert.ok(alias.CreationDate!.getTime() >= before - 1000);
    assert.equal(alias.LastUpdatedDate!.getTime(), alias.CreationDate!.getTime());
    assert.equal((await client().send(new DescribeKeyCommand({ KeyId: "alias/app" }))).KeyMetadata!.KeyId, key.KeyId);
    await client().send(new DeleteAliasCommand({ AliasName: "alias/app" }));
    assert.ok(!(await aliasNames()).includes("alias/app"));
    // The key itself is untouched.
    assert.equal((await client().send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "Enabled");
  });

  it("accepts a key ARN as target and filters the list by key", async () => {
    const a = await newKey();
    const b = await newKey();
    await client().send(new CreateAliasCommand({ AliasName: "alias/a-1", TargetKeyId: a.Arn }));
    await client().send(new CreateAliasCommand({ AliasName: "alias/a-2", TargetKeyId: a.KeyId }));
    await client().send(new CreateAliasCommand({ AliasName: "alias/b-1", TargetKeyId: b.KeyId }));
    assert.deepEqual(await aliasNames(client(), a.KeyId), ["alias/a-1", "alias/a-2"]);
    assert.deepEqual(await aliasNames(client(), b.Arn), ["alias/b-1"]);
  });

  it("pages with Limit and NextMarker", async () => {
    const kms = client("eu-central-1");
    const key = await newKey(kms);
    for (const n of ["p1", "p2", "p3"]) await kms.send(new CreateAliasCommand({ AliasName: `alias/${n}`, TargetKeyId: key.KeyId }));
    const first = await kms.send(new ListAliasesCommand({ Limit: 2, KeyId: key.KeyId }));
    assert.deepEqual(first.Aliases!.map((a) => a.AliasName), ["alias/p1", "alias/p2"]);
    assert.equal(first.Truncated, true);
    const second = await kms.send(new ListAliasesCommand({ Limit: 2, KeyId: key.KeyId, Marker: first.NextMarker }));
    assert.deepEqual(second.Aliases!.map((a) => a.AliasName), ["alias/p3"]);
    assert.equal(second.Truncated, false);
    // The whole listing merges AWS's predefined aliases (no target key) in name order, page by page.
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListAliasesCommand({ Limit: 4, Marker: marker }));
      names.push(...page.Aliases!.map((a) => a.AliasName!));
      for (const a of page.Aliases!) if (a.AliasName!.startsWith("alias/aws/")) assert.equal(a.TargetKeyId, undefined);
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.includes("alias/aws/s3") && names.includes("alias/aws/xray") && names.includes("alias/p3"));
    assert.equal(names.length, 14 + 3);
  });

  it("refuses a name taken in the region with AlreadyExistsException, and allows it in another region", async () => {
    const key = await newKey();
    const other = await newKey();
    await client().send(new CreateAliasCommand({ AliasName: "alias/taken", TargetKeyId: key.KeyId }));
    const error = await failure(client().send(new CreateAliasCommand({ AliasName: "alias/taken", TargetKeyId: other.KeyId })));
    assert.equal(error.name, "AlreadyExistsException");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, "An alias with the name arn:aws:kms:us-east-1:000000000000:alias/taken already exists");
    assert.equal((await client().send(new DescribeKeyCommand({ KeyId: "alias/taken" }))).KeyMetadata!.KeyId, key.KeyId);
    const west = await newKey(client("us-west-2"));
    await client("us-west-2").send(new CreateAliasCommand({ AliasName: "alias/taken", TargetKeyId: west.KeyId }));
  });

  for (const [label, name, code, message] of [
    ["without the alias/ prefix", "app", "ValidationException", 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html'],
    ["in the reserved alias/aws/ space", "alias/aws/s3", "NotAuthorizedException", ""],
    ["with characters outside the pattern", "alias/a b", "ValidationException", "1 validation error detected: Value 'alias/a b' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"],
    ["with a semicolon", "alias/a;b", "ValidationException", "1 validation error detected: Value 'alias/a;b' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"],
    ["with a colon", "alias/a:b", "ValidationException", "alias/a:b contains invalid characters for an alias"],
    ["that is only the prefix", "alias/", "ValidationException", 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html'],
  ] as const) {
    it(`refuses a name ${label} with ${code}`, async () => {
      const key = await newKey();
      const before = await aliasNames();
      const error = await failure(client().send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId })));
      assert.equal(error.name, code);
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.equal(error.message === "UnknownError" ? "" : error.message, message);
      assert.deepEqual(await aliasNames(), before);
    });
  }

  it("refuses an unknown target key or a key pending deletion", async () => {
    const before = await aliasNames();
    let error = await failure(client().send(new CreateAliasCommand({ AliasName: "alias/ghost", TargetKeyId: "0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10" })));
    assert.equal(error.name, "NotFoundException");
    const key = await newKey();
    await client().send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    error = await failure(client().send(new CreateAliasCommand({ AliasName: "alias/ghost", TargetKeyId: key.KeyId })));
    assert.equal(error.name, "KMSInvalidStateException");
    assert.equal(error.message, `${key.Arn} is pending deletion.`);
    assert.deepEqual(await aliasNames(), before);
  });

  it("answers NotFoundException when deleting an unknown alias, and ListAliases for an unknown key", async () => {
    const before = await aliasNames();
    let error = await failure(client().send(new DeleteAliasCommand({ AliasName: "alias/never" })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.message, "Alias arn:aws:kms:us-east-1:000000000000:alias/never is not found.");
    error = await failure(client().send(new ListAliasesCommand({ KeyId: "0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10" })));
    assert.equal(error.name, "NotFoundException");
    assert.deepEqual(await aliasNames(), before);
  });

  it("points an alias at another key with UpdateAlias, moving it between the keys' lists", async () => {
    const a = await newKey();
    const b = await newKey();
    await client().send(new CreateAliasCommand({ AliasName: "alias/moving", TargetKeyId: a.KeyId }));
    const created = (await client().send(new ListAliasesCommand({ KeyId: a.KeyId }))).Aliases![0];
    await new Promise((r) => setTimeout(r, 5));
    await client().send(new UpdateAliasCommand({ AliasName: "alias/moving", TargetKeyId: b.Arn }));
    assert.equal((await client().send(new DescribeKeyCommand({ KeyId: "alias/moving" }))).KeyMetadata!.KeyId, b.KeyId);
    assert.deepEqual(await aliasNames(client(), a.KeyId), []);
    const moved = (await client().send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases!;
    assert.deepEqual(moved.map((x) => x.AliasName), ["alias/moving"]);
    assert.equal(moved[0].CreationDate!.getTime(), created.CreationDate!.getTime());
    assert.ok(moved[0].LastUpdatedDate!.getTime() > created.LastUpdatedDate!.getTime());
  });

  it("refuses UpdateAlias to an unknown alias, to a key of another type, or to a key pending deletion, leaving the alias", async () => {
    const a = await newKey();
    await client().send(new CreateAliasCommand({ AliasName: "alias/stays", TargetKeyId: a.KeyId }));
    let error = await failure(client().send(new UpdateAliasCommand({ AliasName: "alias/absent", TargetKeyId: a.KeyId })));
    assert.equal(error.name, "NotFoundException");
    assert.equal(error.message, "Alias arn:aws:kms:us-east-1:000000000000:alias/absent is not found.");
    const signer = await newKey(client(), { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    error = await failure(client().send(new UpdateAliasCommand({ AliasName: "alias/stays", TargetKeyId: signer.KeyId })));
    assert.equal(error.name, "ValidationException");
    const doomed = await newKey();
    await client().send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId }));
    error = await failure(client().send(new UpdateAliasCommand({ AliasName: "alias/stays", TargetKeyId: doomed.KeyId })));
    assert.equal(error.name, "KMSInvalidStateException");
    assert.equal((await client().send(new DescribeKeyCommand({ KeyId: "alias/stays" }))).KeyMetadata!.KeyId, a.KeyId);
    assert.deepEqual(await aliasNames(client(), a.KeyId), ["alias/stays"]);
    assert.ok(!(await aliasNames()).includes("alias/absent"));
  });

  it("removes a deleted alias from its key's list too", async () => {
    const a = await newKey();
    await client().send(new CreateAliasCommand({ AliasName: "alias/gone-1", TargetKeyId: a.KeyId }));
    await client().send(new CreateAliasCommand({ AliasName: "alias/gone-2", TargetKeyId: a.KeyId }));
    await client().send(new DeleteAliasCommand({ AliasName: "alias/gone-1" }));
    assert.deepEqual(await aliasNames(client(), a.KeyId), ["alias/gone-2"]);
  });
});
