/** Connection functions: the DEVELOPMENT/LIVE life, Test that runs the code on a connection object, refusals, and the in-use rule. */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateConnectionFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteConnectionFunctionCommand,
  DeleteKeyValueStoreCommand,
  DescribeConnectionFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetConnectionFunctionCommand,
  ListConnectionFunctionsCommand,
  ListDistributionsByConnectionFunctionCommand,
  ListTagsForResourceCommand,
  PublishConnectionFunctionCommand,
  TestConnectionFunctionCommand,
  UpdateConnectionFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, ETAG, refusal, reset, storeState, unique } from "./fixtures.js";

const server = useServer({ quotas: { "cloudfront.ConnectionFunctionsPerAccount": 3, "cloudfront.ConnectionFunctionCodeBytes": 400 } });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const CODE = `function connectionHandler(connection) {
  if (!connection.clientCertificate) { console.log("no certificate"); return connection.deny(); }
  connection.allow();
}`;
const config = (extra: Record<string, unknown> = {}) => ({ Comment: "validator", Runtime: "cloudfront-js-2.0" as const, ...extra });
const create = (name = unique("cfn"), code = CODE, extra: Record<string, unknown> = {}) =>
  client().send(new CreateConnectionFunctionCommand({ Name: name, ConnectionFunctionConfig: config(extra) as never, ConnectionFunctionCode: Buffer.from(code) }));
const connection = (withCert = true) =>
  Buffer.from(
    JSON.stringify({
      connectionId: "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
      clientIp: "203.0.113.42",
      ...(withCert
        ? {
            clientCertificate: {
              certificates: {
                leaf: {
                  subject: "CN=client.example.com,O=Example Corp,C=US",
                  issuer: "CN=Example Corp Intermediate CA,O=Example Corp,C=US",
                  serialNumber: "4a:3f:5c:92:d1:e8:7b:6c",
                  validity: { notBefore: "2024-01-15T00:00:00Z", notAfter: "2030-01-14T23:59:59Z" },
                  sha256Fingerprint: "a1b2c3",
                },
              },
            },
          }
        : {}),
    }),
  );

describe("connection functions", () => {
  it("create, describe and get by id, name or ARN, update, publish, list by stage, tags, delete", async () => {
    const name = unique("cfn");
    const out = await create(name, CODE);
    assert.equal(out.$metadata.httpStatusCode, 201);
    const s = out.ConnectionFunctionSummary!;
    assert.match(s.Id!, /^cf_[0-9A-Za-z]{27}$/);
    assert.equal(s.Name, name);
    assert.equal(s.ConnectionFunctionArn, `arn:aws:cloudfront::000000000000:connection-function/${s.Id}`);
    assert.equal(s.Status, "UNPUBLISHED");
    assert.equal(s.Stage, "DEVELOPMENT");
    assert.deepEqual(s.ConnectionFunctionConfig, { Comment: "validator", Runtime: "cloudfront-js-2.0" });
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/connection-function/${s.Id}`);
    for (const Identifier of [s.Id, name, s.ConnectionFunctionArn]) {
      const d = await client().send(new DescribeConnectionFunctionCommand({ Identifier }));
      assert.equal(d.ETag, out.ETag);
      assert.equal(d.ConnectionFunctionSummary!.Id, s.Id);
    }
    const code = await client().send(new GetConnectionFunctionCommand({ Identifier: s.Id }));
    assert.equal(Buffer.from(code.ConnectionFunctionCode!).toString(), CODE);
    assert.equal(code.ETag, out.ETag);
    await refused(() => client().send(new DescribeConnectionFunctionCommand({ Identifier: s.Id, Stage: "LIVE" })), "EntityNotFound", 404);

    const updated = await client().send(
      new UpdateConnectionFunctionCommand({ Id: s.Id, IfMatch: out.ETag, ConnectionFunctionConfig: config({ Comment: "v2" }), ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { c.deny(); }") }),
    );
    assert.notEqual(updated.ETag, out.ETag);
    assert.equal(updated.ConnectionFunctionSummary!.ConnectionFunctionConfig!.Comment, "v2");

    const published = await client().send(new PublishConnectionFunctionCommand({ Id: s.Id, IfMatch: updated.ETag }));
    assert.equal(published.ConnectionFunctionSummary!.Stage, "LIVE");
    assert.equal(published.ConnectionFunctionSummary!.Status, "UNASSOCIATED");
    const dev = await client().send(new DescribeConnectionFunctionCommand({ Identifier: s.Id }));
    const live = await client().send(new DescribeConnectionFunctionCommand({ Identifier: s.Id, Stage: "LIVE" }));
    assert.equal(dev.ETag, updated.ETag, "publishing keeps the DEVELOPMENT ETag");
    assert.notEqual(live.ETag, dev.ETag, "LIVE has its own ETag");
    assert.equal(dev.ConnectionFunctionSummary!.Status, "UNASSOCIATED");

    const other = await create();
    const all = await client().send(new ListConnectionFunctionsCommand({}));
    assert.equal(all.ConnectionFunctions!.length, 2);
    assert.equal(all.NextMarker, undefined);
    const lives = await client().send(new ListConnectionFunctionsCommand({ Stage: "LIVE" }));
    assert.deepEqual(lives.ConnectionFunctions!.map((f) => [f.Id, f.Stage]), [[s.Id, "LIVE"]]);
    const page = await client().send(new ListConnectionFunctionsCommand({ MaxItems: 1 }));
    assert.equal(page.ConnectionFunctions!.length, 1);
    const next = await client().send(new ListConnectionFunctionsCommand({ MaxItems: 1, Marker: page.NextMarker }));
    assert.equal(next.ConnectionFunctions!.length, 1);
    assert.equal(next.NextMarker, undefined);
    assert.notEqual(next.ConnectionFunctions![0].Id, page.ConnectionFunctions![0].Id);

    const none = await client().send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: s.Id }));
    assert.deepEqual(none.DistributionList, { Marker: "", MaxItems: 100, IsTruncated: false, Quantity: 0 });

    const tagged = await client().send(
      new CreateConnectionFunctionCommand({ Name: unique("cfn"), ConnectionFunctionConfig: config(), ConnectionFunctionCode: Buffer.from(CODE), Tags: { Items: [{ Key: "env", Value: "test" }] } }),
    );
    const tags = await client().send(new ListTagsForResourceCommand({ Resource: tagged.ConnectionFunctionSummary!.ConnectionFunctionArn }));
    assert.deepEqual(tags.Tags!.Items, [{ Key: "env", Value: "test" }]);

    const deleted = await client().send(new DeleteConnectionFunctionCommand({ Id: s.Id, IfMatch: dev.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new DescribeConnectionFunctionCommand({ Identifier: s.Id })), "EntityNotFound", 404);
    await refused(() => client().send(new DescribeConnectionFunctionCommand({ Identifier: name })), "EntityNotFound", 404);
    await client().send(new DeleteConnectionFunctionCommand({ Id: other.ConnectionFunctionSummary!.Id, IfMatch: other.ETag }));
  });

  it("Test runs the code on the connection object: allow, deny, logs, errors", async () => {
    const { ConnectionFunctionSummary: s, ETag } = await create();
    const test = (object: Buffer, IfMatch = ETag, Stage?: "LIVE") => client().send(new TestConnectionFunctionCommand({ Id: s!.Id, IfMatch, Stage, ConnectionObject: object }));
    const allowed = (await test(connection())).ConnectionFunctionTestResult!;
    assert.equal(allowed.ConnectionFunctionOutput, JSON.stringify({ action: "allow" }));
    assert.equal(allowed.ConnectionFunctionErrorMessage, undefined);
    assert.equal(allowed.ConnectionFunctionSummary!.Id, s!.Id);
    assert.match(allowed.ComputeUtilization!, /^\d+$/);
    const denied = (await test(connection(false))).ConnectionFunctionTestResult!;
    assert.equal(denied.ConnectionFunctionOutput, JSON.stringify({ action: "deny" }));
    assert.deepEqual(denied.ConnectionFunctionExecutionLogs, ["no certificate"]);

    const subject = `function connectionHandler(connection) {
  const leaf = connection.clientCertificate.certificates.leaf;
  console.log(leaf.serialNumber);
  if (leaf.subject.includes("O=Example Corp")) connection.allow(); else connection.deny();
}`;
    const upd = await client().send(new UpdateConnectionFunctionCommand({ Id: s!.Id, IfMatch: ETag, ConnectionFunctionConfig: config(), ConnectionFunctionCode: Buffer.from(subject) }));
    const bySubject = (await test(connection(), upd.ETag)).ConnectionFunctionTestResult!;
    assert.equal(bySubject.ConnectionFunctionOutput, JSON.stringify({ action: "allow" }));
    assert.deepEqual(bySubject.ConnectionFunctionExecutionLogs, ["4a:3f:5c:92:d1:e8:7b:6c"]);
    // The function throws on a connection without a certificate: a 200 with the error.
    const thrown = (await test(connection(false), upd.ETag)).ConnectionFunctionTestResult!;
    assert.match(thrown.ConnectionFunctionErrorMessage!, /^TypeError: /);
    assert.equal(thrown.ConnectionFunctionOutput, undefined);

    const undecided = await client().send(
      new UpdateConnectionFunctionCommand({ Id: s!.Id, IfMatch: upd.ETag, ConnectionFunctionConfig: config(), ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { }") }),
    );
    const none = (await test(connection(), undecided.ETag)).ConnectionFunctionTestResult!;
    assert.equal(none.ConnectionFunctionErrorMessage, "The connection function did not call connection.allow() or connection.deny().");
    const async = await client().send(
      new UpdateConnectionFunctionCommand({
        Id: s!.Id,
        IfMatch: undecided.ETag,
        ConnectionFunctionConfig: config(),
        ConnectionFunctionCode: Buffer.from("async function connectionHandler(c) { await null; c.deny(); }"),
      }),
    );
    assert.equal((await test(connection(), async.ETag)).ConnectionFunctionTestResult!.ConnectionFunctionOutput, JSON.stringify({ action: "deny" }));

    await refused(() => client().send(new TestConnectionFunctionCommand({ Id: s!.Id, IfMatch: undefined, ConnectionObject: connection() })), "InvalidIfMatchVersion", 400);
    await refused(() => test(connection(), "EXXXXXXXXXXXXX"), "PreconditionFailed", 412);
    await refused(() => test(Buffer.from("not json"), async.ETag), "InvalidArgument", 400);
    await refused(() => test(Buffer.alloc(40961, 32), async.ETag), "InvalidArgument", 400);
    await refused(() => test(connection(), async.ETag, "LIVE"), "EntityNotFound", 404);
    await refused(() => client().send(new TestConnectionFunctionCommand({ Id: "cf_missing", IfMatch: async.ETag, ConnectionObject: connection() })), "EntityNotFound", 404);
  });

  it("refusals leave everything unchanged", async () => {
    const { ConnectionFunctionSummary: s, ETag } = await create("taken");
    await refused(() => create("taken"), "EntityAlreadyExists", 409);
    await refused(() => create("bad name!"), "InvalidArgument", 400);
    await refused(() => create(unique("cfn"), ""), "InvalidArgument", 400);
    await refused(() => create(unique("cfn"), "x".repeat(401)), "EntitySizeLimitExceeded", 413);
    await refused(() => create(unique("cfn"), CODE, { Runtime: "nodejs" }), "InvalidArgument", 400);
    await refused(() => create(unique("cfn"), CODE, { Comment: "c".repeat(129) }), "InvalidArgument", 400);
    const arn = "arn:aws:cloudfront::000000000000:key-value-store/6e2b9b5a-0000-0000-0000-000000000000";
    await refused(() => create(unique("cfn"), CODE, { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } }), "InvalidArgument", 400);
    await refused(() => client().send(new GetConnectionFunctionCommand({ Identifier: "cf_missing" })), "EntityNotFound", 404);
    const update = (IfMatch?: string, code = CODE) => () =>
      client().send(new UpdateConnectionFunctionCommand({ Id: s!.Id, IfMatch, ConnectionFunctionConfig: config(), ConnectionFunctionCode: Buffer.from(code) }));
    await refused(update(), "InvalidIfMatchVersion", 400);
    await refused(update("EXXXXXXXXXXXXX"), "PreconditionFailed", 412);
    await refused(update(ETag, "y".repeat(401)), "EntitySizeLimitExceeded", 413);
    await refused(() => client().send(new UpdateConnectionFunctionCommand({ Id: "cf_missing", IfMatch: ETag, ConnectionFunctionConfig: config(), ConnectionFunctionCode: Buffer.from(CODE) })), "EntityNotFound", 404);
    await refused(() => client().send(new PublishConnectionFunctionCommand({ Id: s!.Id, IfMatch: "EXXXXXXXXXXXXX" })), "PreconditionFailed", 412);
    await refused(() => client().send(new PublishConnectionFunctionCommand({ Id: s!.Id, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteConnectionFunctionCommand({ Id: s!.Id, IfMatch: "EXXXXXXXXXXXXX" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteConnectionFunctionCommand({ Id: "cf_missing", IfMatch: ETag })), "EntityNotFound", 404);
    await refused(() => client().send(new ListConnectionFunctionsCommand({ Stage: "TEST" as never })), "InvalidArgument", 400);
    await refused(() => client().send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: "cf_missing" })), "EntityNotFound", 404);
    await create();
    await create();
    await refused(() => create(), "EntityLimitExceeded", 400);
  });

  it("a key value store a connection function uses cannot be deleted until the function is", async () => {
    const kvs = await client().send(new CreateKeyValueStoreCommand({ Name: unique("kvs") }));
    const arn = kvs.KeyValueStore!.ARN!;
    const { ConnectionFunctionSummary: s, ETag } = await create(unique("cfn"), CODE, { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } });
    assert.deepEqual(s!.ConnectionFunctionConfig!.KeyValueStoreAssociations, { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] });
    const store = await client().send(new DescribeKeyValueStoreCommand({ Name: kvs.KeyValueStore!.Name }));
    await refused(() => client().send(new DeleteKeyValueStoreCommand({ Name: kvs.KeyValueStore!.Name, IfMatch: store.ETag })), "CannotDeleteEntityWhileInUse", 409);
    await client().send(new DeleteConnectionFunctionCommand({ Id: s!.Id, IfMatch: ETag }));
    await client().send(new DeleteKeyValueStoreCommand({ Name: kvs.KeyValueStore!.Name, IfMatch: store.ETag }));
  });
});
