import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CloudFrontClient, ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import { DeleteAccessKeyCommand, IAMClient, ListGroupsCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { DescribeKeyRegistrationCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { awsCliMissing, boto3, boto3Missing, clientConfig, failure, useServer } from "../harness.js";
import { startServer } from "../../src/index.js";
import { awsAs, FORM, iamForm, presignedUrl, ROOT, signedFetch, unique, userWithKey, xmlError, type Creds } from "./helpers.js";

const server = useServer({ auth: "signature" });
const endpoint = () => server().endpoint;

const SIGNATURE_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const TOKEN_MESSAGE = "The security token included in the request is invalid.";

const iam = (creds: Creds = ROOT) => new IAMClient(clientConfig(endpoint(), "us-east-1", creds));
const sts = (creds: Creds = ROOT) => new STSClient(clientConfig(endpoint(), "us-east-1", creds));
const kms = (creds: Creds = ROOT) => new KMSClient(clientConfig(endpoint(), "eu-west-1", creds));
const cloudfront = (creds: Creds = ROOT) => new CloudFrontClient(clientConfig(endpoint(), "us-east-1", creds));
const quicksight = (creds: Creds = ROOT) => new QuickSightClient(clientConfig(endpoint(), "us-east-1", creds));

const wrongSecret = { accessKeyId: "test", secretAccessKey: "not-the-secret" };
const unknownKey = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

describe("--auth signature: the default root pair test/test", () => {
  it("is accepted by every service, through the SDK", async () => {
    assert.equal((await sts().send(new GetCallerIdentityCommand({}))).Arn, "arn:aws:iam::000000000000:root");
    assert.ok(Array.isArray((await iam().send(new ListGroupsCommand({}))).Groups));
    assert.ok(Array.isArray((await kms().send(new ListKeysCommand({}))).Keys));
    assert.ok((await cloudfront().send(new ListPublicKeysCommand({}))).PublicKeyList);
    assert.equal((await quicksight().send(new DescribeKeyRegistrationCommand({ AwsAccountId: "000000000000" }))).AwsAccountId, "000000000000");
  });

  it("a 12-digit key id signs as that account's root with the secret test", async () => {
    const out = await sts({ accessKeyId: "123456789012", secretAccessKey: "test" }).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, "arn:aws:iam::123456789012:root");
    const error = await failure(sts({ accessKeyId: "123456789012", secretAccessKey: "other" }).send(new GetCallerIdentityCommand({})));
    assert.equal(error.name, "SignatureDoesNotMatch");
  });
});

describe("--auth signature: errors in each protocol's shape (SPEC §8)", () => {
  it("a wrong secret: SignatureDoesNotMatch 403 (IAM, STS, CloudFront), InvalidSignatureException 400 (KMS) / 403 (QuickSight)", async () => {
    for (const [client, call] of [
      [iam(wrongSecret), new ListGroupsCommand({})],
      [sts(wrongSecret), new GetCallerIdentityCommand({})],
      [cloudfront(wrongSecret), new ListPublicKeysCommand({})],
    ] as const) {
      const error = await failure((client as IAMClient).send(call as ListGroupsCommand));
      assert.equal(error.name, "SignatureDoesNotMatch");
      assert.equal(error.$metadata.httpStatusCode, 403);
      assert.equal(error.message, SIGNATURE_MESSAGE);
    }
    const k = await failure(kms(wrongSecret).send(new ListKeysCommand({})));
    assert.equal(k.name, "InvalidSignatureException");
    assert.equal(k.$metadata.httpStatusCode, 400);
    assert.equal(k.message, SIGNATURE_MESSAGE);
    const q = await failure(quicksight(wrongSecret).send(new DescribeKeyRegistrationCommand({ AwsAccountId: "000000000000" })));
    assert.equal(q.name, "InvalidSignatureException");
    assert.equal(q.$metadata.httpStatusCode, 403);
  });

  it("an unknown key: InvalidClientTokenId 403 (IAM, STS, CloudFront), UnrecognizedClientException 400 (KMS) / 403 (QuickSight)", async () => {
    for (const send of [
      () => iam(unknownKey).send(new ListGroupsCommand({})),
      () => sts(unknownKey).send(new GetCallerIdentityCommand({})),
      () => cloudfront(unknownKey).send(new ListPublicKeysCommand({})),
    ]) {
      const error = await failure(send());
      assert.equal(error.name, "InvalidClientTokenId");
      assert.equal(error.$metadata.httpStatusCode, 403);
      assert.equal(error.message, TOKEN_MESSAGE);
    }
    const k = await failure(kms(unknownKey).send(new ListKeysCommand({})));
    assert.equal(k.name, "UnrecognizedClientException");
    assert.equal(k.$metadata.httpStatusCode, 400);
    assert.equal(k.message, TOKEN_MESSAGE);
    const q = await failure(quicksight(unknownKey).send(new DescribeKeyRegistrationCommand({ AwsAccountId: "000000000000" })));
    assert.equal(q.name, "UnrecognizedClientException");
    assert.equal(q.$metadata.httpStatusCode, 403);
  });

  it("the wire: IAM's ErrorResponse XML (Type Sender), KMS's __type JSON, QuickSight's X-Amzn-ErrorType", async () => {
    const body = iamForm("ListGroups");
    const i = await signedFetch(endpoint(), "iam", wrongSecret, { body, headers: FORM });
    assert.equal(i.status, 403);
    assert.deepEqual(xmlError(await i.text()), { code: "SignatureDoesNotMatch", message: SIGNATURE_MESSAGE, type: "Sender" });
    const k = await signedFetch(endpoint(), "kms", unknownKey, {
      body: "{}",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" },
    });
    assert.equal(k.status, 400);
    assert.deepEqual(await k.json(), { __type: "UnrecognizedClientException", message: TOKEN_MESSAGE });
    const q = await signedFetch(endpoint(), "quicksight", wrongSecret, { method: "GET", path: "/accounts/000000000000/key-registration" });
    assert.equal(q.status, 403);
    assert.equal(q.headers.get("x-amzn-errortype"), "InvalidSignatureException");
    assert.equal((await q.json()).Message, SIGNATURE_MESSAGE);
  });

  it("no signature at all: MissingAuthenticationToken 403", async () => {
    const res = await fetch(endpoint(), { method: "POST", headers: FORM, body: iamForm("ListGroups") });
    assert.equal(res.status, 403);
    assert.deepEqual(xmlError(await res.text()), { code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", type: "Sender" });
    const k = await fetch(endpoint(), {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" },
      body: "{}",
    });
    assert.equal(k.status, 400);
    assert.equal((await k.json()).__type, "MissingAuthenticationTokenException");
  });

  it("a malformed Authorization header: IncompleteSignature naming each missing part", async () => {
    const authorization = "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date";
    const res = await fetch(endpoint(), {
      method: "POST",
      headers: { ...FORM, authorization, "x-amz-date": "20240101T000000Z" },
      body: iamForm("ListGroups"),
    });
    assert.equal(res.status, 403);
    const e = xmlError(await res.text());
    assert.equal(e.code, "IncompleteSignature");
    assert.equal(
      e.message,
      `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization=${authorization}`,
    );
  });

  it("a body changed after signing: SignatureDoesNotMatch; an UNSIGNED-PAYLOAD body is accepted", async () => {
    const { SignatureV4 } = await import("@smithy/signature-v4");
    assert.ok(SignatureV4);
    // Signed for one body, sent with another.
    const url = new URL(endpoint());
    const { signer } = await import("./helpers.js");
    const signed = await signer("iam", ROOT).sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      query: {},
      headers: { host: url.host, ...FORM },
      body: iamForm("ListGroups"),
    });
    const { host: _h, ...headers } = signed.headers;
    const tampered = await fetch(endpoint(), { method: "POST", headers, body: iamForm("ListUsers") });
    assert.equal(tampered.status, 403);
    assert.equal(xmlError(await tampered.text()).code, "SignatureDoesNotMatch");
    const unsigned = await signedFetch(endpoint(), "iam", ROOT, {
      body: iamForm("ListGroups"),
      headers: { ...FORM, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    assert.equal(unsigned.status, 200);
    // A signed x-amz-content-sha256 that is not the body's hash is refused.
    const lying = await signedFetch(endpoint(), "iam", ROOT, {
      body: iamForm("ListGroups"),
      headers: { ...FORM, "x-amz-content-sha256": "0".repeat(64) },
    });
    assert.equal(lying.status, 403);
  });

  it("query strings are signed in canonical form: encoded names and values, sorted", async () => {
    const res = await signedFetch(endpoint(), "iam", ROOT, {
      method: "GET",
      query: { Version: "2010-05-08", Action: "ListGroups", PathPrefix: "/a+b~*=@/", MaxItems: "5" },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const cf = await signedFetch(endpoint(), "cloudfront", ROOT, { method: "GET", path: "/2020-05-31/public-key", query: { MaxItems: "3" } }, undefined);
    assert.equal(cf.status, 200);
  });
});

describe("--auth signature: clock skew", () => {
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  it("KMS (5 minutes): 4 minutes off passes, 6 minutes old is 'Signature expired', 6 minutes ahead 'not yet current'", async () => {
    const send = (date: Date) =>
      signedFetch(endpoint(), "kms", ROOT, {
        body: "{}",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" },
      }, date, "eu-west-1");
    assert.equal((await send(minutes(-4))).status, 200);
    assert.equal((await send(minutes(4))).status, 200);
    const old = await send(minutes(-6));
    assert.equal(old.status, 400);
    const oldBody = await old.json();
    assert.equal(oldBody.__type, "InvalidSignatureException");
    assert.match(oldBody.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const ahead = await (await send(minutes(6))).json();
    assert.equal(ahead.__type, "InvalidSignatureException");
    assert.match(ahead.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
  });

  it("IAM and STS (15 minutes): 10 minutes old passes, 16 minutes old is SignatureDoesNotMatch 403", async () => {
    const send = (date: Date) => signedFetch(endpoint(), "sts", ROOT, { body: "Action=GetCallerIdentity&Version=2011-06-15", headers: FORM }, date);
    assert.equal((await send(minutes(-10))).status, 200);
    const old = await send(minutes(-16));
    assert.equal(old.status, 403);
    const e = xmlError(await old.text());
    assert.equal(e.code, "SignatureDoesNotMatch");
    assert.match(e.message!, /^Signature expired: .* - 15 min\.\)$/);
    const cf = await signedFetch(endpoint(), "cloudfront", ROOT, { method: "GET", path: "/2020-05-31/public-key" }, minutes(-6));
    assert.equal(cf.status, 403);
    assert.match(xmlError(await cf.text()).message!, /- 5 min\.\)$/);
  });
});

describe("--auth signature: presigned URLs", () => {
  const stsQuery = { Action: "GetCallerIdentity", Version: "2011-06-15" };

  it("a presigned STS GetCallerIdentity GET works; an expired one does not", async () => {
    const url = await presignedUrl(endpoint(), "sts", ROOT, { query: stsQuery }, 300);
    assert.match(url, /X-Amz-Signature=/);
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /<Arn>arn:aws:iam::000000000000:root<\/Arn>/);
    const expired = await presignedUrl(endpoint(), "sts", ROOT, { query: stsQuery }, 60, new Date(Date.now() - 120_000));
    const res = await fetch(expired);
    assert.equal(res.status, 403);
    const e = xmlError(await res.text());
    assert.equal(e.code, "SignatureDoesNotMatch");
    assert.match(e.message!, /^Signature expired/);
  });

  it("a presigned URL is held to the clock-skew window whatever its X-Amz-Expires (STS: 15 minutes)", async () => {
    const url = await presignedUrl(endpoint(), "sts", ROOT, { query: stsQuery }, 3600, new Date(Date.now() - 20 * 60_000));
    const res = await fetch(url);
    assert.equal(res.status, 403);
    assert.match(xmlError(await res.text()).message!, /^Signature expired: .* - 15 min\.\)$/);
    const recent = await presignedUrl(endpoint(), "sts", ROOT, { query: stsQuery }, 3600, new Date(Date.now() - 10 * 60_000));
    assert.equal((await fetch(recent)).status, 200);
  });

  it("a presigned IAM ListGroups with a changed parameter or a wrong secret is refused", async () => {
    const url = await presignedUrl(endpoint(), "iam", ROOT, { query: { Action: "ListGroups", Version: "2010-05-08" } }, 300);
    assert.equal((await fetch(url)).status, 200);
    assert.equal((await fetch(url.replace("ListGroups", "ListUsers"))).status, 403);
    const bad = await presignedUrl(endpoint(), "iam", wrongSecret, { query: { Action: "ListGroups", Version: "2010-05-08" } }, 300);
    assert.equal(xmlError(await (await fetch(bad)).text()).code, "SignatureDoesNotMatch");
  });

  it("boto3's presigned URL (UNSIGNED-PAYLOAD) works", { skip: boto3Missing }, async () => {
    const out = await boto3(
      endpoint(),
      `
import boto3, json, os, urllib.request
sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
body = urllib.request.urlopen(url).read().decode()
print(json.dumps({"ok": "arn:aws:iam::000000000000:root" in body}))
`,
    );
    assert.deepEqual(out, { ok: true });
  });
});

describe("--auth signature: IAM access keys", () => {
  it("a key created with CreateAccessKey signs as its user; Inactive stops it, Active restores it, deleted stops it", async () => {
    const name = unique("keyed");
    const creds = await userWithKey(iam(), name);
    const who = () => sts(creds).send(new GetCallerIdentityCommand({}));
    assert.equal((await who()).Arn, `arn:aws:iam::000000000000:user/${name}`);
    const wrong = await failure(sts({ ...creds, secretAccessKey: "x" + creds.secretAccessKey }).send(new GetCallerIdentityCommand({})));
    assert.equal(wrong.name, "SignatureDoesNotMatch");

    await iam().send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: creds.accessKeyId, Status: "Inactive" }));
    const inactive = await failure(who());
    assert.equal(inactive.name, "InvalidClientTokenId");
    assert.equal(inactive.$metadata.httpStatusCode, 403);

    await iam().send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: creds.accessKeyId, Status: "Active" }));
    assert.equal((await who()).Arn, `arn:aws:iam::000000000000:user/${name}`);

    await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: creds.accessKeyId }));
    const deleted = await failure(who());
    assert.equal(deleted.name, "InvalidClientTokenId");
  });

  it("through the AWS CLI: the user's key works, a wrong secret gives SignatureDoesNotMatch", { skip: awsCliMissing }, async () => {
    const name = unique("cli");
    const creds = await userWithKey(iam(), name);
    const ok = await awsAs(endpoint(), creds, "sts", "get-caller-identity");
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json().Arn, `arn:aws:iam::000000000000:user/${name}`);
    const bad = await awsAs(endpoint(), { ...creds, secretAccessKey: "nope" }, "iam", "list-groups");
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /SignatureDoesNotMatch/);
    const unknown = await awsAs(endpoint(), unknownKey, "iam", "list-groups");
    assert.match(unknown.stderr, /InvalidClientTokenId/);
  });

  it("through boto3: an unknown key gives InvalidClientTokenId, the user's key works", { skip: boto3Missing }, async () => {
    const name = unique("py");
    const creds = await userWithKey(iam(), name);
    const out = await boto3(
      endpoint(),
      `
import boto3, json, os
from botocore.exceptions import ClientError
def client(key, secret):
    return boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
arn = client("${creds.accessKeyId}", "${creds.secretAccessKey}").get_caller_identity()["Arn"]
try:
    client("AKIAIOSFODNN7EXAMPLE", "x").get_caller_identity()
    code = None
except ClientError as e:
    code = e.response["Error"]["Code"]
print(json.dumps({"arn": arn, "code": code}))
`,
    );
    assert.deepEqual(out, { arn: `arn:aws:iam::000000000000:user/${name}`, code: "InvalidClientTokenId" });
  });
});

describe("root credentials option and --auth none", () => {
  it("--root-credentials replaces test/test: only the configured pairs are roots", async () => {
    const s = await startServer({
      port: 0,
      auth: "signature",
      rootCredentials: [{ account: "111122223333", accessKeyId: "ROOTKEY", secretAccessKey: "rootsecret" }],
    });
    try {
      const client = (creds: Creds) => new STSClient(clientConfig(s.endpoint, "us-east-1", creds));
      assert.equal((await client({ accessKeyId: "ROOTKEY", secretAccessKey: "rootsecret" }).send(new GetCallerIdentityCommand({}))).Account, "111122223333");
      assert.equal((await failure(client(ROOT).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
      assert.equal((await failure(client({ accessKeyId: "123456789012", secretAccessKey: "test" }).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
    } finally {
      await s.close();
    }
  });

  it("--auth none (the default) accepts any key, any secret, and no signature", async () => {
    const s = await startServer({ port: 0 });
    try {
      const out = await new STSClient(clientConfig(s.endpoint, "us-east-1", unknownKey)).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, "000000000000");
      const res = await fetch(s.endpoint, { method: "POST", headers: FORM, body: iamForm("ListGroups") });
      assert.equal(res.status, 200);
    } finally {
      await s.close();
    }
  });
});
