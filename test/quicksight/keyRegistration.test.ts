import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateKeyCommand, type CreateKeyCommandInput, DisableKeyCommand, EnableKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms";
import { DescribeKeyRegistrationCommand, QuickSightClient, UpdateKeyRegistrationCommand } from "@aws-sdk/client-quicksight";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer();
const ACCOUNT = "000000000000";

const creds = (account?: string) => (account ? { accessKeyId: account, secretAccessKey: "x" } : undefined);
const kms = (region = "us-east-1", account?: string) => new KMSClient(clientConfig(server().endpoint, region, creds(account)));
const qs = (region = "us-east-1", account?: string) => new QuickSightClient(clientConfig(server().endpoint, region, creds(account)));

const newKey = async (input: CreateKeyCommandInput = {}, client = kms()) => (await client.send(new CreateKeyCommand(input))).KeyMetadata!;

const update = (KeyRegistration: Array<{ KeyArn?: string; DefaultKey?: boolean }>, client = qs(), AwsAccountId = ACCOUNT) =>
  client.send(new UpdateKeyRegistrationCommand({ AwsAccountId, KeyRegistration }));

const registered = async (client = qs(), AwsAccountId = ACCOUNT, DefaultKeyOnly?: boolean) =>
  (await client.send(new DescribeKeyRegistrationCommand({ AwsAccountId, DefaultKeyOnly }))).KeyRegistration!;

describe("QuickSight UpdateKeyRegistration / DescribeKeyRegistration", () => {
  it("describes an empty registration before any update", async () => {
    const out = await qs("eu-north-1").send(new DescribeKeyRegistrationCommand({ AwsAccountId: ACCOUNT }));
    assert.deepEqual(out.KeyRegistration, []);
    assert.equal(out.AwsAccountId, ACCOUNT);
    assert.equal(out.Status, 200);
    assert.match(out.RequestId!, /^[0-9a-f-]{36}$/);
    assert.equal(out.RequestId, out.$metadata.requestId);
  });

  it("registers two keys with one default, replaces the set, and clears it", async () => {
    const a = await newKey();
    const b = await newKey();
    const c = await newKey();
    const out = await update([{ KeyArn: a.Arn, DefaultKey: true }, { KeyArn: b.Arn }]);
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(out.FailedKeyRegistration, []);
    assert.deepEqual(out.SuccessfulKeyRegistration, [
      { KeyArn: a.Arn, StatusCode: 200 },
      { KeyArn: b.Arn, StatusCode: 200 },
    ]);
    assert.equal(out.RequestId, out.$metadata.requestId);
    assert.equal((out as { Status?: number }).Status, undefined);
    assert.deepEqual(await registered(), [
      { KeyArn: a.Arn, DefaultKey: true },
      { KeyArn: b.Arn, DefaultKey: false },
    ]);
    assert.deepEqual(await registered(qs(), ACCOUNT, true), [{ KeyArn: a.Arn, DefaultKey: true }]);

    // Update replaces the whole set: a is gone, c is the new default.
    await update([{ KeyArn: b.Arn, DefaultKey: false }, { KeyArn: c.Arn, DefaultKey: true }]);
    assert.deepEqual(await registered(), [
      { KeyArn: b.Arn, DefaultKey: false },
      { KeyArn: c.Arn, DefaultKey: true },
    ]);

    // An empty list clears every key (how Terraform deletes the registration).
    const cleared = await update([]);
    assert.deepEqual(cleared.SuccessfulKeyRegistration, []);
    assert.deepEqual(cleared.FailedKeyRegistration, []);
    assert.deepEqual(await registered(), []);
    assert.deepEqual(await registered(qs(), ACCOUNT, true), []);
  });

  it("writes DefaultKey false explicitly when the request left it out, and default-key-only finds no default", async () => {
    const a = await newKey();
    await update([{ KeyArn: a.Arn }]);
    assert.deepEqual(await registered(), [{ KeyArn: a.Arn, DefaultKey: false }]);
    assert.deepEqual(await registered(qs(), ACCOUNT, true), []);
  });

  it("refuses each unusable key in FailedKeyRegistration while registering the valid ones", async () => {
    const good = await newKey();
    const disabled = await newKey();
    await kms().send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const deleting = await newKey();
    await kms().send(new ScheduleKeyDeletionCommand({ KeyId: deleting.KeyId, PendingWindowInDays: 7 }));
    const rsa = await newKey({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    const hmac = await newKey({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    const otherRegion = await newKey({}, kms("us-west-2"));
    const otherAccount = await newKey({}, kms("us-east-1", "111122223333"));
    const missing = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10`;
    const cases: Array<[string | undefined, number, RegExp]> = [
      ["not-an-arn", 400, /not a valid KMS key ARN/],
      [`arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`, 400, /not a valid KMS key ARN/],
      [missing, 404, /does not exist/],
      [disabled.Arn, 400, /is disabled/],
      [deleting.Arn, 400, /is pending deletion/],
      [rsa.Arn, 400, /RSA_2048: asymmetric/],
      [hmac.Arn, 400, /HMAC_256/],
      [otherRegion.Arn, 400, /region us-west-2/],
      [otherAccount.Arn, 400, /account 111122223333/],
    ];
    const out = await update([{ KeyArn: good.Arn, DefaultKey: true }, ...cases.map(([KeyArn]) => ({ KeyArn }))]);
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(out.SuccessfulKeyRegistration, [{ KeyArn: good.Arn, StatusCode: 200 }]);
    assert.equal(out.FailedKeyRegistration!.length, cases.length);
    out.FailedKeyRegistration!.forEach((entry, i) => {
      const [arn, status, message] = cases[i];
      assert.equal(entry.KeyArn, arn);
      assert.equal(entry.StatusCode, status, arn);
      assert.equal(entry.SenderFault, true);
      assert.match(entry.Message!, message);
    });
    assert.deepEqual(await registered(), [{ KeyArn: good.Arn, DefaultKey: true }]);
  });

  it("refuses more than one default key with InvalidParameterValueException and keeps the registered set", async () => {
    const a = await newKey();
    const b = await newKey();
    await update([{ KeyArn: a.Arn, DefaultKey: true }]);
    const error = await failure(update([{ KeyArn: a.Arn, DefaultKey: true }, { KeyArn: b.Arn, DefaultKey: true }]));
    assert.equal(error.name, "InvalidParameterValueException");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /default/);
    assert.match((error as unknown as { RequestId: string }).RequestId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await registered(), [{ KeyArn: a.Arn, DefaultKey: true }]);
  });

  it("refuses the same key twice in one request and keeps the registered set", async () => {
    const a = await newKey();
    await update([{ KeyArn: a.Arn, DefaultKey: true }]);
    const error = await failure(update([{ KeyArn: a.Arn }, { KeyArn: a.Arn }]));
    assert.equal(error.name, "InvalidParameterValueException");
    assert.deepEqual(await registered(), [{ KeyArn: a.Arn, DefaultKey: true }]);
  });

  it("answers AccessDeniedException (401) for another account's id and changes nothing", async () => {
    const a = await newKey();
    await update([{ KeyArn: a.Arn, DefaultKey: true }]);
    let error = await failure(update([], qs(), "111122223333"));
    assert.equal(error.name, "AccessDeniedException");
    assert.equal(error.$metadata.httpStatusCode, 401);
    error = await failure(qs().send(new DescribeKeyRegistrationCommand({ AwsAccountId: "111122223333" })));
    assert.equal(error.name, "AccessDeniedException");
    assert.equal(error.$metadata.httpStatusCode, 401);
    assert.deepEqual(await registered(), [{ KeyArn: a.Arn, DefaultKey: true }]);
    assert.deepEqual(await registered(qs("us-east-1", "111122223333"), "111122223333"), []);
  });

  it("answers InvalidParameterValueException for an account id that is not 12 digits", async () => {
    const a = await newKey();
    await update([{ KeyArn: a.Arn }]);
    for (const id of ["12345", "abcdefghijkl"]) {
      const error = await failure(update([], qs(), id));
      assert.equal(error.name, "InvalidParameterValueException");
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.message, /at 'awsAccountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\[0-9\]\{12\}\$/);
    }
    assert.deepEqual(await registered(), [{ KeyArn: a.Arn, DefaultKey: false }]);
  });

  it("keeps one registration per account and per region", async () => {
    const east = await newKey();
    const west = await newKey({}, kms("us-west-2"));
    await update([{ KeyArn: east.Arn, DefaultKey: true }]);
    await update([{ KeyArn: west.Arn, DefaultKey: true }], qs("us-west-2"));
    assert.deepEqual(await registered(), [{ KeyArn: east.Arn, DefaultKey: true }]);
    assert.deepEqual(await registered(qs("us-west-2")), [{ KeyArn: west.Arn, DefaultKey: true }]);
    const other = await newKey({}, kms("us-east-1", "111122223333"));
    await update([{ KeyArn: other.Arn, DefaultKey: true }], qs("us-east-1", "111122223333"), "111122223333");
    assert.deepEqual(await registered(qs("us-east-1", "111122223333"), "111122223333"), [{ KeyArn: other.Arn, DefaultKey: true }]);
    assert.deepEqual(await registered(), [{ KeyArn: east.Arn, DefaultKey: true }]);
  });

  it("done when: create a key, register it as default, see it, disable it, and see a new registration refused", async () => {
    const key = await newKey({ Description: "quicksight default" });
    const out = await update([{ KeyArn: key.Arn, DefaultKey: true }]);
    assert.deepEqual(out.SuccessfulKeyRegistration, [{ KeyArn: key.Arn, StatusCode: 200 }]);
    assert.deepEqual(await registered(qs(), ACCOUNT, true), [{ KeyArn: key.Arn, DefaultKey: true }]);
    await kms().send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const again = await update([{ KeyArn: key.Arn, DefaultKey: true }]);
    assert.equal(again.$metadata.httpStatusCode, 200);
    assert.deepEqual(again.SuccessfulKeyRegistration, []);
    assert.equal(again.FailedKeyRegistration!.length, 1);
    assert.equal(again.FailedKeyRegistration![0].KeyArn, key.Arn);
    assert.equal(again.FailedKeyRegistration![0].SenderFault, true);
    assert.equal(again.FailedKeyRegistration![0].StatusCode, 400);
    assert.match(again.FailedKeyRegistration![0].Message!, /disabled/);
    // Re-enabled, it registers again.
    await kms().send(new EnableKeyCommand({ KeyId: key.KeyId }));
    assert.deepEqual((await update([{ KeyArn: key.Arn, DefaultKey: true }])).SuccessfulKeyRegistration, [{ KeyArn: key.Arn, StatusCode: 200 }]);
  });
});
