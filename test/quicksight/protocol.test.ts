import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ListTopicsCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer();

const ACCOUNT = "000000000000";
const scope = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/quicksight/aws4_request, SignedHeaders=host, Signature=00" };
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const path = `/accounts/${ACCOUNT}/key-registration`;

const call = (method: string, url: string, body?: string) =>
  fetch(server().endpoint + url, { method, headers: { "content-type": "application/json", ...scope }, body });

const describeRegistration = async () => (await (await call("GET", path)).json()).KeyRegistration;

describe("restJson1 protocol (QuickSight)", () => {
  it("answers an operation without a handler with NotImplemented (501) in QuickSight's error shape", async () => {
    const error = await failure(new QuickSightClient(clientConfig(server().endpoint)).send(new ListTopicsCommand({ AwsAccountId: ACCOUNT })));
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /ListTopics/);
  });

  it("writes success as JSON with Status in the body and the request id in header and body", async () => {
    const res = await call("GET", path);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    const requestId = res.headers.get("x-amzn-requestid")!;
    assert.match(requestId, REQUEST_ID);
    assert.deepEqual(await res.json(), { AwsAccountId: ACCOUNT, KeyRegistration: [], RequestId: requestId, Status: 200 });
  });

  it("writes errors with X-Amzn-ErrorType and {Message, RequestId}, status from the error schema", async () => {
    const res = await call("GET", "/accounts/111122223333/key-registration");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("x-amzn-errortype"), "AccessDeniedException");
    const requestId = res.headers.get("x-amzn-requestid")!;
    assert.match(requestId, REQUEST_ID);
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ["Message", "RequestId"]);
    assert.equal(body.RequestId, requestId);
  });

  it("reads the default-key-only query parameter and refuses a value that is not a boolean", async () => {
    assert.equal((await call("GET", `${path}?default-key-only=true`)).status, 200);
    const res = await call("GET", `${path}?default-key-only=maybe`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("x-amzn-errortype"), "InvalidParameterValueException");
    assert.match((await res.json()).Message, /Value 'maybe' at 'defaultKeyOnly' failed to satisfy constraint: Member must be a boolean/);
  });

  it("answers a malformed or mistyped body with InvalidParameterValueException and changes nothing", async () => {
    const before = await describeRegistration();
    for (const body of ["{oops", "[]", '{"KeyRegistration": "all"}', '{"KeyRegistration": [{"KeyArn": 7}]}', '{"KeyRegistration": [{"DefaultKey": "yes"}]}']) {
      const res = await call("POST", path, body);
      assert.equal(res.status, 400, body);
      assert.equal(res.headers.get("x-amzn-errortype"), "InvalidParameterValueException", body);
    }
    assert.deepEqual(await describeRegistration(), before);
  });

  it("answers a missing KeyRegistration with InvalidParameterValueException", async () => {
    const res = await call("POST", path, "{}");
    assert.equal(res.status, 400);
    assert.deepEqual((await res.json()).Message, "1 validation error detected: Value null at 'keyRegistration' failed to satisfy constraint: Member must not be null");
  });

  it("answers a path no operation has with UnknownOperationException (404)", async () => {
    const res = await call("GET", "/accounts/000000000000/no-such-thing");
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amzn-errortype"), "UnknownOperationException");
  });

  it("ignores a body member that tries to override the URI label", async () => {
    const res = await call("POST", path, JSON.stringify({ AwsAccountId: "111122223333", KeyRegistration: [] }));
    assert.equal(res.status, 200);
  });
});
