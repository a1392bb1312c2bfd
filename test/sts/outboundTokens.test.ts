import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, EnableOutboundWebIdentityFederationCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetWebIdentityTokenCommand } from "@aws-sdk/client-sts";
import { useServer } from "../harness.js";
import { credsOf, doc, iam, refused, sts, unique } from "./fixtures.js";

const server = useServer();

const decode = (token: string) => {
  const [h, p, s] = token.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), claims: JSON.parse(Buffer.from(p, "base64url").toString()), input: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
};

/** The public key nubis signed with, read from its state. */
async function publicKey(account: string, alg: string) {
  const state = JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text());
  const row = state.tables["sts.tokenKeys"].find(([k]: [string]) => k === `${account}/${alg}`);
  return { kid: row[1].kid, key: createPublicKey({ key: row[1].publicJwk, format: "jwk" }) };
}

describe("STS GetWebIdentityToken", () => {
  it("refuses until IAM enables outbound identity federation", async () => {
    const account = { accessKeyId: "333333333333", secretAccessKey: "test" };
    await refused(
      sts(server().endpoint, account).send(new GetWebIdentityTokenCommand({ Audience: ["https://api.example.test"], SigningAlgorithm: "RS256" })),
      "OutboundWebIdentityFederationDisabledException",
      403,
      /^The outbound web identity federation feature is not enabled for this account/,
    );
  });

  it("signs a JWT for the caller with the account's issuer, RS256 or ES384", async () => {
    const { IssuerIdentifier } = await iam(server().endpoint).send(new EnableOutboundWebIdentityFederationCommand({}));
    for (const alg of ["RS256", "ES384"]) {
      const out = await sts(server().endpoint).send(
        new GetWebIdentityTokenCommand({ Audience: ["https://api.example.test"], SigningAlgorithm: alg, DurationSeconds: 600, Tags: [{ Key: "job", Value: "42" }] }),
      );
      const jwt = decode(out.WebIdentityToken!);
      const { kid, key } = await publicKey("000000000000", alg);
      assert.equal(jwt.header.alg, alg);
      assert.equal(jwt.header.kid, kid);
      const ok = verify(alg === "RS256" ? "sha256" : "sha384", Buffer.from(jwt.input), alg === "RS256" ? key : { key, dsaEncoding: "ieee-p1363" }, jwt.signature);
      assert.ok(ok, `${alg} signature`);
      assert.equal(jwt.claims.iss, IssuerIdentifier);
      assert.equal(jwt.claims.aud, "https://api.example.test");
      assert.equal(jwt.claims.sub, "arn:aws:iam::000000000000:root");
      assert.equal(jwt.claims.exp - jwt.claims.iat, 600);
      assert.equal(out.Expiration!.getTime(), jwt.claims.exp * 1000);
      assert.deepEqual(jwt.claims["https://sts.amazonaws.com/"].request_tags, { job: "42" });
      assert.equal(jwt.claims["https://sts.amazonaws.com/"].aws_account, "000000000000");
    }
  });

  it("a role session's token names the role; it may not outlive the session", async () => {
    await iam(server().endpoint).send(new EnableOutboundWebIdentityFederationCommand({})).catch(() => undefined);
    const UserName = unique("u");
    await iam(server().endpoint).send(new CreateUserCommand({ UserName }));
    const { AccessKey } = await iam(server().endpoint).send(new CreateAccessKeyCommand({ UserName }));
    const { Role } = await iam(server().endpoint).send(
      new CreateRoleCommand({ RoleName: unique("out"), AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: "000000000000" }, Action: "sts:AssumeRole" }) }),
    );
    const session = await sts(server().endpoint, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }).send(
      new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: "short", DurationSeconds: 900 }),
    );
    const client = sts(server().endpoint, credsOf(session));
    const out = await client.send(new GetWebIdentityTokenCommand({ Audience: ["a", "b"], SigningAlgorithm: "RS256" }));
    const jwt = decode(out.WebIdentityToken!);
    assert.equal(jwt.claims.sub, Role!.Arn);
    assert.deepEqual(jwt.claims.aud, ["a", "b"]);
    await refused(
      client.send(new GetWebIdentityTokenCommand({ Audience: ["a"], SigningAlgorithm: "RS256", DurationSeconds: 3600 })),
      "SessionDurationEscalationException",
      403,
      "The requested token duration would extend the session beyond its original expiration time.",
    );
  });

  it("validates the algorithm, the duration and the audiences", async () => {
    await refused(
      sts(server().endpoint).send(new GetWebIdentityTokenCommand({ Audience: ["a"], SigningAlgorithm: "HS256" })),
      "ValidationError",
      400,
      "1 validation error detected: Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]",
    );
    await refused(sts(server().endpoint).send(new GetWebIdentityTokenCommand({ Audience: ["a"], SigningAlgorithm: "RS256", DurationSeconds: 59 })), "ValidationError", 400, /at 'durationSeconds'/);
    await refused(
      sts(server().endpoint).send(new GetWebIdentityTokenCommand({ Audience: Array.from({ length: 11 }, (_, i) => `a${i}`), SigningAlgorithm: "RS256" })),
      "ValidationError",
      400,
      /at 'audience' failed to satisfy constraint: Member must have length less than or equal to 10/,
    );
  });
});
