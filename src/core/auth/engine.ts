import type { ResourcePolicy } from "../service.js";
import { type Decision, type Evaluation, evaluate, type PolicySource, principalMatch, type RequestFacts } from "./policy.js";

/**
 * The one evaluation engine for every principal, the way AWS layers its policy types
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any layer denies; otherwise the identity policies must allow, and so must
 * the permissions boundary and the session policies when there are any (an intersection); a
 * resource-based policy can allow on its own in the same account (naming the caller), must
 * also allow across accounts, and is mandatory where the service says so (KMS key policies,
 * role trust policies). `--auth iam`, the simulator and STS's trust checks all call `decide`.
 */

export interface Layers {
  /** The union of the identity-based policies (user and groups, or the session's role). */
  identity: PolicySource[];
  /** The permissions boundary of the user or role, when set. */
  boundary?: PolicySource;
  /** Session policies, when the session has any (else they do not restrict). */
  session?: PolicySource[];
  /** The resource's own policy and owner. */
  resource?: ResourcePolicy;
  /** The caller's account, compared with the resource's for the cross-account rule. */
  callerAccount?: string;
}

/** The layer that decided a denial, as AWS's AccessDenied messages name it. */
export type DeniedBy = "identity-based policy" | "permissions boundary" | "session policy" | "resource-based policy";

export interface Verdict {
  decision: Decision;
  deniedBy?: DeniedBy;
  /** The statements that decided, of every layer (the simulator reports them). */
  matched: Evaluation["matched"];
  missingContext: string[];
}

/** An allow of everything: root's implicit permissions when root's session policies are intersected. */
export const ALLOW_ALL: PolicySource = {
  id: "root",
  type: "none",
  statements: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }],
  variables: false,
};

/** The resource policy's answer: its Deny statements, or how its Allow statements name the caller. */
function evaluateResource(policy: PolicySource, facts: RequestFacts) {
  const e = evaluate([policy], facts);
  if (e.decision !== "allowed") return { e, match: "none" as const };
  let match: "direct" | "account" = "account";
  for (const m of e.matched) {
    if (principalMatch(policy.statements[m.statement], facts.caller) === "direct") match = "direct";
  }
  return { e, match };
}

export function decide(layers: Layers, facts: RequestFacts): Verdict {
  const identity = evaluate(layers.identity, facts);
  const boundary = layers.boundary ? evaluate([layers.boundary], facts) : undefined;
  const session = layers.session ? evaluate(layers.session, facts) : undefined;
  const resource = layers.resource ? evaluateResource(layers.resource.policy, facts) : undefined;
  const missingContext = [
    ...new Set([identity, boundary, session, resource?.e].flatMap((e) => e?.missingContext ?? [])),
  ];
  const verdict = (decision: Decision, matched: Evaluation["matched"], deniedBy?: DeniedBy): Verdict => ({
    decision,
    matched,
    missingContext,
    ...(deniedBy ? { deniedBy } : {}),
  });

  // 1. An explicit Deny anywhere.
  const denials: Array<[Evaluation | undefined, DeniedBy]> = [
    [resource?.e, "resource-based policy"],
    [identity, "identity-based policy"],
    [session, "session policy"],
    [boundary, "permissions boundary"],
  ];
  for (const [e, by] of denials) if (e?.decision === "explicitDeny") return verdict("explicitDeny", e.matched, by);

  const boundaryOk = !boundary || boundary.decision === "allowed";
  const sessionOk = !session || session.decision === "allowed";
  const firstGap = (): DeniedBy =>
    identity.decision !== "allowed" ? "identity-based policy" : !boundaryOk ? "permissions boundary" : "session policy";
  const identityOk = identity.decision === "allowed" && boundaryOk && sessionOk;
  const granted = () => [...identity.matched, ...(boundary?.matched ?? []), ...(session?.matched ?? [])];

  if (!layers.resource || !resource) {
    return identityOk ? verdict("allowed", granted()) : verdict("implicitDeny", [], firstGap());
  }
  const sameAccount = layers.callerAccount === layers.resource.account;
  const { match } = resource;
  if (!sameAccount) {
    // Cross account: the resource policy must name the caller (or its account), and the caller's own side must allow.
    if (match === "none") return verdict("implicitDeny", [], "resource-based policy");
    return identityOk ? verdict("allowed", [...resource.e.matched, ...granted()]) : verdict("implicitDeny", [], firstGap());
  }
  if (match === "direct") {
    // Naming the caller grants without identity policies; the boundary and session policies still cap it.
    if (boundaryOk && sessionOk) return verdict("allowed", resource.e.matched);
    return verdict("implicitDeny", [], !boundaryOk ? "permissions boundary" : "session policy");
  }
  if (match === "account") {
    return identityOk ? verdict("allowed", [...resource.e.matched, ...granted()]) : verdict("implicitDeny", [], firstGap());
  }
  if (layers.resource.required) return verdict("implicitDeny", [], "resource-based policy");
  return identityOk ? verdict("allowed", granted()) : verdict("implicitDeny", [], firstGap());
}

/**
 * A resource-based policy document (key policy, trust policy) as the engine reads it. Lenient:
 * the service that stores a document validates it with its own messages first.
 */
export function parseResourcePolicy(id: string, document: string): PolicySource {
  let doc: { Version?: unknown; Statement?: unknown };
  try {
    doc = JSON.parse(document);
  } catch {
    return { id, type: "resource", statements: [], variables: false };
  }
  const raw = doc?.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const list = (v: unknown) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(String));
  const principal = (v: unknown): Record<string, string[]> | undefined => {
    if (v === undefined) return undefined;
    if (v === "*") return { "*": ["*"] };
    if (!v || typeof v !== "object") return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, list(x) ?? []]));
  };
  const statements = raw
    // A statement of neither effect (malformed) must not act as a Deny.
    .filter((s: unknown): s is Record<string, unknown> => !!s && typeof s === "object" && ((s as Record<string, unknown>).Effect === "Allow" || (s as Record<string, unknown>).Effect === "Deny"))
    .map((s: Record<string, unknown>) => {
      const condition =
        s.Condition && typeof s.Condition === "object"
          ? Object.fromEntries(
              Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([op, block]) => [
                op,
                Object.fromEntries(Object.entries(block ?? {}).map(([k, v]) => [k, list(v) ?? []])),
              ]),
            )
          : undefined;
      return {
        ...(typeof s.Sid === "string" ? { Sid: s.Sid } : {}),
        Effect: s.Effect === "Allow" ? ("Allow" as const) : ("Deny" as const),
        ...(s.Action !== undefined ? { Action: list(s.Action) } : {}),
        ...(s.NotAction !== undefined ? { NotAction: list(s.NotAction) } : {}),
        ...(s.Resource !== undefined ? { Resource: list(s.Resource) } : {}),
        ...(s.NotResource !== undefined ? { NotResource: list(s.NotResource) } : {}),
        ...(s.Principal !== undefined ? { Principal: principal(s.Principal) } : {}),
        ...(s.NotPrincipal !== undefined ? { NotPrincipal: principal(s.NotPrincipal) } : {}),
        ...(condition ? { Condition: condition } : {}),
      };
    });
  return { id, type: "resource", statements, variables: doc?.Version === "2012-10-17" };
}
