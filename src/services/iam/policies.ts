import { storedTime } from "../../core/timestamps.js";
import type {
  CreatePolicyRequest,
  CreatePolicyResponse,
  DeletePolicyRequest,
  GetPolicyRequest,
  GetPolicyResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { invalidMarker, paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { awsManagedPolicies, awsManagedPolicy } from "./awsManagedPolicies.js";
import { policyArn, uniqueId } from "./ids.js";
import { limitExceeded, listPage, nameKey, type PolicyRecord, T, isoSeconds } from "./model.js";
import { parseIdentityPolicy } from "./policyDocument.js";
import { tagHandlers, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * Managed policies: the account's own (with versions, policyVersions.ts) and AWS's
 * (awsManagedPolicies.ts). What a `Policy` carries depends on the call (spec §5.1): CreatePolicy
 * never echoes the Description and has Tags only when given, GetPolicy has the Description when
 * set and always Tags, lists have neither.
 */
export const policyOutput = (p: PolicyRecord, call: "create" | "get" | "list" = "get") => ({
  PolicyName: p.PolicyName,
  PolicyId: p.PolicyId,
  Arn: p.Arn,
  Path: p.Path,
  DefaultVersionId: p.DefaultVersionId ?? "v1",
  AttachmentCount: p.AttachmentCount,
  PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount ?? 0,
  IsAttachable: true,
  ...(call === "get" && p.Description !== undefined ? { Description: p.Description } : {}),
  CreateDate: storedTime(p.CreateDate),
  UpdateDate: storedTime(p.UpdateDate),
  ...(call === "get" ? { Tags: p.Tags ?? [] } : call === "create" && p.Tags?.length ? { Tags: p.Tags } : {}),
});

/** A policy's versions, oldest first. */
export const policyVersions = (p: PolicyRecord) =>
  p.Versions ?? [{ VersionId: p.DefaultVersionId ?? "v1", Document: p.PolicyDocument, CreateDate: p.CreateDate }];

const notAttachable = (arn: string) => new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);

/** The managed policy an ARN names, as the caller's account sees it (AWS's with this account's attachment count). */
export async function findPolicy(tx: Transaction, account: string, arn: string): Promise<PolicyRecord | undefined> {
  const { account: owner, name } = check.parsePolicyArn(arn);
  if (owner === "aws") {
    const policy = await awsManagedPolicy(arn);
    return (
      policy && {
        ...policy,
        AttachmentCount: (await tx.get<number>(T.awsPolicyAttachments, `${account}/${arn}`)) ?? 0,
        PermissionsBoundaryUsageCount: (await tx.get<number>(T.awsPolicyBoundaries, `${account}/${arn}`)) ?? 0,
      }
    );
  }
  const policy = owner === account ? await tx.get<PolicyRecord>(T.policies, nameKey(account, name)) : undefined;
  return policy?.Arn === arn ? policy : undefined;
}

/** `findPolicy`, or `NoSuchEntity` when there is none. */
export async function requirePolicy(tx: Transaction, account: string, arn: string): Promise<PolicyRecord> {
  const policy = await findPolicy(tx, account, arn);
  if (!policy) throw notAttachable(arn);
  return policy;
}

/** Records one more (+1) or one fewer (-1) entity of the account using `policy` in that way. */
export async function countUse(tx: Transaction, account: string, policy: PolicyRecord, delta: 1 | -1, usage: "PermissionsPolicy" | "PermissionsBoundary" = "PermissionsPolicy") {
  const boundary = usage === "PermissionsBoundary";
  const count = Math.max(0, (boundary ? (policy.PermissionsBoundaryUsageCount ?? 0) : policy.AttachmentCount) + delta);
  if (await awsManagedPolicy(policy.Arn)) await tx.put(boundary ? T.awsPolicyBoundaries : T.awsPolicyAttachments, `${account}/${policy.Arn}`, count);
  else {
    const stored = (await tx.get<PolicyRecord>(T.policies, nameKey(account, policy.PolicyName)))!;
    await tx.put<PolicyRecord>(T.policies, nameKey(account, policy.PolicyName), { ...stored, ...(boundary ? { PermissionsBoundaryUsageCount: count } : { AttachmentCount: count }) });
  }
}

/** A customer managed policy the caller may change: AWS's are refused. */
export async function requireOwnPolicy(tx: Transaction, account: string, arn: string, refusal: string): Promise<PolicyRecord> {
  const policy = await requirePolicy(tx, account, arn);
  if (await awsManagedPolicy(policy.Arn)) throw new AwsError("InvalidInput", refusal);
  return policy;
}

export const CreatePolicy: Handler<CreatePolicyRequest, CreatePolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  check.path(v, input.Path, "Path");
  check.policyDocument(v, input.PolicyDocument);
  v.length(input.Description, "Description", 0, 1000);
  v.check();
  validateTags(input.Tags as check.Tag[] | undefined, v);
  parseIdentityPolicy(input.PolicyDocument!);
  const sizeLimit = ctx.quota("PolicySize");
  if (check.policySize(input.PolicyDocument!) > sizeLimit) throw limitExceeded("PolicySize", sizeLimit);
  return ctx.transaction(async (tx) => {
    const key = nameKey(ctx.account, input.PolicyName!);
    if (await tx.get(T.policies, key)) {
      throw new AwsError("EntityAlreadyExists", `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
    }
    const limit = ctx.quota("PoliciesPerAccount");
    if ((await tx.count(T.policies, `${ctx.account}/`)) >= limit) throw limitExceeded("PoliciesPerAccount", limit);
    const path = input.Path ?? "/";
    const policy: PolicyRecord = {
      PolicyName: input.PolicyName!,
      PolicyId: uniqueId("ANPA"),
      Arn: policyArn(ctx.account, path, input.PolicyName!),
      Path: path,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      PolicyDocument: input.PolicyDocument!,
      AttachmentCount: 0,
      CreateDate: isoSeconds(ctx.now),
      UpdateDate: isoSeconds(ctx.now),
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
    };
    await tx.put(T.policies, key, policy);
    return { Policy: policyOutput(policy, "create") };
  });
};

export const GetPolicy: Handler<GetPolicyRequest, GetPolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.check();
  return ctx.transaction(async (tx) => ({ Policy: policyOutput(await requirePolicy(tx, ctx.account, input.PolicyArn!)) }));
};

export const ListPolicies: Handler<ListPoliciesRequest, ListPoliciesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.oneOf(input.Scope, "Scope", ["All", "AWS", "Local"]);
  v.oneOf(input.PolicyUsageFilter, "PolicyUsageFilter", ["PermissionsPolicy", "PermissionsBoundary"]);
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  const prefix = input.PathPrefix ?? "/";
  const maxItems = input.MaxItems ?? 100;
  // PermissionsBoundary: only policies some entity uses as its boundary; OnlyAttached: attached as permissions.
  const boundaries = input.PolicyUsageFilter === "PermissionsBoundary";
  const wanted = (p: PolicyRecord) =>
    p.Path.startsWith(prefix) &&
    (!boundaries || (p.PermissionsBoundaryUsageCount ?? 0) > 0) &&
    (!input.OnlyAttached || (boundaries ? (p.PermissionsBoundaryUsageCount ?? 0) : p.AttachmentCount) > 0);
  return ctx.transaction(async (tx) => {
    // AWS's policies first, then the account's; a marker `aws:N` points into AWS's.
    const aws: PolicyRecord[] = [];
    if (input.Scope !== "Local") {
      for (const p of await awsManagedPolicies()) {
        const policy = (await findPolicy(tx, ctx.account, p.Arn))!;
        if (wanted(policy)) aws.push(policy);
      }
    }
    const awsMarker = /^aws:(\d+)$/.exec(input.Marker ?? "");
    const start = awsMarker ? Number(awsMarker[1]) : input.Marker ? aws.length : 0;
    if (awsMarker && start > aws.length) throw invalidMarker();
    const items = aws.slice(start, start + maxItems);
    const local = input.Scope !== "AWS";
    if (items.length === maxItems) {
      const more = start + maxItems < aws.length || (local && (await paginate<PolicyRecord>(tx, T.policies, `${ctx.account}/`, { maxItems: 1, filter: wanted })).items.length > 0);
      return listPage("Policies", { items: items.map((p) => policyOutput(p, "list")), next: more ? `aws:${start + maxItems}` : undefined });
    }
    if (!local) return listPage("Policies", { items: items.map((p) => policyOutput(p, "list")) });
    const page = await paginate<PolicyRecord>(tx, T.policies, `${ctx.account}/`, {
      marker: awsMarker ? undefined : input.Marker,
      maxItems: maxItems - items.length,
      filter: wanted,
    });
    return listPage("Policies", { items: [...items, ...page.items].map((p) => policyOutput(p, "list")), next: page.next });
  });
};

export const DeletePolicy: Handler<DeletePolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.check();
  return ctx.transaction(async (tx) => {
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    if (await awsManagedPolicy(policy.Arn)) throw new AwsError("UnmodifiableEntity", `Cannot delete the AWS managed policy ${policy.Arn}.`);
    if (policy.AttachmentCount > 0 || (policy.PermissionsBoundaryUsageCount ?? 0) > 0) {
      throw new AwsError("DeleteConflict", "Cannot delete a policy attached to entities.");
    }
    if (policyVersions(policy).length > 1) {
      throw new AwsError(
        "DeleteConflict",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    await tx.delete(T.policies, nameKey(ctx.account, policy.PolicyName));
    return {};
  });
};

export const { Tag: TagPolicy, Untag: UntagPolicy, List: ListPolicyTags } = tagHandlers({
  member: "PolicyArn",
  validate: (v, arn) => check.arn(v, arn, "PolicyArn"),
  load: async (tx, account, arn) => {
    check.parsePolicyArn(arn);
    const policy = await requirePolicy(tx, account, arn);
    return {
      tags: policy.Tags,
      save: async (Tags) => {
        if (await awsManagedPolicy(policy.Arn)) throw new AwsError("InvalidInput", `Cannot tag the AWS managed policy ${policy.Arn}.`);
        await tx.put<PolicyRecord>(T.policies, nameKey(account, policy.PolicyName), { ...policy, Tags });
      },
    };
  },
});
