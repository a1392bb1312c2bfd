import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateRoleCommand, IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure, useServer } from "../harness.js";
import { type Creds, policy, ROOT, unique, userWithKey } from "./helpers.js";

/** --auth signature: session credentials are signature-checked (key, token, expiry), never policy-checked. */
const server = useServer({ auth: "signature" });
const ACCOUNT = "000000000000";
type Session = Creds & { sessionToken?: string };
const iam = (creds: Session = ROOT) => new IAMClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const sts = (creds: Session = ROOT) => new STSClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const session = (out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Session => ({
  accessKeyId: out.Credentials!.AccessKeyId!,
  secretAccessKey: out.Credentials!.SecretAccessKey!,
  sessionToken: out.Credentials!.SessionToken!,
});

describe("--auth signature: temporary credentials", () => {
  it("a session signs like any key; no policy is evaluated; the trust policy is not either", async () => {
    const name = unique("sig");
    const creds = await userWithKey(iam(), name);
    const RoleName = unique("sigrole");
    // A trust policy that names someone else: only --auth iam evaluates it.
    const { Role } = await iam().send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: policy({ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" }) }));
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "sig" })));
    assert.equal((await sts(s).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/sig`);
    assert.ok((await iam(s).send(new ListUsersCommand({}))).Users);
    const t = session(await sts(creds).send(new GetSessionTokenCommand({ DurationSeconds: 900 })));
    assert.equal((await sts(t).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:user/${name}`);
  });

  it("a session key with another session's token, or a wrong secret, is refused", async () => {
    const a = session(await sts().send(new GetSessionTokenCommand({})));
    const b = session(await sts().send(new GetSessionTokenCommand({})));
    const mixed = await failure(sts({ ...a, sessionToken: b.sessionToken }).send(new GetCallerIdentityCommand({})));
    assert.equal(mixed.name, "InvalidClientTokenId");
    assert.equal(mixed.$metadata.httpStatusCode, 403);
    const wrong = await failure(sts({ ...a, secretAccessKey: b.secretAccessKey }).send(new GetCallerIdentityCommand({})));
    assert.equal(wrong.name, "SignatureDoesNotMatch");
    assert.equal(wrong.$metadata.httpStatusCode, 403);
  });
});
