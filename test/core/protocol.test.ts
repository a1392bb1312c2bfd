import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as iamSdk from "@aws-sdk/client-iam";
import { withBehaviour } from "../../src/core/service.js";
import { iam } from "../../src/services/iam/index.js";
import { clientConfig, failure, testStore, useServer } from "../harness.js";

const server = useServer();

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(server().endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...headers },
    body,
  });

const iamScope = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00" };

// IAM's handlers load on its first call: load them to see which operations have none.
await withBehaviour(iam);

describe("awsQuery protocol", () => {
  // Whichever IAM operation has no handler yet (the list shrinks as IAM grows).
  const unimplemented = Object.entries(iamSdk).find(
    ([name, value]) => name.endsWith("Command") && typeof (value as { prototype?: { resolveMiddleware?: unknown } }).prototype?.resolveMiddleware === "function" && !iam.handlers[name.slice(0, -"Command".length)],
  )?.[0];
  it("answers an operation without a handler with NotImplemented (501) in IAM's error shape", { skip: unimplemented ? false : "every IAM operation has a handler" }, async () => {
    const Command = (iamSdk as unknown as Record<string, new (input: object) => never>)[unimplemented!];
    const error = await failure(new iamSdk.IAMClient(clientConfig(server().endpoint)).send(new Command({})));
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.ok(error.message.includes(unimplemented!.slice(0, -"Command".length)), error.message);
  });

  it("answers an unknown Action with InvalidAction (400)", async () => {
    const res = await post("Action=FlyToTheMoon&Version=2010-05-08", iamScope);
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.match(body, /<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
    const requestId = res.headers.get("x-amzn-requestid")!;
    assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(body.includes(`<RequestId>${requestId}</RequestId>`), "request id in header and body");
  });

  it("answers a missing required member with ValidationError, never a 500", async () => {
    const res = await post("Action=CreateGroup&Version=2010-05-08", iamScope);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at &apos;groupName&apos; failed to satisfy constraint: Member must not be null<\/Message>|<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null<\/Message>/);
  });

  it("answers a wrong type with ValidationError", async () => {
    const res = await post("Action=ListGroups&Version=2010-05-08&MaxItems=lots", iamScope);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>ValidationError<\/Code>.*maxItems.*Member must be a number/);
  });

  it("answers a malformed body with a validation error and keeps serving", async () => {
    const res = await post("%%%&&&==Action", iamScope);
    assert.equal(res.status, 400);
    const ok = await post("Action=ListGroups&Version=2010-05-08", iamScope);
    assert.equal(ok.status, 200);
  });

  it("routes unsigned query calls by Version, and GET with a query string", async () => {
    const res = await fetch(server().endpoint + "/?Action=ListGroups&Version=2010-05-08");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListGroupsResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><ListGroupsResult><Groups\/><IsTruncated>false<\/IsTruncated><\/ListGroupsResult><ResponseMetadata><RequestId>/);
  });

  it("refuses an oversized body with 413", async () => {
    const res = await post("Action=ListGroups&x=" + "a".repeat(11 * 1024 * 1024), iamScope);
    assert.equal(res.status, 413);
  });
});

describe("internal endpoints", () => {
  it("GET /_nubis/health names the services and the store", async () => {
    const res = await fetch(server().endpoint + "/_nubis/health");
    const health = await res.json();
    assert.equal(health.status, "running");
    assert.equal(health.store, testStore);
    assert.ok(health.services.iam && health.services.sts);
  });

  it("POST /_nubis/reset?service= refuses an unknown service", async () => {
    const res = await fetch(server().endpoint + "/_nubis/reset?service=nope", { method: "POST" });
    assert.equal(res.status, 400);
  });
});
