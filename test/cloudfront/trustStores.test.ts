/** Trust stores: CA bundles read from a real S3-compatible server (moto), pending → active/failed, refusals, and the in-use rule. */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateTrustStoreCommand,
  DeleteTrustStoreCommand,
  GetTrustStoreCommand,
  ListTagsForResourceCommand,
  ListTrustStoresCommand,
  UpdateTrustStoreCommand,
} from "@aws-sdk/client-cloudfront";
import type { NubisConfig } from "../../src/core/config.js";
import { useServer } from "../harness.js";
import { cloudFront, ETAG, refusal, reset, storeState, unique, until } from "./fixtures.js";
import { makeCertificates, motoMissing, s3Put, useMoto } from "./s3Server.js";

const config: Partial<NubisConfig> = { cloudfrontDeployDelayMs: 50, quotas: { "cloudfront.TrustStoresPerAccount": 6 } };
const moto = useMoto(config);
const server = useServer(config);
const bare = useServer({ cloudfrontDeployDelayMs: 0 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));
const certs = motoMissing ? undefined : makeCertificates();

let bucket = "";
/** A bucket of bundles: `bundle.pem` (two CAs), `one.pem`, `leaf.pem`, `expired.pem`, `text.pem`. */
async function bundles(versioned = false) {
  bucket = unique("bundles").toLowerCase();
  const objects: Array<[string, string]> = [
    ["bundle.pem", certs!.root + certs!.intermediate],
    ["one.pem", certs!.root],
    ["leaf.pem", certs!.root + certs!.leaf],
    ["expired.pem", certs!.expired],
    ["text.pem", "not a certificate"],
  ];
  await s3Put(moto(), bucket, objects, versioned ? "versioned" : "plain");
}
const source = (Key: string, extra: Record<string, string> = {}) => ({ CaCertificatesBundleS3Location: { Bucket: bucket, Key, Region: "us-east-1", ...extra } });
const create = (Key = "bundle.pem", Name = unique("ts"), c = client()) => c.send(new CreateTrustStoreCommand({ Name, CaCertificatesBundleSource: source(Key) }));
const settled = (id: string, c = client()) => until(() => c.send(new GetTrustStoreCommand({ Identifier: id })), (t) => t.TrustStore!.Status !== "pending");

describe("trust stores", { skip: motoMissing }, () => {
  it("create (pending, then active with the CA count), get by id, name or ARN, list, update with IfMatch, tags, delete", async () => {
    await bundles();
    const name = unique("ts");
    const out = await client().send(
      new CreateTrustStoreCommand({ Name: name, CaCertificatesBundleSource: source("bundle.pem"), Tags: { Items: [{ Key: "env", Value: "test" }] } }),
    );
    assert.equal(out.$metadata.httpStatusCode, 201);
    const t = out.TrustStore!;
    assert.match(t.Id!, /^ts_[0-9A-Za-z]{27}$/);
    assert.equal(t.Arn, `arn:aws:cloudfront::000000000000:trust-store/${t.Id}`);
    assert.equal(t.Status, "pending");
    assert.equal(t.NumberOfCaCertificates, 0);
    assert.equal(t.UseClientCertificateOCSPEndpoint, false);
    assert.match(out.ETag!, ETAG);
    const active = await settled(t.Id!);
    assert.equal(active.TrustStore!.Status, "active");
    assert.equal(active.TrustStore!.NumberOfCaCertificates, 2);
    assert.equal(active.TrustStore!.Reason, undefined);
    assert.equal(active.ETag, out.ETag, "becoming active issues no new ETag");
    for (const Identifier of [name, t.Arn]) assert.equal((await client().send(new GetTrustStoreCommand({ Identifier }))).TrustStore!.Id, t.Id);
    const tags = await client().send(new ListTagsForResourceCommand({ Resource: t.Arn }));
    assert.deepEqual(tags.Tags!.Items, [{ Key: "env", Value: "test" }]);

    const list = await client().send(new ListTrustStoresCommand({}));
    assert.deepEqual(
      list.TrustStoreList!.map((s) => [s.Id, s.Name, s.Status, s.NumberOfCaCertificates, s.ETag]),
      [[t.Id, name, "active", 2, out.ETag]],
    );
    assert.equal(list.NextMarker, undefined);

    const updated = await client().send(
      new UpdateTrustStoreCommand({ Id: t.Id, IfMatch: out.ETag, CaCertificatesBundleSource: source("one.pem"), UseClientCertificateOCSPEndpoint: true }),
    );
    assert.notEqual(updated.ETag, out.ETag);
    assert.equal(updated.TrustStore!.Status, "pending");
    assert.equal(updated.TrustStore!.UseClientCertificateOCSPEndpoint, true);
    const after = await settled(t.Id!);
    assert.equal(after.TrustStore!.NumberOfCaCertificates, 1);
    assert.equal(after.TrustStore!.Name, name);

    const deleted = await client().send(new DeleteTrustStoreCommand({ Id: t.Id, IfMatch: updated.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetTrustStoreCommand({ Identifier: t.Id })), "EntityNotFound", 404);
    await refused(() => client().send(new GetTrustStoreCommand({ Identifier: name })), "EntityNotFound", 404);
  });

  it("a pinned object version is the one read", async () => {
    await bundles(true);
    const [v1, v2] = await s3Put(moto(), bucket, [["pinned.pem", certs!.root], ["pinned.pem", certs!.root + certs!.intermediate]]);
    assert.ok(v1 && v2 && v1 !== v2);
    const out = await client().send(new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: source("pinned.pem", { Version: v1! }) }));
    assert.equal((await settled(out.TrustStore!.Id!)).TrustStore!.NumberOfCaCertificates, 1);
    const latest = await create("pinned.pem");
    assert.equal((await settled(latest.TrustStore!.Id!)).TrustStore!.NumberOfCaCertificates, 2);
  });

  it("an unreadable or invalid bundle makes the store failed, with the Reason", async () => {
    await bundles();
    const cases: Array<[string, RegExp]> = [
      ["missing.pem", /NoSuchKey/],
      ["leaf.pem", /Certificate 2 .* is not a CA certificate/],
      ["expired.pem", /expired/],
      ["text.pem", /no PEM-encoded certificate/],
    ];
    for (const [key, reason] of cases) {
      const t = await settled((await create(key)).TrustStore!.Id!);
      assert.equal(t.TrustStore!.Status, "failed", key);
      assert.equal(t.TrustStore!.NumberOfCaCertificates, 0);
      assert.match(t.TrustStore!.Reason!, reason);
    }
    const noBucket = await client().send(
      new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: { CaCertificatesBundleS3Location: { Bucket: "no-such-bucket-here", Key: "k", Region: "us-east-1" } } }),
    );
    assert.match((await settled(noBucket.TrustStore!.Id!)).TrustStore!.Reason!, /NoSuchBucket/);
    // Fixing the object and updating makes it active.
    const failed = (await client().send(new ListTrustStoresCommand({}))).TrustStoreList!.find((s) => s.Reason?.includes("NoSuchKey"))!;
    await s3Put(moto(), bucket, [["missing.pem", certs!.root]]);
    await client().send(new UpdateTrustStoreCommand({ Id: failed.Id, IfMatch: failed.ETag }));
    const fixed = await settled(failed.Id!);
    assert.equal(fixed.TrustStore!.Status, "active");
    assert.equal(fixed.TrustStore!.Reason, undefined);
  });

  it("without --s3-endpoint a store fails as unreadable", async () => {
    const c = cloudFront(bare().endpoint);
    const out = await create("bundle.pem", unique("ts"), c);
    const t = await settled(out.TrustStore!.Id!, c);
    assert.equal(t.TrustStore!.Status, "failed");
    assert.match(t.TrustStore!.Reason!, /--s3-endpoint/);
  });

  it("refusals leave everything unchanged", async () => {
    await bundles();
    const { TrustStore: t, ETag } = await create("bundle.pem", "taken");
    await refused(() => create("bundle.pem", "taken"), "EntityAlreadyExists", 409);
    await refused(() => create("bundle.pem", "bad name!"), "InvalidArgument", 400);
    await refused(() => client().send(new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: undefined })), "InvalidArgument", 400);
    for (const loc of [{ Bucket: bucket, Key: "k" }, { Bucket: "", Key: "k", Region: "us-east-1" }, { Bucket: bucket, Key: "k", Region: "nowhere" }, { Bucket: "Bad_Bucket", Key: "k", Region: "us-east-1" }]) {
      await refused(() => client().send(new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: { CaCertificatesBundleS3Location: loc as never } })), "InvalidArgument", 400);
    }
    await refused(() => client().send(new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: source("bundle.pem"), Tags: { Items: [{ Key: "" }] } })), "InvalidTagging", 400);
    await refused(() => client().send(new GetTrustStoreCommand({ Identifier: "ts_missing" })), "EntityNotFound", 404);
    await refused(() => client().send(new UpdateTrustStoreCommand({ Id: t!.Id, IfMatch: undefined, CaCertificatesBundleSource: source("one.pem") })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new UpdateTrustStoreCommand({ Id: t!.Id, IfMatch: "EXXXXXXXXXXXXX", CaCertificatesBundleSource: source("one.pem") })), "PreconditionFailed", 412);
    await refused(() => client().send(new UpdateTrustStoreCommand({ Id: "ts_missing", IfMatch: ETag })), "EntityNotFound", 404);
    await refused(() => client().send(new UpdateTrustStoreCommand({ Id: t!.Id, IfMatch: ETag, CaCertificatesBundleSource: { CaCertificatesBundleS3Location: { Bucket: bucket } as never } })), "InvalidArgument", 400);
    await refused(() => client().send(new DeleteTrustStoreCommand({ Id: t!.Id, IfMatch: "EXXXXXXXXXXXXX" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteTrustStoreCommand({ Id: t!.Id, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteTrustStoreCommand({ Id: "ts_missing", IfMatch: ETag })), "EntityNotFound", 404);
    await refused(() => client().send(new ListTrustStoresCommand({ MaxItems: 0 })), "InvalidArgument", 400);
    for (let i = 0; i < 5; i++) await create();
    await refused(() => create(), "EntityLimitExceeded", 400);
    const page = await client().send(new ListTrustStoresCommand({ MaxItems: 4 }));
    assert.equal(page.TrustStoreList!.length, 4);
    const rest = await client().send(new ListTrustStoresCommand({ MaxItems: 4, Marker: page.NextMarker }));
    assert.equal(rest.TrustStoreList!.length, 2);
    assert.equal(rest.NextMarker, undefined);
  });
});
