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
import { paginate } from "../../core/pagination.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { policyArn, uniqueId } from "./ids.js";
import { limitExceeded, listPage, nameKey, type PolicyRecord, T, isoSeconds } from "./model.js";
import { parseIdentityPolicy } from "./policyDocument.js";
import * as check from "./validation.js";

/** Customer managed policies (one default version, v1). AWS managed policies are not served yet. */
export const policyOutput = (p: PolicyRecord, withDetails = true) => ({
  PolicyName: p.PolicyName,
  PolicyId: p.PolicyId,
  Arn: p.Arn,
  Path: p.Path,
  DefaultVersionId: "v1",
  AttachmentCount: p.AttachmentCount,
  PermissionsBoundaryUsageCount: 0,
  IsAttachable: true,
  ...(withDetails && p.Description !== undefined ? { Description: p.Description } : {}),
  CreateDate: new Date(p.CreateDate),
  UpdateDate: new Date(p.UpdateDate),
  ...(withDetails && p.Tags?.length ? { Tags: p.Tags } : {}),
});

const notAttachable = (arn: string) => new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);

/** The policy an ARN names in the caller's account; `NoSuchEntity` when none. */
export async function requirePolicy(tx: Transaction, account: string, arn: string): Promise<PolicyRecord> {
  const { account: owner, name } = check.parsePolicyArn(arn);
  const policy = owner === account ? await tx.get<PolicyRecord>(T.policies, nameKey(account, name)) : undefined;
  if (!policy || policy.Arn !== arn) throw notAttachable(arn);
  return policy;
}

export const CreatePolicy: Handler<CreatePolicyRequest, CreatePolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.PolicyName, "PolicyName", 128);
  check.path(v, input.Path, "Path");
  check.policyDocument(v, input.PolicyDocument);
  v.length(input.Description, "Description", 0, 1000);
  v.check();
  check.tags(v, input.Tags as check.Tag[] | undefined);
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
    return { Policy: policyOutput(policy) };
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
  if (input.Scope === "AWS" || input.PolicyUsageFilter === "PermissionsBoundary") return { Policies: [], IsTruncated: false };
  return ctx.transaction(async (tx) => {
    const page = await paginate<PolicyRecord>(tx, T.policies, `${ctx.account}/`, {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
      filter: (p) => p.Path.startsWith(prefix) && (!input.OnlyAttached || p.AttachmentCount > 0),
    });
    return listPage("Policies", { items: page.items.map((p) => policyOutput(p, false)), next: page.next });
  });
};

export const DeletePolicy: Handler<DeletePolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.check();
  return ctx.transaction(async (tx) => {
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    if (policy.AttachmentCount > 0) throw new AwsError("DeleteConflict", "Cannot delete a policy attached to entities.");
    await tx.delete(T.policies, nameKey(ctx.account, policy.PolicyName));
    return {};
  });
};
