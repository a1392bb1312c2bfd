import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { CloudFrontClient, CreateConnectionFunctionCommand, CreateKeyGroupCommand, GetPublicKeyCommand, ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import { clientConfig, credentials, failure, useServer } from "../harness.js";
import { cloudFront, createKey, reset, rsaPem, snapshot, UUID } from "./fixtures.js";

const server = useServer();
const limited = useServer({ quotas: { "cloudfront.PublicKeysPerAccount": 2, "cloudfront.PublicKeysPerKeyGroup": 1 } });
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(server().endpoint + path, { method, body, headers });

/** An error answer in CloudFront's shape: RequestId beside Error, the same id in the header. */
async function errorOf(res: Response) {
  const body = await res.text();
  const requestId = res.headers.get("x-amz-request-id")!;
  assert.match(requestId, UUID);
  const m = new RegExp(
    `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<ErrorResponse xmlns="${NS}"><Error><Type>(Sender|Receiver)</Type><Code>([^<]+)</Code><Message>([^<]*)</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>$`,
  ).exec(body);
  assert.ok(m, `ErrorResponse shape: ${body}`);
  return { status: res.status, type: m[1], code: m[2], message: m[3] };
}

describe("restXml protocol (CloudFront)", () => {
  // Every operation of CloudFront's model has a handler now, so none answers NotImplemented here
  // (test/core/protocol.test.ts keeps that answer's shape).
  it("matches query literals and prefers the most specific template", async () => {
    const c = client();
    const created = await c.send(
      new CreateConnectionFunctionCommand({ Name: "routing", ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { c.allow(); }") }),
    );
    const id = created.ConnectionFunctionSummary!.Id!;
    // `/describe` is DescribeConnectionFunction (its summary as XML), the bare path GetConnectionFunction (the code).
    const described = await call("GET", `/2020-05-31/connection-function/${id}/describe`);
    assert.equal(described.status, 200);
    assert.match(await described.text(), new RegExp(`<ConnectionFunctionSummary xmlns="${NS}"><Name>routing</Name><Id>${id}</Id>`));
    const code = await call("GET", `/2020-05-31/connection-function/${id}`);
    assert.equal(code.status, 200);
    assert.equal(code.headers.get("content-type"), "application/octet-stream");
    assert.equal(await code.text(), "function connectionHandler(c) { c.allow(); }");
    const missing = await errorOf(await call("GET", "/2020-05-31/trust-store/ts_2wjDZi3hD1ivOXf6rpZJOSNE1AB"));
    assert.deepEqual([missing.status, missing.type, missing.code], [404, "Sender", "EntityNotFound"]);
  });

  it("routes ?WithTags to CreateDistributionWithTags, whose payload root is DistributionConfigWithTags", async () => {
    const config = '<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference></DistributionConfig>';
    // The same body: the plain create reads it (and refuses the incomplete config), the tagged one refuses the root.
    assert.equal((await errorOf(await call("POST", "/2020-05-31/distribution?WithTags", config))).code, "MalformedXML");
    assert.equal((await errorOf(await call("POST", "/2020-05-31/distribution", config))).code, "InvalidArgument");
  });

  it("answers a path no operation has with 404 UnknownOperation", async () => {
    const e = await errorOf(await call("GET", "/2020-05-31/no-such-thing"));
    assert.deepEqual([e.status, e.code], [404, "UnknownOperation"]);
  });

  it("percent-decodes labels and puts x-amz-request-id on successes", async () => {
    const { id } = await createKey(client());
    const res = await call("GET", `/2020-05-31/public-key/%${id.charCodeAt(0).toString(16)}${id.slice(1)}/config`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("x-amz-request-id")!, UUID);
    assert.match(res.headers.get("etag")!, /^E[A-Z0-9]{13}$/);
    assert.match(await res.text(), new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<PublicKeyConfig xmlns="${NS}">`));
  });

  it("answers malformed XML, a wrong root element, a missing body and missing members with 400s, never a 500", async () => {
    const before = await snapshot(client());
    const cases: Array<[string | undefined, string]> = [
      ["<KeyGroupConfig><Name>x</Nam></KeyGroupConfig>", "MalformedXML"],
      ["this is not xml", "MalformedXML"],
      ["<PublicKeyConfig><Name>x</Name><Items><PublicKey>K1</PublicKey></Items></PublicKeyConfig>", "MalformedXML"],
      ["<KeyGroupConfig><Name><Nested>1</Nested></Name><Items/></KeyGroupConfig>", "MalformedXML"],
      [undefined, "MissingBody"],
      [`<KeyGroupConfig xmlns="${NS}"><Items><PublicKey>K1</PublicKey></Items></KeyGroupConfig>`, "InvalidArgument"],
    ];
    for (const [body, code] of cases) {
      const e = await errorOf(await call("POST", "/2020-05-31/key-group", body));
      assert.deepEqual([e.status, e.type, e.code], [400, "Sender", code], String(body));
    }
    const missing = await errorOf(await call("POST", "/2020-05-31/key-group", `<KeyGroupConfig><Items><PublicKey>K1</PublicKey></Items></KeyGroupConfig>`));
    assert.match(missing.message, /keyGroupConfig\.name/);
    assert.deepEqual(await snapshot(client()), before);
    assert.equal((await call("GET", "/2020-05-31/key-group")).status, 200, "still serving");
  });

  it("reads a raw XML body with the namespace, entities and a multi-line key", async () => {
    const pem = rsaPem();
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<PublicKeyConfig xmlns="${NS}"><CallerReference>r&amp;1</CallerReference><Name>raw</Name><EncodedKey>${pem}</EncodedKey><Comment>a &lt; b</Comment></PublicKeyConfig>`;
    const res = await call("POST", "/2020-05-31/public-key", body);
    assert.equal(res.status, 201);
    assert.match(res.headers.get("location")!, /\/2020-05-31\/public-key\/K[A-Z0-9]{13}$/);
    const id = /<Id>([^<]+)<\/Id>/.exec(await res.text())![1];
    const got = await client().send(new GetPublicKeyCommand({ Id: id }));
    assert.deepEqual(got.PublicKey!.PublicKeyConfig, { CallerReference: "r&1", Name: "raw", EncodedKey: `${pem}\n`, Comment: "a < b" });
  });

  it("answers 204 with an empty body on delete", async () => {
    const { id, etag } = await createKey(client());
    const res = await call("DELETE", `/2020-05-31/public-key/${id}`, undefined, { "if-match": etag });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    assert.match(res.headers.get("x-amz-request-id")!, UUID);
  });
});

describe("CloudFront scoping and quotas", () => {
  it("is global: a client signing for another region sees the same keys", async () => {
    const { id } = await createKey(client());
    const eu = new CloudFrontClient(clientConfig(server().endpoint, "eu-west-1"));
    assert.equal((await eu.send(new GetPublicKeyCommand({ Id: id }))).PublicKey!.Id, id);
  });

  it("keeps accounts apart", async () => {
    const { id } = await createKey(client());
    const other = new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", { ...credentials, accessKeyId: "111122223333" }));
    const error = await failure(other.send(new GetPublicKeyCommand({ Id: id })));
    assert.equal(error.name, "NoSuchPublicKey");
    assert.equal((await other.send(new ListPublicKeysCommand({}))).PublicKeyList!.Quantity, 0);
  });

  it("takes quotas from --quota cloudfront.<Name>=N", async () => {
    const c = cloudFront(limited().endpoint);
    const k1 = await createKey(c);
    await createKey(c);
    const error = await failure(createKey(c));
    assert.equal(error.name, "TooManyPublicKeys");
    const tooMany = await failure(c.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "g", Items: [k1.id, "KNOTAREALKEY00"] } })));
    assert.equal(tooMany.name, "TooManyPublicKeysInKeyGroup");
  });
});
