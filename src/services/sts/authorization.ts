import { parseResourcePolicy } from "../../core/auth/engine.js";
import type { Authorization, Authorizer, RequestContext } from "../../core/service.js";

/**
 * STS operations' authorization. GetCallerIdentity needs no permission: AWS answers it even
 * under an explicit deny (its API reference says so); nor does GetSessionToken (IAM policies
 * cannot control it, AWS documents).
 */

type In = Record<string, string | undefined>;

interface AssumeIn {
  RoleArn?: string;
  RoleSessionName?: string;
  ExternalId?: string;
  SerialNumber?: string;
  TokenCode?: string;
  SourceIdentity?: string;
  Tags?: Array<{ Key?: string; Value?: string }>;
  TransitiveTagKeys?: string[];
}

/**
 * sts:AssumeRole on the role, with its trust policy as the resource policy that must allow
 * (iam-sts §14.3): naming the caller suffices in the same account; naming the account, or any
 * cross-account trust, also needs the caller's identity policies. A missing role has no trust
 * policy, so it is refused like an untrusted one. Tags need sts:TagSession and SourceIdentity
 * sts:SetSourceIdentity, from the same trust policy.
 */
async function assumeRole(input: AssumeIn, ctx: RequestContext): Promise<Authorization> {
  const { parseRoleArn, roleOf } = await import("./assumeRole.js");
  const arn = input.RoleArn ?? "";
  const parsed = parseRoleArn(arn);
  const role = parsed ? await ctx.transaction((tx) => roleOf(tx, arn)) : undefined;
  const policy = parseResourcePolicy(`${arn} trust policy`, role?.AssumeRolePolicyDocument ?? "{}");
  const tags = input.Tags ?? [];
  const context: Record<string, string[]> = {
    "sts:RoleSessionName": input.RoleSessionName ? [input.RoleSessionName] : [],
    "aws:MultiFactorAuthPresent": [String(Boolean(input.SerialNumber && input.TokenCode) || (ctx.principal.session?.mfa ?? false))],
  };
  if (input.ExternalId !== undefined) context["sts:ExternalId"] = [input.ExternalId];
  if (input.SourceIdentity !== undefined) context["sts:SourceIdentity"] = [input.SourceIdentity];
  if (tags.length) context["aws:TagKeys"] = tags.map((t) => t.Key ?? "");
  for (const t of tags) context[`aws:RequestTag/${t.Key}`] = [t.Value ?? ""];
  if (input.TransitiveTagKeys?.length) context["sts:TransitiveTagKeys"] = input.TransitiveTagKeys;
  const also: NonNullable<Authorization["also"]> = [];
  if (tags.length || input.TransitiveTagKeys?.length) also.push({ action: "sts:TagSession", resources: [arn] });
  if (input.SourceIdentity !== undefined) also.push({ action: "sts:SetSourceIdentity", resources: [arn] });
  return {
    action: "sts:AssumeRole",
    resources: [arn],
    context,
    resourcePolicy: { account: parsed?.account ?? ctx.account, policy, required: true },
    terseDenial: true,
    ...(also.length ? { also } : {}),
  };
}

export const authorization: Record<string, Authorizer> = {
  AssumeRole: assumeRole,
  // Called without credentials: the handler checks the token and the role's trust policy itself.
  AssumeRoleWithWebIdentity: () => ({ action: "sts:AssumeRoleWithWebIdentity", resources: ["*"], noPermissionRequired: true }),
  AssumeRoleWithSAML: () => ({ action: "sts:AssumeRoleWithSAML", resources: ["*"], noPermissionRequired: true }),
  GetCallerIdentity: () => ({ action: "sts:GetCallerIdentity", resources: ["*"], noPermissionRequired: true }),
  GetSessionToken: () => ({ action: "sts:GetSessionToken", resources: ["*"], noPermissionRequired: true }),
  GetFederationToken: (input: In, ctx) => ({
    action: "sts:GetFederationToken",
    resources: [`arn:aws:sts::${ctx.account}:federated-user/${input.Name ?? ""}`],
    ...(((input as { Tags?: unknown[] }).Tags?.length ?? 0) > 0
      ? { also: [{ action: "sts:TagSession", resources: [`arn:aws:sts::${ctx.account}:federated-user/${input.Name ?? ""}`] }] }
      : {}),
  }),
  GetAccessKeyInfo: () => ({ action: "sts:GetAccessKeyInfo", resources: ["*"] }),
  DecodeAuthorizationMessage: () => ({ action: "sts:DecodeAuthorizationMessage", resources: ["*"] }),
  // The condition keys AWS documents for limiting outbound tokens.
  GetWebIdentityToken: (input: { Audience?: string[]; DurationSeconds?: number; SigningAlgorithm?: string; Tags?: Array<{ Key?: string; Value?: string }> }) => {
    const context: Record<string, string[]> = {
      "sts:IdentityTokenAudience": input.Audience ?? [],
      "sts:DurationSeconds": [String(input.DurationSeconds ?? 300)],
      ...(input.SigningAlgorithm ? { "sts:SigningAlgorithm": [input.SigningAlgorithm] } : {}),
    };
    for (const t of input.Tags ?? []) context[`aws:RequestTag/${t.Key}`] = [t.Value ?? ""];
    if (input.Tags?.length) context["aws:TagKeys"] = input.Tags.map((t) => t.Key ?? "");
    return { action: "sts:GetWebIdentityToken", resources: ["*"], context };
  },
};
