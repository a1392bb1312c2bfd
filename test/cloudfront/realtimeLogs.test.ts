/** Real-time log configs (POST-style Get/Delete by Name or ARN), their use by cache behaviours, ListDistributionsByRealtimeLogConfig. */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateRealtimeLogConfigCommand,
  DeleteRealtimeLogConfigCommand,
  GetRealtimeLogConfigCommand,
  ListDistributionsByRealtimeLogConfigCommand,
  ListRealtimeLogConfigsCommand,
  UpdateDistributionCommand,
  UpdateRealtimeLogConfigCommand,
} from "@aws-sdk/client-cloudfront";
import { boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, distributionConfig, refusal, reset, storeState, unique } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const ENDPOINTS = [
  {
    StreamType: "Kinesis",
    KinesisStreamConfig: { RoleARN: "arn:aws:iam::000000000000:role/cf-logs", StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/cf-logs" },
  },
];
const input = (extra: Record<string, unknown> = {}) => ({ Name: unique("rtl"), SamplingRate: 10, EndPoints: ENDPOINTS, Fields: ["timestamp", "c-ip", "sc-status"], ...extra });
const createConfig = (extra: Record<string, unknown> = {}) => client().send(new CreateRealtimeLogConfigCommand(input(extra) as never));

describe("real-time log configs", () => {
  it("create (201), get by name and by ARN, list, update, delete by ARN (204)", async () => {
    const sent = input();
    const out = await client().send(new CreateRealtimeLogConfigCommand(sent as never));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const arn = `arn:aws:cloudfront::000000000000:realtime-log-config/${sent.Name}`;
    assert.deepEqual(out.RealtimeLogConfig, { ARN: arn, Name: sent.Name, SamplingRate: 10, EndPoints: ENDPOINTS, Fields: sent.Fields });
    assert.deepEqual((await client().send(new GetRealtimeLogConfigCommand({ Name: sent.Name }))).RealtimeLogConfig, out.RealtimeLogConfig);
    assert.deepEqual((await client().send(new GetRealtimeLogConfigCommand({ ARN: arn }))).RealtimeLogConfig, out.RealtimeLogConfig);
    const list = await client().send(new ListRealtimeLogConfigsCommand({}));
    assert.equal(list.RealtimeLogConfigs!.IsTruncated, false);
    assert.equal(list.RealtimeLogConfigs!.Items!.length, 1);
    const updated = await client().send(new UpdateRealtimeLogConfigCommand({ ARN: arn, SamplingRate: 50, EndPoints: ENDPOINTS as never, Fields: ["timestamp"] }));
    assert.equal(updated.RealtimeLogConfig!.SamplingRate, 50);
    assert.deepEqual(updated.RealtimeLogConfig!.Fields, ["timestamp"]);
    const deleted = await client().send(new DeleteRealtimeLogConfigCommand({ ARN: arn }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetRealtimeLogConfigCommand({ Name: sent.Name })), "NoSuchRealtimeLogConfig", 404);
  });

  it("lists in pages", async () => {
    for (let i = 0; i < 3; i++) await createConfig();
    const first = await client().send(new ListRealtimeLogConfigsCommand({ MaxItems: 2 }));
    assert.equal(first.RealtimeLogConfigs!.IsTruncated, true);
    const second = await client().send(new ListRealtimeLogConfigsCommand({ MaxItems: 2, Marker: first.RealtimeLogConfigs!.NextMarker }));
    assert.equal(second.RealtimeLogConfigs!.Items!.length, 1);
    assert.equal(second.RealtimeLogConfigs!.IsTruncated, false);
  });

  it("refusals leave everything unchanged", async () => {
    const { RealtimeLogConfig: c } = await createConfig();
    await refused(() => createConfig({ Name: c!.Name }), "RealtimeLogConfigAlreadyExists", 409);
    await refused(() => createConfig({ SamplingRate: 0 }), "InvalidArgument", 400);
    await refused(() => createConfig({ SamplingRate: 101 }), "InvalidArgument", 400);
    await refused(() => createConfig({ Fields: [] }), "InvalidArgument", 400);
    await refused(() => createConfig({ EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { RoleARN: "nope", StreamARN: "nope" } }] }), "InvalidArgument", 400);
    await refused(() => client().send(new GetRealtimeLogConfigCommand({})), "InvalidArgument", 400);
    await refused(() => client().send(new DeleteRealtimeLogConfigCommand({ Name: "missing" })), "NoSuchRealtimeLogConfig", 404);
    await refused(
      () => client().send(new UpdateRealtimeLogConfigCommand({ Name: "missing", SamplingRate: 5, EndPoints: ENDPOINTS as never, Fields: ["timestamp"] })),
      "NoSuchRealtimeLogConfig",
      404,
    );
    await refused(
      () => client().send(new UpdateRealtimeLogConfigCommand({ Name: c!.Name, SamplingRate: 500, EndPoints: ENDPOINTS as never, Fields: ["timestamp"] })),
      "InvalidArgument",
      400,
    );
  });

  it("a cache behaviour's config is in use (400) and lists its distributions", async () => {
    const { RealtimeLogConfig: c } = await createConfig();
    await refused(
      () => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { RealtimeLogConfigArn: `${c!.ARN}-missing` }) })),
      "NoSuchRealtimeLogConfig",
      404,
    );
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { RealtimeLogConfigArn: c!.ARN }) }));
    await refused(() => client().send(new DeleteRealtimeLogConfigCommand({ Name: c!.Name })), "RealtimeLogConfigInUse", 400);
    const byName = await client().send(new ListDistributionsByRealtimeLogConfigCommand({ RealtimeLogConfigName: c!.Name }));
    assert.deepEqual(byName.DistributionList!.Items!.map((s) => s.Id), [d.Distribution!.Id]);
    const byArn = await client().send(new ListDistributionsByRealtimeLogConfigCommand({ RealtimeLogConfigArn: c!.ARN }));
    assert.equal(byArn.DistributionList!.Quantity, 1);
    await refused(() => client().send(new ListDistributionsByRealtimeLogConfigCommand({ RealtimeLogConfigName: "missing" })), "NoSuchRealtimeLogConfig", 404);
    const config = d.Distribution!.DistributionConfig!;
    const { RealtimeLogConfigArn: _, ...plain } = config.DefaultCacheBehavior!;
    await client().send(new UpdateDistributionCommand({ Id: d.Distribution!.Id, IfMatch: d.ETag, DistributionConfig: { ...config, DefaultCacheBehavior: plain as never } }));
    assert.equal((await client().send(new ListDistributionsByRealtimeLogConfigCommand({ RealtimeLogConfigName: c!.Name }))).DistributionList!.Quantity, 0);
    await client().send(new DeleteRealtimeLogConfigCommand({ Name: c!.Name }));
  });
});

describe("real-time log configs through boto3", { skip: boto3Missing }, () => {
  it("lives as Terraform's aws_cloudfront_realtime_log_config does", async () => {
    const out = await boto3(
      server().endpoint,
      String.raw`
import boto3, json, os
from botocore.exceptions import ClientError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
ep = [{"StreamType": "Kinesis", "KinesisStreamConfig": {"RoleARN": "arn:aws:iam::000000000000:role/r", "StreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/s"}}]
arn = cf.create_realtime_log_config(Name="tf-rtl", SamplingRate=75, EndPoints=ep, Fields=["timestamp", "c-ip"])["RealtimeLogConfig"]["ARN"]
read = cf.get_realtime_log_config(ARN=arn)["RealtimeLogConfig"]
cf.update_realtime_log_config(ARN=arn, SamplingRate=10, EndPoints=ep, Fields=["timestamp"])
after = cf.get_realtime_log_config(Name="tf-rtl")["RealtimeLogConfig"]
cf.delete_realtime_log_config(ARN=arn)
try:
    cf.get_realtime_log_config(ARN=arn)
    gone = None
except ClientError as e:
    gone = e.response["Error"]["Code"]
print(json.dumps({"arn": arn, "rate": read["SamplingRate"], "after": after["SamplingRate"], "fields": after["Fields"], "gone": gone}))
`,
    );
    assert.deepEqual(out, { arn: "arn:aws:cloudfront::000000000000:realtime-log-config/tf-rtl", rate: 75, after: 10, fields: ["timestamp"], gone: "NoSuchRealtimeLogConfig" });
  });
});
