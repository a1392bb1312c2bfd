import type {
  GetAccountPasswordPolicyResponse,
  PasswordPolicy,
  UpdateAccountPasswordPolicyRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { T } from "./model.js";
import * as check from "./validation.js";

/** The stored policy: what UpdateAccountPasswordPolicy was given, defaults filled in. */
export interface PasswordPolicyRecord {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

const key = (account: string) => `${account}/passwordPolicy`;

const noPolicy = (account: string) => new AwsError("NoSuchEntity", `The Password Policy with domain name ${account} cannot be found.`);

export const readPasswordPolicy = (tx: Transaction, account: string) => tx.get<PasswordPolicyRecord>(T.account, key(account));

/** AWS's symbol set for RequireSymbols (and for the default policy's character types). */
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

/**
 * The password against the account's policy, or without one the default policy (8 characters,
 * three of the four character types). The message names the first rule broken.
 */
export function checkPassword(password: string, policy: PasswordPolicyRecord | undefined) {
  const kinds = { upper: /[A-Z]/.test(password), lower: /[a-z]/.test(password), number: /[0-9]/.test(password), symbol: SYMBOLS.test(password) };
  const violation = (rule: string) => new AwsError("PasswordPolicyViolation", `Password should ${rule}`);
  if (!policy) {
    if ([...password].length < 8) throw violation("have a minimum length of 8");
    if (Object.values(kinds).filter(Boolean).length < 3) {
      throw violation("contain at least three of the following character types: uppercase letters, lowercase letters, numbers and symbols");
    }
    return;
  }
  if ([...password].length < policy.MinimumPasswordLength) throw violation(`have a minimum length of ${policy.MinimumPasswordLength}`);
  if (policy.RequireUppercaseCharacters && !kinds.upper) throw violation("have at least one uppercase letter");
  if (policy.RequireLowercaseCharacters && !kinds.lower) throw violation("have at least one lowercase letter");
  if (policy.RequireNumbers && !kinds.number) throw violation("have at least one number");
  if (policy.RequireSymbols && !kinds.symbol) throw violation("have at least one symbol");
}

export const policyOutput = (p: PasswordPolicyRecord): PasswordPolicy => ({
  MinimumPasswordLength: p.MinimumPasswordLength,
  RequireSymbols: p.RequireSymbols,
  RequireNumbers: p.RequireNumbers,
  RequireUppercaseCharacters: p.RequireUppercaseCharacters,
  RequireLowercaseCharacters: p.RequireLowercaseCharacters,
  AllowUsersToChangePassword: p.AllowUsersToChangePassword,
  ExpirePasswords: p.MaxPasswordAge !== undefined,
  ...(p.MaxPasswordAge !== undefined ? { MaxPasswordAge: p.MaxPasswordAge } : {}),
  ...(p.PasswordReusePrevention !== undefined ? { PasswordReusePrevention: p.PasswordReusePrevention } : {}),
  ...(p.HardExpiry !== undefined ? { HardExpiry: p.HardExpiry } : {}),
});

/** Members left out are reset to their defaults, not kept (the API reference says so). */
export const UpdateAccountPasswordPolicy: Handler<UpdateAccountPasswordPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  v.range(input.MinimumPasswordLength, "MinimumPasswordLength", 6, 128);
  v.range(input.MaxPasswordAge, "MaxPasswordAge", 1, 1095);
  v.range(input.PasswordReusePrevention, "PasswordReusePrevention", 1, 24);
  v.check();
  const policy: PasswordPolicyRecord = {
    MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
    RequireSymbols: input.RequireSymbols ?? false,
    RequireNumbers: input.RequireNumbers ?? false,
    RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
    RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
    AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
    ...(input.MaxPasswordAge !== undefined ? { MaxPasswordAge: input.MaxPasswordAge } : {}),
    ...(input.PasswordReusePrevention !== undefined ? { PasswordReusePrevention: input.PasswordReusePrevention } : {}),
    ...(input.HardExpiry !== undefined ? { HardExpiry: input.HardExpiry } : {}),
  };
  return ctx.transaction(async (tx) => {
    await tx.put(T.account, key(ctx.account), policy);
    return {};
  });
};

export const GetAccountPasswordPolicy: Handler<Record<string, never>, GetAccountPasswordPolicyResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const policy = await readPasswordPolicy(tx, ctx.account);
    if (!policy) throw noPolicy(ctx.account);
    return { PasswordPolicy: policyOutput(policy) };
  });

export const DeleteAccountPasswordPolicy: Handler<Record<string, never>, Record<string, never>> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    if (!(await tx.delete(T.account, key(ctx.account)))) throw noPolicy(ctx.account);
    return {};
  });
