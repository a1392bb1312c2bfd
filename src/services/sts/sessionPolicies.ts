import { deflateRawSync } from "node:zlib";
import type { PolicyDescriptorType, Tag } from "@aws-sdk/client-sts";
import type { PolicySource } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Transaction } from "../../core/store/store.js";
import { managedSessionPolicy, sessionPolicy } from "../iam/identity.js";
import { invalidParameter } from "./validation.js";

/**
 * Session policies and session tags (AssumeRole*, GetFederationToken): checked, packed the way
 * STS packs them into the token (compressed; their share of the allotted space is
 * PackedPolicySize), and snapshotted into the session.
 */

/** The space STS allots to the packed policies and tags (unconfirmed figure: chosen so that a 2,048-character policy fits). */
const ALLOTTED = 2048;

export interface SessionInputs {
  Policy?: string;
  PolicyArns?: PolicyDescriptorType[];
  Tags?: Tag[];
  TransitiveTagKeys?: string[];
}

export interface CheckedSession {
  /** Undefined when neither Policy nor PolicyArns was given (the session is not capped). */
  policies?: PolicySource[];
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  /** Present when a policy or tags were passed. */
  packedPolicySize?: number;
}

/**
 * `inherited`: the transitive tags of the caller's session (role chaining), which the new
 * session keeps and which it may not override.
 */
export async function checkSession(tx: Transaction, account: string, input: SessionInputs, inherited: Record<string, string> = {}): Promise<CheckedSession> {
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  for (const t of input.Tags ?? []) {
    const lower = t.Key!.toLowerCase();
    if (seen.has(lower)) throw invalidParameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    seen.add(lower);
    tags[t.Key!] = t.Value ?? "";
  }
  for (const key of Object.keys(inherited)) {
    if (Object.keys(tags).some((k) => k.toLowerCase() === key.toLowerCase())) {
      throw invalidParameter("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
    }
  }
  const transitive = input.TransitiveTagKeys ?? [];
  for (const key of transitive) {
    if (!seen.has(key.toLowerCase())) throw invalidParameter("The specified transitive tag key must be included in the requested tags.");
  }
  let policies: PolicySource[] | undefined;
  if (input.Policy !== undefined || input.PolicyArns?.length) {
    policies = [];
    if (input.Policy !== undefined) policies.push(sessionPolicy(input.Policy));
    for (const { arn } of input.PolicyArns ?? []) {
      const managed = await managedSessionPolicy(tx, account, arn!);
      // unconfirmed: the code and text for a PolicyArns entry that names no policy.
      if (!managed) throw new AwsError("MalformedPolicyDocument", `The policy ${arn} does not exist or is not attachable.`);
      policies.push(managed);
    }
  }
  const allTags = { ...inherited, ...tags };
  const passed = input.Policy !== undefined || (input.PolicyArns?.length ?? 0) > 0 || Object.keys(tags).length > 0;
  let packedPolicySize: number | undefined;
  if (passed) {
    const policyBytes = packed((input.Policy ? JSON.stringify(JSON.parse(input.Policy)) : "") + (input.PolicyArns ?? []).map((p) => p.arn).join(","));
    const tagBytes = packed(Object.entries(allTags).map(([k, v]) => `${k}=${v}`).join("\u0000"));
    packedPolicySize = Math.ceil(((policyBytes + tagBytes) * 100) / ALLOTTED);
    if (packedPolicySize > 100) {
      throw new AwsError(
        "PackedPolicyTooLarge",
        tagBytes > policyBytes
          ? `Packed size of session tags consumes ${packedPolicySize}% of allotted space.`
          : `Packed policy consumes ${packedPolicySize}% of allotted space, please use smaller policy for assume role.`,
      );
    }
  }
  const keepTransitive = [...Object.keys(inherited), ...transitive];
  return {
    ...(policies ? { policies } : {}),
    ...(Object.keys(allTags).length ? { tags: allTags } : {}),
    ...(keepTransitive.length ? { transitiveTagKeys: keepTransitive } : {}),
    ...(packedPolicySize !== undefined ? { packedPolicySize } : {}),
  };
}

const packed = (text: string) => (text ? deflateRawSync(Buffer.from(text, "utf8")).length : 0);
