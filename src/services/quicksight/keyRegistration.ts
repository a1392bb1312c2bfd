import type {
  DescribeKeyRegistrationRequest,
  DescribeKeyRegistrationResponse,
  FailedKeyRegistrationEntry,
  RegisteredCustomerManagedKey,
  SuccessfulKeyRegistrationEntry,
  UpdateKeyRegistrationRequest,
  UpdateKeyRegistrationResponse,
} from "@aws-sdk/client-quicksight";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findKey, isSymmetric, parseKeyArn } from "../kms/index.js";
import { requireOwnAccount, T } from "./model.js";

/** The registered set of one account in one region: one row, replaced whole by each update. */
interface Registration {
  Keys: Array<{ KeyArn: string; DefaultKey: boolean }>;
}

const registrationKey = (account: string, region: string) => `${account}/${region}`;

/**
 * Why a key cannot be registered, as a FailedKeyRegistration entry, or undefined when it can.
 * The key must be a symmetric KMS key, enabled, in the caller's account and region; KMS's own
 * state is read in the same transaction.
 */
async function refusal(tx: Transaction, account: string, region: string, keyArn: string | undefined): Promise<FailedKeyRegistrationEntry | undefined> {
  const fail = (StatusCode: number, Message: string): FailedKeyRegistrationEntry => ({ KeyArn: keyArn, Message, StatusCode, SenderFault: true });
  if (!keyArn) return fail(400, "KeyArn is required.");
  const arn = parseKeyArn(keyArn);
  if (!arn) return fail(400, `KeyArn ${keyArn} is not a valid KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>).`);
  if (arn.account !== account) return fail(400, `KMS key ${keyArn} belongs to account ${arn.account}; only keys of account ${account} can be registered.`);
  if (arn.region !== region) return fail(400, `KMS key ${keyArn} is in region ${arn.region}; only keys of region ${region} can be registered.`);
  const key = await findKey(tx, account, region, { kind: "key", ...arn });
  if (!key) return fail(404, `KMS key ${keyArn} does not exist.`);
  if (key.KeyState === "Disabled") return fail(400, `KMS key ${keyArn} is disabled.`);
  if (key.KeyState === "PendingDeletion") return fail(400, `KMS key ${keyArn} is pending deletion.`);
  if (key.KeyState !== "Enabled") return fail(400, `KMS key ${keyArn} is not enabled (state ${key.KeyState}).`);
  if (!isSymmetric(key)) {
    return fail(400, `KMS key ${keyArn} has key spec ${key.KeySpec}: asymmetric and HMAC keys are not supported, only SYMMETRIC_DEFAULT.`);
  }
  return undefined;
}

/**
 * Replaces the registered set with the keys of the request that pass (an empty list clears it).
 * A key that fails does not fail the request: it comes back in FailedKeyRegistration, with 200.
 */
export const UpdateKeyRegistration: Handler<UpdateKeyRegistrationRequest, UpdateKeyRegistrationResponse> = async (input, ctx) => {
  requireOwnAccount(ctx, input.AwsAccountId);
  const entries: RegisteredCustomerManagedKey[] = input.KeyRegistration ?? [];
  if (entries.filter((k) => k.DefaultKey === true).length > 1) {
    throw new AwsError("InvalidParameterValueException", "Only one key can be the default key: more than one KeyRegistration entry has DefaultKey set to true.");
  }
  const arns = entries.map((k) => k.KeyArn).filter((a): a is string => !!a);
  const duplicate = arns.find((a, i) => arns.indexOf(a) !== i);
  if (duplicate) throw new AwsError("InvalidParameterValueException", `KeyArn ${duplicate} appears more than once in KeyRegistration.`);
  return ctx.transaction(async (tx) => {
    const failed: FailedKeyRegistrationEntry[] = [];
    const succeeded: SuccessfulKeyRegistrationEntry[] = [];
    const registered: Registration["Keys"] = [];
    for (const entry of entries) {
      const refused = await refusal(tx, ctx.account, ctx.region, entry.KeyArn);
      if (refused) {
        failed.push(refused);
        continue;
      }
      succeeded.push({ KeyArn: entry.KeyArn!, StatusCode: 200 });
      registered.push({ KeyArn: entry.KeyArn!, DefaultKey: entry.DefaultKey === true });
    }
    await tx.put<Registration>(T.keyRegistrations, registrationKey(ctx.account, ctx.region), { Keys: registered });
    return { FailedKeyRegistration: failed, SuccessfulKeyRegistration: succeeded, RequestId: ctx.requestId };
  });
};

/** The registered keys, each with DefaultKey written explicitly; `default-key-only` keeps the default. */
export const DescribeKeyRegistration: Handler<DescribeKeyRegistrationRequest, DescribeKeyRegistrationResponse> = async (input, ctx) => {
  requireOwnAccount(ctx, input.AwsAccountId);
  return ctx.transaction(async (tx) => {
    const registration = await tx.get<Registration>(T.keyRegistrations, registrationKey(ctx.account, ctx.region));
    const keys = (registration?.Keys ?? []).filter((k) => !input.DefaultKeyOnly || k.DefaultKey);
    return {
      AwsAccountId: ctx.account,
      KeyRegistration: keys.map((k) => ({ KeyArn: k.KeyArn, DefaultKey: k.DefaultKey })),
      RequestId: ctx.requestId,
      // A body member here, not the status line (most QuickSight operations bind Status to it).
      Status: 200,
    };
  });
};
