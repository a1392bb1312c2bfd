import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * SerialNumber + TokenCode (GetSessionToken, AssumeRole): true when they prove MFA, false when
 * neither was given. IAM has no MFA devices yet, so any serial names no device and is refused
 * as AWS refuses a wrong code.
 */
export async function verifyMfa(_tx: Transaction, _ctx: RequestContext, serial: string | undefined, code: string | undefined): Promise<boolean> {
  if (serial === undefined && code === undefined) return false;
  throw new AwsError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403);
}
