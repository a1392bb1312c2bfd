/**
 * aws_cloudfront_distribution as Terraform lives it, through boto3 and then the AWS CLI: an S3
 * origin with an OAC, a managed cache policy, a function association and trusted key groups;
 * read, update in place, disable, wait until deployed, delete; the key group is refused while
 * the distribution trusts it. Then a URL signed with the key group's private key verifies
 * against the public key nubis returns for the distribution's ActiveTrustedKeyGroups.
 */
import assert from "node:assert/strict";
import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionWithTagsCommand,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  GetDistributionCommand,
  GetPublicKeyCommand,
} from "@aws-sdk/client-cloudfront";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, distributionConfig, MANAGED_CACHING_OPTIMIZED, reset, unique } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 200 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));

const keyPair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { pub: publicKey.export({ type: "spki", format: "pem" }).toString(), priv: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
};

const BOTO3_LIFE = String.raw`
import boto3, json, os, base64, time
from botocore.exceptions import ClientError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
args = json.loads(os.environ["ARGS"])
out = {}
def code(call):
    try:
        call()
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]

pk = cf.create_public_key(PublicKeyConfig={"CallerReference": "tf-pk", "Name": "tf-pk", "EncodedKey": args["pem"]})
kg = cf.create_key_group(KeyGroupConfig={"Name": "tf-kg", "Items": [pk["PublicKey"]["Id"]]})
oac = cf.create_origin_access_control(OriginAccessControlConfig={"Name": "tf-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"})
fn = cf.create_function(Name="tf-fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=b"function handler(e) { return e.request; }")
cf.publish_function(Name="tf-fn", IfMatch=fn["ETag"])
managed = cf.list_cache_policies(Type="managed")["CachePolicyList"]["Items"]
optimized = [p["CachePolicy"]["Id"] for p in managed if p["CachePolicy"]["CachePolicyConfig"]["Name"] == "Managed-CachingOptimized"][0]
config = {
  "CallerReference": "terraform-20260101",
  "Aliases": {"Quantity": 0},
  "DefaultRootObject": "index.html",
  "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "site.s3.us-east-1.amazonaws.com", "OriginAccessControlId": oac["OriginAccessControl"]["Id"], "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
  "DefaultCacheBehavior": {
    "TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https", "CachePolicyId": optimized, "Compress": True,
    "TrustedKeyGroups": {"Enabled": True, "Quantity": 1, "Items": [kg["KeyGroup"]["Id"]]},
    "FunctionAssociations": {"Quantity": 1, "Items": [{"FunctionARN": fn["FunctionSummary"]["FunctionMetadata"]["FunctionARN"], "EventType": "viewer-request"}]},
  },
  "Comment": "managed by terraform", "Enabled": True, "PriceClass": "PriceClass_100",
}
created = cf.create_distribution_with_tags(DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": [{"Key": "Name", "Value": "site"}]}})
d = created["Distribution"]
out["id"] = d["Id"]
out["created_status"] = d["Status"]
out["active_key_groups"] = d["ActiveTrustedKeyGroups"]
# Read as Terraform reads.
got = cf.get_distribution(Id=d["Id"])
out["read_etag_same"] = got["ETag"] == created["ETag"]
out["tags"] = cf.list_tags_for_resource(Resource=d["ARN"])["Tags"]["Items"]
cf.get_waiter("distribution_deployed").wait(Id=d["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
# Update in place.
cfg = cf.get_distribution_config(Id=d["Id"])
c = cfg["DistributionConfig"]; c["Comment"] = "changed"
up = cf.update_distribution(Id=d["Id"], IfMatch=cfg["ETag"], DistributionConfig=c)
out["updated_status"] = up["Distribution"]["Status"]
out["updated_comment"] = up["Distribution"]["DistributionConfig"]["Comment"]
out["kg_in_use"] = code(lambda: cf.delete_key_group(Id=kg["KeyGroup"]["Id"], IfMatch=kg["ETag"]))
out["fn_in_use"] = code(lambda: cf.delete_function(Name="tf-fn", IfMatch=fn["ETag"]))
out["oac_in_use"] = code(lambda: cf.delete_origin_access_control(Id=oac["OriginAccessControl"]["Id"], IfMatch=oac["ETag"]))
out["by_key_group"] = cf.list_distributions_by_key_group(KeyGroupId=kg["KeyGroup"]["Id"])["DistributionIdList"].get("Items")
# Destroy: disable, wait, delete with the fresh ETag.
cf.get_waiter("distribution_deployed").wait(Id=d["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
cur = cf.get_distribution(Id=d["Id"])
c = cur["Distribution"]["DistributionConfig"]; c["Enabled"] = False
off = cf.update_distribution(Id=d["Id"], IfMatch=cur["ETag"], DistributionConfig=c)
cf.get_waiter("distribution_deployed").wait(Id=d["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
fresh = cf.get_distribution(Id=d["Id"])["ETag"]
cf.delete_distribution(Id=d["Id"], IfMatch=fresh)
out["gone"] = code(lambda: cf.get_distribution(Id=d["Id"]))
cf.delete_key_group(Id=kg["KeyGroup"]["Id"], IfMatch=kg["ETag"])
cf.delete_origin_access_control(Id=oac["OriginAccessControl"]["Id"], IfMatch=oac["ETag"])
cf.delete_function(Name="tf-fn", IfMatch=fn["ETag"])
out["left"] = cf.list_distributions()["DistributionList"]["Quantity"]
print(json.dumps(out, default=str))
`;

describe("Terraform-like life of aws_cloudfront_distribution", () => {
  it("through boto3", { skip: boto3Missing }, async () => {
    const { pub } = keyPair();
    process.env.ARGS = JSON.stringify({ pem: pub });
    const out = await boto3(server().endpoint, BOTO3_LIFE);
    delete process.env.ARGS;
    assert.equal(out.created_status, "InProgress");
    assert.equal(out.active_key_groups.Enabled, true);
    assert.equal(out.active_key_groups.Items[0].KeyPairIds.Quantity, 1);
    assert.equal(out.read_etag_same, true);
    assert.deepEqual(out.tags, [{ Key: "Name", Value: "site" }]);
    assert.equal(out.updated_status, "InProgress");
    assert.equal(out.updated_comment, "changed");
    assert.deepEqual(out.kg_in_use, ["ResourceInUse", 409]);
    assert.deepEqual(out.fn_in_use, ["FunctionInUse", 409]);
    assert.deepEqual(out.oac_in_use, ["OriginAccessControlInUse", 409]);
    assert.deepEqual(out.by_key_group, [out.id]);
    assert.deepEqual(out.gone, ["NoSuchDistribution", 404]);
    assert.equal(out.left, 0);
  });

  it("through the AWS CLI", { skip: awsCliMissing }, async () => {
    const cli = (...args: string[]) => aws(server().endpoint, "cloudfront", ...args);
    const ok = async (...args: string[]) => {
      const r = await cli(...args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? r.json() : {};
    };
    const { pub } = keyPair();
    const pk = await ok("create-public-key", "--public-key-config", JSON.stringify({ CallerReference: "cli-pk", Name: "cli-pk", EncodedKey: pub }));
    const kg = await ok("create-key-group", "--key-group-config", JSON.stringify({ Name: "cli-kg", Items: [pk.PublicKey.Id] }));
    const oac = await ok("create-origin-access-control", "--origin-access-control-config", JSON.stringify({ Name: "cli-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" }));
    const dir = mkdtempSync(join(tmpdir(), "nubis-cf-fn-"));
    writeFileSync(join(dir, "fn.js"), "function handler(event) { return event.request; }");
    const fn = await ok("create-function", "--name", "cli-fn", "--function-config", JSON.stringify({ Comment: "", Runtime: "cloudfront-js-1.0" }), "--function-code", `fileb://${join(dir, "fn.js")}`);
    rmSync(dir, { recursive: true, force: true });
    await ok("publish-function", "--name", "cli-fn", "--if-match", fn.ETag);
    const fa = { Quantity: 1, Items: [{ FunctionARN: fn.FunctionSummary.FunctionMetadata.FunctionARN, EventType: "viewer-request" }] };
    const config = distributionConfig(
      { Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "site.s3.amazonaws.com", OriginAccessControlId: oac.OriginAccessControl.Id, S3OriginConfig: { OriginAccessIdentity: "" } }] } },
      { TargetOriginId: "s3", CachePolicyId: MANAGED_CACHING_OPTIMIZED, ForwardedValues: undefined, MinTTL: undefined, TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: [kg.KeyGroup.Id] }, FunctionAssociations: fa },
    );
    const created = await ok("create-distribution-with-tags", "--distribution-config-with-tags", JSON.stringify({ DistributionConfig: config, Tags: { Items: [{ Key: "k", Value: "v" }] } }));
    const id = created.Distribution.Id;
    await ok("wait", "distribution-deployed", "--id", id);
    const got = await ok("get-distribution-config", "--id", id);
    const off = await ok("update-distribution", "--id", id, "--if-match", got.ETag, "--distribution-config", JSON.stringify({ ...got.DistributionConfig, Enabled: false }));
    assert.equal(off.Distribution.Status, "InProgress");
    const inUse = await cli("delete-key-group", "--id", kg.KeyGroup.Id, "--if-match", kg.ETag);
    assert.match(inUse.stderr, /\(ResourceInUse\) when calling the DeleteKeyGroup operation/);
    const fnInUse = await cli("delete-function", "--name", "cli-fn", "--if-match", fn.ETag);
    assert.match(fnInUse.stderr, /\(FunctionInUse\) when calling the DeleteFunction operation: Cannot delete function cli-fn, it is in use by 1 distributions/);
    await ok("wait", "distribution-deployed", "--id", id);
    await ok("delete-distribution", "--id", id, "--if-match", off.ETag);
    const gone = await cli("get-distribution", "--id", id);
    assert.match(gone.stderr, /NoSuchDistribution/);
    await ok("delete-key-group", "--id", kg.KeyGroup.Id, "--if-match", kg.ETag);
    // The CLI's own shortcut: create-distribution --origin-domain-name.
    const quick = await ok("create-distribution", "--origin-domain-name", "quick.s3.amazonaws.com");
    assert.equal(quick.Distribution.DistributionConfig.Origins.Items[0].DomainName, "quick.s3.amazonaws.com");
  });
});

/** CloudFront's URL-safe base64: + → -, = → _, / → ~. */
const cfBase64 = (b: Buffer) => b.toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
const fromCfBase64 = (s: string) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

describe("signed URLs", () => {
  it("a canned-policy URL signed with the key group's private key verifies against the key nubis returns for the distribution", async () => {
    const { pub, priv } = keyPair();
    const pk = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: unique("pk"), Name: unique("pk"), EncodedKey: pub } }));
    const kg = await client().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: unique("kg"), Items: [pk.PublicKey!.Id!] } }));
    const d = await client().send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: {
          DistributionConfig: distributionConfig({}, { TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: [kg.KeyGroup!.Id!] } }),
          Tags: { Items: [] },
        },
      }),
    );
    const domain = d.Distribution!.DomainName!;
    // Sign as a CloudFront signer does (canned policy, RSA-SHA1).
    const url = `https://${domain}/private/report.pdf`;
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const policy = JSON.stringify({ Statement: [{ Resource: url, Condition: { DateLessThan: { "AWS:EpochTime": expires } } }] });
    const signature = cfBase64(createSign("RSA-SHA1").update(policy).sign(priv));
    const signed = `${url}?Expires=${expires}&Signature=${signature}&Key-Pair-Id=${pk.PublicKey!.Id}`;

    // Verify as the edge would: the distribution's trusted key groups name the key pair.
    const q = new URL(signed).searchParams;
    const got = await client().send(new GetDistributionCommand({ Id: d.Distribution!.Id }));
    const trusted = got.Distribution!.ActiveTrustedKeyGroups!.Items!.flatMap((g) => g.KeyPairIds!.Items ?? []);
    assert.ok(trusted.includes(q.get("Key-Pair-Id")!));
    const stored = (await client().send(new GetPublicKeyCommand({ Id: q.get("Key-Pair-Id")! }))).PublicKey!.PublicKeyConfig!.EncodedKey!;
    const rebuilt = JSON.stringify({ Statement: [{ Resource: `https://${domain}/private/report.pdf`, Condition: { DateLessThan: { "AWS:EpochTime": Number(q.get("Expires")) } } }] });
    assert.equal(createVerify("RSA-SHA1").update(rebuilt).verify(stored, fromCfBase64(q.get("Signature")!)), true);
    // A tampered resource does not verify.
    const tampered = rebuilt.replace("report", "other");
    assert.equal(createVerify("RSA-SHA1").update(tampered).verify(stored, fromCfBase64(q.get("Signature")!)), false);
  });
});
