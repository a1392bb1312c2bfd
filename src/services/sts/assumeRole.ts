import type { AssumeRoleRequest, AssumeRoleResponse, Credentials, PolicyDescriptorType } from "@aws-sdk/client-sts";
import { AwsError } from "../../core/errors.js";
import { inPartition } from "../../core/partition.js";
import type { Principal, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findRole, recordRoleUse, type RoleView } from "../iam/index.js";
import { verifyMfa } from "./mfa.js";
import { checkSession } from "./sessionPolicies.js";
import { issue } from "./sessions.js";
import * as check from "./validation.js";

/**
 * AssumeRole (iam-sts §13.2) and the session every AssumeRole* call ends with. The trust policy
 * is evaluated by the core under `--auth iam` (authorization.ts declares it as the role's
 * resource policy); in the other modes the role must exist and the input be valid.
 */

/** The longest session a chained role session may ask for. */
const CHAIN_MAX = 3600;

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`: the account and the ARN IAM knows the role by. */
export function parseRoleArn(arn: string): { account: string; arn: string } | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?[\w+=,.@-]{1,64}$/.exec(arn);
  return m ? { account: m[1], arn: arn.replace(/^arn:aws[\w-]*:/, "arn:aws:") } : undefined;
}

/** The role an ARN names, in its own account (cross-account roles are assumable). */
export async function roleOf(tx: Transaction, arn: string): Promise<RoleView | undefined> {
  const parsed = parseRoleArn(arn);
  return parsed ? findRole(tx, parsed.account, parsed.arn) : undefined;
}

export const notAuthorized = (p: Principal, action: string, arn: string) =>
  new AwsError("AccessDenied", `User: ${p.arn} is not authorized to perform: ${action} on resource: ${arn}`, 403);

export function validateCommon(v: check.Validator, input: { RoleArn?: string; DurationSeconds?: number; Policy?: string; PolicyArns?: PolicyDescriptorType[] }) {
  v.required(input.RoleArn, "RoleArn").length(input.RoleArn, "RoleArn", 20, 2048);
  check.policyArns(v, input.PolicyArns);
  check.policyText(v, input.Policy);
  check.duration(v, input.DurationSeconds, 900, 43200);
}

/** Duration rules that need the role: its MaxSessionDuration, and one hour for chained sessions. */
export function durationFor(role: RoleView, requested: number | undefined, chained: boolean): number {
  if (chained && requested !== undefined && requested > CHAIN_MAX) {
    throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  if (requested !== undefined && requested > role.MaxSessionDuration) {
    throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return requested ?? 3600;
}

export interface RoleSessionRequest {
  role: RoleView;
  account: string;
  sessionName: string;
  durationSeconds: number;
  session: Awaited<ReturnType<typeof checkSession>>;
  mfa: boolean;
  chained: boolean;
  sourceIdentity?: string;
}

/** Stores the session of a role and answers what every AssumeRole* output shares. */
export async function issueRoleSession(tx: Transaction, ctx: RequestContext, r: RoleSessionRequest) {
  const arn = `arn:aws:sts::${r.account}:assumed-role/${r.role.RoleName}/${r.sessionName}`;
  const userId = `${r.role.RoleId}:${r.sessionName}`;
  const Credentials: Credentials = await issue(tx, ctx, {
    account: r.account,
    type: "assumed-role",
    arn,
    userId,
    durationSeconds: r.durationSeconds,
    facts: {
      sourceArn: r.role.Arn,
      sourceId: r.role.RoleId,
      ...(r.session.policies ? { policies: r.session.policies } : {}),
      ...(r.session.tags ? { tags: r.session.tags } : {}),
      ...(r.session.transitiveTagKeys ? { transitiveTagKeys: r.session.transitiveTagKeys } : {}),
      ...(r.sourceIdentity ? { sourceIdentity: r.sourceIdentity } : {}),
      mfa: r.mfa,
      ...(r.chained ? { chained: true } : {}),
    },
  });
  await recordRoleUse(tx, r.account, r.role.RoleName, ctx.region, ctx.now);
  return {
    Credentials,
    AssumedRoleUser: { AssumedRoleId: userId, Arn: inPartition(arn, ctx.region) },
    ...(r.session.packedPolicySize !== undefined ? { PackedPolicySize: r.session.packedPolicySize } : {}),
    ...(r.sourceIdentity ? { SourceIdentity: r.sourceIdentity } : {}),
  };
}

/** The transitive tags of the caller's session, which a chained session inherits. */
export function inheritedTags(p: Principal): Record<string, string> {
  const s = p.session;
  if (!s?.tags || !s.transitiveTagKeys) return {};
  const keys = new Set(s.transitiveTagKeys.map((k) => k.toLowerCase()));
  return Object.fromEntries(Object.entries(s.tags).filter(([k]) => keys.has(k.toLowerCase())));
}

export const AssumeRole = async (input: AssumeRoleRequest, ctx: RequestContext): Promise<AssumeRoleResponse> => {
  const v = check.stsValidator();
  validateCommon(v, input);
  check.sessionName(v, input.RoleSessionName, "RoleSessionName");
  check.tags(v, input.Tags);
  if ((input.TransitiveTagKeys?.length ?? 0) > 50) v.fail("[...]", "TransitiveTagKeys", "Member must have length less than or equal to 50");
  v.length(input.ExternalId, "ExternalId", 2, 1224).pattern(input.ExternalId, "ExternalId", /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*");
  check.mfa(v, input.SerialNumber, input.TokenCode);
  v.length(input.SourceIdentity, "SourceIdentity", 2, 64).pattern(input.SourceIdentity, "SourceIdentity", check.NAME, check.NAME_SHOWN);
  v.check();
  const p = ctx.principal;
  if (p.type === "root") throw new AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403);
  const roleArn = input.RoleArn!;
  const parsed = parseRoleArn(roleArn);
  // unconfirmed text (iam-sts §13.2).
  if (!parsed) throw new AwsError("ValidationError", `${roleArn} is invalid`);
  return ctx.transaction(async (tx) => {
    const role = await findRole(tx, parsed.account, parsed.arn);
    // Existence is not revealed: a missing role reads as a refusal.
    if (!role) throw notAuthorized(p, "sts:AssumeRole", roleArn);
    const chained = p.type === "assumed-role";
    const durationSeconds = durationFor(role, input.DurationSeconds, chained);
    const mfa = (await verifyMfa(tx, ctx, input.SerialNumber, input.TokenCode)) || (p.session?.mfa ?? false);
    const session = await checkSession(tx, parsed.account, input, inheritedTags(p));
    // A source identity, once set, stays with every session chained from it.
    const inherited = p.session?.sourceIdentity;
    if (inherited && input.SourceIdentity && input.SourceIdentity !== inherited) {
      throw new AwsError("AccessDenied", "SourceIdentity cannot be changed once set in the session.", 403);
    }
    return issueRoleSession(tx, ctx, {
      role,
      account: parsed.account,
      sessionName: input.RoleSessionName!,
      durationSeconds,
      session,
      mfa,
      chained,
      ...((input.SourceIdentity ?? inherited) ? { sourceIdentity: input.SourceIdentity ?? inherited } : {}),
    });
  });
};
