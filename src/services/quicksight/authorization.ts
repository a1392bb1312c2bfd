import type { Authorizer } from "../../core/service.js";

/**
 * QuickSight operations' authorization. The key registration actions have no resource type
 * in the service authorization reference: they are granted on "*".
 */
export const authorization: Record<string, Authorizer> = {
  UpdateKeyRegistration: () => ({ action: "quicksight:UpdateKeyRegistration", resources: ["*"] }),
  DescribeKeyRegistration: () => ({ action: "quicksight:DescribeKeyRegistration", resources: ["*"] }),
};
