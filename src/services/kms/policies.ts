import type {
  GetKeyPolicyRequest,
  GetKeyPolicyResponse,
  ListKeyPoliciesRequest,
  ListKeyPoliciesResponse,
  PutKeyPolicyRequest,
} from "@aws-sdk/client-kms";
import { callerIds } from "../../core/auth/index.js";
import { evaluate, type PolicySource, type PolicyStatement } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { keyArn, putKey, requireKey, requireNotPendingDeletion } from "./model.js";
import * as check from "./validation.js";

// One string per account, shared by every key that keeps the default policy: the memory store
// holds records by reference, so 100,000 keys do not hold 100,000 copies (~300 bytes each).
const DEFAULT_POLICIES = new Map<string, string>();

/**
 * The key policy KMS attaches when none is given: the account root may do anything, which
 * delegates the key's use to the account's IAM policies. Written as KMS prints it (Jackson style).
 */
export function defaultPolicy(account: string): string {
  let policy = DEFAULT_POLICIES.get(account);
  if (policy === undefined) {
    if (DEFAULT_POLICIES.size >= 1000) DEFAULT_POLICIES.clear();
    policy = `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${account}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
    DEFAULT_POLICIES.set(account, policy);
  }
  return policy;
}

const malformed = (message: string) => new AwsError("MalformedPolicyDocumentException", message);
const INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals.";

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);

/** AWS principals a key policy may name: `*`, an account id, or an IAM/STS ARN of an account. */
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(assumed-role|federated-user)\/.+))$/;

function principalBlock(value: unknown): Record<string, string[]> {
  if (value === "*") return { "*": ["*"] };
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw malformed(INVALID_PRINCIPALS);
  const out: Record<string, string[]> = {};
  for (const [type, names] of Object.entries(value)) {
    const all = list(names) ?? [];
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(type) || !all.length) throw malformed(INVALID_PRINCIPALS);
    if (type === "AWS" && !all.every((n) => AWS_PRINCIPAL.test(n))) throw malformed(INVALID_PRINCIPALS);
    out[type] = all;
  }
  return out;
}

/**
 * A key policy document checked as KMS checks it (JSON object, statements with Effect, a
 * principal, Action and Resource "*"), and normalised for the policy engine.
 */
export function parseKeyPolicy(text: string, id = "key-policy"): PolicySource {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed("The key policy is not syntactically valid JSON.");
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw malformed("The key policy must be a JSON object.");
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (!statements.length) throw malformed("The key policy must contain at least one statement.");
  const out: PolicyStatement[] = statements.map((s) => {
    if (s === null || typeof s !== "object" || Array.isArray(s)) throw malformed("Each policy statement must be a JSON object.");
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw malformed("Each policy statement must have an Effect of Allow or Deny.");
    if (st.Principal === undefined && st.NotPrincipal === undefined) throw malformed(INVALID_PRINCIPALS);
    if (st.Action === undefined && st.NotAction === undefined) throw malformed("Each policy statement must have an Action or NotAction.");
    const resources = list(st.Resource);
    if (!resources || resources.some((r) => r !== "*")) throw malformed("Each key policy statement must have a Resource of \"*\".");
    const conditions = st.Condition as Record<string, Record<string, unknown>> | undefined;
    return {
      ...(typeof st.Sid === "string" ? { Sid: st.Sid } : {}),
      Effect: st.Effect,
      ...(st.Action !== undefined ? { Action: list(st.Action) } : {}),
      ...(st.NotAction !== undefined ? { NotAction: list(st.NotAction) } : {}),
      Resource: resources,
      ...(st.Principal !== undefined ? { Principal: principalBlock(st.Principal) } : {}),
      ...(st.NotPrincipal !== undefined ? { NotPrincipal: principalBlock(st.NotPrincipal) } : {}),
      ...(conditions && typeof conditions === "object"
        ? {
            Condition: Object.fromEntries(
              Object.entries(conditions).map(([op, block]) => [op, Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, list(v) ?? []]))]),
            ),
          }
        : {}),
    };
  });
  const version = (doc as { Version?: unknown }).Version;
  return { id, type: "resource", statements: out, variables: version === "2012-10-17" };
}

/**
 * A policy about to be stored: size, syntax, and (unless bypassed) the lockout safety check,
 * that the caller could still change the policy afterwards.
 */
export function checkPolicy(ctx: RequestContext, text: string, arn: string, bypass: boolean | undefined) {
  const limit = ctx.quota("KeyPolicySize");
  if (Buffer.byteLength(text) > limit) throw new AwsError("LimitExceededException", `Policy exceeds the maximum size of ${limit} bytes.`);
  const policy = parseKeyPolicy(text);
  if (bypass) return;
  const { decision } = evaluate([policy], { action: "kms:PutKeyPolicy", resource: arn, context: {}, caller: callerIds(ctx.principal) });
  if (decision !== "allowed") throw malformed("The new key policy will not allow you to update the key policy in the future.");
}

/**
 * KMS refuses a policy naming an IAM user or role of the account that does not exist (read
 * through IAM's front door); principals of other accounts cannot be checked and pass.
 */
export async function checkPrincipalsExist(tx: Transaction, account: string, text: string) {
  const { findIamUser, findRole } = await import("../iam/index.js");
  for (const s of parseKeyPolicy(text).statements) {
    for (const name of [...(s.Principal?.AWS ?? []), ...(s.NotPrincipal?.AWS ?? [])]) {
      const m = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)(\/.*)?\/([^/]+)$/.exec(name);
      if (!m || m[1] !== account) continue;
      const found = m[2] === "user" ? await findIamUser(tx, account, m[4]) : await findRole(tx, account, name);
      if (!found) throw malformed(INVALID_PRINCIPALS);
    }
  }
}

const policyName = (v: ReturnType<typeof check.kmsValidator>, name: string | undefined) =>
  v.length(name, "PolicyName", 1, 128).pattern(name, "PolicyName", /^[\w]+$/, "[\\w]+");

/** A key has exactly one policy, named "default". */
function requireDefaultName(name: string | undefined) {
  if (name !== undefined && name !== "default") throw new AwsError("NotFoundException", "No such policy exists");
}

export const GetKeyPolicy: Handler<GetKeyPolicyRequest, GetKeyPolicyResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  policyName(v, input.PolicyName).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    requireDefaultName(input.PolicyName);
    return { Policy: key.Policy, PolicyName: "default" };
  });
};

export const PutKeyPolicy: Handler<PutKeyPolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  v.required(input.Policy, "Policy");
  check.policy(v, input.Policy);
  policyName(v, input.PolicyName).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    requireDefaultName(input.PolicyName);
    requireNotPendingDeletion(key);
    checkPolicy(ctx, input.Policy!, keyArn(key), input.BypassPolicyLockoutSafetyCheck);
    await checkPrincipalsExist(tx, ctx.account, input.Policy!);
    await putKey(tx, { ...key, Policy: input.Policy! });
    return {};
  });
};

export const ListKeyPolicies: Handler<ListKeyPoliciesRequest, ListKeyPoliciesResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  check.keyId(v, input.KeyId);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    // One policy per key: any marker is past it.
    if (input.Marker !== undefined) return { PolicyNames: [], Truncated: false };
    return { PolicyNames: ["default"], Truncated: false };
  });
};
