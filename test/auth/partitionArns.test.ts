import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AttachUserPolicyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, GetUserCommand, IAMClient, ListAttachedUserPoliciesCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure, useServer } from "../harness.js";
import { ROOT, unique, userWithKey } from "./helpers.js";

/** Every service answers in the partition of the region a call is signed for, over one state (--auth none). */
const server = useServer();
const ACCOUNT = "000000000000";
const iam = (region: string) => new IAMClient(clientConfig(server().endpoint, region, ROOT as never));
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] });

describe("ARNs in the signing region's partition", () => {
  for (const [region, partition] of [["cn-north-1", "aws-cn"], ["us-gov-west-1", "aws-us-gov"]]) {
    it(`IAM, STS and KMS answer arn:${partition}: for calls signed in ${region}, and take ARNs in that spelling`, async () => {
      const UserName = unique("p");
      const created = await iam(region).send(new CreateUserCommand({ UserName }));
      assert.equal(created.User!.Arn, `arn:${partition}:iam::${ACCOUNT}:user/${UserName}`);
      // The same user, in each partition's spelling.
      assert.equal((await iam("us-east-1").send(new GetUserCommand({ UserName }))).User!.Arn, `arn:aws:iam::${ACCOUNT}:user/${UserName}`);
      await iam(region).send(new AttachUserPolicyCommand({ UserName, PolicyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess` }));
      const attached = await iam(region).send(new ListAttachedUserPoliciesCommand({ UserName }));
      assert.deepEqual(attached.AttachedPolicies!.map((p) => p.PolicyArn), [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`]);

      const RoleName = unique("pr");
      const { Role } = await iam(region).send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
      assert.equal(Role!.Arn, `arn:${partition}:iam::${ACCOUNT}:role/${RoleName}`);
      // A document comes back as written.
      assert.equal(decodeURIComponent((await iam(region).send(new GetRoleCommand({ RoleName }))).Role!.AssumeRolePolicyDocument!), trust);
      const caller = await userWithKey(iam("us-east-1"), unique("caller"));
      const sts = new STSClient(clientConfig(server().endpoint, region, caller as never));
      const session = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "s1" }));
      assert.equal(session.AssumedRoleUser!.Arn, `arn:${partition}:sts::${ACCOUNT}:assumed-role/${RoleName}/s1`);

      const kms = new KMSClient(clientConfig(server().endpoint, region, ROOT as never));
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      assert.equal(key.Arn, `arn:${partition}:kms:${region}:${ACCOUNT}:key/${key.KeyId}`);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata!.KeyId, key.KeyId);

      // Errors name ARNs in the partition too.
      const e = await failure(kms.send(new DescribeKeyCommand({ KeyId: `arn:${partition}:kms:${region}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000` })));
      assert.equal(e.name, "NotFoundException");
      assert.ok(!/arn:aws:/.test(e.message), e.message);
    });
  }
});
