import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteFunctionCommand,
  DeleteKeyValueStoreCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  ListKeyValueStoresCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  UpdateFunctionCommand,
  UpdateKeyValueStoreCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, distributionConfig, ETAG, refusal, reset, storeState, until, UUID } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 50 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const code = (s: string) => new TextEncoder().encode(s);
const PASS = "function handler(event) { console.log('uri', event.request.uri); return event.request; }";
const config = (runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-2.0", extra = {}) => ({ Comment: "test", Runtime: runtime, ...extra });
const createFn = (Name: string, src = PASS, cfg = config()) => client().send(new CreateFunctionCommand({ Name, FunctionConfig: cfg, FunctionCode: code(src) }));
const EVENT = code(JSON.stringify({ version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "1.2.3.4" }, request: { method: "GET", uri: "/index.html", querystring: {}, headers: {}, cookies: {} } }));

describe("CloudFront Functions", () => {
  it("create (201, DEVELOPMENT, UNPUBLISHED), describe, get code, update (ETtag), publish (LIVE), list by stage, delete", async () => {
    const out = await createFn("rewrite");
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(out.ETag!, ETAG);
    const s = out.FunctionSummary!;
    assert.equal(s.Status, "UNPUBLISHED");
    assert.equal(s.FunctionMetadata!.Stage, "DEVELOPMENT");
    assert.equal(s.FunctionMetadata!.FunctionARN, "arn:aws:cloudfront::000000000000:function/rewrite");
    const d = await client().send(new DescribeFunctionCommand({ Name: "rewrite" }));
    assert.equal(d.ETag, out.ETag);
    const got = await client().send(new GetFunctionCommand({ Name: "rewrite" }));
    assert.equal(new TextDecoder().decode(got.FunctionCode), PASS);
    assert.equal(got.ETag, out.ETag);
    await refused(() => client().send(new DescribeFunctionCommand({ Name: "rewrite", Stage: "LIVE" })), "NoSuchFunctionExists", 404);
    const up = await client().send(new UpdateFunctionCommand({ Name: "rewrite", IfMatch: out.ETag, FunctionConfig: config(), FunctionCode: code(PASS + "\n") }));
    assert.match(up.ETag!, ETAG);
    assert.notEqual(up.ETag, out.ETag);
    await refused(() => client().send(new PublishFunctionCommand({ Name: "rewrite", IfMatch: out.ETag })), "PreconditionFailed", 412);
    const pub = await client().send(new PublishFunctionCommand({ Name: "rewrite", IfMatch: up.ETag }));
    assert.equal(pub.FunctionSummary!.FunctionMetadata!.Stage, "LIVE");
    assert.equal(pub.FunctionSummary!.Status, "UNASSOCIATED");
    // Publishing the unchanged DEVELOPMENT again is allowed.
    await client().send(new PublishFunctionCommand({ Name: "rewrite", IfMatch: up.ETag }));
    await createFn("other");
    const live = await client().send(new ListFunctionsCommand({ Stage: "LIVE" }));
    assert.deepEqual(live.FunctionList!.Items!.map((f) => f.Name), ["rewrite"]);
    const dev = await client().send(new ListFunctionsCommand({ MaxItems: 1 }));
    assert.equal(dev.FunctionList!.Quantity, 1);
    assert.equal(dev.FunctionList!.NextMarker, "other");
    const del = await client().send(new DeleteFunctionCommand({ Name: "rewrite", IfMatch: up.ETag }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetFunctionCommand({ Name: "rewrite" })), "NoSuchFunctionExists", 404);
  });

  it("refuses a taken name (409), a bad runtime, oversized code (413), a missing If-Match", async () => {
    const out = await createFn("taken");
    await refused(() => createFn("taken"), "FunctionAlreadyExists", 409);
    await refused(() => createFn("bad", PASS, { Comment: "", Runtime: "nodejs" as never }), "InvalidArgument", 400);
    await refused(() => createFn("huge", "x".repeat(10241)), "FunctionSizeLimitExceeded", 413);
    await refused(() => client().send(new UpdateFunctionCommand({ Name: "taken", FunctionConfig: config(), FunctionCode: code(PASS) } as never)), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteFunctionCommand({ Name: "taken", IfMatch: "E000000000000" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteFunctionCommand({ Name: "missing", IfMatch: out.ETag })), "NoSuchFunctionExists", 404);
  });

  it("an association needs a published function and then blocks its delete (FunctionInUse 409)", async () => {
    const out = await createFn("assoc");
    const arn = out.FunctionSummary!.FunctionMetadata!.FunctionARN!;
    const fa = { FunctionAssociations: { Quantity: 1, Items: [{ FunctionARN: arn, EventType: "viewer-request" as const }] } };
    await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, fa) })), "InvalidFunctionAssociation", 400);
    await client().send(new PublishFunctionCommand({ Name: "assoc", IfMatch: out.ETag }));
    await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, fa) }));
    assert.equal((await client().send(new DescribeFunctionCommand({ Name: "assoc", Stage: "LIVE" }))).FunctionSummary!.Status, "DEPLOYED");
    const e = await refused(() => client().send(new DeleteFunctionCommand({ Name: "assoc", IfMatch: out.ETag })), "FunctionInUse", 409);
    assert.equal(e.message, "Cannot delete function assoc, it is in use by 1 distributions");
  });
});

describe("TestFunction", () => {
  const test = async (src: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-2.0", event = EVENT) => {
    const out = await createFn(`t${Math.random().toString(36).slice(2, 10)}`, src, config(runtime));
    return (await client().send(new TestFunctionCommand({ Name: out.FunctionSummary!.Name, IfMatch: out.ETag, EventObject: event }))).TestResult!;
  };

  it("runs the handler: the request out as JSON, console.log lines, a compute utilization figure", async () => {
    for (const runtime of ["cloudfront-js-1.0", "cloudfront-js-2.0"] as const) {
      const r = await test(PASS, runtime);
      assert.equal(JSON.parse(r.FunctionOutput!).request.uri, "/index.html");
      assert.deepEqual(r.FunctionExecutionLogs, ["uri /index.html"]);
      assert.match(r.ComputeUtilization!, /^\d{1,3}$/);
      assert.ok(Number(r.ComputeUtilization) <= 100);
      assert.equal(r.FunctionErrorMessage, undefined);
      assert.equal(r.FunctionSummary!.FunctionConfig!.Runtime, runtime);
    }
  });

  it("returns a response from an async 2.0 handler", async () => {
    const r = await test("async function handler(event) { await null; return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://example.com/' } } }; }");
    assert.deepEqual(JSON.parse(r.FunctionOutput!).response.statusCode, 302);
  });

  it("reports a thrown error or a syntax error in FunctionErrorMessage (200), not as an HTTP error", async () => {
    const thrown = await test("function handler(e) { console.log('before'); throw new TypeError('boom'); }");
    assert.equal(thrown.FunctionErrorMessage, "TypeError: boom");
    assert.deepEqual(thrown.FunctionExecutionLogs, ["before"]);
    assert.equal(thrown.FunctionOutput, undefined);
    assert.match((await test("function handler(e) {")).FunctionErrorMessage!, /^SyntaxError/);
  });

  it("stops a function past its time or memory limit", async () => {
    assert.match((await test("function handler(e) { for (;;) {} }")).FunctionErrorMessage!, /compute utilization/);
    assert.match((await test("function handler(e) { var a = []; for (;;) a.push(new Array(100000).fill(1)); }")).FunctionErrorMessage!, /memory/);
  });

  it("reaches nothing of the host: no require, process, host globals or string compilation", async () => {
    const r = await test(`function handler(e) {
      var out = { require: typeof require, process: typeof process, module: typeof module, buffer: typeof Buffer };
      try { out.escape = this.constructor.constructor('return typeof process')(); } catch (err) { out.escape = err.name; }
      try { out.viaLog = console.log.constructor('return 1')(); } catch (err) { out.viaLog = err.name; }
      try { out.evil = eval('1'); } catch (err) { out.evil = err.name; }
      return out;
    }`);
    assert.deepEqual(JSON.parse(r.FunctionOutput!).request, { require: "undefined", process: "undefined", module: "undefined", buffer: "undefined", escape: "EvalError", viaLog: "EvalError", evil: "EvalError" });
  });

  it("refuses an EventObject that is not JSON (InvalidArgument) and a stale If-Match (412)", async () => {
    const out = await createFn("ev");
    await refused(() => client().send(new TestFunctionCommand({ Name: "ev", IfMatch: out.ETag, EventObject: code("not json") })), "InvalidArgument", 400);
    await refused(() => client().send(new TestFunctionCommand({ Name: "ev", IfMatch: "E000000000000", EventObject: EVENT })), "PreconditionFailed", 412);
  });
});

describe("key value stores", () => {
  it("create (201, UUID, PROVISIONING then READY), describe, update comment, list, delete; in use by a function", async () => {
    const out = await client().send(new CreateKeyValueStoreCommand({ Name: "kvs1", Comment: "first" }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const s = out.KeyValueStore!;
    assert.match(s.Id!, UUID);
    assert.equal(s.ARN, `arn:aws:cloudfront::000000000000:key-value-store/${s.Id}`);
    assert.equal(s.Status, "PROVISIONING");
    const ready = await until(() => client().send(new DescribeKeyValueStoreCommand({ Name: "kvs1" })), (d) => d.KeyValueStore!.Status === "READY");
    assert.equal(ready.ETag, out.ETag);
    await refused(() => client().send(new CreateKeyValueStoreCommand({ Name: "kvs1" })), "EntityAlreadyExists", 409);
    const up = await client().send(new UpdateKeyValueStoreCommand({ Name: "kvs1", Comment: "second", IfMatch: out.ETag }));
    assert.equal(up.KeyValueStore!.Comment, "second");
    assert.equal(up.KeyValueStore!.Status, "READY");
    assert.equal((await client().send(new ListKeyValueStoresCommand({}))).KeyValueStoreList!.Items!.length, 1);
    const fn = await createFn("withkvs", PASS, config("cloudfront-js-2.0", { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: s.ARN }] } }));
    await refused(() => client().send(new DeleteKeyValueStoreCommand({ Name: "kvs1", IfMatch: up.ETag })), "CannotDeleteEntityWhileInUse", 409);
    await refused(() => createFn("kvs10", PASS, config("cloudfront-js-1.0", { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: s.ARN }] } })), "InvalidArgument", 400);
    await client().send(new DeleteFunctionCommand({ Name: "withkvs", IfMatch: fn.ETag }));
    await refused(() => client().send(new DeleteKeyValueStoreCommand({ Name: "kvs1", IfMatch: out.ETag })), "PreconditionFailed", 412);
    await client().send(new DeleteKeyValueStoreCommand({ Name: "kvs1", IfMatch: up.ETag }));
    await refused(() => client().send(new DescribeKeyValueStoreCommand({ Name: "kvs1" })), "EntityNotFound", 404);
  });
});

describe("runtimes", () => {
  it("cloudfront-js-1.0 has no async code: async/await is a SyntaxError and there is no Promise", async () => {
    const mk = async (Name: string, src: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0") => {
      const out = await createFn(Name, src, config(runtime));
      return (await client().send(new TestFunctionCommand({ Name, IfMatch: out.ETag, EventObject: EVENT }))).TestResult!;
    };
    assert.match((await mk("one", "async function handler(e) { return e.request; }", "cloudfront-js-1.0")).FunctionErrorMessage!, /^SyntaxError/);
    assert.equal(JSON.parse((await mk("two", "function handler(e) { return { p: typeof Promise }; }", "cloudfront-js-1.0")).FunctionOutput!).request.p, "undefined");
    assert.equal(JSON.parse((await mk("three", "function handler(e) { return { p: typeof Promise }; }", "cloudfront-js-2.0")).FunctionOutput!).request.p, "function");
  });
});

describe("wire details", () => {
  it("UpdateFunction answers its ETag in the model's ETtag header; GetFunction answers the raw code", async () => {
    const out = await createFn("wire");
    const xml = `<UpdateFunctionRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><FunctionConfig><Comment>c</Comment><Runtime>cloudfront-js-2.0</Runtime></FunctionConfig><FunctionCode>${Buffer.from(PASS).toString("base64")}</FunctionCode></UpdateFunctionRequest>`;
    const res = await fetch(`${server().endpoint}/2020-05-31/function/wire`, { method: "PUT", headers: { "if-match": out.ETag! }, body: xml });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("ettag") ?? "", ETAG);
    await res.arrayBuffer();
    const raw = await fetch(`${server().endpoint}/2020-05-31/function/wire`);
    assert.equal(raw.headers.get("content-type"), "application/octet-stream");
    assert.equal(await raw.text(), PASS);
  });

  it("TestResult lists FunctionExecutionLogs as <member> elements", async () => {
    const out = await createFn("logs");
    const xml = `<TestFunctionRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><EventObject>${Buffer.from(EVENT).toString("base64")}</EventObject></TestFunctionRequest>`;
    const res = await fetch(`${server().endpoint}/2020-05-31/function/logs/test`, { method: "POST", headers: { "if-match": out.ETag! }, body: xml });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<FunctionExecutionLogs><member>uri \/index\.html<\/member><\/FunctionExecutionLogs>/);
  });
});
