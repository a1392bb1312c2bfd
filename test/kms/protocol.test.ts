import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EncapsulateCommand, KMSClient } from "@aws-sdk/client-kms";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer();

const kmsScope = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00" };
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const call = (target: string | undefined, body: string, headers: Record<string, string> = kmsScope) =>
  fetch(server().endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", ...(target ? { "x-amz-target": target } : {}), ...headers },
    body,
  });

const listKeys = async () => (await (await call("TrentService.ListKeys", "{}")).json()).Keys as unknown[];

describe("awsJson1_1 protocol (KMS)", () => {
  it("answers an operation without a handler with NotImplemented (501) in KMS's error shape", async () => {
    const error = await failure(new KMSClient(clientConfig(server().endpoint)).send(new EncapsulateCommand({ KeyId: "alias/x", EncapsulationAlgorithm: "ML_KEM" as never })));
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /Encapsulate/);
  });

  it("answers an unknown target with UnknownOperationException (400)", async () => {
    for (const target of ["TrentService.FlyToTheMoon", "KinesisService.CreateKey"]) {
      const res = await call(target, "{}");
      assert.equal(res.status, 400);
      assert.equal((await res.json()).__type, "UnknownOperationException");
    }
  });

  it("writes errors as {__type, message} with status 400 and the request id header", async () => {
    const res = await call("TrentService.DescribeKey", JSON.stringify({ KeyId: "alias/none" }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("content-type"), "application/x-amz-json-1.1");
    assert.match(res.headers.get("x-amzn-requestid")!, REQUEST_ID);
    assert.deepEqual(await res.json(), { __type: "NotFoundException", message: "Alias arn:aws:kms:us-east-1:000000000000:alias/none is not found." });
  });

  it("routes by X-Amz-Target without a signature", async () => {
    const res = await call("TrentService.ListKeys", "{}", {});
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { Keys: [], Truncated: false });
  });

  it("writes timestamps as epoch seconds, and an empty body for operations without output", async () => {
    const res = await call("TrentService.CreateKey", "{}");
    assert.equal(res.status, 200);
    const { KeyMetadata } = await res.json();
    assert.equal(typeof KeyMetadata.CreationDate, "number");
    assert.ok(Math.abs(KeyMetadata.CreationDate - Date.now() / 1000) < 60);
    const disable = await call("TrentService.DisableKey", JSON.stringify({ KeyId: KeyMetadata.KeyId }));
    assert.equal(disable.status, 200);
    assert.equal(await disable.text(), "");
  });

  it("answers malformed JSON with SerializationException and keeps serving", async () => {
    const before = await listKeys();
    for (const body of ["{not json", "[1,2]", '"text"']) {
      const res = await call("TrentService.CreateKey", body);
      assert.equal(res.status, 400, body);
      assert.equal((await res.json()).__type, "SerializationException");
    }
    assert.deepEqual(await listKeys(), before);
  });

  it("answers a value of the wrong type with SerializationException", async () => {
    const before = await listKeys();
    for (const body of ['{"Description": 5}', '{"Tags": {"a": 1}}', '{"MultiRegion": "yes"}', '{"Tags": [{"TagKey": ["a"], "TagValue": "b"}]}']) {
      const res = await call("TrentService.CreateKey", body);
      assert.equal(res.status, 400, body);
      assert.equal((await res.json()).__type, "SerializationException", body);
    }
    const res = await call("TrentService.ListKeys", '{"Limit": "ten"}');
    assert.equal((await res.json()).__type, "SerializationException");
    assert.deepEqual(await listKeys(), before);
  });

  it("answers a missing required member with ValidationException naming it in lowerCamel", async () => {
    const res = await call("TrentService.CreateAlias", JSON.stringify({ AliasName: "alias/x" }));
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      __type: "ValidationException",
      message: "1 validation error detected: Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it("accepts an empty body as an empty object", async () => {
    const res = await call("TrentService.ListAliases", "");
    assert.equal(res.status, 200);
  });
});
