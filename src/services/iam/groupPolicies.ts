import type {
  AttachGroupPolicyRequest,
  DeleteGroupPolicyRequest,
  DetachGroupPolicyRequest,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  ListAttachedGroupPoliciesRequest,
  ListAttachedGroupPoliciesResponse,
  ListGroupPoliciesRequest,
  ListGroupPoliciesResponse,
  PutGroupPolicyRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import { type Attachment, childKey, type InlinePolicy, limitExceeded, listPage, requireGroup, T } from "./model.js";
import { countAttachment, findPolicy, requirePolicy } from "./policies.js";
import { parseIdentityPolicy, rfc3986 } from "./policyDocument.js";
import * as check from "./validation.js";

// Inline policies of a group.

export const PutGroupPolicy: Handler<PutGroupPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  check.policyDocument(v, input.PolicyDocument);
  v.check();
  parseIdentityPolicy(input.PolicyDocument!);
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const under = childKey(ctx.account, group.GroupId);
    // The quota is on all the group's inline policies together, the new one replacing its namesake.
    let total = check.policySize(input.PolicyDocument!);
    for (const [, p] of await tx.scan<InlinePolicy>(T.groupPolicies, { prefix: under, limit: 10_000 })) {
      if (p.PolicyName !== input.PolicyName) total += check.policySize(p.PolicyDocument);
    }
    const limit = ctx.quota("InlinePolicySizePerGroup");
    if (total > limit) {
      throw new AwsError("LimitExceeded", `Maximum policy size of ${limit} bytes exceeded for group ${group.GroupName}`);
    }
    await tx.put(T.groupPolicies, under + input.PolicyName, { PolicyName: input.PolicyName!, PolicyDocument: input.PolicyDocument! });
    return {};
  });
};

const noSuchGroupPolicy = (name: string) => new AwsError("NoSuchEntity", `The group policy with name ${name} cannot be found.`);

/** The document comes back percent-encoded (RFC 3986), as IAM returns it. */
export const GetGroupPolicy: Handler<GetGroupPolicyRequest, GetGroupPolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const policy = await tx.get<InlinePolicy>(T.groupPolicies, childKey(ctx.account, group.GroupId, input.PolicyName));
    if (!policy) throw noSuchGroupPolicy(input.PolicyName!);
    return { GroupName: group.GroupName, PolicyName: policy.PolicyName, PolicyDocument: rfc3986(policy.PolicyDocument) };
  });
};

export const ListGroupPolicies: Handler<ListGroupPoliciesRequest, ListGroupPoliciesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const page = await paginate<InlinePolicy>(tx, T.groupPolicies, childKey(ctx.account, group.GroupId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    return listPage("PolicyNames", { items: page.items.map((p) => p.PolicyName), next: page.next });
  });
};

export const DeleteGroupPolicy: Handler<DeleteGroupPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    if (!(await tx.delete(T.groupPolicies, childKey(ctx.account, group.GroupId, input.PolicyName)))) {
      throw noSuchGroupPolicy(input.PolicyName!);
    }
    return {};
  });
};

// Managed policies attached to a group.

/**
 * An attachment's key under its group: the policy name in lower case (so the list comes back
 * ordered by name, like every other IAM list, whatever the policies' paths), then the ARN
 * (an AWS managed policy may share a customer policy's name). A space sorts before every
 * character a name may hold, so `a` still comes before `ab`.
 */
const attachmentKey = (account: string, groupId: string, arn: string, name: string) =>
  childKey(account, groupId, `${name.toLowerCase()} ${arn}`);

const validateAttach = (input: { GroupName?: string; PolicyArn?: string }) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.check();
  check.parsePolicyArn(input.PolicyArn!);
};

/** Attaching an attached policy again is a no-op. */
export const AttachGroupPolicy: Handler<AttachGroupPolicyRequest, Record<string, never>> = async (input, ctx) => {
  validateAttach(input);
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    const key = attachmentKey(ctx.account, group.GroupId, policy.Arn, policy.PolicyName);
    if (await tx.get(T.groupAttached, key)) return {};
    const limit = ctx.quota("PoliciesPerGroup");
    if ((await tx.count(T.groupAttached, childKey(ctx.account, group.GroupId))) >= limit) throw limitExceeded("PoliciesPerGroup", limit);
    await tx.put<Attachment>(T.groupAttached, key, { PolicyArn: policy.Arn, PolicyName: policy.PolicyName });
    await countAttachment(tx, ctx.account, policy, 1);
    return {};
  });
};

export const DetachGroupPolicy: Handler<DetachGroupPolicyRequest, Record<string, never>> = async (input, ctx) => {
  validateAttach(input);
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const key = attachmentKey(ctx.account, group.GroupId, input.PolicyArn!, check.parsePolicyArn(input.PolicyArn!).name);
    if (!(await tx.delete(T.groupAttached, key))) {
      throw new AwsError("NoSuchEntity", `Policy ${input.PolicyArn} was not found.`);
    }
    const policy = await findPolicy(tx, ctx.account, input.PolicyArn!);
    if (policy) await countAttachment(tx, ctx.account, policy, -1);
    return {};
  });
};

export const ListAttachedGroupPolicies: Handler<ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.GroupName, "GroupName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  if (input.PathPrefix !== undefined && !/^\/([\u0021-\u007F]*\/)?$/.test(input.PathPrefix)) {
    throw new AwsError("InvalidInput", `The specified value for pathPrefix is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`);
  }
  const prefix = input.PathPrefix ?? "/";
  return ctx.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.account, input.GroupName!);
    const page = await paginate<Attachment>(tx, T.groupAttached, childKey(ctx.account, group.GroupId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
      filter: (a) => check.parsePolicyArn(a.PolicyArn).path.startsWith(prefix),
    });
    return listPage("AttachedPolicies", { items: page.items, next: page.next });
  });
};
