import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";

const server = useServer();
const ACCOUNT = "000000000000";

describe("KMS and QuickSight key registration through the AWS CLI", { skip: awsCliMissing }, () => {
  it("done when: create a key, register it as default, describe it, disable it, see a new registration refused", async () => {
    const endpoint = server().endpoint;
    const created = await aws(endpoint, "kms", "create-key", "--description", "quicksight");
    assert.equal(created.code, 0, created.stderr);
    const key = created.json().KeyMetadata;
    assert.equal(key.KeyState, "Enabled");
    assert.equal(typeof key.CreationDate, "number");

    const registration = JSON.stringify([{ KeyArn: key.Arn, DefaultKey: true }]);
    const updated = await aws(endpoint, "quicksight", "update-key-registration", "--aws-account-id", ACCOUNT, "--key-registration", registration);
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(updated.json().SuccessfulKeyRegistration, [{ KeyArn: key.Arn, StatusCode: 200 }]);
    assert.deepEqual(updated.json().FailedKeyRegistration, []);

    const described = await aws(endpoint, "quicksight", "describe-key-registration", "--aws-account-id", ACCOUNT, "--default-key-only");
    assert.equal(described.code, 0, described.stderr);
    assert.deepEqual(described.json().KeyRegistration, [{ KeyArn: key.Arn, DefaultKey: true }]);
    assert.equal(described.json().Status, 200);

    const disabled = await aws(endpoint, "kms", "disable-key", "--key-id", key.KeyId);
    assert.equal(disabled.code, 0, disabled.stderr);
    const described2 = await aws(endpoint, "kms", "describe-key", "--key-id", key.Arn);
    assert.equal(described2.json().KeyMetadata.KeyState, "Disabled");

    const again = await aws(endpoint, "quicksight", "update-key-registration", "--aws-account-id", ACCOUNT, "--key-registration", registration);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json().SuccessfulKeyRegistration, []);
    const [failed] = again.json().FailedKeyRegistration;
    assert.equal(failed.KeyArn, key.Arn);
    assert.equal(failed.SenderFault, true);
    assert.equal(failed.StatusCode, 400);
    assert.match(failed.Message, /disabled/);
  });

  it("shows KMS and QuickSight errors with their codes", async () => {
    const endpoint = server().endpoint;
    const missing = await aws(endpoint, "kms", "describe-key", "--key-id", "alias/nothing");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /\(NotFoundException\).*Alias arn:aws:kms:us-east-1:000000000000:alias\/nothing is not found\./);
    const key = (await aws(endpoint, "kms", "create-key")).json().KeyMetadata;
    const window = await aws(endpoint, "kms", "schedule-key-deletion", "--key-id", key.KeyId, "--pending-window-in-days", "3");
    assert.match(window.stderr, /\(ValidationException\)/);
    const denied = await aws(endpoint, "quicksight", "describe-key-registration", "--aws-account-id", "111122223333");
    assert.match(denied.stderr, /\(AccessDeniedException\)/);
    const twoDefaults = await aws(
      endpoint,
      "quicksight",
      "update-key-registration",
      "--aws-account-id",
      ACCOUNT,
      "--key-registration",
      JSON.stringify([
        { KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10`, DefaultKey: true },
        { KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10`, DefaultKey: true },
      ]),
    );
    assert.match(twoDefaults.stderr, /\(InvalidParameterValueException\)/);
  });
});

describe("KMS and QuickSight key registration through boto3", { skip: boto3Missing }, () => {
  it("done when: create, register as default, describe, disable, refused; then replace and clear", async () => {
    const out = await boto3(
      server().endpoint,
      `
import boto3, json, os
kms = boto3.client("kms", endpoint_url=os.environ["ENDPOINT"], region_name="eu-west-1")
qs = boto3.client("quicksight", endpoint_url=os.environ["ENDPOINT"], region_name="eu-west-1")
account = "${ACCOUNT}"
a = kms.create_key(Description="a")["KeyMetadata"]
b = kms.create_key(Description="b")["KeyMetadata"]
rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
r = {}
r["update"] = qs.update_key_registration(AwsAccountId=account, KeyRegistration=[{"KeyArn": a["Arn"], "DefaultKey": True}, {"KeyArn": b["Arn"]}, {"KeyArn": rsa["Arn"]}])
r["described"] = qs.describe_key_registration(AwsAccountId=account)
r["default"] = qs.describe_key_registration(AwsAccountId=account, DefaultKeyOnly=True)
kms.disable_key(KeyId=a["KeyId"])
r["refused"] = qs.update_key_registration(AwsAccountId=account, KeyRegistration=[{"KeyArn": a["Arn"], "DefaultKey": True}])
r["after_refusal"] = qs.describe_key_registration(AwsAccountId=account)
qs.update_key_registration(AwsAccountId=account, KeyRegistration=[{"KeyArn": b["Arn"], "DefaultKey": True}])
r["replaced"] = qs.describe_key_registration(AwsAccountId=account)
qs.update_key_registration(AwsAccountId=account, KeyRegistration=[])
r["cleared"] = qs.describe_key_registration(AwsAccountId=account)
try:
    qs.describe_key_registration(AwsAccountId="111122223333")
except qs.exceptions.AccessDeniedException as e:
    r["denied"] = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
try:
    kms.describe_key(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")
except kms.exceptions.NotFoundException as e:
    r["notfound"] = {"message": e.response["Error"]["Message"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
for v in r.values():
    if isinstance(v, dict): v.pop("ResponseMetadata", None)
r["keys"] = {"a": a["Arn"], "b": b["Arn"], "rsa": rsa["Arn"]}
print(json.dumps(r, default=str))
`,
    );
    const { a, b, rsa } = out.keys;
    assert.match(a, /^arn:aws:kms:eu-west-1:000000000000:key\//);
    assert.deepEqual(out.update.SuccessfulKeyRegistration, [
      { KeyArn: a, StatusCode: 200 },
      { KeyArn: b, StatusCode: 200 },
    ]);
    assert.equal(out.update.FailedKeyRegistration[0].KeyArn, rsa);
    assert.equal(out.update.FailedKeyRegistration[0].SenderFault, true);
    assert.deepEqual(out.described.KeyRegistration, [
      { KeyArn: a, DefaultKey: true },
      { KeyArn: b, DefaultKey: false },
    ]);
    assert.equal(out.described.Status, 200);
    assert.deepEqual(out.default.KeyRegistration, [{ KeyArn: a, DefaultKey: true }]);
    assert.deepEqual(out.refused.SuccessfulKeyRegistration, []);
    assert.equal(out.refused.FailedKeyRegistration[0].KeyArn, a);
    assert.match(out.refused.FailedKeyRegistration[0].Message, /disabled/);
    // The refused update replaced the set with its valid keys: none.
    assert.deepEqual(out.after_refusal.KeyRegistration, []);
    assert.deepEqual(out.replaced.KeyRegistration, [{ KeyArn: b, DefaultKey: true }]);
    assert.deepEqual(out.cleared.KeyRegistration, []);
    assert.deepEqual(out.denied, { code: "AccessDeniedException", status: 401 });
    assert.deepEqual(out.notfound, {
      message: "Key 'arn:aws:kms:eu-west-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
      status: 400,
    });
  });
});
