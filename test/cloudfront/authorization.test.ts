/** Under --auth iam the new CloudFront operations are checked on the ARNs the authorization reference names. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  CreateFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionCommand,
  ListCachePoliciesCommand,
} from "@aws-sdk/client-cloudfront";
import { IAMClient } from "@aws-sdk/client-iam";
import { clientConfig, failure, useServer } from "../harness.js";
import { policy, ROOT, unique, userWithKey, type Creds } from "../auth/helpers.js";
import { distributionConfig } from "./fixtures.js";

const server = useServer({ auth: "iam" });
const cf = (creds: Creds) => new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", creds));
const iam = () => new IAMClient(clientConfig(server().endpoint, "us-east-1", ROOT));
const allow = (Action: string | string[], Resource: string | string[] = "*") => ({ Effect: "Allow", Action, Resource });

describe("--auth iam: distributions, functions, policies", () => {
  it("GetDistribution on the distribution's ARN only; a create with tags also needs cloudfront:TagResource", async () => {
    const a = (await cf(ROOT).send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const b = (await cf(ROOT).send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const name = unique("cfuser");
    const creds = await userWithKey(iam(), name, policy(allow("cloudfront:GetDistribution", a.ARN!), allow("cloudfront:CreateDistribution"), allow("cloudfront:ListCachePolicies")));
    assert.equal((await cf(creds).send(new GetDistributionCommand({ Id: a.Id }))).Distribution!.Id, a.Id);
    const e = await failure(cf(creds).send(new GetDistributionCommand({ Id: b.Id })));
    assert.deepEqual([e.name, e.$metadata.httpStatusCode], ["AccessDenied", 403]);
    assert.match(e.message, new RegExp(`cloudfront:GetDistribution on resource: ${b.ARN!.replace(/[/]/g, "\\/")} because`));
    await cf(creds).send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    const tagged = await failure(
      cf(creds).send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: "k", Value: "v" }] } } })),
    );
    assert.match(tagged.message, /cloudfront:TagResource/);
    assert.ok((await cf(creds).send(new ListCachePoliciesCommand({}))).CachePolicyList);
  });

  it("function operations act on arn:aws:cloudfront::{account}:function/{Name}", async () => {
    const code = new TextEncoder().encode("function handler(e) { return e.request; }");
    await cf(ROOT).send(new CreateFunctionCommand({ Name: "mine", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code }));
    await cf(ROOT).send(new CreateFunctionCommand({ Name: "theirs", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code }));
    const creds = await userWithKey(iam(), unique("fnuser"), policy(allow("cloudfront:DescribeFunction", "arn:aws:cloudfront::000000000000:function/mine")));
    assert.equal((await cf(creds).send(new DescribeFunctionCommand({ Name: "mine" }))).FunctionSummary!.Name, "mine");
    assert.equal((await failure(cf(creds).send(new DescribeFunctionCommand({ Name: "theirs" })))).name, "AccessDenied");
  });
});
