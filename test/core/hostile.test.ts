/**
 * Hostile and malformed input (issue 11): nothing a client sends may hold the server, answer
 * an unexpected 5xx, or leave state that makes later answers unparseable.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, it } from "node:test";
import { CloudFrontClient, ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import { IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { clientConfig, useServer } from "../harness.js";

const server = useServer();

const scope = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
});
const query = (body: string) =>
  fetch(server().endpoint + "/", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...scope("iam") }, body });
const cloudfront = (path: string, body?: string, method = "POST") =>
  fetch(server().endpoint + path, { method, headers: scope("cloudfront"), body });
const kms = (target: string, body: unknown) =>
  fetch(server().endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `TrentService.${target}`, ...scope("kms") },
    body: JSON.stringify(body),
  });

/** CPU this process spent (the server runs in it) while `work` ran, in ms. */
async function cpuMs<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(start);
  return [result, (used.user + used.system) / 1000];
}

const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const iam = () => new IAMClient(clientConfig(server().endpoint));

describe("requests that must not hold the server", () => {
  it("decodes a CreateUser with 8,000 tags in linear time and refuses it as AWS does", async () => {
    let tags = "";
    for (let i = 1; i <= 8000; i++) tags += `&Tags.member.${i}.Key=k${i}&Tags.member.${i}.Value=v`;
    const [res, ms] = await cpuMs(() => query(`Action=CreateUser&Version=2010-05-08&UserName=many-tags${tags}`));
    assert.equal(res.status, 400);
    assert.equal(code(await res.text()), "ValidationError");
    assert.ok(ms < 1000, `CPU ${ms} ms`);
    const users = await iam().send(new ListUsersCommand({}));
    assert.ok(!users.Users?.some((u) => u.UserName === "many-tags"), "no user created");
  });

  it("ignores 80,000 unknown form keys in linear time", async () => {
    let keys = "";
    for (let i = 1; i <= 80000; i++) keys += `&x${i}=1`;
    const [res, ms] = await cpuMs(() => query(`Action=ListUsers&Version=2010-05-08${keys}`));
    assert.equal(res.status, 200);
    assert.ok(ms < 1000, `CPU ${ms} ms`);
  });

  it("refuses a document type declaration with MalformedXML, however many", async () => {
    const [res, ms] = await cpuMs(() => cloudfront("/2020-05-31/public-key", "<!DOCTYPE a>".repeat(20000) + "<PublicKeyConfig/>"));
    assert.equal(res.status, 400);
    assert.equal(code(await res.text()), "MalformedXML");
    assert.ok(ms < 1000, `CPU ${ms} ms`);
    const internal = await cloudfront("/2020-05-31/public-key", '<!DOCTYPE x [<!ENTITY e "boom">]><PublicKeyConfig><Name>&e;</Name></PublicKeyConfig>');
    assert.equal(code(await internal.text()), "MalformedXML");
  });
});

describe("never an unexpected 5xx", () => {
  /** Sends raw bytes, resolves to the status line and body. */
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(server().port, "127.0.0.1", () => socket.end(text));
      let data = "";
      socket.on("data", (d) => (data += d));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });

  for (const target of ["//", "http://a:99999/", "http://[::1/x", "*"]) {
    it(`answers the request target ${target} without a 5xx`, async () => {
      const answer = await raw(`POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1]);
      assert.ok(status >= 400 && status < 500, answer.split("\r\n")[0]);
    });
  }

  for (const [value, shown] of [["1.5", "1.5"], ["99999999999999999999999", "1e+23"]]) {
    it(`refuses MaxItems=${value} with ValidationError`, async () => {
      const res = await query(`Action=ListUsers&Version=2010-05-08&MaxItems=${value}`);
      assert.equal(res.status, 400);
      const body = await res.text();
      assert.equal(code(body), "ValidationError");
      assert.ok(body.includes(shown) || body.includes("maxItems"), body);
    });
  }

  it("refuses a fractional integer member in JSON (ScheduleKeyDeletion 7.5 days) and schedules nothing", async () => {
    const key = (await (await kms("CreateKey", {})).json()) as { KeyMetadata: { KeyId: string } };
    const res = await kms("ScheduleKeyDeletion", { KeyId: key.KeyMetadata.KeyId, PendingWindowInDays: 7.5 });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, "ValidationException");
    assert.match(body.message, /pendingWindowInDays.*integer/);
    const described = (await (await kms("DescribeKey", { KeyId: key.KeyMetadata.KeyId })).json()) as { KeyMetadata: { KeyState: string } };
    assert.equal(described.KeyMetadata.KeyState, "Enabled");
  });

  it("refuses a null in a list of structures (QuickSight UpdateKeyRegistration) with a validation error", async () => {
    const res = await fetch(server().endpoint + "/accounts/000000000000/key-registration", {
      method: "POST",
      headers: { "content-type": "application/json", ...scope("quicksight") },
      body: '{"KeyRegistration":[null]}',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { Message: string };
    assert.match(body.Message, /keyRegistration\.1\.member.*must not be null/);
  });
});

describe("never an answer a client cannot parse", () => {
  it("refuses characters XML 1.0 forbids in a CloudFront body with MalformedXML, and ListPublicKeys stays readable", async () => {
    for (const bad of ["&#1;", "&#0;", "&#xFFFE;", "\u0001"]) {
      const res = await cloudfront(
        "/2020-05-31/public-key",
        `<PublicKeyConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference><Name>a${bad}b</Name><EncodedKey>x</EncodedKey></PublicKeyConfig>`,
      );
      assert.equal(res.status, 400, bad);
      assert.equal(code(await res.text()), "MalformedXML", bad);
    }
    const list = await new CloudFrontClient(clientConfig(server().endpoint)).send(new ListPublicKeysCommand({}));
    assert.equal(list.PublicKeyList?.Quantity, 0);
  });

  it("decodes a character reference beyond U+FFFF as that character", async () => {
    const res = await cloudfront(
      "/2020-05-31/public-key",
      `<PublicKeyConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference><Name>a&#x1F600;b</Name><EncodedKey>x</EncodedKey></PublicKeyConfig>`,
    );
    // The key itself is refused (not a PEM key); the name got through the parser whole.
    const body = await res.text();
    assert.equal(res.status, 400);
    assert.notEqual(code(body), "MalformedXML");
  });

  it("echoes a control character of an input in a parseable error message", async () => {
    const res = await query("Action=GetUser&Version=2010-05-08&UserName=a%00b");
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.ok(!/[\u0000-\u0008]/.test(body), "no control character in the XML");
    assert.equal(code(body), "ValidationError");
    assert.ok(body.includes("a\uFFFDb"), body);
  });
});

describe("limits and routing", () => {
  it("answers a body over the limit with 413 in the service's error shape", async () => {
    const res = await query(`Action=ListUsers&Version=2010-05-08&x=${"a".repeat(10 * 1024 * 1024)}`);
    assert.equal(res.status, 413);
    const body = await res.text();
    assert.equal(code(body), "RequestEntityTooLarge");
    assert.match(body, /<ErrorResponse xmlns="https:\/\/iam.amazonaws.com/);
  });

  it("does not route an empty label (GET /2020-05-31/key-group/) to ListKeyGroups", async () => {
    const res = await cloudfront("/2020-05-31/key-group/", undefined, "GET");
    assert.equal(res.status, 404);
    assert.doesNotMatch(await res.text(), /KeyGroupList/);
  });

  it("names what it saw and what it serves for a service it does not serve (aws s3 ls)", async () => {
    const res = await fetch(server().endpoint + "/", { headers: scope("s3") });
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.equal(code(body), "UnknownService");
    assert.match(body, /signing name 's3'/);
    assert.match(body, /IAM \(iam\)/);
  });

  it("answers HEAD /_nubis/health", async () => {
    const res = await fetch(server().endpoint + "/_nubis/health", { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");
  });
});

describe("work bounded by the page", () => {
  it("SimulateCustomPolicy with 2,000 actions × 2,000 resources evaluates only the page it answers", async () => {
    const actions = Array.from({ length: 2000 }, (_, i) => `&ActionNames.member.${i + 1}=iam:Get${i}`).join("");
    const resources = Array.from({ length: 2000 }, (_, i) => `&ResourceArns.member.${i + 1}=arn:aws:iam::000000000000:user/u${i}`).join("");
    const policy = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] }));
    const [res, ms] = await cpuMs(() => query(`Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=${policy}&MaxItems=100${actions}${resources}`));
    const body = await res.text();
    assert.equal(res.status, 200, body.slice(0, 300));
    assert.equal((body.match(/<EvalActionName>/g) ?? []).length, 100);
    assert.match(body, /<IsTruncated>true<\/IsTruncated>/);
    assert.ok(ms < 1000, `CPU ${ms} ms`);
  });
});
