/** The console's CloudFront kinds added with issue 19: rows, details and links, through the console API (no browser). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CopyDistributionCommand,
  CreateConnectionFunctionCommand,
  CreateContinuousDeploymentPolicyCommand,
  CreateDistributionCommand,
  CreateFieldLevelEncryptionConfigCommand,
  CreateFieldLevelEncryptionProfileCommand,
  CreatePublicKeyCommand,
  CreateRealtimeLogConfigCommand,
  CreateTrustStoreCommand,
  CreateVpcOriginCommand,
  PublishConnectionFunctionCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, distributionConfig, rsaPem } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 0 });
const api = async (path: string) => {
  const res = await fetch(`${server().endpoint}/_nubis/console/api/${path}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
};
const rows = (kind: string) => api(`resources?service=cloudfront&kind=${kind}`);
const detail = (kind: string, id: string) => api(`resource?service=cloudfront&kind=${kind}&id=${encodeURIComponent(id)}`);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const linked = (d: any, direction: string, kind: string) => d.links.filter((l: any) => l.direction === direction && l.kind === kind).map((l: any) => l.id);
const ids = async (kind: string) => (await rows(kind)).rows.map((r: { id: string }) => r.id);

describe("console: CloudFront's issue 19 kinds", () => {
  it("list, show and link field-level encryption, real-time logs, continuous deployment, VPC origins, connection functions and trust stores", async () => {
    const cf = cloudFront(server().endpoint);
    const pk = (await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "pk", Name: "pk", EncodedKey: rsaPem() } }))).PublicKey!.Id!;
    const profile = (
      await cf.send(
        new CreateFieldLevelEncryptionProfileCommand({
          FieldLevelEncryptionProfileConfig: { Name: "p", CallerReference: "p", EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: pk, ProviderId: "x", FieldPatterns: { Quantity: 1, Items: ["card"] } }] } },
        }),
      )
    ).FieldLevelEncryptionProfile!.Id!;
    const fle = (
      await cf.send(
        new CreateFieldLevelEncryptionConfigCommand({
          FieldLevelEncryptionConfig: { CallerReference: "c", QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 1, Items: [{ QueryArg: "card", ProfileId: profile }] } } },
        }),
      )
    ).FieldLevelEncryption!.Id!;
    await cf.send(
      new CreateRealtimeLogConfigCommand({
        Name: "rtl",
        SamplingRate: 5,
        Fields: ["timestamp"],
        EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { RoleARN: "arn:aws:iam::000000000000:role/r", StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s" } }],
      }),
    );
    const vo = (
      await cf.send(
        new CreateVpcOriginCommand({
          VpcOriginEndpointConfig: { Name: "vo", Arn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/a/50dc6c495c0c9188", HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
        }),
      )
    ).VpcOrigin!.Id!;
    const fn = await cf.send(
      new CreateConnectionFunctionCommand({ Name: "cfn", ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { c.allow(); }") }),
    );
    const fnId = fn.ConnectionFunctionSummary!.Id!;
    await cf.send(new PublishConnectionFunctionCommand({ Id: fnId, IfMatch: fn.ETag }));
    // No S3 endpoint: the trust store reads as failed, which the console shows with its Reason.
    const ts = (await cf.send(new CreateTrustStoreCommand({ Name: "ts", CaCertificatesBundleSource: { CaCertificatesBundleS3Location: { Bucket: "b-1", Key: "k", Region: "us-east-1" } } }))).TrustStore!.Id!;
    const dist = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig(
          {
            Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "internal.example.com", VpcOriginConfig: { VpcOriginId: vo } }] },
            ViewerMtlsConfig: { Mode: "passthrough" },
            ConnectionFunctionAssociation: { Id: fnId },
          },
          { ViewerProtocolPolicy: "https-only", AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "POST"] }, FieldLevelEncryptionId: fle, RealtimeLogConfigArn: "arn:aws:cloudfront::000000000000:realtime-log-config/rtl" },
        ),
      }),
    );
    const distId = dist.Distribution!.Id!;
    const staging = await cf.send(new CopyDistributionCommand({ PrimaryDistributionId: distId, Staging: true, CallerReference: "s", IfMatch: dist.ETag }));
    const cdp = (
      await cf.send(
        new CreateContinuousDeploymentPolicyCommand({
          ContinuousDeploymentPolicyConfig: { StagingDistributionDnsNames: { Quantity: 1, Items: [staging.Distribution!.DomainName!] }, Enabled: true, TrafficConfig: { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1 } } },
        }),
      )
    ).ContinuousDeploymentPolicy!.Id!;

    // The staging copy holds the same references as its primary.
    const both = [distId, staging.Distribution!.Id!].sort();
    const users = (d: unknown) => linked(d, "referencedBy", "distributions").sort();
    assert.deepEqual(await ids("fieldLevelEncryptionProfiles"), [profile]);
    assert.deepEqual(linked(await detail("fieldLevelEncryptionProfiles", profile), "references", "publicKeys"), [pk]);
    assert.deepEqual(await ids("fieldLevelEncryptionConfigs"), [fle]);
    assert.deepEqual(linked(await detail("fieldLevelEncryptionConfigs", fle), "references", "fieldLevelEncryptionProfiles"), [profile]);
    assert.deepEqual(await ids("realtimeLogConfigs"), ["rtl"]);
    assert.deepEqual(users(await detail("realtimeLogConfigs", "rtl")), both);
    assert.deepEqual(await ids("vpcOrigins"), [vo]);
    assert.deepEqual(users(await detail("vpcOrigins", vo)), both);
    assert.deepEqual(await ids("connectionFunctions"), [fnId]);
    const fnDetail = await detail("connectionFunctions", fnId);
    assert.equal(fnDetail.resource.ConnectionFunctionSummary.Status, "DEPLOYED");
    assert.deepEqual(users(fnDetail), both);
    const stores = await rows("trustStores");
    assert.deepEqual(stores.rows.map((r: { id: string; columns: { Status: string } }) => [r.id, r.columns.Status]), [[ts, "failed"]]);
    assert.equal((await detail("trustStores", ts)).resource.TrustStore.Name, "ts");
    assert.deepEqual(await ids("continuousDeploymentPolicies"), [cdp]);
    assert.equal((await detail("continuousDeploymentPolicies", cdp)).resource.ContinuousDeploymentPolicy.Id, cdp);

    const d = await detail("distributions", distId);
    assert.deepEqual(linked(d, "references", "fieldLevelEncryptionConfigs"), [fle]);
    assert.deepEqual(linked(d, "references", "realtimeLogConfigs"), ["rtl"]);
    assert.deepEqual(linked(d, "references", "vpcOrigins"), [vo]);
    assert.deepEqual(linked(d, "references", "connectionFunctions"), [fnId]);
  });
});
