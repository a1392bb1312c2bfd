import type { Authorizer } from "../../core/service.js";

/**
 * STS operations' authorization. GetCallerIdentity needs no permission: AWS answers it even
 * under an explicit deny (its API reference says so); nor does GetSessionToken (IAM policies
 * cannot control it, AWS documents).
 */

type In = Record<string, string | undefined>;

export const authorization: Record<string, Authorizer<In>> = {
  GetCallerIdentity: () => ({ action: "sts:GetCallerIdentity", resources: ["*"], noPermissionRequired: true }),
  GetSessionToken: () => ({ action: "sts:GetSessionToken", resources: ["*"], noPermissionRequired: true }),
  GetFederationToken: (input, ctx) => ({
    action: "sts:GetFederationToken",
    resources: [`arn:aws:sts::${ctx.account}:federated-user/${input.Name ?? ""}`],
    ...(((input as { Tags?: unknown[] }).Tags?.length ?? 0) > 0
      ? { also: [{ action: "sts:TagSession", resources: [`arn:aws:sts::${ctx.account}:federated-user/${input.Name ?? ""}`] }] }
      : {}),
  }),
  GetAccessKeyInfo: () => ({ action: "sts:GetAccessKeyInfo", resources: ["*"] }),
  DecodeAuthorizationMessage: () => ({ action: "sts:DecodeAuthorizationMessage", resources: ["*"] }),
};
