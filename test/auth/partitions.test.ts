import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateRoleCommand, GetUserCommand, IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure, useServer } from "../harness.js";
import { type Creds, policy, ROOT, unique, userWithKey } from "./helpers.js";

/** Partitions under --auth iam: a caller signing for cn-north-1 lives in arn:aws-cn:… */
const server = useServer({ auth: "iam" });
const ACCOUNT = "000000000000";
type Session = Creds & { sessionToken?: string };
const iam = (creds: Session = ROOT, region = "us-east-1") => new IAMClient(clientConfig(server().endpoint, region, creds as never));
const sts = (creds: Session, region = "us-east-1") => new STSClient(clientConfig(server().endpoint, region, creds as never));

describe("--auth iam: partitions", () => {
  it("policies name aws-cn resources for calls signed in China; denials name the aws-cn ARNs", async () => {
    const name = unique("cn");
    const creds = await userWithKey(iam(), name, policy({ Effect: "Allow", Action: "iam:GetUser", Resource: `arn:aws-cn:iam::${ACCOUNT}:user/*` }));
    assert.ok((await iam(creds, "cn-north-1").send(new GetUserCommand({ UserName: name }))).User);
    // nubis keeps one state for every partition: a policy may name its ARNs in either spelling.
    assert.ok((await iam(creds, "us-east-1").send(new GetUserCommand({ UserName: name }))).User);
    const e = await failure(iam(creds, "cn-north-1").send(new ListUsersCommand({})));
    assert.equal(
      e.message,
      `User: arn:aws-cn:iam::${ACCOUNT}:user/${name} is not authorized to perform: iam:ListUsers on resource: arn:aws-cn:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`,
    );
  });

  it("AssumeRole signed for us-gov-west-1: a trust policy in the aws-us-gov partition, and the session's ARNs", async () => {
    const name = unique("gov");
    const creds = await userWithKey(iam(), name);
    const RoleName = unique("govrole");
    const { Role } = await iam().send(
      new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${name}` }, Action: "sts:AssumeRole" }) }),
    );
    const arn = Role!.Arn!.replace("arn:aws:", "arn:aws-us-gov:");
    const out = await sts(creds, "us-gov-west-1").send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "gov" }));
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/${RoleName}/gov`);
    const s = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    assert.equal((await sts(s, "us-gov-west-1").send(new GetCallerIdentityCommand({}))).Arn, `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/${RoleName}/gov`);
    assert.equal((await sts(s, "us-east-1").send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/gov`);
  });
});
