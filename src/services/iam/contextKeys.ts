import type {
  GetContextKeysForCustomPolicyRequest,
  GetContextKeysForPolicyResponse,
  GetContextKeysForPrincipalPolicyRequest,
} from "@aws-sdk/client-iam";
import type { PolicySource } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { policySource } from "./identity.js";
import { policiesOf } from "./simulation.js";
import * as check from "./validation.js";

/**
 * The context keys policies read, for callers that then fill them in for the simulator:
 * condition keys and the policy variables (`${aws:username}`) of resources, in the order they
 * appear, each once whatever its case.
 */

function keysOf(policies: PolicySource[]): string[] {
  const seen = new Map<string, string>();
  const add = (key: string) => {
    if (!seen.has(key.toLowerCase())) seen.set(key.toLowerCase(), key);
  };
  for (const p of policies) {
    for (const s of p.statements) {
      for (const resource of [...(s.Resource ?? []), ...(s.NotResource ?? [])]) {
        for (const m of resource.matchAll(/\$\{([^}*?$]+)\}/g)) add(m[1]);
      }
      for (const block of Object.values(s.Condition ?? {})) for (const key of Object.keys(block)) add(key);
    }
  }
  return [...seen.values()];
}

/** The documents given inline; one that is not a valid policy is InvalidInput (the only modelled error). */
function inputPolicies(documents: string[] | undefined): PolicySource[] {
  return (documents ?? []).map((d, i) => {
    try {
      return policySource(`PolicyInputList.${i + 1}`, "none", d);
    } catch (e) {
      if (e instanceof AwsError && e.code === "MalformedPolicyDocument") throw new AwsError("InvalidInput", e.message);
      throw e;
    }
  });
}

function validateInputs(v: ReturnType<typeof check.iamValidator>, documents: string[] | undefined) {
  (documents ?? []).forEach((d, i) => check.policyDocument(v, d, `PolicyInputList.${i + 1}.member`));
}

export const GetContextKeysForCustomPolicy: Handler<GetContextKeysForCustomPolicyRequest, GetContextKeysForPolicyResponse> = async (input) => {
  const v = check.iamValidator();
  v.required(input.PolicyInputList, "PolicyInputList");
  validateInputs(v, input.PolicyInputList);
  v.check();
  return { ContextKeyNames: keysOf(inputPolicies(input.PolicyInputList)) };
};

/** The keys of every policy in force for a user (its groups' too), group or role, plus any given inline. */
export const GetContextKeysForPrincipalPolicy: Handler<GetContextKeysForPrincipalPolicyRequest, GetContextKeysForPolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicySourceArn, "PolicySourceArn");
  validateInputs(v, input.PolicyInputList);
  v.check();
  const extra = inputPolicies(input.PolicyInputList);
  const stored = await ctx.transaction((tx) => policiesOf(tx, ctx, input.PolicySourceArn!));
  return { ContextKeyNames: keysOf([...stored.policies, ...extra]) };
};
