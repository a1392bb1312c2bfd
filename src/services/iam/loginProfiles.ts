import { createHash } from "node:crypto";
import type {
  ChangePasswordRequest,
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  DeleteLoginProfileRequest,
  GetLoginProfileRequest,
  GetLoginProfileResponse,
  UpdateLoginProfileRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { KINDS, subject } from "./credentials.js";
import { childKey, isoSeconds, T, type UserRecord } from "./model.js";
import { checkPassword, readPasswordPolicy } from "./passwordPolicy.js";
import * as check from "./validation.js";
import { secureRandom } from "../../core/ids.js";

/**
 * Console passwords. Only a salted hash is kept (state snapshots must not hold passwords), with
 * the hashes of earlier passwords when the policy forbids reuse.
 */
export interface LoginProfileRecord {
  UserId: string;
  CreateDate: string;
  PasswordResetRequired: boolean;
  PasswordLastChanged: string;
  salt: string;
  hashes: string[];
}

const hash = (salt: string, password: string) => createHash("sha256").update(salt).update(password).digest("base64");

const key = (account: string, user: UserRecord) => childKey(account, user.UserId, "");

const output = (user: UserRecord, p: LoginProfileRecord) => ({
  UserName: user.UserName,
  CreateDate: new Date(p.CreateDate),
  PasswordResetRequired: p.PasswordResetRequired,
});

const validate = (input: { UserName?: string; Password?: string }, passwordRequired: boolean) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  if (passwordRequired) v.required(input.Password, "Password");
  v.length(input.Password, "Password", 1, 128);
  v.check();
};

export const CreateLoginProfile: Handler<CreateLoginProfileRequest, CreateLoginProfileResponse> = async (input, ctx) => {
  validate(input, true);
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, input.UserName);
    if (await tx.get(T.loginProfiles, key(ctx.account, user))) {
      throw new AwsError("EntityAlreadyExists", `Login Profile for user ${user.UserName} already exists.`);
    }
    checkPassword(input.Password!, await readPasswordPolicy(tx, ctx.account));
    const salt = secureRandom(12).toString("base64");
    const now = isoSeconds(ctx.now);
    const profile: LoginProfileRecord = {
      UserId: user.UserId,
      CreateDate: now,
      PasswordResetRequired: input.PasswordResetRequired ?? false,
      PasswordLastChanged: now,
      salt,
      hashes: [hash(salt, input.Password!)],
    };
    await tx.put(T.loginProfiles, key(ctx.account, user), profile);
    return { LoginProfile: output(user, profile) };
  });
};

async function requireProfile(tx: Transaction, account: string, user: UserRecord) {
  const profile = await tx.get<LoginProfileRecord>(T.loginProfiles, key(account, user));
  if (!profile) throw new AwsError("NoSuchEntity", KINDS.loginProfile.missing(user.UserName));
  return profile;
}

export const GetLoginProfile: Handler<GetLoginProfileRequest, GetLoginProfileResponse> = async (input, ctx) => {
  validate(input, false);
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, input.UserName);
    return { LoginProfile: output(user, await requireProfile(tx, ctx.account, user)) };
  });
};

/** A new password must pass the policy and, with PasswordReusePrevention, differ from the last N. */
export const UpdateLoginProfile: Handler<UpdateLoginProfileRequest, Record<string, never>> = async (input, ctx) => {
  validate(input, false);
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, input.UserName);
    const profile = await requireProfile(tx, ctx.account, user);
    let { hashes, PasswordLastChanged } = profile;
    if (input.Password !== undefined) {
      const policy = await readPasswordPolicy(tx, ctx.account);
      checkPassword(input.Password, policy);
      const h = hash(profile.salt, input.Password);
      const remembered = policy?.PasswordReusePrevention ?? 0;
      if (remembered && hashes.slice(0, remembered).includes(h)) {
        throw new AwsError("PasswordPolicyViolation", "Policy constraint violation with password reuse prevention during password change.");
      }
      hashes = [h, ...hashes].slice(0, 24);
      PasswordLastChanged = isoSeconds(ctx.now);
    }
    await tx.put(T.loginProfiles, key(ctx.account, user), {
      ...profile,
      hashes,
      PasswordLastChanged,
      PasswordResetRequired: input.PasswordResetRequired ?? profile.PasswordResetRequired,
    });
    return {};
  });
};

export const DeleteLoginProfile: Handler<DeleteLoginProfileRequest, Record<string, never>> = async (input, ctx) => {
  validate(input, false);
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, input.UserName);
    if (!(await tx.delete(T.loginProfiles, key(ctx.account, user)))) {
      throw new AwsError("NoSuchEntity", KINDS.loginProfile.missing(user.UserName));
    }
    return {};
  });
};

/**
 * A user changes its own password: the caller must be an IAM user with a console password and
 * know it; the new one must pass the policy (and its reuse rule). The root is InvalidUserType.
 */
export const ChangePassword: Handler<ChangePasswordRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.OldPassword, "OldPassword", 1, 128).length(input.NewPassword, "NewPassword", 1, 128);
  v.check();
  if (ctx.principal.type !== "user" || ctx.principal.userName === undefined) {
    throw new AwsError("InvalidUserType", "Only IAM users can change their own password.");
  }
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, undefined);
    const profile = await requireProfile(tx, ctx.account, user);
    if (hash(profile.salt, input.OldPassword!) !== profile.hashes[0]) throw new AwsError("AccessDenied", "The old password is incorrect.", 403);
    const policy = await readPasswordPolicy(tx, ctx.account);
    checkPassword(input.NewPassword!, policy);
    const h = hash(profile.salt, input.NewPassword!);
    const remembered = policy?.PasswordReusePrevention ?? 0;
    if (remembered && profile.hashes.slice(0, remembered).includes(h)) {
      throw new AwsError("PasswordPolicyViolation", "Policy constraint violation with password reuse prevention during password change.");
    }
    const now = isoSeconds(ctx.now);
    await tx.put(T.loginProfiles, key(ctx.account, user), { ...profile, hashes: [h, ...profile.hashes].slice(0, 24), PasswordLastChanged: now, PasswordResetRequired: false });
    return {};
  });
};
