import type {
  DecodeAuthorizationMessageRequest,
  DecodeAuthorizationMessageResponse,
  GetAccessKeyInfoRequest,
  GetAccessKeyInfoResponse,
  GetCallerIdentityRequest,
  GetCallerIdentityResponse,
} from "@aws-sdk/client-sts";
import { decodeAuthorizationMessage } from "../../core/auth/authorizationMessage.js";
import { AwsError } from "../../core/errors.js";
import { accountOfKeyId } from "../../core/ids.js";
import { inPartition } from "../../core/partition.js";
import type { Handler } from "../../core/service.js";
import { type SessionRecord, T } from "./sessions.js";
import * as check from "./validation.js";

/**
 * Who the caller is (iam-sts §13.5): root, user, assumed-role session or federated user, with
 * ARNs in the partition of the signing region (arn:aws-cn:… for cn-north-1).
 */
export const GetCallerIdentity: Handler<GetCallerIdentityRequest, GetCallerIdentityResponse> = async (_input, ctx) => ({
  UserId: ctx.principal.userId,
  Account: ctx.account,
  Arn: inPartition(ctx.principal.arn, ctx.region),
});

/**
 * The account of any key id: nubis's own keys (sessions, IAM keys, 12-digit and root keys) by
 * lookup, others decoded from the id as AWS encodes accounts in it, else the caller's account.
 */
export const GetAccessKeyInfo: Handler<GetAccessKeyInfoRequest, GetAccessKeyInfoResponse> = async (input, ctx) => {
  const v = check.stsValidator();
  v.required(input.AccessKeyId, "AccessKeyId").length(input.AccessKeyId, "AccessKeyId", 16, 128).pattern(input.AccessKeyId, "AccessKeyId", /^[\w]*$/, "[\\w]*");
  v.check();
  const id = input.AccessKeyId!;
  const session = id.startsWith("ASIA") ? await ctx.transaction((tx) => tx.get<SessionRecord>(T.sessions, id)) : undefined;
  const account = session?.principal.account ?? (/^\d{12}$/.test(id) ? id : undefined) ?? accountOfKeyId(id) ?? ctx.account;
  return { Account: account };
};

export const DecodeAuthorizationMessage: Handler<DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse> = async (input, ctx) => {
  const v = check.stsValidator();
  v.required(input.EncodedMessage, "EncodedMessage").length(input.EncodedMessage, "EncodedMessage", 1, 10240);
  v.check();
  const decoded = decodeAuthorizationMessage(input.EncodedMessage!);
  // unconfirmed: the message text of InvalidAuthorizationMessageException.
  if (decoded === undefined) throw new AwsError("InvalidAuthorizationMessageException", "The encoded message is not valid.");
  // Only the account the message was issued to may read it.
  const account = /"arn":"arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(decoded)?.[1];
  if (account && account !== ctx.account) throw new AwsError("InvalidAuthorizationMessageException", "The encoded message is not valid.");
  return { DecodedMessage: decoded };
};
