import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { clientConfig, failure, useServer } from "../harness.js";
import { type Creds, policy, ROOT, unique, userWithKey } from "./helpers.js";

// The admin token lets the expiry test rewrite the state (internal endpoints are read-only under --auth iam otherwise).
const ADMIN = "sessions-test-admin";
const server = useServer({ auth: "iam", adminToken: ADMIN } as never);
const ACCOUNT = "000000000000";

type Session = Creds & { sessionToken?: string };
const iam = (creds: Session = ROOT) => new IAMClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const sts = (creds: Session = ROOT) => new STSClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const session = (out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Session => ({
  accessKeyId: out.Credentials!.AccessKeyId!,
  secretAccessKey: out.Credentials!.SecretAccessKey!,
  sessionToken: out.Credentials!.SessionToken!,
});

const allow = (Action: string | string[], Resource: string | string[] = "*", extra: object = {}) => ({ Effect: "Allow", Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = "*") => ({ Effect: "Deny", Action, Resource });
const trusting = (aws: string | string[], extra: object = {}) => policy({ Effect: "Allow", Principal: { AWS: aws }, Action: "sts:AssumeRole", ...extra });

async function denied(promise: Promise<unknown>, message?: string | RegExp) {
  const e = (await failure(promise)) as Awaited<ReturnType<typeof failure>> & { Code?: string };
  assert.equal(e.name, "AccessDenied", `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 403);
  if (typeof message === "string") assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
}

/** A user with a key (and an inline policy), and a role whose trust names it (or `trust`), with `rolePolicy` inline. */
async function setup(opts: { trust?: (userArn: string) => string; rolePolicy?: string; userPolicy?: string; role?: Record<string, unknown> } = {}) {
  const userName = unique("user");
  const creds = await userWithKey(iam(), userName, opts.userPolicy);
  const userArn = `arn:aws:iam::${ACCOUNT}:user/${userName}`;
  const RoleName = unique("role");
  const { Role } = await iam().send(
    new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: (opts.trust ?? ((u) => trusting(u)))(userArn), ...(opts.role ?? {}) }),
  );
  if (opts.rolePolicy) await iam().send(new PutRolePolicyCommand({ RoleName, PolicyName: "inline", PolicyDocument: opts.rolePolicy }));
  return { creds, userArn, userName, role: Role!, RoleName };
}

describe("--auth iam: AssumeRole and the trust policy", () => {
  it("a user the trust policy names may assume the role without any identity policy; the session is the assumed role", async () => {
    const { creds, role, RoleName } = await setup();
    const out = await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "s1" }));
    const id = await sts(session(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/s1`);
    assert.equal(id.UserId, `${role.RoleId}:s1`);
  });

  it("a trust policy naming only the account also needs the user's identity policy; AWS's message names no reason", async () => {
    const root = `arn:aws:iam::${ACCOUNT}:root`;
    const { creds, role, userArn } = await setup({ trust: () => trusting(root) });
    await denied(
      sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss" })),
      `User: ${userArn} is not authorized to perform: sts:AssumeRole on resource: ${role.Arn}`,
    );
    const allowed = await setup({ trust: () => trusting(ACCOUNT), userPolicy: policy(allow("sts:AssumeRole")) });
    assert.ok((await sts(allowed.creds).send(new AssumeRoleCommand({ RoleArn: allowed.role.Arn!, RoleSessionName: "ss" }))).Credentials);
  });

  it("a user the trust policy does not name is refused even with sts:AssumeRole allowed, and so is a missing role", async () => {
    const other = await setup();
    const { creds, userArn } = await setup({ userPolicy: policy(allow("sts:AssumeRole")) });
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: other.role.Arn!, RoleSessionName: "ss" })), `User: ${userArn} is not authorized to perform: sts:AssumeRole on resource: ${other.role.Arn}`);
    const missing = `arn:aws:iam::${ACCOUNT}:role/nope`;
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: "ss" })), `User: ${userArn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`);
  });

  it("root may not assume roles", async () => {
    const { role } = await setup({ trust: () => trusting(ACCOUNT) });
    await denied(sts().send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss" })), "Roles may not be assumed by root accounts.");
  });

  it("sts:ExternalId and aws:MultiFactorAuthPresent conditions of the trust policy", async () => {
    const { creds, role } = await setup({ trust: (u) => trusting(u, { Condition: { StringEquals: { "sts:ExternalId": "secret-42" } } }) });
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss" })));
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss", ExternalId: "wrong-1" })));
    assert.ok((await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss", ExternalId: "secret-42" }))).Credentials);
    const mfa = await setup({ trust: (u) => trusting(u, { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }) });
    await denied(sts(mfa.creds).send(new AssumeRoleCommand({ RoleArn: mfa.role.Arn!, RoleSessionName: "ss" })));
  });

  it("session tags need sts:TagSession in the trust policy", async () => {
    const { creds, role } = await setup();
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "ss", Tags: [{ Key: "k", Value: "v" }] })), /sts:TagSession/);
    const tagging = await setup({ trust: (u) => policy({ Effect: "Allow", Principal: { AWS: u }, Action: ["sts:AssumeRole", "sts:TagSession"] }) });
    assert.ok((await sts(tagging.creds).send(new AssumeRoleCommand({ RoleArn: tagging.role.Arn!, RoleSessionName: "ss", Tags: [{ Key: "k", Value: "v" }] }))).Credentials);
  });

  it("cross-account: a role of account B trusting account A needs A's user to be allowed by its own policies; the session acts in B", async () => {
    const B = { accessKeyId: "222222222222", secretAccessKey: "test" };
    const RoleName = unique("xrole");
    const { Role } = await iam(B).send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:root`) }));
    await iam(B).send(new PutRolePolicyCommand({ RoleName, PolicyName: "p", PolicyDocument: policy(allow("iam:ListUsers")) }));
    const without = await userWithKey(iam(), unique("a"));
    await denied(sts(without).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "xx" })));
    const withPolicy = await userWithKey(iam(), unique("a"), policy(allow("sts:AssumeRole", Role!.Arn!)));
    const out = await sts(withPolicy).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "xx" }));
    const id = await sts(session(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:sts::222222222222:assumed-role/${RoleName}/xx`);
    assert.ok((await iam(session(out)).send(new ListUsersCommand({}))).Users);
  });
});

describe("--auth iam: what a session may do", () => {
  it("the role's policies apply: an allowed action passes, another is refused naming the session", async () => {
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow("iam:ListUsers")) });
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "work" })));
    assert.ok((await iam(s).send(new ListUsersCommand({}))).Users);
    await denied(
      iam(s).send(new CreateUserCommand({ UserName: "x" })),
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/work is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/x because no identity-based policy allows the iam:CreateUser action`,
    );
  });

  it("a session policy narrower than the role's removes a permission", async () => {
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow(["iam:ListUsers", "iam:GetUser"])) });
    const out = await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "narrow", Policy: policy(allow("iam:GetUser")) }));
    const s = session(out);
    assert.ok(out.PackedPolicySize! > 0);
    await denied(
      iam(s).send(new ListUsersCommand({})),
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/narrow is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no session policy allows the iam:ListUsers action`,
    );
    // A session policy cannot grant more than the role.
    const wide = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "wide", Policy: policy(allow("iam:*")) })));
    await denied(iam(wide).send(new CreateUserCommand({ UserName: "y" })), /because no identity-based policy allows the iam:CreateUser action$/);
  });

  it("managed session policies (PolicyArns) cap the session too", async () => {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("sp"), PolicyDocument: policy(allow("iam:GetUser")) }));
    const { creds, role } = await setup({ rolePolicy: policy(allow(["iam:ListUsers", "iam:GetUser"])) });
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "mm", PolicyArns: [{ arn: Policy!.Arn! }] })));
    await denied(iam(s).send(new ListUsersCommand({})), /because no session policy allows/);
  });

  it("an explicit Deny in the role's inline policy wins over an Allow in an attached policy", async () => {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("all"), PolicyDocument: policy(allow("iam:*")) }));
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(deny("iam:ListUsers")) });
    await iam().send(new AttachRolePolicyCommand({ RoleName, PolicyArn: Policy!.Arn! }));
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "dd" })));
    await denied(iam(s).send(new ListUsersCommand({})), /with an explicit deny in an identity-based policy$/);
  });

  it("a permissions boundary on the role that does not allow an action removes it", async () => {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("b"), PolicyDocument: policy(allow("iam:GetUser")) }));
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow(["iam:ListUsers", "iam:GetUser"])) });
    await iam().send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: Policy!.Arn! }));
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "bb" })));
    await denied(iam(s).send(new ListUsersCommand({})), /because no permissions boundary allows the iam:ListUsers action$/);
  });

  it("the role's policies are read at each request; a deleted role leaves its sessions with no permission (GetCallerIdentity still answers)", async () => {
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow("iam:ListUsers")) });
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "gone" })));
    assert.ok((await iam(s).send(new ListUsersCommand({}))).Users);
    await iam().send(new DeleteRolePolicyCommand({ RoleName, PolicyName: "inline" }));
    await iam().send(new DeleteRoleCommand({ RoleName }));
    await denied(iam(s).send(new ListUsersCommand({})));
    assert.equal((await sts(s).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/gone`);
  });

  it("a trust policy changed after AssumeRole does not end the sessions already issued (it is read only when assuming)", async () => {
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow("iam:ListUsers")) });
    const s = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "kept" })));
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:root`) }));
    assert.ok((await iam(s).send(new ListUsersCommand({}))).Users);
    await denied(sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "new" })));
  });

  it("session tags are aws:PrincipalTag/ keys of the session's requests", async () => {
    const trust = (u: string) => policy({ Effect: "Allow", Principal: { AWS: u }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    const rolePolicy = policy(allow("iam:ListUsers", "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } } }));
    const { creds, role } = await setup({ trust, rolePolicy });
    const blue = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "blue", Tags: [{ Key: "team", Value: "blue" }] })));
    assert.ok((await iam(blue).send(new ListUsersCommand({}))).Users);
    const red = session(await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "red", Tags: [{ Key: "team", Value: "red" }] })));
    await denied(iam(red).send(new ListUsersCommand({})));
  });

  it("the SDK's fromTemporaryCredentials drives AssumeRole and signs with the session", async () => {
    const { creds, role, RoleName } = await setup({ rolePolicy: policy(allow("iam:ListUsers")) });
    const provider = fromTemporaryCredentials({
      masterCredentials: creds,
      params: { RoleArn: role.Arn!, RoleSessionName: "chain" },
      clientConfig: { endpoint: server().endpoint, region: "us-east-1" },
    });
    const client = new STSClient({ endpoint: server().endpoint, region: "us-east-1", credentials: provider, maxAttempts: 1 });
    assert.equal((await client.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/chain`);
    const iamClient = new IAMClient({ endpoint: server().endpoint, region: "us-east-1", credentials: provider, maxAttempts: 1 });
    assert.ok((await iamClient.send(new ListUsersCommand({}))).Users);
  });

  it("a federated user has no permission without a session policy, and the user's ∩ the session policy with one", async () => {
    const name = unique("fed");
    const creds = await userWithKey(iam(), name, policy(allow(["sts:GetFederationToken", "iam:ListUsers", "iam:GetUser"])));
    const bare = session(await sts(creds).send(new GetFederationTokenCommand({ Name: "bare" })));
    await denied(iam(bare).send(new ListUsersCommand({})), /federated-user\/bare is not authorized to perform: iam:ListUsers .* because no session policy allows/);
    const scoped = session(await sts(creds).send(new GetFederationTokenCommand({ Name: "scoped", Policy: policy(allow("iam:ListUsers")) })));
    assert.ok((await iam(scoped).send(new ListUsersCommand({}))).Users);
    await denied(iam(scoped).send(new GetUserCommand({ UserName: name })));
  });
});

describe("--auth iam: users' permissions boundaries", () => {
  it("a boundary that does not allow an action removes it from the user, and from its GetSessionToken session", async () => {
    const name = unique("bounded");
    const creds = await userWithKey(iam(), name, policy(allow(["iam:ListUsers", "iam:GetUser"])));
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("ub"), PolicyDocument: policy(allow("iam:GetUser")) }));
    await iam().send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: Policy!.Arn! }));
    await denied(
      iam(creds).send(new ListUsersCommand({})),
      `User: arn:aws:iam::${ACCOUNT}:user/${name} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no permissions boundary allows the iam:ListUsers action`,
    );
    assert.ok((await iam(creds).send(new GetUserCommand({ UserName: name }))).User);
    const s = session(await sts(creds).send(new GetSessionTokenCommand({})));
    await denied(iam(s).send(new ListUsersCommand({})), /because no permissions boundary allows/);
    assert.ok((await iam(s).send(new GetUserCommand({ UserName: name }))).User);
  });
});

describe("--auth iam: temporary credentials on the wire", () => {
  it("a missing or wrong token answers InvalidClientTokenId; an expired one ExpiredToken", async () => {
    const { creds, role } = await setup({ rolePolicy: policy(allow("iam:ListUsers")) });
    const out = await sts(creds).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: "wire" }));
    const s = session(out);
    for (const bad of [{ ...s, sessionToken: undefined }, { ...s, sessionToken: `${s.sessionToken}x` }]) {
      const e = await failure(sts(bad).send(new GetCallerIdentityCommand({})));
      assert.equal(e.name, "InvalidClientTokenId");
      assert.equal(e.$metadata.httpStatusCode, 403);
      assert.equal(e.message, "The security token included in the request is invalid.");
    }
    // Move the session's expiry into the past through a state snapshot (time is data).
    const state = JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`, { headers: { "x-nubis-admin-token": ADMIN } })).text());
    const row = state.tables["sts.sessions"].find(([key]: [string]) => key === s.accessKeyId);
    row[1].principal.session.expiration = "2020-01-01T00:00:00Z";
    assert.equal((await fetch(`${server().endpoint}/_nubis/state`, { method: "POST", body: JSON.stringify(state), headers: { "x-nubis-admin-token": ADMIN } })).status, 200);
    for (const call of [() => sts(s).send(new GetCallerIdentityCommand({})), () => iam(s).send(new ListUsersCommand({}))]) {
      const e = await failure(call());
      assert.equal(e.name, "ExpiredToken");
      assert.equal(e.$metadata.httpStatusCode, 403);
      assert.equal(e.message, "The security token included in the request is expired");
    }
    // The JSON protocols spell it ExpiredTokenException (KMS answers every client error 400).
    const kms = await failure(new KMSClient(clientConfig(server().endpoint, "us-east-1", s as never)).send(new ListKeysCommand({})));
    assert.equal(kms.name, "ExpiredTokenException");
    assert.equal(kms.$metadata.httpStatusCode, 400);
  });
});

void PutUserPolicyCommand;
