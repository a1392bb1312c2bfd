import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import type { GetWebIdentityTokenRequest, GetWebIdentityTokenResponse } from "@aws-sdk/client-sts";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { outboundFederation } from "../iam/index.js";
import * as check from "./validation.js";

/**
 * GetWebIdentityToken (outbound identity federation): a JWT naming the caller, signed with the
 * account's key for the algorithm, once IAM EnableOutboundWebIdentityFederation gave the
 * account its issuer. Keys live in STS state (made on first use), so every process and every
 * restart signs with the same key; `tokenKeys` lends the public halves (a JWKS).
 */

export const KEYS = "sts.tokenKeys"; // account/alg -> TokenKey

interface TokenKey {
  kid: string;
  privateKey: string;
  publicJwk: Record<string, unknown>;
}

const ALGORITHMS = ["RS256", "ES384"] as const;
/** The largest payload STS signs (unconfirmed figure; AWS documents only that request tags count). */
const MAX_PAYLOAD = 8192;

async function keyFor(tx: Transaction, account: string, alg: (typeof ALGORITHMS)[number]): Promise<TokenKey> {
  const id = `${account}/${alg}`;
  const found = await tx.get<TokenKey>(KEYS, id);
  if (found) return found;
  const pair = alg === "RS256" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-384" });
  const key: TokenKey = {
    kid: randomUUID(),
    privateKey: pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicJwk: pair.publicKey.export({ format: "jwk" }) as Record<string, unknown>,
  };
  await tx.put(KEYS, id, key);
  return key;
}

/** The public keys an account signs its tokens with, as a JWKS document. */
export async function tokenKeys(tx: Transaction, account: string) {
  const keys = [];
  for (const alg of ALGORITHMS) {
    const key = await tx.get<TokenKey>(KEYS, `${account}/${alg}`);
    if (key) keys.push({ ...key.publicJwk, kid: key.kid, alg, use: "sig" });
  }
  return { keys };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export const GetWebIdentityToken: Handler<GetWebIdentityTokenRequest, GetWebIdentityTokenResponse> = async (input, ctx) => {
  const v = check.stsValidator();
  v.required(input.Audience, "Audience");
  if (input.Audience && (input.Audience.length < 1 || input.Audience.length > 10)) {
    v.fail(`[${input.Audience.join(", ")}]`, "Audience", `Member must have length ${input.Audience.length < 1 ? "greater than or equal to 1" : "less than or equal to 10"}`);
  }
  input.Audience?.forEach((a, i) => v.length(a, `Audience.${i + 1}.member`, 1, 1000));
  v.required(input.SigningAlgorithm, "SigningAlgorithm").oneOf(input.SigningAlgorithm, "SigningAlgorithm", ALGORITHMS);
  check.duration(v, input.DurationSeconds, 60, 3600);
  check.tags(v, input.Tags);
  v.check();
  const p = ctx.principal;
  const duration = input.DurationSeconds ?? 300;
  const exp = Math.floor(ctx.now.getTime() / 1000) + duration;
  if (p.session && exp * 1000 > Date.parse(p.session.expiration)) {
    throw new AwsError("SessionDurationEscalationException", "The requested token duration would extend the session beyond its original expiration time.", 403);
  }
  return ctx.transaction(async (tx) => {
    const federation = await outboundFederation(tx, p.account);
    if (!federation) {
      throw new AwsError(
        "OutboundWebIdentityFederationDisabledException",
        "The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the Amazon Web Services Management Console or API.",
        403,
      );
    }
    const alg = input.SigningAlgorithm as (typeof ALGORITHMS)[number];
    const key = await keyFor(tx, p.account, alg);
    // A role session is named by its role, as AWS's sample token shows.
    const subject = p.type === "assumed-role" && p.session ? p.session.sourceArn : p.arn;
    const iat = Math.floor(ctx.now.getTime() / 1000);
    const requestTags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""]));
    const claims = {
      iss: federation.IssuerIdentifier,
      aud: input.Audience!.length === 1 ? input.Audience![0] : input.Audience,
      sub: subject,
      iat,
      nbf: iat,
      exp,
      jti: randomUUID(),
      "https://sts.amazonaws.com/": {
        aws_account: p.account,
        source_region: ctx.region,
        principal_id: subject,
        ...(p.session?.tags ? { principal_tags: p.session.tags } : {}),
        ...(input.Tags?.length ? { request_tags: requestTags } : {}),
      },
    };
    const payload = b64(claims);
    if (payload.length > MAX_PAYLOAD) {
      throw new AwsError(
        "JWTPayloadSizeExceededException",
        "The requested token payload size exceeds the maximum allowed size. Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size.",
        400,
      );
    }
    const signingInput = `${b64({ alg, typ: "JWT", kid: key.kid })}.${payload}`;
    const privateKey = createPrivateKey(key.privateKey);
    const signature = sign(alg === "RS256" ? "sha256" : "sha384", Buffer.from(signingInput), alg === "RS256" ? privateKey : { key: privateKey, dsaEncoding: "ieee-p1363" });
    return { WebIdentityToken: `${signingInput}.${signature.toString("base64url")}`, Expiration: new Date(exp * 1000) };
  });
};
