/**
 * Continuous deployment: policies naming staging distributions, CopyDistribution, primaries
 * holding a policy (in use), promotion with UpdateDistributionWithStagingConfig; and the boto3
 * life: copy to staging, attach a policy, promote, detach, delete.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CloudFrontClient,
  CopyDistributionCommand,
  CreateContinuousDeploymentPolicyCommand,
  CreateDistributionCommand,
  DeleteContinuousDeploymentPolicyCommand,
  DeleteDistributionCommand,
  GetContinuousDeploymentPolicyCommand,
  GetContinuousDeploymentPolicyConfigCommand,
  GetDistributionCommand,
  ListContinuousDeploymentPoliciesCommand,
  UpdateContinuousDeploymentPolicyCommand,
  UpdateDistributionCommand,
  UpdateDistributionWithStagingConfigCommand,
} from "@aws-sdk/client-cloudfront";
import { boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, DISTRIBUTION_DOMAIN, distributionConfig, ETAG, refusal, reset, storeState, unique, until, UUID } from "./fixtures.js";

const server = useServer();
const small = useServer({ quotas: { "cloudfront.StagingDistributionsPerAccount": 1, "cloudfront.ContinuousDeploymentPoliciesPerAccount": 1 } });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const policy = (dns: string, extra: Record<string, unknown> = {}) => ({
  StagingDistributionDnsNames: { Quantity: 1, Items: [dns] },
  Enabled: true,
  TrafficConfig: { Type: "SingleWeight" as const, SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 600 } } },
  ...extra,
});

async function primaryAndStaging(c: CloudFrontClient = client()) {
  const primary = await c.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ Comment: "primary" }) }));
  const staging = await c.send(
    new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id, Staging: true, IfMatch: primary.ETag, CallerReference: unique("copy") }),
  );
  return { primary, staging };
}

describe("CopyDistribution", () => {
  it("copies the primary's config to a new staging distribution (201), without aliases", async () => {
    const { primary, staging } = await primaryAndStaging();
    assert.equal(staging.$metadata.httpStatusCode, 201);
    const s = staging.Distribution!;
    assert.notEqual(s.Id, primary.Distribution!.Id);
    assert.match(s.DomainName!, DISTRIBUTION_DOMAIN);
    assert.match(staging.ETag!, ETAG);
    assert.equal(staging.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${s.Id}`);
    assert.equal(s.DistributionConfig!.Staging, true);
    assert.equal(s.DistributionConfig!.Comment, "primary");
    assert.deepEqual(s.DistributionConfig!.Aliases, { Quantity: 0 });
    assert.deepEqual(s.DistributionConfig!.Origins, primary.Distribution!.DistributionConfig!.Origins);
  });

  it("refusals leave everything unchanged", async () => {
    const { primary, staging } = await primaryAndStaging();
    const copy = (input: Record<string, unknown>) => () =>
      client().send(new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id, Staging: true, CallerReference: unique("copy"), ...input }));
    await refused(copy({ PrimaryDistributionId: "EMISSING000000" }), "NoSuchDistribution", 404);
    await refused(copy({ IfMatch: "EXXXXXXXXXXXXX" }), "PreconditionFailed", 412);
    await refused(copy({ CallerReference: primary.Distribution!.DistributionConfig!.CallerReference }), "DistributionAlreadyExists", 409);
    await refused(copy({ PrimaryDistributionId: staging.Distribution!.Id }), "InvalidArgument", 400);
    // Staging cannot change on update, nor may a staging distribution take aliases or a policy.
    const s = staging.Distribution!;
    const update = (config: Record<string, unknown>) => () =>
      client().send(new UpdateDistributionCommand({ Id: s.Id, IfMatch: staging.ETag, DistributionConfig: { ...s.DistributionConfig!, ...config } as never }));
    await refused(update({ Staging: false }), "IllegalUpdate", 400);
    await refused(update({ ContinuousDeploymentPolicyId: "0bdc9a19-4684-4ebe-b904-124f456fd31a" }), "InvalidArgument", 400);
  });
});

describe("continuous deployment policies", () => {
  it("create (201), get, get config, list, update, delete", async () => {
    const { staging } = await primaryAndStaging();
    const sent = policy(staging.Distribution!.DomainName!);
    const out = await client().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: sent }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const p = out.ContinuousDeploymentPolicy!;
    assert.match(p.Id!, UUID);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/continuous-deployment-policy/${p.Id}`);
    assert.deepEqual(p.ContinuousDeploymentPolicyConfig, sent);
    const got = await client().send(new GetContinuousDeploymentPolicyCommand({ Id: p.Id }));
    assert.equal(got.ETag, out.ETag);
    assert.deepEqual(got.ContinuousDeploymentPolicy, p);
    assert.deepEqual((await client().send(new GetContinuousDeploymentPolicyConfigCommand({ Id: p.Id }))).ContinuousDeploymentPolicyConfig, sent);
    const list = await client().send(new ListContinuousDeploymentPoliciesCommand({}));
    assert.equal(list.ContinuousDeploymentPolicyList!.Quantity, 1);
    assert.equal(list.ContinuousDeploymentPolicyList!.Items![0].ContinuousDeploymentPolicy!.Id, p.Id);
    const header = { ...sent, TrafficConfig: { Type: "SingleHeader" as const, SingleHeaderConfig: { Header: "aws-cf-cd-test", Value: "yes" } } };
    const updated = await client().send(new UpdateContinuousDeploymentPolicyCommand({ Id: p.Id, IfMatch: out.ETag, ContinuousDeploymentPolicyConfig: header }));
    assert.notEqual(updated.ETag, out.ETag);
    assert.deepEqual(updated.ContinuousDeploymentPolicy!.ContinuousDeploymentPolicyConfig!.TrafficConfig, header.TrafficConfig);
    await client().send(new DeleteContinuousDeploymentPolicyCommand({ Id: p.Id, IfMatch: updated.ETag }));
    await refused(() => client().send(new GetContinuousDeploymentPolicyCommand({ Id: p.Id })), "NoSuchContinuousDeploymentPolicy", 404);
  });

  it("refusals leave everything unchanged", async () => {
    const { primary, staging } = await primaryAndStaging();
    const dns = staging.Distribution!.DomainName!;
    const create = (c: unknown) => () => client().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: c as never }));
    await refused(create(policy(primary.Distribution!.DomainName!)), "InvalidArgument", 400);
    await refused(create(policy("dmissing000000.cloudfront.net")), "InvalidArgument", 400);
    await refused(create(policy(dns, { TrafficConfig: { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.5 } } })), "InvalidArgument", 400);
    await refused(create(policy(dns, { TrafficConfig: { Type: "SingleHeader", SingleHeaderConfig: { Header: "x-test", Value: "1" } } })), "InvalidArgument", 400);
    await refused(
      create(policy(dns, { TrafficConfig: { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 10, MaximumTTL: 600 } } } })),
      "InvalidArgument",
      400,
    );
    await refused(create({ ...policy(dns), StagingDistributionDnsNames: { Quantity: 2, Items: [dns] } }), "InconsistentQuantities", 400);
    const first = await client().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(dns) }));
    await refused(create(policy(dns)), "StagingDistributionInUse", 409);
    const id = first.ContinuousDeploymentPolicy!.Id!;
    await refused(() => client().send(new DeleteContinuousDeploymentPolicyCommand({ Id: id })), "InvalidIfMatchVersion", 400);
    await refused(
      () => client().send(new UpdateContinuousDeploymentPolicyCommand({ Id: id, IfMatch: "EXXXXXXXXXXXXX", ContinuousDeploymentPolicyConfig: policy(dns) })),
      "PreconditionFailed",
      412,
    );
    await refused(() => client().send(new GetContinuousDeploymentPolicyCommand({ Id: "0bdc9a19-4684-4ebe-b904-124f456fd31a" })), "NoSuchContinuousDeploymentPolicy", 404);
    // A primary names the policy: it is in use.
    const p = primary.Distribution!;
    const attach = (policyId: string) => () =>
      client().send(new UpdateDistributionCommand({ Id: p.Id, IfMatch: primary.ETag, DistributionConfig: { ...p.DistributionConfig!, ContinuousDeploymentPolicyId: policyId } }));
    await refused(attach("0bdc9a19-4684-4ebe-b904-124f456fd31a"), "NoSuchContinuousDeploymentPolicy", 404);
    await attach(id)();
    await refused(() => client().send(new DeleteContinuousDeploymentPolicyCommand({ Id: id, IfMatch: first.ETag })), "ContinuousDeploymentPolicyInUse", 409);
    const other = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    await refused(
      () =>
        client().send(
          new UpdateDistributionCommand({
            Id: other.Distribution!.Id,
            IfMatch: other.ETag,
            DistributionConfig: { ...other.Distribution!.DistributionConfig!, ContinuousDeploymentPolicyId: id },
          }),
        ),
      "ContinuousDeploymentPolicyInUse",
      409,
    );
  });
});

describe("quotas", () => {
  it("staging distributions and policies per account", async () => {
    const c = cloudFront(small().endpoint);
    await reset(small().endpoint);
    const state = refusal(() => storeState(small().store as never));
    const { primary, staging } = await primaryAndStaging(c);
    await state(
      () => c.send(new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id, Staging: true, CallerReference: unique("copy") })),
      "TooManyDistributions",
      400,
    );
    await c.send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(staging.Distribution!.DomainName!) }));
    await state(
      () => c.send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(staging.Distribution!.DomainName!) })),
      "TooManyContinuousDeploymentPolicies",
      400,
    );
  });
});

describe("staging distributions in a policy", () => {
  it("cannot be deleted until the policy is", async () => {
    const c = client();
    const primary = await c.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ Enabled: false }) }));
    const staging = await c.send(
      new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id, Staging: true, Enabled: false, CallerReference: unique("copy") }),
    );
    const s = staging.Distribution!;
    const cdp = await c.send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(s.DomainName!) }));
    const ready = await until(() => c.send(new GetDistributionCommand({ Id: s.Id })), (x) => x.Distribution!.Status === "Deployed");
    await refused(() => c.send(new DeleteDistributionCommand({ Id: s.Id, IfMatch: ready.ETag })), "ResourceInUse", 409);
    await c.send(new DeleteContinuousDeploymentPolicyCommand({ Id: cdp.ContinuousDeploymentPolicy!.Id, IfMatch: cdp.ETag }));
    await c.send(new DeleteDistributionCommand({ Id: s.Id, IfMatch: ready.ETag }));
  });
});

describe("an enabled staging distribution in a policy", () => {
  it("cannot be disabled until the policy is deleted (StagingDistributionInUse)", async () => {
    const { staging } = await primaryAndStaging();
    const s = staging.Distribution!;
    const cdp = await client().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(s.DomainName!) }));
    const disable = (IfMatch: string) => client().send(new UpdateDistributionCommand({ Id: s.Id, IfMatch, DistributionConfig: { ...s.DistributionConfig!, Enabled: false } }));
    const error = await refused(() => disable(staging.ETag!), "StagingDistributionInUse", 409);
    assert.match(error.message, /currently used by a continuous deployment policy/);
    // Other changes are allowed while the policy names it.
    const changed = await client().send(new UpdateDistributionCommand({ Id: s.Id, IfMatch: staging.ETag, DistributionConfig: { ...s.DistributionConfig!, Comment: "still staging" } }));
    await client().send(new DeleteContinuousDeploymentPolicyCommand({ Id: cdp.ContinuousDeploymentPolicy!.Id, IfMatch: cdp.ETag }));
    const disabled = await disable(changed.ETag!);
    assert.equal(disabled.Distribution!.DistributionConfig!.Enabled, false);
  });
});

describe("a primary holding a policy", () => {
  it("cannot be deleted until the policy is detached from it", async () => {
    const c = client();
    const primary = await c.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ Enabled: false }) }));
    const p = primary.Distribution!;
    const staging = await c.send(new CopyDistributionCommand({ PrimaryDistributionId: p.Id, Staging: true, Enabled: false, CallerReference: unique("copy") }));
    const cdp = await c.send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(staging.Distribution!.DomainName!) }));
    const id = cdp.ContinuousDeploymentPolicy!.Id!;
    const attached = await c.send(new UpdateDistributionCommand({ Id: p.Id, IfMatch: primary.ETag, DistributionConfig: { ...p.DistributionConfig!, ContinuousDeploymentPolicyId: id } }));
    const ready = await until(() => c.send(new GetDistributionCommand({ Id: p.Id })), (x) => x.Distribution!.Status === "Deployed");
    const error = await refused(() => c.send(new DeleteDistributionCommand({ Id: p.Id, IfMatch: ready.ETag })), "ResourceInUse", 409);
    assert.match(error.message, new RegExp(id));
    // Terraform's order: detach (an empty ContinuousDeploymentPolicyId), wait, delete.
    const detached = await c.send(
      new UpdateDistributionCommand({ Id: p.Id, IfMatch: attached.ETag, DistributionConfig: { ...attached.Distribution!.DistributionConfig!, ContinuousDeploymentPolicyId: "" } }),
    );
    await until(() => c.send(new GetDistributionCommand({ Id: p.Id })), (x) => x.Distribution!.Status === "Deployed");
    await c.send(new DeleteDistributionCommand({ Id: p.Id, IfMatch: detached.ETag }));
  });
});

describe("UpdateDistributionWithStagingConfig", () => {
  it("promotes the staging config onto the primary, keeps the primary's identity, disables the policy", async () => {
    const { primary, staging } = await primaryAndStaging();
    const cdp = await client().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policy(staging.Distribution!.DomainName!) }));
    const p = primary.Distribution!;
    const attached = await client().send(
      new UpdateDistributionCommand({ Id: p.Id, IfMatch: primary.ETag, DistributionConfig: { ...p.DistributionConfig!, ContinuousDeploymentPolicyId: cdp.ContinuousDeploymentPolicy!.Id } }),
    );
    const s = staging.Distribution!;
    const changed = await client().send(
      new UpdateDistributionCommand({ Id: s.Id, IfMatch: staging.ETag, DistributionConfig: { ...s.DistributionConfig!, Comment: "tested", DefaultRootObject: "index.html" } }),
    );
    const promote = (IfMatch: string) => () => client().send(new UpdateDistributionWithStagingConfigCommand({ Id: p.Id, StagingDistributionId: s.Id, IfMatch }));
    await refused(promote(`${attached.ETag}, EXXXXXXXXXXXXX`), "PreconditionFailed", 412);
    await refused(promote(`EXXXXXXXXXXXXX, ${changed.ETag}`), "PreconditionFailed", 412);
    await refused(promote(""), "InvalidIfMatchVersion", 400);
    await refused(
      () => client().send(new UpdateDistributionWithStagingConfigCommand({ Id: p.Id, StagingDistributionId: "EMISSING000000", IfMatch: `${attached.ETag}, ${changed.ETag}` })),
      "NoSuchDistribution",
      404,
    );
    const out = await promote(`${attached.ETag}, ${changed.ETag}`)();
    assert.notEqual(out.ETag, attached.ETag);
    const c = out.Distribution!.DistributionConfig!;
    assert.equal(out.Distribution!.Id, p.Id);
    assert.equal(c.Comment, "tested");
    assert.equal(c.DefaultRootObject, "index.html");
    assert.equal(c.Staging, false);
    assert.equal(c.CallerReference, p.DistributionConfig!.CallerReference);
    assert.equal(c.ContinuousDeploymentPolicyId, cdp.ContinuousDeploymentPolicy!.Id);
    assert.equal((await client().send(new GetDistributionCommand({ Id: p.Id }))).ETag, out.ETag);
    const after = await client().send(new GetContinuousDeploymentPolicyCommand({ Id: cdp.ContinuousDeploymentPolicy!.Id }));
    assert.equal(after.ContinuousDeploymentPolicy!.ContinuousDeploymentPolicyConfig!.Enabled, false);
    // Promoting a distribution that is not a staging one is refused.
    await refused(
      () => client().send(new UpdateDistributionWithStagingConfigCommand({ Id: s.Id, StagingDistributionId: p.Id, IfMatch: `${changed.ETag}, ${out.ETag}` })),
      "InvalidArgument",
      400,
    );
  });
});

describe("continuous deployment through boto3", { skip: boto3Missing }, () => {
  it("copy to staging, attach a policy, promote, detach, delete", async () => {
    const primary = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ Comment: "v1" }) }));
    const out = await boto3(
      server().endpoint,
      String.raw`
import boto3, json, os, time
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
pid = "${primary.Distribution!.Id}"
p = cf.get_distribution(Id=pid)
staging = cf.copy_distribution(PrimaryDistributionId=pid, Staging=True, IfMatch=p["ETag"], CallerReference="boto3-staging")
sid = staging["Distribution"]["Id"]
policy = cf.create_continuous_deployment_policy(ContinuousDeploymentPolicyConfig={
  "StagingDistributionDnsNames": {"Quantity": 1, "Items": [staging["Distribution"]["DomainName"]]},
  "Enabled": True,
  "TrafficConfig": {"Type": "SingleHeader", "SingleHeaderConfig": {"Header": "aws-cf-cd-staging", "Value": "true"}},
})
cdp = policy["ContinuousDeploymentPolicy"]["Id"]
cfg = cf.get_distribution_config(Id=pid)
config = cfg["DistributionConfig"]
config["ContinuousDeploymentPolicyId"] = cdp
attached = cf.update_distribution(Id=pid, IfMatch=cfg["ETag"], DistributionConfig=config)
scfg = cf.get_distribution_config(Id=sid)
sconfig = scfg["DistributionConfig"]
sconfig["Comment"] = "v2"
changed = cf.update_distribution(Id=sid, IfMatch=scfg["ETag"], DistributionConfig=sconfig)
promoted = cf.update_distribution_with_staging_config(Id=pid, StagingDistributionId=sid, IfMatch=attached["ETag"] + ", " + changed["ETag"])
enabled = cf.get_continuous_deployment_policy(Id=cdp)["ContinuousDeploymentPolicy"]["ContinuousDeploymentPolicyConfig"]["Enabled"]
cfg = cf.get_distribution_config(Id=pid)
config = cfg["DistributionConfig"]
config["ContinuousDeploymentPolicyId"] = ""
cf.update_distribution(Id=pid, IfMatch=cfg["ETag"], DistributionConfig=config)
etag = cf.get_continuous_deployment_policy(Id=cdp)["ETag"]
cf.delete_continuous_deployment_policy(Id=cdp, IfMatch=etag)
def delete(did):
    cfg = cf.get_distribution_config(Id=did)
    cfg["DistributionConfig"]["Enabled"] = False
    cf.update_distribution(Id=did, IfMatch=cfg["ETag"], DistributionConfig=cfg["DistributionConfig"])
    cf.get_waiter("distribution_deployed").wait(Id=did, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    cf.delete_distribution(Id=did, IfMatch=cf.get_distribution(Id=did)["ETag"])
delete(sid)
delete(pid)
left = cf.list_distributions()["DistributionList"]["Quantity"]
print(json.dumps({"staging": staging["Distribution"]["DistributionConfig"]["Staging"], "comment": promoted["Distribution"]["DistributionConfig"]["Comment"],
                  "enabled": enabled, "policies": cf.list_continuous_deployment_policies()["ContinuousDeploymentPolicyList"]["Quantity"], "left": left}))
`,
    );
    assert.deepEqual(out, { staging: true, comment: "v2", enabled: false, policies: 0, left: 0 });
  });
});
