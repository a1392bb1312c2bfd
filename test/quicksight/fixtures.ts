import assert from "node:assert/strict";
import { CreateAccountSubscriptionCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { IAMClient } from "@aws-sdk/client-iam";
import { clientConfig, failure } from "../harness.js";

export const ACCOUNT = "000000000000";

export const quicksight = (endpoint: string, region = "us-east-1", account?: string) =>
  new QuickSightClient(clientConfig(endpoint, region, account ? { accessKeyId: account, secretAccessKey: "test" } : undefined));
export const iam = (endpoint: string) => new IAMClient(clientConfig(endpoint));

/** Subscribes the account (ENTERPRISE by default) in the client's region, which becomes the identity region. */
export async function subscribe(qs: QuickSightClient, account = ACCOUNT, edition: "ENTERPRISE" | "STANDARD" = "ENTERPRISE") {
  await qs.send(
    new CreateAccountSubscriptionCommand({
      AwsAccountId: account,
      AccountName: `acct${account.slice(-4)}`,
      AuthenticationMethod: "IAM_AND_QUICKSIGHT",
      Edition: edition,
      NotificationEmail: "admin@example.com",
    }),
  );
}

/** A call that fails with `code` and `status` and leaves `state()` exactly as it was. */
export const refusal =
  (state: () => Promise<unknown>) =>
  async (call: () => Promise<unknown>, code: string, status: number) => {
    const before = await state();
    const error = await failure(call());
    assert.equal(error.name, code, error.message);
    assert.equal(error.$metadata.httpStatusCode, status);
    assert.deepEqual(await state(), before, "state unchanged after the failed call");
    return error;
  };

/** Strips the per-call members (RequestId, Status, $metadata) from an answer, to compare states. */
export const body = <T extends object>(out: T) => {
  const { $metadata: _m, RequestId: _r, ...rest } = out as T & { $metadata?: unknown; RequestId?: unknown };
  return rest;
};
