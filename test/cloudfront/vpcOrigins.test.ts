/** VPC origins: Deploying → Deployed from stored times, refusals while deploying or in use, ListDistributionsByVpcOriginId / ByOwnedResource. */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateVpcOriginCommand,
  DeleteDistributionCommand,
  DeleteVpcOriginCommand,
  GetDistributionCommand,
  GetVpcOriginCommand,
  ListDistributionsByOwnedResourceCommand,
  ListDistributionsByVpcOriginIdCommand,
  ListTagsForResourceCommand,
  ListVpcOriginsCommand,
  UpdateVpcOriginCommand,
} from "@aws-sdk/client-cloudfront";
import { boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, distributionConfig, ETAG, refusal, reset, storeState, unique, until } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 100 });
const slow = useServer({ cloudfrontDeployDelayMs: 3_600_000 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const ALB = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/internal/50dc6c495c0c9188";
const endpoint = (extra: Record<string, unknown> = {}) => ({
  Name: unique("vo"),
  Arn: ALB,
  HTTPPort: 80,
  HTTPSPort: 443,
  OriginProtocolPolicy: "https-only" as const,
  OriginSslProtocols: { Quantity: 1, Items: ["TLSv1.2" as const] },
  ...extra,
});
const createOrigin = (c = client(), extra: Record<string, unknown> = {}) => c.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(extra) as never }));
const deployed = (id: string) => until(() => client().send(new GetVpcOriginCommand({ Id: id })), (o) => o.VpcOrigin!.Status === "Deployed");

describe("VPC origins", () => {
  it("create (202, Deploying), get, list, update, delete (202, Deleting)", async () => {
    const out = await client().send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint() as never, Tags: { Items: [{ Key: "team", Value: "web" }] } }));
    assert.equal(out.$metadata.httpStatusCode, 202);
    const o = out.VpcOrigin!;
    assert.match(o.Id!, /^vo_[0-9A-Za-z]+$/);
    assert.equal(o.Arn, `arn:aws:cloudfront::000000000000:vpcorigin/${o.Id}`);
    assert.equal(o.Status, "Deploying");
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/vpc-origin/${o.Id}`);
    const tags = await client().send(new ListTagsForResourceCommand({ Resource: o.Arn }));
    assert.deepEqual(tags.Tags!.Items, [{ Key: "team", Value: "web" }]);
    const ready = await deployed(o.Id!);
    assert.equal(ready.ETag, out.ETag, "reaching Deployed issues no new ETag");
    const list = await client().send(new ListVpcOriginsCommand({}));
    assert.equal(list.VpcOriginList!.Quantity, 1);
    assert.equal(list.VpcOriginList!.Items![0].OriginEndpointArn, ALB);
    const updated = await client().send(
      new UpdateVpcOriginCommand({ Id: o.Id, IfMatch: out.ETag, VpcOriginEndpointConfig: { ...o.VpcOriginEndpointConfig!, HTTPSPort: 8443 } }),
    );
    assert.equal(updated.$metadata.httpStatusCode, 202);
    assert.equal(updated.VpcOrigin!.Status, "Deploying");
    assert.equal(updated.VpcOrigin!.VpcOriginEndpointConfig!.HTTPSPort, 8443);
    await deployed(o.Id!);
    const deleted = await client().send(new DeleteVpcOriginCommand({ Id: o.Id, IfMatch: updated.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    assert.equal(deleted.VpcOrigin!.Status, "Deleting");
    await refused(() => client().send(new GetVpcOriginCommand({ Id: o.Id })), "EntityNotFound", 404);
  });

  it("refusals leave everything unchanged", async () => {
    const { VpcOrigin: o, ETag } = await createOrigin();
    await refused(() => createOrigin(client(), { Name: o!.VpcOriginEndpointConfig!.Name }), "EntityAlreadyExists", 409);
    await refused(() => createOrigin(client(), { Arn: "arn:aws:s3:::bucket" }), "InvalidArgument", 400);
    await refused(() => createOrigin(client(), { HTTPPort: 70000 }), "InvalidArgument", 400);
    await refused(() => createOrigin(client(), { OriginSslProtocols: { Quantity: 2, Items: ["TLSv1.2"] } }), "InconsistentQuantities", 400);
    await refused(() => client().send(new GetVpcOriginCommand({ Id: "vo_missing" })), "EntityNotFound", 404);
    const update = (IfMatch?: string) => () => client().send(new UpdateVpcOriginCommand({ Id: o!.Id, IfMatch, VpcOriginEndpointConfig: o!.VpcOriginEndpointConfig }));
    await refused(update(), "InvalidIfMatchVersion", 400);
    await refused(update("EXXXXXXXXXXXXX"), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteVpcOriginCommand({ Id: o!.Id, IfMatch: "EXXXXXXXXXXXXX" })), "PreconditionFailed", 412);
    await deployed(o!.Id!);
    await refused(() => client().send(new UpdateVpcOriginCommand({ Id: "vo_missing", IfMatch: ETag, VpcOriginEndpointConfig: o!.VpcOriginEndpointConfig })), "EntityNotFound", 404);
  });

  it("cannot change while deploying", async () => {
    const c = cloudFront(slow().endpoint);
    const { VpcOrigin: o, ETag } = await createOrigin(c);
    const state = refusal(() => storeState(slow().store as never));
    await state(() => c.send(new UpdateVpcOriginCommand({ Id: o!.Id, IfMatch: ETag, VpcOriginEndpointConfig: o!.VpcOriginEndpointConfig })), "IllegalUpdate", 400);
    await state(() => c.send(new DeleteVpcOriginCommand({ Id: o!.Id, IfMatch: ETag })), "IllegalDelete", 400);
  });

  it("at most 25 per account", async () => {
    for (let i = 0; i < 25; i++) await createOrigin();
    await refused(() => createOrigin(), "EntityLimitExceeded", 400);
  });

  it("a distribution's origin uses it: in use, listed by id and by owned resource", async () => {
    const { VpcOrigin: o, ETag } = await createOrigin();
    await deployed(o!.Id!);
    const origin = (id: string) => ({
      Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "internal-alb.example.com", VpcOriginConfig: { VpcOriginId: id } }] },
    });
    await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(origin("vo_missing")) })), "EntityNotFound", 404);
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ...origin(o!.Id!), Enabled: false }) }));
    const id = d.Distribution!.Id!;
    const byId = await client().send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: o!.Id }));
    assert.deepEqual(byId.DistributionIdList!.Items, [id]);
    const owned = await client().send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: o!.Arn }));
    assert.deepEqual(owned.DistributionList!.Items, [{ DistributionId: id, OwnerAccountId: "000000000000" }]);
    await refused(() => client().send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: "vo_missing" })), "EntityNotFound", 404);
    await refused(() => client().send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: "arn:aws:s3:::bucket" })), "InvalidArgument", 400);
    await refused(() => client().send(new DeleteVpcOriginCommand({ Id: o!.Id, IfMatch: ETag })), "CannotDeleteEntityWhileInUse", 409);
    await refused(
      () => client().send(new UpdateVpcOriginCommand({ Id: o!.Id, IfMatch: ETag, VpcOriginEndpointConfig: o!.VpcOriginEndpointConfig })),
      "CannotUpdateEntityWhileInUse",
      409,
    );
    const ready = await until(() => client().send(new GetDistributionCommand({ Id: id })), (x) => x.Distribution!.Status === "Deployed");
    await client().send(new DeleteDistributionCommand({ Id: id, IfMatch: ready.ETag }));
    assert.equal((await client().send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: o!.Id }))).DistributionIdList!.Quantity, 0);
    await client().send(new DeleteVpcOriginCommand({ Id: o!.Id, IfMatch: ETag }));
  });
});

describe("VPC origins through boto3", { skip: boto3Missing }, () => {
  it("lives as Terraform's aws_cloudfront_vpc_origin does (create, wait Deployed, update, wait, delete, wait gone)", async () => {
    const out = await boto3(
      server().endpoint,
      String.raw`
import boto3, json, os, time
from botocore.exceptions import ClientError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
cfg = {"Name": "tf-vo", "Arn": "${ALB}", "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only", "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}
created = cf.create_vpc_origin(VpcOriginEndpointConfig=cfg, Tags={"Items": [{"Key": "env", "Value": "test"}]})
vid = created["VpcOrigin"]["Id"]
def wait():
    for _ in range(400):
        got = cf.get_vpc_origin(Id=vid)
        if got["VpcOrigin"]["Status"] == "Deployed":
            return got
        time.sleep(0.025)
got = wait()
cfg["HTTPPort"] = 8080
cf.update_vpc_origin(Id=vid, IfMatch=got["ETag"], VpcOriginEndpointConfig=cfg)
got = wait()
status = cf.delete_vpc_origin(Id=vid, IfMatch=got["ETag"])["VpcOrigin"]["Status"]
try:
    cf.get_vpc_origin(Id=vid)
    gone = None
except ClientError as e:
    gone = e.response["Error"]["Code"]
print(json.dumps({"first": created["VpcOrigin"]["Status"], "port": got["VpcOrigin"]["VpcOriginEndpointConfig"]["HTTPPort"], "status": status, "gone": gone}))
`,
    );
    assert.deepEqual(out, { first: "Deploying", port: 8080, status: "Deleting", gone: "EntityNotFound" });
  });
});
