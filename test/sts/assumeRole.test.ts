import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { useServer } from "../harness.js";
import { CREDENTIALS, credsOf, doc, iam, refused, sts, unique } from "./fixtures.js";

const server = useServer();
const ACCOUNT = "000000000000";

const trustAccount = (account = ACCOUNT) => doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" });

async function role(extra: Record<string, unknown> = {}, account?: string) {
  const creds = account ? { accessKeyId: account, secretAccessKey: "test" } : undefined;
  const name = unique("r");
  const { Role } = await iam(server().endpoint, creds).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustAccount(), ...extra }));
  return Role!;
}

async function user() {
  const name = unique("u");
  const client = iam(server().endpoint);
  await client.send(new CreateUserCommand({ UserName: name }));
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: name }));
  return { name, creds: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } };
}

/** Issued sessions live in the state: refusals must leave it as it was. */
const sessionCount = async () => {
  const state = JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text());
  return (state.tables["sts.sessions"] ?? []).length;
};

describe("STS AssumeRole (--auth none)", () => {
  it("answers AWS's credential formats, the assumed-role ARN without the role's path, and RoleId:session", async () => {
    const r = await role({ Path: "/app/" });
    const { creds } = await user();
    const before = Date.now();
    const out = await sts(server().endpoint, creds).send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "s3-access-example" }));
    assert.match(out.Credentials!.AccessKeyId!, CREDENTIALS.accessKeyId);
    assert.match(out.Credentials!.SecretAccessKey!, CREDENTIALS.secret);
    const seconds = (out.Credentials!.Expiration!.getTime() - before) / 1000;
    assert.ok(seconds > 3590 && seconds <= 3601, `default 3600 s, got ${seconds}`);
    assert.deepEqual(out.AssumedRoleUser, { AssumedRoleId: `${r.RoleId}:s3-access-example`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${r.RoleName}/s3-access-example` });
    assert.equal(out.PackedPolicySize, undefined);
    const id = await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([id.UserId, id.Account, id.Arn], [`${r.RoleId}:s3-access-example`, ACCOUNT, out.AssumedRoleUser!.Arn]);
    // RoleLastUsed follows.
    const { Role } = await iam(server().endpoint).send(new GetRoleCommand({ RoleName: r.RoleName! }));
    assert.ok(Role!.RoleLastUsed?.LastUsedDate);
  });

  it("a role of another account is assumable, and the session acts in that account", async () => {
    const r = await role({ AssumeRolePolicyDocument: trustAccount(ACCOUNT) }, "111111111111");
    const { creds } = await user();
    const out = await sts(server().endpoint, creds).send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "x-acct" }));
    const session = credsOf(out);
    assert.equal((await sts(server().endpoint, session).send(new GetCallerIdentityCommand({}))).Account, "111111111111");
    assert.match(out.Credentials!.AccessKeyId!, CREDENTIALS.accessKeyId);
    // IAM calls with the session read account B's state.
    const names = (await iam(server().endpoint, session).send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    assert.deepEqual(names, []);
  });

  it("session policies and tags give PackedPolicySize; a chained session lasts 1 hour at most", async () => {
    const r = await role({ MaxSessionDuration: 43200 });
    const { creds } = await user();
    const out = await sts(server().endpoint, creds).send(
      new AssumeRoleCommand({
        RoleArn: r.Arn!,
        RoleSessionName: "tagged",
        DurationSeconds: 43200,
        Policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
        Tags: [{ Key: "team", Value: "blue" }],
        TransitiveTagKeys: ["team"],
        SourceIdentity: "alice",
      }),
    );
    assert.ok(out.PackedPolicySize! > 0 && out.PackedPolicySize! <= 100, `${out.PackedPolicySize}`);
    assert.equal(out.SourceIdentity, "alice");
    const chained = sts(server().endpoint, credsOf(out));
    await refused(
      chained.send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "again", DurationSeconds: 3601 })),
      "ValidationError",
      400,
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    // The transitive tag may not be overridden by the chained call.
    await refused(chained.send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "again", Tags: [{ Key: "Team", Value: "red" }] })), "InvalidParameterValue", 400);
    const again = await chained.send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "again" }));
    assert.equal(again.SourceIdentity, "alice");
  });

  it("every refusal of §13.2 answers its code, status and message, and issues no session", async () => {
    const r = await role();
    const { creds } = await user();
    const client = sts(server().endpoint, creds);
    const before = await sessionCount();
    const call = (extra: Record<string, unknown>) => client.send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "ok", ...extra }));
    await refused(
      call({ RoleSessionName: "bad name" }),
      "ValidationError",
      400,
      "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    await refused(
      call({ RoleSessionName: "x".repeat(65) }),
      "ValidationError",
      400,
      `1 validation error detected: Value '${"x".repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    await refused(
      call({ DurationSeconds: 50000 }),
      "ValidationError",
      400,
      "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    await refused(call({ DurationSeconds: 899 }), "ValidationError", 400, /Member must have value greater than or equal to 900/);
    await refused(call({ DurationSeconds: 7200 }), "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    await refused(call({ RoleArn: "not-an-arn-at-all-really" }), "ValidationError", 400, "not-an-arn-at-all-really is invalid");
    const missing = `arn:aws:iam::${ACCOUNT}:role/does-not-exist`;
    const { name } = await user();
    void name;
    await refused(call({ RoleArn: missing }), "AccessDenied", 403, new RegExp(`^User: arn:aws:iam::${ACCOUNT}:user/u\\d+ is not authorized to perform: sts:AssumeRole on resource: ${missing}$`));
    await refused(call({ Policy: "{nope" }), "MalformedPolicyDocument", 400);
    await refused(call({ Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Sid":"${"a".repeat(2048)}"}]}` }), "ValidationError", 400, /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048/);
    const bigTags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}${randomBytes(60).toString("hex")}`, Value: randomBytes(128).toString("hex") }));
    await refused(call({ Tags: bigTags }), "PackedPolicyTooLarge", 400, /^Packed size of session tags consumes \d+% of allotted space\.$/);
    await refused(call({ Tags: [{ Key: "a", Value: "1" }], TransitiveTagKeys: ["b"] }), "InvalidParameterValue", 400);
    await refused(call({ Tags: [{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }] }), "InvalidParameterValue", 400);
    await refused(call({ ExternalId: "x" }), "ValidationError", 400, /at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2/);
    // The pattern has no ':', so a SourceIdentity starting with aws: fails it.
    await refused(call({ SourceIdentity: "aws:me" }), "ValidationError", 400, /at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    await refused(call({ SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/nobody`, TokenCode: "123456" }), "AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code.");
    await refused(sts(server().endpoint).send(new AssumeRoleCommand({ RoleArn: r.Arn!, RoleSessionName: "root" })), "AccessDenied", 403, "Roles may not be assumed by root accounts.");
    assert.equal(await sessionCount(), before);
  });
});
