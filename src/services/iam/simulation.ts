import type {
  ContextEntry,
  EvaluationResult,
  PolicySourceType,
  SimulateCustomPolicyRequest,
  SimulatePolicyResponse,
  SimulatePrincipalPolicyRequest,
} from "@aws-sdk/client-iam";
import { evaluate, type PolicySource } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { groupPolicies, policySource, userPolicies } from "./identity.js";
import { requireGroup, requireUser } from "./model.js";
import * as check from "./validation.js";

/**
 * The policy simulator, on the evaluation engine `--auth iam` enforces with. Context keys come
 * only from ContextEntries (the simulator fills none in); the keys statements needed and did
 * not get are reported in MissingContextValues. One result per action and resource.
 */

type SimulateInput = Pick<SimulateCustomPolicyRequest, "ActionNames" | "ResourceArns" | "ContextEntries" | "MaxItems" | "Marker">;

function validate(input: SimulateInput & { PolicyInputList?: string[] }) {
  const v = check.iamValidator();
  v.required(input.ActionNames, "ActionNames");
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
}

/** The documents given inline, as `PolicyInputList.N` (type `none`), as AWS names them. */
const inputPolicies = (documents: string[] | undefined): PolicySource[] =>
  (documents ?? []).map((d, i) => policySource(`PolicyInputList.${i + 1}`, "none", d));

const contextOf = (entries: ContextEntry[] | undefined) =>
  Object.fromEntries((entries ?? []).filter((e) => e.ContextKeyName).map((e) => [e.ContextKeyName!, e.ContextKeyValues ?? []]));

/** The simulator's policy types: customer managed policies are `user-managed`. */
const sourceType = (p: PolicySource): PolicySourceType =>
  p.type === "managed" ? "user-managed" : p.type === "session" || p.type === "boundary" ? "none" : p.type;

function simulate(policies: PolicySource[], input: SimulateInput): SimulatePolicyResponse {
  const actions = input.ActionNames ?? [];
  const resources = input.ResourceArns?.length ? input.ResourceArns : ["*"];
  const context = contextOf(input.ContextEntries);
  // Results are numbered action by action, resource by resource; the marker is the number of
  // the next one, and only the page's pairs are evaluated (2,000 × 2,000 is 4 million results).
  const total = actions.length * resources.length;
  const start = input.Marker ? Number(Buffer.from(input.Marker, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0 || start > total) throw new AwsError("InvalidInput", "Invalid Marker.");
  const end = Math.min(start + (input.MaxItems ?? 100), total);
  const results: EvaluationResult[] = [];
  for (let i = start; i < end; i++) {
    const action = actions[Math.floor(i / resources.length)];
    const resource = resources[i % resources.length];
    const e = evaluate(policies, { action, resource, context });
    results.push({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: e.decision,
      MatchedStatements: e.matched.map((m) => ({ SourcePolicyId: m.policy.id, SourcePolicyType: sourceType(m.policy) })),
      MissingContextValues: e.missingContext,
    });
  }
  const truncated = end < total;
  return {
    EvaluationResults: results,
    IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(String(end)).toString("base64url") } : {}),
  };
}

/** The policies in force for a user or group ARN of the caller's account. */
async function policiesOf(tx: Transaction, ctx: RequestContext, arn: string): Promise<PolicySource[]> {
  const m = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([\w+=,.@-]+)$/.exec(arn);
  if (!m) throw new AwsError("InvalidInput", `Invalid ARN: ${arn}`);
  const [, account, kind, , name] = m;
  if (account !== ctx.account || kind === "role") {
    throw new AwsError("NoSuchEntity", `The ${kind} with name ${name} cannot be found.`);
  }
  if (kind === "user") return userPolicies(tx, ctx.account, (await requireUser(tx, ctx.account, name)).UserId);
  return groupPolicies(tx, ctx.account, (await requireGroup(tx, ctx.account, name)).GroupId);
}

export const SimulatePrincipalPolicy: Handler<SimulatePrincipalPolicyRequest, SimulatePolicyResponse> = async (input, ctx) => {
  validate(input);
  const v = check.iamValidator();
  check.arn(v, input.PolicySourceArn, "PolicySourceArn");
  v.check();
  const extra = inputPolicies(input.PolicyInputList);
  const stored = await ctx.transaction((tx) => policiesOf(tx, ctx, input.PolicySourceArn!));
  return simulate([...stored, ...extra], input);
};

export const SimulateCustomPolicy: Handler<SimulateCustomPolicyRequest, SimulatePolicyResponse> = async (input, ctx) => {
  validate(input);
  const v = check.iamValidator();
  v.required(input.PolicyInputList, "PolicyInputList");
  v.check();
  return simulate(inputPolicies(input.PolicyInputList), input);
};
