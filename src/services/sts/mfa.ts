import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { checkMfaCode } from "../iam/index.js";

/**
 * SerialNumber + TokenCode (GetSessionToken, AssumeRole): true when they prove MFA, false when
 * neither was given. A code that is not the device's, or a device that is not the caller's
 * (or of the account's), is refused as AWS refuses it.
 */
export async function verifyMfa(tx: Transaction, ctx: RequestContext, serial: string | undefined, code: string | undefined): Promise<boolean> {
  if (serial === undefined && code === undefined) return false;
  const failed = () => new AwsError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403);
  // unconfirmed: a serial without a code (or the reverse) is refused like a wrong code.
  if (serial === undefined || code === undefined) throw failed();
  const owner = await checkMfaCode(tx, ctx.principal.account, serial.replace(/^arn:aws-[\w-]+:/, "arn:aws:"), code, ctx.now);
  if (!owner) throw failed();
  // A user's session may only be MFA-authenticated with that user's own device.
  const p = ctx.principal;
  const caller = p.session?.sourceId ?? p.userId;
  if (p.type === "user" && owner.userId !== caller) throw failed();
  return true;
}
