import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import { Validator } from "../../core/validation.js";

/** QuickSight's tables. QuickSight is regional: keys start with account and region. */
export const T = {
  keyRegistrations: "quicksight.keyRegistrations", // acct/region -> Registration
} as const;

/** QuickSight's validation error for bad members. */
export const quicksightValidator = () => new Validator("InvalidParameterValueException");

/**
 * Every QuickSight operation names the account in its URI: it must be 12 digits
 * (InvalidParameterValueException) and the caller's own (AccessDeniedException, 401).
 */
export function requireOwnAccount(ctx: RequestContext, accountId: string | undefined) {
  quicksightValidator().pattern(accountId, "AwsAccountId", /^[0-9]{12}$/, "^[0-9]{12}$").length(accountId, "AwsAccountId", 12, 12).check();
  if (accountId !== ctx.account) {
    throw new AwsError(
      "AccessDeniedException",
      `User: ${ctx.principal.arn} is not authorized to perform this operation on account ${accountId}: the account in the URI must be the caller's account.`,
    );
  }
}
