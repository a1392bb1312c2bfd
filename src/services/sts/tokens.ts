import type {
  GetFederationTokenRequest,
  GetFederationTokenResponse,
  GetSessionTokenRequest,
  GetSessionTokenResponse,
} from "@aws-sdk/client-sts";
import { AwsError } from "../../core/errors.js";
import { inPartition } from "../../core/partition.js";
import type { Handler } from "../../core/service.js";
import { verifyMfa } from "./mfa.js";
import { checkSession } from "./sessionPolicies.js";
import { issue } from "./sessions.js";
import * as check from "./validation.js";

/**
 * GetSessionToken and GetFederationToken (iam-sts §13.4): temporary credentials for the caller
 * itself (optionally MFA-authenticated), or for a federated user whose permissions are the
 * caller's capped by the session policies (none without one).
 */

/** Root's sessions last an hour at most: longer requests get an hour (AWS documents the cap, not an error). */
const ROOT_MAX = 3600;

const accessDenied = (message: string) => new AwsError("AccessDenied", message, 403);

export const GetSessionToken: Handler<GetSessionTokenRequest, GetSessionTokenResponse> = async (input, ctx) => {
  const v = check.stsValidator();
  check.duration(v, input.DurationSeconds, 900, 129600);
  check.mfa(v, input.SerialNumber, input.TokenCode);
  v.check();
  const p = ctx.principal;
  if (p.session) throw accessDenied("Cannot call GetSessionToken with session credentials");
  const root = p.type === "root";
  let duration = input.DurationSeconds ?? (root ? ROOT_MAX : 43200);
  if (root) duration = Math.min(duration, ROOT_MAX);
  return ctx.transaction(async (tx) => {
    const mfa = await verifyMfa(tx, ctx, input.SerialNumber, input.TokenCode);
    const Credentials = await issue(tx, ctx, {
      account: p.account,
      type: p.type,
      arn: p.arn,
      userId: p.userId,
      ...(p.userName !== undefined ? { userName: p.userName } : {}),
      durationSeconds: duration,
      facts: { sourceArn: p.arn, sourceId: p.userId, mfa },
    });
    return { Credentials };
  });
};

export const GetFederationToken: Handler<GetFederationTokenRequest, GetFederationTokenResponse> = async (input, ctx) => {
  const v = check.stsValidator();
  check.sessionName(v, input.Name, "Name", 2, 32);
  check.policyText(v, input.Policy);
  check.policyArns(v, input.PolicyArns);
  check.duration(v, input.DurationSeconds, 900, 129600);
  check.tags(v, input.Tags);
  v.check();
  const p = ctx.principal;
  // unconfirmed text (iam-sts §13.4).
  if (p.session) throw accessDenied("Cannot call GetFederationToken with session credentials");
  const root = p.type === "root";
  let duration = input.DurationSeconds ?? (root ? ROOT_MAX : 43200);
  if (root) duration = Math.min(duration, ROOT_MAX);
  const name = input.Name!;
  const arn = `arn:aws:sts::${p.account}:federated-user/${name}`;
  return ctx.transaction(async (tx) => {
    const session = await checkSession(tx, p.account, input);
    const Credentials = await issue(tx, ctx, {
      account: p.account,
      type: "federated-user",
      arn,
      userId: `${p.account}:${name}`,
      durationSeconds: duration,
      facts: {
        sourceArn: p.arn,
        sourceId: p.userId,
        // Without a session policy a federated user may do nothing (AWS documents it).
        policies: session.policies ?? [],
        ...(session.tags ? { tags: session.tags } : {}),
        mfa: false,
      },
    });
    return {
      Credentials,
      FederatedUser: { FederatedUserId: `${p.account}:${name}`, Arn: inPartition(arn, ctx.region) },
      ...(session.packedPolicySize !== undefined ? { PackedPolicySize: session.packedPolicySize } : {}),
    };
  });
};
