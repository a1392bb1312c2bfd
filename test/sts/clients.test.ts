import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { FORM, signedFetch, userWithKey } from "../auth/helpers.js";
import { doc, iam, unique } from "./fixtures.js";

/** Real clients under --auth iam: every call with the session is signature-checked and authorized. */
const server = useServer({ auth: "iam" });
const ACCOUNT = "000000000000";

/** A user with a key, and a role that trusts it and may list users. */
async function roleFor() {
  const userName = unique("u");
  const creds = await userWithKey(iam(server().endpoint), userName);
  const RoleName = unique("r");
  const { Role } = await iam(server().endpoint).send(
    new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${userName}` }, Action: "sts:AssumeRole" }) }),
  );
  await iam(server().endpoint).send(new PutRolePolicyCommand({ RoleName, PolicyName: "p", PolicyDocument: doc({ Effect: "Allow", Action: "iam:ListUsers", Resource: "*" }) }));
  return { creds, role: Role! };
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("STS with real clients", () => {
  it("boto3: assume_role, then a Session with the temporary credentials", { skip: boto3Missing }, async () => {
    const { creds, role } = await roleFor();
    const out = await boto3(
      server().endpoint,
      `
import boto3, json, os
e = os.environ["ENDPOINT"]
src = boto3.client("sts", endpoint_url=e, region_name="us-east-1", aws_access_key_id="${creds.accessKeyId}", aws_secret_access_key="${creds.secretAccessKey}")
c = src.assume_role(RoleArn="${role.Arn}", RoleSessionName="boto")["Credentials"]
s = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"], region_name="us-east-1")
me = s.client("sts", endpoint_url=e).get_caller_identity()
users = s.client("iam", endpoint_url=e).list_users()["Users"]
try:
    s.client("iam", endpoint_url=e).create_user(UserName="nope")
    denied = None
except Exception as x:
    denied = x.response["Error"]["Code"]
print(json.dumps({"arn": me["Arn"], "key": c["AccessKeyId"], "users": len(users) >= 1, "denied": denied}))
`,
    );
    assert.equal(out.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/boto`);
    assert.match(out.key, /^ASIA/);
    assert.equal(out.users, true);
    assert.equal(out.denied, "AccessDenied");
  });

  it("the AWS CLI with a profile of role_arn + source_profile does the AssumeRole itself", { skip: awsCliMissing }, async () => {
    const { creds, role } = await roleFor();
    const dir = mkdtempSync(join(tmpdir(), "nubis-cli-"));
    dirs.push(dir);
    writeFileSync(join(dir, "credentials"), `[src]\naws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n`);
    writeFileSync(join(dir, "config"), `[profile app]\nrole_arn = ${role.Arn}\nsource_profile = src\nrole_session_name = cli-session\nregion = us-east-1\n`);
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_ENDPOINT_URL: server().endpoint, AWS_PAGER: "", HOME: dir };
        // HOME: the CLI caches assumed-role credentials under ~/.aws/cli/cache, keyed by role and session name.
        for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]) delete env[k];
        execFile("aws", ["--profile", "app", "--endpoint-url", server().endpoint, "--output", "json", ...args], { env }, (error, stdout, stderr) =>
          resolve({ code: error ? 1 : 0, stdout, stderr }),
        );
      });
    const id = await run("sts", "get-caller-identity");
    assert.equal(id.code, 0, id.stderr);
    assert.equal(JSON.parse(id.stdout).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/cli-session`);
    const users = await run("iam", "list-users");
    assert.equal(users.code, 0, users.stderr);
    const denied = await run("iam", "create-user", "--user-name", "nope");
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /AccessDenied/);
  });

  it("a Terraform-like provider start-up: AssumeRole (15 minutes) with the base keys, then GetCallerIdentity as the session", async () => {
    const { creds, role } = await roleFor();
    const assumed = await signedFetch(server().endpoint, "sts", creds, {
      headers: FORM,
      body: new URLSearchParams({ Action: "AssumeRole", Version: "2011-06-15", RoleArn: role.Arn!, RoleSessionName: "aws-go-sdk-1764612345", DurationSeconds: "900" }).toString(),
    });
    const xml = await assumed.text();
    assert.equal(assumed.status, 200, xml);
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)![1];
    const session = { accessKeyId: field("AccessKeyId"), secretAccessKey: field("SecretAccessKey"), sessionToken: field("SessionToken") };
    const expiration = Date.parse(field("Expiration"));
    assert.ok(Math.abs(expiration - Date.now() - 900_000) < 10_000);
    const id = await signedFetch(server().endpoint, "sts", session, { headers: FORM, body: "Action=GetCallerIdentity&Version=2011-06-15" });
    const body = await id.text();
    assert.equal(id.status, 200, body);
    assert.match(body, new RegExp(`<Arn>arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/aws-go-sdk-1764612345</Arn>`));
    assert.match(body, new RegExp(`<UserId>${role.RoleId}:aws-go-sdk-1764612345</UserId>`));
    assert.match(body, /<Account>000000000000<\/Account>/);
  });
});
