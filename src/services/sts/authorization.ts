import type { Authorizer } from "../../core/service.js";

/**
 * STS operations' authorization. GetCallerIdentity needs no permission: AWS answers it even
 * under an explicit deny (its API reference says so).
 */
export const authorization: Record<string, Authorizer> = {
  GetCallerIdentity: () => ({ action: "sts:GetCallerIdentity", resources: ["*"], noPermissionRequired: true }),
};
