/** Resource policies on VPC origins and distributions, and VerifyDnsConfiguration answered from the tenants nubis holds. */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateDistributionTenantCommand,
  CreateVpcOriginCommand,
  DeleteResourcePolicyCommand,
  DeleteVpcOriginCommand,
  GetResourcePolicyCommand,
  GetVpcOriginCommand,
  PutResourcePolicyCommand,
  VerifyDnsConfigurationCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, distributionConfig, MANAGED_CACHING_OPTIMIZED, refusal, reset, storeState, unique, until } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const policy = (arn: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "cloudfront:CreateDistribution", Resource: arn }] });

const vpcOrigin = () =>
  client().send(
    new CreateVpcOriginCommand({
      VpcOriginEndpointConfig: {
        Name: unique("vo"),
        Arn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/internal/50dc6c495c0c9188",
        HTTPPort: 80,
        HTTPSPort: 443,
        OriginProtocolPolicy: "https-only",
      },
    }),
  );

describe("resource policies", () => {
  it("put, get, replace, delete on a VPC origin; gone with the VPC origin", async () => {
    const { VpcOrigin: o } = await vpcOrigin();
    const arn = o!.Arn!;
    const put = await client().send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: policy(arn) }));
    assert.equal(put.ResourceArn, arn);
    assert.equal((await client().send(new GetResourcePolicyCommand({ ResourceArn: arn }))).PolicyDocument, policy(arn));
    const other = policy(`${arn}-x`);
    await client().send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: other }));
    assert.equal((await client().send(new GetResourcePolicyCommand({ ResourceArn: arn }))).PolicyDocument, other);
    await client().send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
    await refused(() => client().send(new GetResourcePolicyCommand({ ResourceArn: arn })), "EntityNotFound", 404);
    await refused(() => client().send(new DeleteResourcePolicyCommand({ ResourceArn: arn })), "EntityNotFound", 404);
    await client().send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: policy(arn) }));
    const ready = await until(() => client().send(new GetVpcOriginCommand({ Id: o!.Id })), (x) => x.VpcOrigin!.Status === "Deployed");
    await client().send(new DeleteVpcOriginCommand({ Id: o!.Id, IfMatch: ready.ETag }));
    const dump = await server().store.dump();
    assert.equal(Object.keys((dump as Record<string, object>)["cloudfront.resourcePolicies"] ?? {}).length, 0);
  });

  it("on a distribution", async () => {
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    const arn = d.Distribution!.ARN!;
    await client().send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: policy(arn) }));
    assert.equal((await client().send(new GetResourcePolicyCommand({ ResourceArn: arn }))).ResourceArn, arn);
  });

  it("refusals leave everything unchanged", async () => {
    const { VpcOrigin: o } = await vpcOrigin();
    const arn = o!.Arn!;
    const put = (ResourceArn: string, PolicyDocument = policy(ResourceArn)) => () => client().send(new PutResourcePolicyCommand({ ResourceArn, PolicyDocument }));
    await refused(put("not-an-arn"), "InvalidArgument", 400);
    await refused(put("arn:aws:cloudfront::000000000000:vpcorigin/vo_missing"), "EntityNotFound", 404);
    await refused(put("arn:aws:cloudfront::000000000000:cache-policy/0bdc9a19-4684-4ebe-b904-124f456fd31a"), "UnsupportedOperation", 400);
    await refused(put(arn, "{not json"), "InvalidArgument", 400);
    await refused(put(arn, JSON.stringify({ Version: "2008-10-17", Statement: [] })), "InvalidArgument", 400);
    await refused(put(arn, JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Maybe", Action: "*", Principal: "*" }] })), "InvalidArgument", 400);
  });
});

describe("VerifyDnsConfiguration", () => {
  it("answers each domain of the tenant, or the one named", async () => {
    const d = await client().send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig({ ConnectionMode: "tenant-only" }, { CachePolicyId: MANAGED_CACHING_OPTIMIZED, ForwardedValues: undefined, MinTTL: undefined }),
      }),
    );
    const t = await client().send(
      new CreateDistributionTenantCommand({ DistributionId: d.Distribution!.Id, Name: "dns-tenant", Domains: [{ Domain: "a.example.com" }, { Domain: "b.example.com" }] }),
    );
    const all = await client().send(new VerifyDnsConfigurationCommand({ Identifier: t.DistributionTenant!.Id }));
    assert.deepEqual(all.DnsConfigurationList, [
      { Domain: "a.example.com", Status: "valid-configuration" },
      { Domain: "b.example.com", Status: "valid-configuration" },
    ]);
    const other = await client().send(new VerifyDnsConfigurationCommand({ Identifier: t.DistributionTenant!.Arn, Domain: "c.example.com" }));
    assert.equal(other.DnsConfigurationList![0].Status, "invalid-configuration");
    assert.ok(other.DnsConfigurationList![0].Reason);
    await refused(() => client().send(new VerifyDnsConfigurationCommand({ Identifier: "dt_missing" })), "EntityNotFound", 404);
  });
});
