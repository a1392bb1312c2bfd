import type {
  DeleteResourcePolicyRequest,
  GetResourcePolicyRequest,
  GetResourcePolicyResult,
  PutResourcePolicyRequest,
  PutResourcePolicyResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { invalid } from "./configLists.js";
import { findDistribution } from "./distributions.js";
import { key } from "./model.js";
import { vpcOriginExists } from "./vpcOrigins.js";

/**
 * Resource policies: the JSON policy that shares a CloudFront resource with other accounts
 * (AWS uses them for VPC origins shared across accounts). One per resource, stored by ARN type
 * and id; the policy is checked as a policy document (Version, Statement), not evaluated:
 * nubis serves one account at a time.
 */
const TABLE = "cloudfront.resourcePolicies"; // acct/type/id -> policy document
const MAX_BYTES = 20480;

/** The resource kinds that carry a resource policy, and how to tell that one exists. */
// Functions, not references: this module and vpcOrigins.ts import each other.
const kinds: Record<string, (tx: Transaction, account: string, id: string) => Promise<boolean>> = {
  vpcorigin: (tx, account, id) => vpcOriginExists(tx, account, id),
  distribution: async (tx, account, id) => !!(await findDistribution(tx, account, id)),
};

async function resolve(tx: Transaction, ctx: RequestContext, arn: string | undefined): Promise<string> {
  const m = /^arn:aws:cloudfront::(\d{12}):([a-z-]+)\/(.+)$/.exec(arn ?? "");
  if (!m) throw invalid(`The resource ARN '${arn ?? ""}' is not a valid CloudFront ARN.`);
  const [, account, type, id] = m;
  const exists = kinds[type];
  if (!exists) throw new AwsError("UnsupportedOperation", `Resource policies are not supported for CloudFront ${type} resources.`, 400);
  if (account !== ctx.account || !(await exists(tx, account, id))) throw new AwsError("EntityNotFound", `The resource ${arn} does not exist.`, 404);
  return key(account, type, id);
}

function validDocument(doc: string | undefined): string {
  if (!doc) throw invalid("PolicyDocument is required.");
  if (Buffer.byteLength(doc) > MAX_BYTES) throw invalid(`The policy document is larger than ${MAX_BYTES} bytes.`);
  let parsed: { Version?: unknown; Statement?: unknown };
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw invalid("The policy document is not valid JSON.");
  }
  if (!parsed || typeof parsed !== "object" || parsed.Version !== "2012-10-17" || !parsed.Statement) {
    throw invalid("The policy document must have Version 2012-10-17 and a Statement.");
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  for (const s of statements as Array<Record<string, unknown>>) {
    if (!s || (s.Effect !== "Allow" && s.Effect !== "Deny") || !(s.Action || s.NotAction) || !(s.Principal || s.NotPrincipal)) {
      throw invalid("Each policy statement needs an Effect (Allow or Deny), an Action and a Principal.");
    }
  }
  return doc;
}

export const PutResourcePolicy: Handler<PutResourcePolicyRequest, PutResourcePolicyResult> = async (input, ctx) => {
  const doc = validDocument(input.PolicyDocument);
  return ctx.transaction(async (tx) => {
    await tx.put(TABLE, await resolve(tx, ctx, input.ResourceArn), doc);
    return { ResourceArn: input.ResourceArn };
  });
};

export const GetResourcePolicy: Handler<GetResourcePolicyRequest, GetResourcePolicyResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const doc = await tx.get<string>(TABLE, await resolve(tx, ctx, input.ResourceArn));
    if (!doc) throw new AwsError("EntityNotFound", `The resource ${input.ResourceArn} has no resource policy.`, 404);
    return { ResourceArn: input.ResourceArn, PolicyDocument: doc };
  });

export const DeleteResourcePolicy: Handler<DeleteResourcePolicyRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    if (!(await tx.delete(TABLE, await resolve(tx, ctx, input.ResourceArn)))) {
      throw new AwsError("EntityNotFound", `The resource ${input.ResourceArn} has no resource policy.`, 404);
    }
    return {};
  });

/** Removes a deleted resource's policy. */
export const dropResourcePolicy = (tx: Transaction, account: string, type: string, id: string) => tx.delete(TABLE, key(account, type, id));
