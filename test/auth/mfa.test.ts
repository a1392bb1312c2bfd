import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { CreateRoleCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient, ListUsersCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure, useServer } from "../harness.js";
import { type Creds, policy, ROOT, unique, userWithKey } from "./helpers.js";

/** MFA through IAM's virtual devices: SerialNumber/TokenCode on GetSessionToken and AssumeRole, aws:MultiFactorAuthPresent. */
const server = useServer({ auth: "iam" });
const ACCOUNT = "000000000000";
type Session = Creds & { sessionToken?: string };
const iam = (creds: Session = ROOT) => new IAMClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const sts = (creds: Session) => new STSClient(clientConfig(server().endpoint, "us-east-1", creds as never));
const session = (out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Session => ({
  accessKeyId: out.Credentials!.AccessKeyId!,
  secretAccessKey: out.Credentials!.SecretAccessKey!,
  sessionToken: out.Credentials!.SessionToken!,
});

/** RFC 6238 (30 s steps, 6 digits) from a base32 seed. */
function totp(seed: string, step = Math.floor(Date.now() / 30_000)): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...seed].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(counter).digest();
  return String((h.readUInt32BE(h[19] & 15) & 0x7fffffff) % 1e6).padStart(6, "0");
}

/** A user with a key and an enabled virtual MFA device. */
async function mfaUser(document?: string) {
  const name = unique("mfa");
  const creds = await userWithKey(iam(), name, document);
  const { VirtualMFADevice } = await iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString("ascii");
  const step = Math.floor(Date.now() / 30_000);
  await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: VirtualMFADevice!.SerialNumber!, AuthenticationCode1: totp(seed, step), AuthenticationCode2: totp(seed, step + 1) }));
  return { name, creds, serial: VirtualMFADevice!.SerialNumber!, code: () => totp(seed) };
}

const mfaRequired = { Bool: { "aws:MultiFactorAuthPresent": "true" } };

async function deniedWith(promise: Promise<unknown>, message?: RegExp | string) {
  const e = await failure(promise);
  assert.equal(e.name, "AccessDenied", `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 403);
  if (typeof message === "string") assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
}

describe("--auth iam: MFA", () => {
  it("GetSessionToken with the device's code gives a session for which aws:MultiFactorAuthPresent is true", async () => {
    const u = await mfaUser(policy({ Effect: "Allow", Action: "iam:ListUsers", Resource: "*", Condition: mfaRequired }));
    // Long-term keys carry no MFA: the condition fails.
    await deniedWith(iam(u.creds).send(new ListUsersCommand({})));
    const plain = session(await sts(u.creds).send(new GetSessionTokenCommand({})));
    await deniedWith(iam(plain).send(new ListUsersCommand({})));
    const strong = session(await sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: u.serial, TokenCode: u.code() })));
    assert.ok((await iam(strong).send(new ListUsersCommand({}))).Users);
  });

  it("a wrong code, or another user's device, is refused and issues nothing", async () => {
    const u = await mfaUser();
    const other = await mfaUser();
    const wrong = u.code() === "000000" ? "111111" : "000000";
    const message = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
    const sessions = async () => (JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text()).tables["sts.sessions"] ?? []).length;
    const before = await sessions();
    await deniedWith(sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: u.serial, TokenCode: wrong })), message);
    await deniedWith(sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: other.serial, TokenCode: other.code() })), message);
    await deniedWith(sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/nobody`, TokenCode: "123456" })), message);
    assert.equal(await sessions(), before);
  });

  it("a trust policy that requires MFA: AssumeRole with SerialNumber/TokenCode, or from an MFA session", async () => {
    const u = await mfaUser();
    const RoleName = unique("mfarole");
    const { Role } = await iam().send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${u.name}` }, Action: "sts:AssumeRole", Condition: mfaRequired }),
      }),
    );
    await iam().send(new PutRolePolicyCommand({ RoleName, PolicyName: "p", PolicyDocument: policy({ Effect: "Allow", Action: "iam:ListUsers", Resource: "*", Condition: mfaRequired }) }));
    await deniedWith(sts(u.creds).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "no-mfa" })), `User: arn:aws:iam::${ACCOUNT}:user/${u.name} is not authorized to perform: sts:AssumeRole on resource: ${Role!.Arn}`);
    const withCode = session(await sts(u.creds).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "mfa", SerialNumber: u.serial, TokenCode: u.code() })));
    // The role session carries the MFA: the role's own MFA condition holds.
    assert.ok((await iam(withCode).send(new ListUsersCommand({}))).Users);
    const strong = session(await sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: u.serial, TokenCode: u.code() })));
    assert.ok((await sts(strong).send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "via-session" }))).Credentials);
  });
});
