/**
 * Viewer mTLS on distributions: ViewerMtlsConfig names a trust store and ConnectionFunctionAssociation
 * a published connection function; both are in-use references (delete refused, ListDistributionsBy…),
 * and the Terraform-like lives of both through boto3.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateConnectionFunctionCommand,
  CreateDistributionCommand,
  CreateTrustStoreCommand,
  DeleteConnectionFunctionCommand,
  DeleteTrustStoreCommand,
  DescribeConnectionFunctionCommand,
  GetDistributionConfigCommand,
  GetTrustStoreCommand,
  ListDistributionsByConnectionFunctionCommand,
  ListDistributionsByTrustStoreCommand,
  PublishConnectionFunctionCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import type { NubisConfig } from "../../src/core/config.js";
import { boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, distributionConfig, refusal, reset, storeState, unique, until } from "./fixtures.js";
import { makeCertificates, motoMissing, s3Put, useMoto } from "./s3Server.js";

const config: Partial<NubisConfig> = { cloudfrontDeployDelayMs: 0 };
const moto = useMoto(config);
const server = useServer(config);
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));
const certs = motoMissing ? undefined : makeCertificates();
let bucket = "";

async function trustStore(key = "bundle.pem") {
  const out = await client().send(
    new CreateTrustStoreCommand({ Name: unique("ts"), CaCertificatesBundleSource: { CaCertificatesBundleS3Location: { Bucket: bucket, Key: key, Region: "us-east-1" } } }),
  );
  return until(() => client().send(new GetTrustStoreCommand({ Identifier: out.TrustStore!.Id })), (t) => t.TrustStore!.Status !== "pending");
}

async function connectionFunction(publish = true) {
  const out = await client().send(
    new CreateConnectionFunctionCommand({
      Name: unique("cfn"),
      ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" },
      ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { c.allow(); }"),
    }),
  );
  if (publish) await client().send(new PublishConnectionFunctionCommand({ Id: out.ConnectionFunctionSummary!.Id, IfMatch: out.ETag }));
  return { id: out.ConnectionFunctionSummary!.Id!, etag: out.ETag! };
}

const mtls = (TrustStoreId: string, extra: Record<string, unknown> = {}) => ({ ViewerMtlsConfig: { Mode: "required", TrustStoreConfig: { TrustStoreId } }, ...extra });
const https = { ViewerProtocolPolicy: "https-only" };
const createDistribution = (extra: Record<string, unknown>, behaviour: Record<string, unknown> = https) =>
  client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(extra, behaviour) }));

describe("viewer mTLS", { skip: motoMissing }, () => {
  beforeEach(async () => {
    bucket = unique("mtls").toLowerCase();
    await s3Put(moto(), bucket, [["bundle.pem", certs!.root], ["leaf.pem", certs!.leaf]], "plain");
  });

  it("a distribution references a trust store and a connection function: listed by them, their deletes refused until detached", async () => {
    const ts = await trustStore();
    const fn = await connectionFunction();
    const out = await createDistribution(mtls(ts.TrustStore!.Id!, { ConnectionFunctionAssociation: { Id: fn.id } }));
    const d = out.Distribution!;
    assert.deepEqual(d.DistributionConfig!.ViewerMtlsConfig, {
      Mode: "required",
      TrustStoreConfig: { TrustStoreId: ts.TrustStore!.Id, AdvertiseTrustStoreCaNames: false, IgnoreCertificateExpiry: false },
    });
    assert.deepEqual(d.DistributionConfig!.ConnectionFunctionAssociation, { Id: fn.id });

    const byStore = await client().send(new ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: ts.TrustStore!.Id }));
    assert.deepEqual(byStore.DistributionList!.Items!.map((s) => s.Id), [d.Id]);
    const byName = await client().send(new ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: ts.TrustStore!.Name }));
    assert.equal(byName.DistributionList!.Quantity, 1);
    const byFn = await client().send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: fn.id }));
    assert.deepEqual(byFn.DistributionList!.Items!.map((s) => s.Id), [d.Id]);
    const described = await client().send(new DescribeConnectionFunctionCommand({ Identifier: fn.id }));
    assert.equal(described.ConnectionFunctionSummary!.Status, "DEPLOYED");

    await refused(() => client().send(new DeleteTrustStoreCommand({ Id: ts.TrustStore!.Id, IfMatch: ts.ETag })), "CannotDeleteEntityWhileInUse", 409);
    await refused(() => client().send(new DeleteConnectionFunctionCommand({ Id: fn.id, IfMatch: described.ETag })), "CannotDeleteEntityWhileInUse", 409);

    // Detach both (an update without them), then both deletes go through.
    const current = await client().send(new GetDistributionConfigCommand({ Id: d.Id }));
    const { ViewerMtlsConfig: _m, ConnectionFunctionAssociation: _c, ...rest } = current.DistributionConfig!;
    await client().send(new UpdateDistributionCommand({ Id: d.Id, IfMatch: current.ETag, DistributionConfig: rest }));
    assert.equal((await client().send(new ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: ts.TrustStore!.Id }))).DistributionList!.Quantity, 0);
    assert.equal((await client().send(new DescribeConnectionFunctionCommand({ Identifier: fn.id }))).ConnectionFunctionSummary!.Status, "UNASSOCIATED");
    await client().send(new DeleteTrustStoreCommand({ Id: ts.TrustStore!.Id, IfMatch: ts.ETag }));
    await client().send(new DeleteConnectionFunctionCommand({ Id: fn.id, IfMatch: described.ETag }));
  });

  it("refuses what CloudFront refuses, with nothing changed", async () => {
    const ts = await trustStore();
    const id = ts.TrustStore!.Id!;
    const failed = await trustStore("leaf.pem");
    assert.equal(failed.TrustStore!.Status, "failed");
    const unpublished = await connectionFunction(false);
    const fn = await connectionFunction();
    const create = (extra: Record<string, unknown>, behaviour: Record<string, unknown> = https) => () => createDistribution(extra, behaviour);
    await refused(create(mtls("ts_missing")), "EntityNotFound", 404);
    await refused(create(mtls(failed.TrustStore!.Id!)), "InvalidArgument", 400);
    await refused(create(mtls(id), {}), "InvalidArgument", 400); // allow-all lets HTTP in
    await refused(create(mtls(id, { HttpVersion: "http3" })), "InvalidArgument", 400);
    await refused(create({ ViewerMtlsConfig: { Mode: "required" } }), "InvalidArgument", 400);
    await refused(create({ ViewerMtlsConfig: { Mode: "sometimes", TrustStoreConfig: { TrustStoreId: id } } }), "InvalidArgument", 400);
    await refused(create({ ConnectionFunctionAssociation: { Id: fn.id } }), "InvalidArgument", 400); // no mTLS
    await refused(create(mtls(id, { ConnectionFunctionAssociation: { Id: "cf_missing" } })), "EntityNotFound", 404);
    await refused(create(mtls(id, { ConnectionFunctionAssociation: { Id: unpublished.id } })), "InvalidArgument", 400);
    // Passthrough mode needs no trust store.
    const passthrough = await createDistribution({ ViewerMtlsConfig: { Mode: "passthrough" } });
    assert.deepEqual(passthrough.Distribution!.DistributionConfig!.ViewerMtlsConfig, { Mode: "passthrough" });
  });

  it("Terraform-like lives through boto3: connection function and trust store, attached, refused delete, detached, deleted", { skip: boto3Missing }, async () => {
    const out = await boto3(
      server().endpoint,
      String.raw`
import boto3, json, os, time
from botocore.exceptions import ClientError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
def code(e):
    try:
        e()
    except ClientError as x:
        return x.response["Error"]["Code"], x.response["ResponseMetadata"]["HTTPStatusCode"]
# aws_cloudfront_connection_function: create, read as Terraform reads, update in place, publish.
fn = cf.create_connection_function(Name="tf-cfn", ConnectionFunctionConfig={"Comment": "v1", "Runtime": "cloudfront-js-2.0"},
    ConnectionFunctionCode=b"function connectionHandler(c) { c.allow(); }", Tags={"Items": [{"Key": "env", "Value": "test"}]})
fid = fn["ConnectionFunctionSummary"]["Id"]
dev = cf.describe_connection_function(Identifier=fid, Stage="DEVELOPMENT")
got = cf.get_connection_function(Identifier=fid, Stage="DEVELOPMENT")
live_before = code(lambda: cf.describe_connection_function(Identifier=fid, Stage="LIVE"))
upd = cf.update_connection_function(Id=fid, IfMatch=got["ETag"], ConnectionFunctionConfig={"Comment": "v2", "Runtime": "cloudfront-js-2.0"},
    ConnectionFunctionCode=b"function connectionHandler(c) { if (c.clientCertificate) c.allow(); else c.deny(); }")
test = cf.test_connection_function(Id=fid, IfMatch=upd["ETag"], ConnectionObject=json.dumps({"clientIp": "203.0.113.9"}).encode())
cf.publish_connection_function(Id=fid, IfMatch=upd["ETag"])
status = cf.describe_connection_function(Identifier=fid, Stage="DEVELOPMENT")["ConnectionFunctionSummary"]["Status"]
live = cf.describe_connection_function(Identifier=fid, Stage="LIVE")
# aws_cloudfront_trust_store: create, wait for active, read.
src = {"CaCertificatesBundleS3Location": {"Bucket": os.environ["BUCKET"], "Key": "bundle.pem", "Region": "us-east-1"}}
ts = cf.create_trust_store(Name="tf-ts", CaCertificatesBundleSource=src)
tid = ts["TrustStore"]["Id"]
def active():
    for _ in range(400):
        t = cf.get_trust_store(Identifier=tid)
        if t["TrustStore"]["Status"] == "active":
            return t
        time.sleep(0.025)
t = active()
# Update in place with the ETag read (Terraform's update), then wait for active again.
updated = cf.update_trust_store(Id=tid, IfMatch=t["ETag"], CaCertificatesBundleSource=src, UseClientCertificateOCSPEndpoint=True)
t = active()
# aws_cloudfront_distribution with viewer_mtls_config and connection_function_association.
dc = {"CallerReference": "tf-mtls", "Comment": "", "Enabled": False,
      "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.com", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
      "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
      "ViewerMtlsConfig": {"Mode": "required", "TrustStoreConfig": {"TrustStoreId": tid, "AdvertiseTrustStoreCaNames": True}},
      "ConnectionFunctionAssociation": {"Id": fid}}
d = cf.create_distribution(DistributionConfig=dc)
did = d["Distribution"]["Id"]
by_fn = [x["Id"] for x in cf.list_distributions_by_connection_function(ConnectionFunctionIdentifier=fid)["DistributionList"].get("Items", [])]
by_ts = [x["Id"] for x in cf.list_distributions_by_trust_store(TrustStoreIdentifier=tid)["DistributionList"].get("Items", [])]
cur = cf.describe_connection_function(Identifier=fid)
refused_fn = code(lambda: cf.delete_connection_function(Id=fid, IfMatch=cur["ETag"]))
refused_ts = code(lambda: cf.delete_trust_store(Id=tid, IfMatch=t["ETag"]))
# Destroy in Terraform's order: the distribution first (disabled, then deleted), then what it used.
dcfg = cf.get_distribution_config(Id=did)
for _ in range(400):
    if cf.get_distribution(Id=did)["Distribution"]["Status"] == "Deployed":
        break
    time.sleep(0.025)
cf.delete_distribution(Id=did, IfMatch=dcfg["ETag"])
cf.delete_connection_function(Id=fid, IfMatch=cur["ETag"])
cf.delete_trust_store(Id=tid, IfMatch=t["ETag"])
gone = [code(lambda: cf.describe_connection_function(Identifier=fid)), code(lambda: cf.get_trust_store(Identifier=tid))]
print(json.dumps({"dev": dev["ConnectionFunctionSummary"]["Status"], "code": got["ConnectionFunctionCode"].read().decode(), "live_before": live_before,
    "output": test["ConnectionFunctionTestResult"].get("ConnectionFunctionOutput"), "status": status, "live_etag": live["ETag"] != upd["ETag"],
    "ts": [t["TrustStore"]["Status"], t["TrustStore"]["NumberOfCaCertificates"], t["TrustStore"]["UseClientCertificateOCSPEndpoint"], t["ETag"] == updated["ETag"]], "mtls": d["Distribution"]["DistributionConfig"]["ViewerMtlsConfig"]["TrustStoreConfig"]["AdvertiseTrustStoreCaNames"],
    "by_fn": by_fn == [did], "by_ts": by_ts == [did], "refused": [refused_fn, refused_ts], "gone": gone}))
`.replace('os.environ["BUCKET"]', JSON.stringify(bucket)),
    );
    assert.deepEqual(out, {
      dev: "UNPUBLISHED",
      code: "function connectionHandler(c) { c.allow(); }",
      live_before: ["EntityNotFound", 404],
      output: JSON.stringify({ action: "deny" }),
      status: "UNASSOCIATED",
      live_etag: true,
      ts: ["active", 1, true, true],
      mtls: true,
      by_fn: true,
      by_ts: true,
      refused: [
        ["CannotDeleteEntityWhileInUse", 409],
        ["CannotDeleteEntityWhileInUse", 409],
      ],
      gone: [
        ["EntityNotFound", 404],
        ["EntityNotFound", 404],
      ],
    });
  });
});
