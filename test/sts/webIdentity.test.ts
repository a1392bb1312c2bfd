import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { useServer } from "../harness.js";
import { credsOf, doc, iam, refused, sts, unique } from "./fixtures.js";

/** The identity provider the test controls: its signing key and a JWKS served on a local port. */
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwks = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] }));
});
await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
after(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

const ISSUER = "https://token.example.test";
const ACCOUNT = "000000000000";
const server = useServer({ oidcJwks: { [ISSUER]: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` } } as never);
const secured = useServer({ auth: "iam", oidcJwks: { [ISSUER]: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` } } as never);

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
function jwt(claims: Record<string, unknown>, key = privateKey) {
  const head = b64({ alg: "RS256", typ: "JWT", kid: "k1" });
  const now = Math.floor(Date.now() / 1000);
  const body = b64({ iss: ISSUER, aud: "sts.amazonaws.com", sub: "repo:org/app:ref:refs/heads/main", iat: now, exp: now + 600, ...claims });
  return `${head}.${body}.${sign("sha256", Buffer.from(`${head}.${body}`), key).toString("base64url")}`;
}

const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.example.test`;
const trust = (condition?: object) =>
  doc({ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) });

async function setup(endpoint: string, trustPolicy = trust()) {
  await iam(endpoint)
    .send(new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["a".repeat(40)] }))
    .catch((e) => {
      if (e.name !== "EntityAlreadyExistsException" && e.name !== "EntityAlreadyExists") throw e;
    });
  const RoleName = unique("web");
  const { Role } = await iam(endpoint).send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy }));
  return Role!;
}

/** An STS client with no credentials at all, as web identity callers are. */
const anonymous = (endpoint: string) => new STSClient({ endpoint, region: "us-east-1", maxAttempts: 1 });

describe("STS AssumeRoleWithWebIdentity", () => {
  it("the SDK's fromWebToken: a signed token of a registered provider gives a role session", async () => {
    const role = await setup(server().endpoint);
    const provider = fromWebToken({ roleArn: role.Arn!, webIdentityToken: jwt({}), roleSessionName: "gha", clientConfig: { endpoint: server().endpoint, region: "us-east-1" } });
    const client = new STSClient({ endpoint: server().endpoint, region: "us-east-1", credentials: provider, maxAttempts: 1 });
    const id = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/gha`);
    assert.equal(id.UserId, `${role.RoleId}:gha`);
  });

  it("answers the token's subject, the provider and the audience", async () => {
    const role = await setup(server().endpoint);
    const out = await anonymous(server().endpoint).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.Arn!, RoleSessionName: "s1", WebIdentityToken: jwt({}) }));
    assert.equal(out.SubjectFromWebIdentityToken, "repo:org/app:ref:refs/heads/main");
    assert.equal(out.Provider, "token.example.test");
    assert.equal(out.Audience, "sts.amazonaws.com");
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/s1`);
    assert.equal((await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}))).Account, ACCOUNT);
  });

  it("refuses tokens of unknown issuers, other audiences, expired, badly signed or not JWTs; and unknown roles", async () => {
    const role = await setup(server().endpoint);
    const call = (token: string, extra: Record<string, unknown> = {}) =>
      anonymous(server().endpoint).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.Arn!, RoleSessionName: "s1", WebIdentityToken: token, ...extra }));
    await refused(call(jwt({ iss: "https://elsewhere.test" })), "InvalidIdentityToken", 400, "No OpenIDConnect provider found in your account for https://elsewhere.test");
    await refused(call(jwt({ aud: "someone-else" })), "InvalidIdentityToken", 400, "Incorrect token audience");
    const past = Math.floor(Date.now() / 1000) - 60;
    await refused(call(jwt({ exp: past })), "ExpiredTokenException", 400, /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/);
    await refused(call(jwt({}, other.privateKey)), "InvalidIdentityToken", 400);
    await refused(call("not.a-jwt"), "InvalidIdentityToken", 400);
    await refused(call(jwt({}), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/missing` }), "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    await refused(call(jwt({}), { DurationSeconds: 7200 }), "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    await refused(call(jwt({}), { RoleSessionName: "a" }), "ValidationError", 400, /at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2/);
    const state = JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text());
    const issued = (state.tables["sts.sessions"] ?? []).length;
    await refused(call(jwt({ aud: "x" })), "InvalidIdentityToken", 400);
    const after = JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text());
    assert.equal((after.tables["sts.sessions"] ?? []).length, issued);
  });

  it("--auth iam: unsigned, and the trust policy's provider and sub condition decide", async () => {
    const role = await setup(secured().endpoint, trust({ StringLike: { "token.example.test:sub": "repo:org/app:*" }, StringEquals: { "token.example.test:aud": "sts.amazonaws.com" } }));
    const ok = await anonymous(secured().endpoint).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.Arn!, RoleSessionName: "ci", WebIdentityToken: jwt({}) }));
    assert.ok(ok.Credentials?.AccessKeyId);
    await refused(
      anonymous(secured().endpoint).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.Arn!, RoleSessionName: "ci", WebIdentityToken: jwt({ sub: "repo:evil/app:ref:x" }) })),
      "AccessDenied",
      403,
      "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
    // Other operations still need a signature.
    const raw = await fetch(secured().endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    assert.equal(raw.status, 403);
    assert.match(await raw.text(), /<Code>MissingAuthenticationToken<\/Code>/);
  });
});
