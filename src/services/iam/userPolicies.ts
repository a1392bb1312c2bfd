import type {
  AttachUserPolicyRequest,
  DeleteUserPolicyRequest,
  DetachUserPolicyRequest,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListAttachedUserPoliciesRequest,
  ListAttachedUserPoliciesResponse,
  ListUserPoliciesRequest,
  ListUserPoliciesResponse,
  PutUserPolicyRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import { type Attachment, childKey, type InlinePolicy, limitExceeded, listPage, requireUser } from "./model.js";
import { countAttachment, findPolicy, requirePolicy } from "./policies.js";
import { parseIdentityPolicy, rfc3986 } from "./policyDocument.js";
import * as check from "./validation.js";

/** A user's policies, keyed by its id (a rename keeps them), like a group's. */
export const UT = {
  userPolicies: "iam.userPolicies", // acct/userId/policyName          -> InlinePolicy
  userAttached: "iam.userAttached", // acct/userId/policyname policyArn -> Attachment
} as const;

// Inline policies of a user.

export const PutUserPolicy: Handler<PutUserPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  check.policyDocument(v, input.PolicyDocument);
  v.check();
  parseIdentityPolicy(input.PolicyDocument!);
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const under = childKey(ctx.account, user.UserId);
    // The quota is on all the user's inline policies together, the new one replacing its namesake.
    let total = check.policySize(input.PolicyDocument!);
    for (const [, p] of await tx.scan<InlinePolicy>(UT.userPolicies, { prefix: under, limit: 10_000 })) {
      if (p.PolicyName !== input.PolicyName) total += check.policySize(p.PolicyDocument);
    }
    const limit = ctx.quota("InlinePolicySizePerUser");
    if (total > limit) {
      throw new AwsError("LimitExceeded", `Maximum policy size of ${limit} bytes exceeded for user ${user.UserName}`);
    }
    await tx.put(UT.userPolicies, under + input.PolicyName, { PolicyName: input.PolicyName!, PolicyDocument: input.PolicyDocument! });
    return {};
  });
};

const noSuchUserPolicy = (name: string) =>
  new AwsError("NoSuchEntity", `The user policy with name ${name} cannot be found.`);

/** The document comes back percent-encoded (RFC 3986), as IAM returns it. */
export const GetUserPolicy: Handler<GetUserPolicyRequest, GetUserPolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const policy = await tx.get<InlinePolicy>(UT.userPolicies, childKey(ctx.account, user.UserId, input.PolicyName));
    if (!policy) throw noSuchUserPolicy(input.PolicyName!);
    return { UserName: user.UserName, PolicyName: policy.PolicyName, PolicyDocument: rfc3986(policy.PolicyDocument) };
  });
};

export const ListUserPolicies: Handler<ListUserPoliciesRequest, ListUserPoliciesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const page = await paginate<InlinePolicy>(tx, UT.userPolicies, childKey(ctx.account, user.UserId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    return listPage("PolicyNames", { items: page.items.map((p) => p.PolicyName), next: page.next });
  });
};

export const DeleteUserPolicy: Handler<DeleteUserPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    if (!(await tx.delete(UT.userPolicies, childKey(ctx.account, user.UserId, input.PolicyName)))) {
      throw noSuchUserPolicy(input.PolicyName!);
    }
    return {};
  });
};

// Managed policies attached to a user.

/** Keyed by lower-case policy name then ARN, so the list is ordered by name (as for groups). */
const attachmentKey = (account: string, userId: string, arn: string, name: string) =>
  childKey(account, userId, `${name.toLowerCase()} ${arn}`);

const validateAttach = (input: { UserName?: string; PolicyArn?: string }) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.check();
  check.parsePolicyArn(input.PolicyArn!);
};

/** Attaching an attached policy again is a no-op. */
export const AttachUserPolicy: Handler<AttachUserPolicyRequest, Record<string, never>> = async (input, ctx) => {
  validateAttach(input);
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    const key = attachmentKey(ctx.account, user.UserId, policy.Arn, policy.PolicyName);
    if (await tx.get(UT.userAttached, key)) return {};
    const limit = ctx.quota("PoliciesPerUser");
    if ((await tx.count(UT.userAttached, childKey(ctx.account, user.UserId))) >= limit) throw limitExceeded("PoliciesPerUser", limit);
    await tx.put<Attachment>(UT.userAttached, key, { PolicyArn: policy.Arn, PolicyName: policy.PolicyName });
    await countAttachment(tx, ctx.account, policy, 1);
    return {};
  });
};

export const DetachUserPolicy: Handler<DetachUserPolicyRequest, Record<string, never>> = async (input, ctx) => {
  validateAttach(input);
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const key = attachmentKey(ctx.account, user.UserId, input.PolicyArn!, check.parsePolicyArn(input.PolicyArn!).name);
    if (!(await tx.delete(UT.userAttached, key))) {
      throw new AwsError("NoSuchEntity", `Policy ${input.PolicyArn} was not found.`);
    }
    const policy = await findPolicy(tx, ctx.account, input.PolicyArn!);
    if (policy) await countAttachment(tx, ctx.account, policy, -1);
    return {};
  });
};

export const ListAttachedUserPolicies: Handler<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  if (input.PathPrefix !== undefined && !/^\/([\u0021-\u007F]*\/)?$/.test(input.PathPrefix)) {
    throw new AwsError("InvalidInput", `The specified value for pathPrefix is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`);
  }
  const prefix = input.PathPrefix ?? "/";
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const page = await paginate<Attachment>(tx, UT.userAttached, childKey(ctx.account, user.UserId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
      filter: (a) => check.parsePolicyArn(a.PolicyArn).path.startsWith(prefix),
    });
    return listPage("AttachedPolicies", { items: page.items, next: page.next });
  });
};
