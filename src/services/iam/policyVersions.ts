import type {
  CreatePolicyVersionRequest,
  CreatePolicyVersionResponse,
  DeletePolicyVersionRequest,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  ListPolicyVersionsRequest,
  ListPolicyVersionsResponse,
  SetDefaultPolicyVersionRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { isoSeconds, limitExceeded, nameKey, type PolicyRecord, type PolicyVersionRecord, T } from "./model.js";
import { policyVersions, requireOwnPolicy, requirePolicy } from "./policies.js";
import { parseIdentityPolicy, rfc3986 } from "./policyDocument.js";
import * as check from "./validation.js";
import { invalidMarker } from "./pages.js";

/**
 * Versions of a customer managed policy (spec iam-sts §5.2): at most 5, ids `vN` never reused,
 * one default whose document is the policy's (`PolicyRecord.PolicyDocument`, what evaluation
 * reads). The versions live in the policy's record, so a change is one write.
 */

const VERSION_PATTERN = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;
const VERSION_PATTERN_TEXT = "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?";

function validate(input: { PolicyArn?: string; VersionId?: string }, withVersion: boolean) {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  if (withVersion) v.pattern(input.VersionId, "VersionId", VERSION_PATTERN, VERSION_PATTERN_TEXT);
  v.check();
  check.parsePolicyArn(input.PolicyArn!);
}

const noSuchVersion = (arn: string, version: string) =>
  new AwsError("NoSuchEntity", `Policy ${arn} version ${version} does not exist or is not attachable.`);

const versionOutput = (p: PolicyRecord, version: PolicyVersionRecord, withDocument: boolean) => ({
  ...(withDocument ? { Document: rfc3986(version.Document) } : {}),
  VersionId: version.VersionId,
  IsDefaultVersion: version.VersionId === (p.DefaultVersionId ?? "v1"),
  CreateDate: new Date(version.CreateDate),
});

const save = (tx: Transaction, account: string, p: PolicyRecord) => tx.put<PolicyRecord>(T.policies, nameKey(account, p.PolicyName), p);

export const CreatePolicyVersion: Handler<CreatePolicyVersionRequest, CreatePolicyVersionResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  check.policyDocument(v, input.PolicyDocument);
  v.check();
  check.parsePolicyArn(input.PolicyArn!);
  parseIdentityPolicy(input.PolicyDocument!);
  const sizeLimit = ctx.quota("PolicySize");
  if (check.policySize(input.PolicyDocument!) > sizeLimit) throw limitExceeded("PolicySize", sizeLimit);
  return ctx.transaction(async (tx) => {
    const policy = await requireOwnPolicy(tx, ctx.account, input.PolicyArn!, "Cannot create a version of an AWS managed policy.");
    const versions = policyVersions(policy);
    if (versions.length >= ctx.quota("VersionsPerPolicy")) {
      throw new AwsError("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");
    }
    const next = policy.NextVersion ?? versions.length + 1;
    const version: PolicyVersionRecord = { VersionId: `v${next}`, Document: input.PolicyDocument!, CreateDate: isoSeconds(ctx.now) };
    const updated: PolicyRecord = {
      ...policy,
      Versions: [...versions, version],
      NextVersion: next + 1,
      ...(input.SetAsDefault ? { DefaultVersionId: version.VersionId, PolicyDocument: version.Document, UpdateDate: version.CreateDate } : {}),
    };
    await save(tx, ctx.account, updated);
    return { PolicyVersion: versionOutput(updated, version, false) };
  });
};

export const GetPolicyVersion: Handler<GetPolicyVersionRequest, GetPolicyVersionResponse> = async (input, ctx) => {
  validate(input, true);
  return ctx.transaction(async (tx) => {
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    const version = policyVersions(policy).find((x) => x.VersionId === input.VersionId);
    if (!version) throw noSuchVersion(policy.Arn, input.VersionId!);
    return { PolicyVersion: versionOutput(policy, version, true) };
  });
};

/** Newest first; the marker is the offset of the next version. */
export const ListPolicyVersions: Handler<ListPolicyVersionsRequest, ListPolicyVersionsResponse> = async (input, ctx) => {
  validate(input, false);
  const v = check.iamValidator();
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const policy = await requirePolicy(tx, ctx.account, input.PolicyArn!);
    const versions = [...policyVersions(policy)].reverse();
    let start = 0;
    if (input.Marker !== undefined) {
      const m = /^versions:(\d+)$/.exec(Buffer.from(input.Marker, "base64url").toString("utf8"));
      start = m ? Number(m[1]) : -1;
      if (start < 0 || start > versions.length) throw invalidMarker();
    }
    const end = start + (input.MaxItems ?? 100);
    const truncated = end < versions.length;
    return {
      Versions: versions.slice(start, end).map((x) => versionOutput(policy, x, false)),
      IsTruncated: truncated,
      ...(truncated ? { Marker: Buffer.from(`versions:${end}`).toString("base64url") } : {}),
    };
  });
};

export const DeletePolicyVersion: Handler<DeletePolicyVersionRequest, Record<string, never>> = async (input, ctx) => {
  validate(input, true);
  return ctx.transaction(async (tx) => {
    const policy = await requireOwnPolicy(tx, ctx.account, input.PolicyArn!, "Cannot delete a version of an AWS managed policy.");
    const versions = policyVersions(policy);
    if (!versions.some((x) => x.VersionId === input.VersionId)) throw noSuchVersion(policy.Arn, input.VersionId!);
    if (input.VersionId === (policy.DefaultVersionId ?? "v1")) throw new AwsError("DeleteConflict", "Cannot delete the default version of a policy.");
    await save(tx, ctx.account, {
      ...policy,
      Versions: versions.filter((x) => x.VersionId !== input.VersionId),
      NextVersion: policy.NextVersion ?? versions.length + 1,
    });
    return {};
  });
};

export const SetDefaultPolicyVersion: Handler<SetDefaultPolicyVersionRequest, Record<string, never>> = async (input, ctx) => {
  validate(input, true);
  return ctx.transaction(async (tx) => {
    const policy = await requireOwnPolicy(tx, ctx.account, input.PolicyArn!, "Cannot set the default version of an AWS managed policy.");
    const versions = policyVersions(policy);
    const version = versions.find((x) => x.VersionId === input.VersionId);
    if (!version) throw noSuchVersion(policy.Arn, input.VersionId!);
    await save(tx, ctx.account, {
      ...policy,
      Versions: versions,
      NextVersion: policy.NextVersion ?? versions.length + 1,
      DefaultVersionId: version.VersionId,
      PolicyDocument: version.Document,
      UpdateDate: isoSeconds(ctx.now),
    });
    return {};
  });
};
