import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import type { AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse } from "@aws-sdk/client-sts";
import { decide, parseResourcePolicy } from "../../core/auth/engine.js";
import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findOidcProvider } from "../iam/index.js";
import { durationFor, issueRoleSession, parseRoleArn, roleOf, validateCommon } from "./assumeRole.js";
import { checkSession } from "./sessionPolicies.js";
import * as check from "./validation.js";

/**
 * AssumeRoleWithWebIdentity (iam-sts §13.3): a JWT from an OpenID Connect provider registered
 * in the role's account (issuer, audience in its client ids, expiry; the RS256/ES256 signature
 * against the issuer's JWKS when nubis is told where it is, `oidcJwks`). Called unsigned.
 * Under `--auth iam` the role's trust policy must allow sts:AssumeRoleWithWebIdentity for the
 * provider (`Principal.Federated`), with its `issuer:aud` / `issuer:sub` conditions.
 */

const invalidToken = (message: string) => new AwsError("InvalidIdentityToken", message, 400);

interface Jwt {
  header: { alg?: string; kid?: string };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function parseJwt(token: string): Jwt {
  const parts = token.split(".");
  // unconfirmed: AWS's text for a token that is not a JWT.
  const bad = () => invalidToken("Couldn't parse web identity token.");
  if (parts.length !== 3) throw bad();
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !claims || typeof claims !== "object") throw bad();
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], "base64url") };
  } catch {
    throw bad();
  }
}

const ALGORITHMS: Record<string, { hash: string; dsa?: boolean }> = {
  RS256: { hash: "sha256" },
  RS384: { hash: "sha384" },
  RS512: { hash: "sha512" },
  ES256: { hash: "sha256", dsa: true },
  ES384: { hash: "sha384", dsa: true },
};

/** The signature against the issuer's JWKS (fetched at each call: keys rotate). */
async function verifySignature(jwt: Jwt, jwksUrl: string) {
  const alg = ALGORITHMS[jwt.header.alg ?? ""];
  // unconfirmed texts: AWS reports a bad signature as an invalid token.
  if (!alg) throw invalidToken(`Unsupported token signing algorithm ${jwt.header.alg ?? "none"}.`);
  let keys: Array<JsonWebKey & { kid?: string }>;
  try {
    const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(5000) });
    keys = ((await response.json()) as { keys?: typeof keys }).keys ?? [];
  } catch {
    throw new AwsError("IDPCommunicationError", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements", 400);
  }
  const candidates = keys.filter((k) => !jwt.header.kid || k.kid === jwt.header.kid);
  for (const jwk of candidates) {
    try {
      const key = createPublicKey({ key: jwk, format: "jwk" });
      const ok = verify(alg.hash, Buffer.from(jwt.signingInput), alg.dsa ? { key, dsaEncoding: "ieee-p1363" } : key, jwt.signature);
      if (ok) return;
    } catch {
      // a key of another type: try the next one
    }
  }
  throw invalidToken("The web identity token signature could not be verified.");
}

const audiences = (claims: Record<string, unknown>) => {
  const aud = claims.aud;
  return (Array.isArray(aud) ? aud : aud === undefined ? [] : [aud]).map(String);
};

/** The claims the trust policy reads, under the provider's URL: `token.actions.githubusercontent.com:sub`. */
function webIdentityContext(url: string, claims: Record<string, unknown>, audience: string, input: AssumeRoleWithWebIdentityRequest) {
  const context: Record<string, string[]> = {
    [`${url}:aud`]: [audience],
    [`${url}:oaud`]: audiences(claims),
    "sts:RoleSessionName": [input.RoleSessionName ?? ""],
  };
  if (claims.sub !== undefined) context[`${url}:sub`] = [String(claims.sub)];
  if (claims.amr !== undefined) context[`${url}:amr`] = (Array.isArray(claims.amr) ? claims.amr : [claims.amr]).map(String);
  return context;
}

export const AssumeRoleWithWebIdentity = async (input: AssumeRoleWithWebIdentityRequest, ctx: RequestContext): Promise<AssumeRoleWithWebIdentityResponse> => {
  const v = check.stsValidator();
  validateCommon(v, input);
  check.sessionName(v, input.RoleSessionName, "RoleSessionName");
  v.required(input.WebIdentityToken, "WebIdentityToken").length(input.WebIdentityToken, "WebIdentityToken", 4, 20000);
  v.length(input.ProviderId, "ProviderId", 4, 2048);
  v.check();
  const roleArn = input.RoleArn!;
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw new AwsError("ValidationError", `${roleArn} is invalid`);
  const jwt = parseJwt(input.WebIdentityToken!);
  const issuer = String(jwt.claims.iss ?? "");
  const jwks = ctx.config.oidcJwks?.[issuer] ?? ctx.config.oidcJwks?.[issuer.replace(/\/$/, "")];
  if (jwks) await verifySignature(jwt, jwks);
  return ctx.transaction(async (tx: Transaction) => {
    const provider = issuer ? await findOidcProvider(tx, parsed.account, issuer) : undefined;
    if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
    const audience = audiences(jwt.claims).find((a) => provider.ClientIDList.includes(a)) ?? (typeof jwt.claims.azp === "string" && provider.ClientIDList.includes(jwt.claims.azp) ? jwt.claims.azp : undefined);
    if (!audience) throw invalidToken("Incorrect token audience");
    const exp = Number(jwt.claims.exp);
    const now = Math.floor(ctx.now.getTime() / 1000);
    if (!Number.isFinite(exp) || now >= exp) {
      throw new AwsError("ExpiredTokenException", `Token expired: current date/time ${now} must be before the expiration date/time ${Number.isFinite(exp) ? exp : 0}`, 400);
    }
    const role = await roleOf(tx, roleArn);
    const refused = () => new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
    if (!role) throw refused();
    if (ctx.config.auth === "iam") {
      const context = { ...webIdentityContext(provider.Url, jwt.claims, audience, input), "aws:FederatedProvider": [provider.Arn] };
      const verdict = decide(
        // A federated caller has no identity policies: naming its provider in the trust policy is what grants.
        { identity: [], callerAccount: parsed.account, resource: { account: parsed.account, policy: parseResourcePolicy("trust", role.AssumeRolePolicyDocument), required: true } },
        { action: "sts:AssumeRoleWithWebIdentity", resource: role.Arn, context, caller: { direct: { Federated: [provider.Arn] } } },
      );
      if (verdict.decision !== "allowed") throw refused();
    }
    const durationSeconds = durationFor(role, input.DurationSeconds, false);
    const session = await checkSession(tx, parsed.account, input, {});
    const out = await issueRoleSession(tx, ctx, {
      role,
      account: parsed.account,
      sessionName: input.RoleSessionName!,
      durationSeconds,
      session,
      mfa: false,
      chained: false,
    });
    return {
      ...out,
      SubjectFromWebIdentityToken: String(jwt.claims.sub ?? ""),
      Provider: input.ProviderId ?? provider.Url,
      Audience: audience,
    };
  });
};
