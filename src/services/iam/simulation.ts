import type {
  ContextEntry,
  EvaluationResult,
  PolicySourceType,
  SimulateCustomPolicyRequest,
  SimulatePolicyResponse,
  SimulatePrincipalPolicyRequest,
} from "@aws-sdk/client-iam";
import { decide, type Layers, parseResourcePolicy } from "../../core/auth/engine.js";
import type { CallerIds, PolicySource } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { groupPolicies, policySource, storedSource, userPolicies } from "./identity.js";
import { requireGroup, requireUser } from "./model.js";
import { findPolicy } from "./policies.js";
import { findRole } from "./roles.js";
import * as check from "./validation.js";

/**
 * The policy simulator, on the evaluation engine `--auth iam` enforces with. Context keys come
 * only from ContextEntries (the simulator fills none in); the keys statements needed and did
 * not get are reported in MissingContextValues. One result per action and resource.
 */

type SimulateInput = Pick<
  SimulateCustomPolicyRequest,
  "ActionNames" | "ResourceArns" | "ContextEntries" | "MaxItems" | "Marker" | "ResourcePolicy" | "ResourceOwner" | "CallerArn" | "PermissionsBoundaryPolicyInputList"
>;

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

/**
 * The layers `--auth iam` would evaluate: the identity policies, the boundary (given ones win
 * over the stored one), and the resource policy given with its owner (the caller's account
 * unless ResourceOwner says otherwise) for the same/cross-account rule.
 */
function layersFor(identity: PolicySource[], input: SimulateInput, ctx: RequestContext, caller: { arn?: string; account: string }, stored?: PolicySource): Layers {
  const given = input.PermissionsBoundaryPolicyInputList ?? [];
  // One boundary as the engine takes it: the statements of every boundary given.
  const boundary = given.length
    ? { id: "PermissionsBoundaryPolicyInputList.1", type: "boundary" as const, statements: given.flatMap((d, i) => policySource(`PermissionsBoundaryPolicyInputList.${i + 1}`, "boundary", d).statements), variables: true }
    : stored;
  const owner = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(input.ResourceOwner ?? "")?.[1] ?? (/^\d{12}$/.test(input.ResourceOwner ?? "") ? input.ResourceOwner : undefined);
  return {
    identity,
    ...(boundary ? { boundary } : {}),
    ...(input.ResourcePolicy ? { resource: { account: owner ?? ctx.account, policy: parseResourcePolicy("ResourcePolicy", input.ResourcePolicy) } } : {}),
    callerAccount: caller.account,
  };
}

function simulate(layers: Layers, input: SimulateInput, caller?: CallerIds): SimulatePolicyResponse {
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
    const e = decide(layers, { action, resource, context, ...(caller ? { caller } : {}) });
    results.push({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: e.decision,
      MatchedStatements: e.matched.map((m) => ({ SourcePolicyId: m.policy.id, SourcePolicyType: sourceType(m.policy) })),
      MissingContextValues: e.missingContext,
      ...(layers.boundary ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: e.deniedBy !== "permissions boundary" } } : {}),
    });
  }
  const truncated = end < total;
  return {
    EvaluationResults: results,
    IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(String(end)).toString("base64url") } : {}),
  };
}

/** The policies in force for a user, group or role ARN of the caller's account, and its stored boundary. */
export async function policiesOf(tx: Transaction, ctx: RequestContext, arn: string): Promise<{ policies: PolicySource[]; boundary?: PolicySource }> {
  const m = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([\w+=,.@-]+)$/.exec(arn);
  if (!m) throw new AwsError("InvalidInput", `Invalid ARN: ${arn}`);
  const [, account, kind, , name] = m;
  if (account !== ctx.account) throw new AwsError("NoSuchEntity", `The ${kind} with name ${name} cannot be found.`);
  const boundaryOf = async (policyArn: string | undefined) => {
    const policy = policyArn ? await findPolicy(tx, ctx.account, policyArn) : undefined;
    return policy ? { boundary: storedSource(policy.Arn, "boundary", policy.PolicyDocument) } : {};
  };
  if (kind === "user") {
    const user = await requireUser(tx, ctx.account, name);
    return { policies: await userPolicies(tx, ctx.account, user.UserId), ...(await boundaryOf(user.PermissionsBoundary)) };
  }
  if (kind === "role") {
    const role = await findRole(tx, ctx.account, name);
    if (!role) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`);
    const policies = [
      ...role.inlinePolicies.map((p) => storedSource(p.PolicyName, "role", p.PolicyDocument)),
      ...role.attachedPolicies.map((a) => storedSource(a.PolicyArn, "managed", a.PolicyDocument)),
    ];
    return { policies, ...(await boundaryOf(role.PermissionsBoundary)) };
  }
  return { policies: await groupPolicies(tx, ctx.account, (await requireGroup(tx, ctx.account, name)).GroupId) };
}

export const SimulatePrincipalPolicy: Handler<SimulatePrincipalPolicyRequest, SimulatePolicyResponse> = async (input, ctx) => {
  validate(input);
  const v = check.iamValidator();
  check.arn(v, input.PolicySourceArn, "PolicySourceArn");
  v.check();
  const arn = input.PolicySourceArn!;
  const extra = inputPolicies(input.PolicyInputList);
  const stored = await ctx.transaction((tx) => policiesOf(tx, ctx, arn));
  const caller = { direct: { AWS: [input.CallerArn ?? arn] }, account: ctx.account };
  return simulate(layersFor([...stored.policies, ...extra], input, ctx, { account: ctx.account }, stored.boundary), input, caller);
};

export const SimulateCustomPolicy: Handler<SimulateCustomPolicyRequest, SimulatePolicyResponse> = async (input, ctx) => {
  validate(input);
  const v = check.iamValidator();
  v.required(input.PolicyInputList, "PolicyInputList");
  v.check();
  const callerAccount = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(input.CallerArn ?? "")?.[1] ?? ctx.account;
  const caller = input.CallerArn ? { direct: { AWS: [input.CallerArn] }, account: callerAccount } : undefined;
  return simulate(layersFor(inputPolicies(input.PolicyInputList), input, ctx, { account: callerAccount }), input, caller);
};
