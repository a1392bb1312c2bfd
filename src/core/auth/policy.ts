import { BlockList, isIP } from "node:net";

/**
 * Identity-based policy evaluation: explicit Deny wins, then any Allow, else an implicit deny.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

/** One statement, normalized to lists (what IAM's policy parser produces). */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
  /** Resource-based policies only: by principal type (`AWS`, `Federated`, `Service`, `*` for `"Principal": "*"`). */
  Principal?: Record<string, string[]>;
  NotPrincipal?: Record<string, string[]>;
}

export interface PolicySource {
  /** The policy's name (inline) or ARN (managed), as SimulatePrincipalPolicy reports it. */
  id: string;
  type: "user" | "group" | "role" | "managed" | "aws-managed" | "none" | "resource" | "session" | "boundary";
  statements: PolicyStatement[];
  /** Policy variables are substituted only in `"Version": "2012-10-17"` documents. */
  variables: boolean;
}

/** The request as policies see it: action, one resource, and the context keys (any case). */
export interface RequestFacts {
  action: string;
  resource: string;
  context: Record<string, string[]>;
  /** Who calls, as a resource-based policy's `Principal` names it (only read for statements that have one). */
  caller?: CallerIds;
}

/** The identifiers a `Principal` element may name a caller by. */
export interface CallerIds {
  /** By principal type: `AWS` → user ARN, or role ARN and session ARN; `Federated` → identity provider ARN. */
  direct: Record<string, string[]>;
  /** The caller's account: `"AWS": "A"` or `"arn:aws:iam::A:root"` delegate to its identity policies. */
  account?: string;
}

export type Decision = "allowed" | "explicitDeny" | "implicitDeny";

export interface Evaluation {
  decision: Decision;
  /** The statements that decided: the Deny ones for a deny, the Allow ones for an allow. */
  matched: Array<{ policy: PolicySource; statement: number }>;
  /** Condition keys the statements read that the request did not carry. */
  missingContext: string[];
}

export function evaluate(policies: readonly PolicySource[], facts: RequestFacts): Evaluation {
  const context = lowerKeys(facts.context);
  const missing = new Set<string>();
  const allows: Evaluation["matched"] = [];
  const denies: Evaluation["matched"] = [];
  for (const policy of policies) {
    policy.statements.forEach((s, i) => {
      if (!statementApplies(s, policy.variables, facts, context, missing)) return;
      (s.Effect === "Deny" ? denies : allows).push({ policy, statement: i });
    });
  }
  const missingContext = [...missing];
  if (denies.length) return { decision: "explicitDeny", matched: denies, missingContext };
  if (allows.length) return { decision: "allowed", matched: allows, missingContext };
  return { decision: "implicitDeny", matched: [], missingContext };
}

/** How a statement's Principal names the caller: itself, only its account, or not at all. */
export type PrincipalMatch = "direct" | "account" | "none";

/** Statements without Principal/NotPrincipal (identity policies) apply to whoever is evaluated. */
export function principalMatch(s: PolicyStatement, caller: CallerIds | undefined): PrincipalMatch {
  if (s.Principal) return namedIn(s.Principal, caller);
  // NotPrincipal: everyone but those listed (named directly or through their account).
  if (s.NotPrincipal) return namedIn(s.NotPrincipal, caller) === "none" ? "direct" : "none";
  return "direct";
}

function namedIn(principal: Record<string, string[]>, caller: CallerIds | undefined): PrincipalMatch {
  if (principal["*"]?.includes("*")) return "direct";
  if (!caller) return "none";
  let best: PrincipalMatch = "none";
  for (const [type, names] of Object.entries(principal)) {
    const direct = caller.direct[type] ?? [];
    for (const name of names) {
      if (name === "*" && type === "AWS" && Object.keys(caller.direct).length) return "direct";
      if (direct.includes(name) || direct.some((d) => samePartition(d) === samePartition(name))) return "direct";
      if (type === "AWS" && caller.account && (name === caller.account || /^arn:[\w-]+:iam::(\d{12}):root$/.exec(name)?.[1] === caller.account)) {
        best = "account";
      }
    }
  }
  return best;
}

const lowerKeys = (context: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));

export function statementApplies(
  s: PolicyStatement,
  variables: boolean,
  facts: RequestFacts,
  context: Record<string, string[]>,
  missing: Set<string>,
): boolean {
  if ((s.Principal || s.NotPrincipal) && principalMatch(s, facts.caller) === "none") return false;
  const actionMatches = (pattern: string) => globMatch(pattern, facts.action, true);
  if (s.Action && !s.Action.some(actionMatches)) return false;
  if (s.NotAction && s.NotAction.some(actionMatches)) return false;
  const resourceMatches = (pattern: string) => {
    const p = variables ? substitute(pattern, context, true) : pattern;
    return p !== undefined && globMatch(samePartition(p), samePartition(facts.resource), false);
  };
  if (s.Resource && !s.Resource.some(resourceMatches)) return false;
  if (s.NotResource && s.NotResource.some(resourceMatches)) return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, key, values, variables, context, missing)) return false;
    }
  }
  return true;
}

/**
 * ARNs compared across the partition names: nubis stores ARNs in `aws` and shows them in the
 * signing region's partition, and a policy may be written either way (partitions never meet).
 */
export const samePartition = (arn: string) => arn.replace(/^arn:aws-[a-z-]+:/, "arn:aws:");

/** `*` any run of characters, `?` one character; actions ignore case, ARNs do not. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i];
    // A NUL marks the next character literal (a substituted variable's own `*` or `?`).
    if (c === "\u0000" && i + 1 < pattern.length) c = `\\${pattern[++i]}`;
    else if (c === "*") c = ".*";
    else if (c === "?") c = ".";
    else if (/[.+^${}()|[\]\\]/.test(c)) c = `\\${c}`;
    source += c;
  }
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/**
 * Replaces `${aws:username}`, `${aws:username, 'default'}` and the escapes `${*}`, `${?}`,
 * `${$}`. Undefined when a variable has no value and no default: the element then matches
 * nothing. In a Resource the replaced value's own `*` and `?` must not act as wildcards.
 */
export function substitute(text: string, context: Record<string, string[]>, escapeWildcards = false): string | undefined {
  let failed = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const body = inner.trim();
    if (body === "*" || body === "?" || body === "$") return escapeWildcards ? `\u0000${body}` : body;
    const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(body);
    const value = m ? context[m[1].trim().toLowerCase()]?.[0] ?? m[2] : undefined;
    if (value === undefined) {
      failed = true;
      return "";
    }
    return escapeWildcards ? value.replace(/[*?]/g, (c) => `\u0000${c}`) : value;
  });
  return failed ? undefined : out;
}

type Test = (requestValue: string, policyValue: string) => boolean;

const numeric = (cmp: (a: number, b: number) => boolean): Test => (a, b) => {
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== "" && b.trim() !== "" && Number.isFinite(x) && Number.isFinite(y) && cmp(x, y);
};

/** Dates are ISO 8601 or epoch seconds. */
const timeOf = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text));
const date = (cmp: (a: number, b: number) => boolean): Test => (a, b) => {
  const x = timeOf(a);
  const y = timeOf(b);
  return !Number.isNaN(x) && !Number.isNaN(y) && cmp(x, y);
};

/** ARNs match part by part (six colon-separated parts), with wildcards in each. */
const arnLike: Test = (value, pattern) => {
  const v = value.split(":");
  const p = pattern.split(":");
  if (v.length < 6 || p.length < 6) return pattern === "*" || globMatch(pattern, value, false);
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(":")];
  const [hv, hp] = [head(v), head(p)];
  // Partitions compare as one (see samePartition).
  if (hv[1].startsWith("aws") && hp[1].startsWith("aws") && !/[*?]/.test(hp[1])) hv[1] = hp[1];
  return hp.every((part, i) => globMatch(part, hv[i], false));
};

const ipv4Mapped = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
const inCidr: Test = (value, cidr) => {
  const ip = ipv4Mapped(value);
  const [net, bits] = cidr.trim().split("/");
  const family = isIP(ip);
  if (!family || isIP(net) !== family) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return list.check(ip, type);
};

/** Positive operators; `negated` ones hold when their positive form matches none of the values. */
const OPERATORS: Record<string, { test: Test; negated?: boolean; variables?: boolean }> = {
  stringequals: { test: (a, b) => a === b, variables: true },
  stringnotequals: { test: (a, b) => a === b, negated: true, variables: true },
  stringequalsignorecase: { test: (a, b) => a.toLowerCase() === b.toLowerCase(), variables: true },
  stringnotequalsignorecase: { test: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true, variables: true },
  stringlike: { test: (a, b) => globMatch(b, a, false), variables: true },
  stringnotlike: { test: (a, b) => globMatch(b, a, false), negated: true, variables: true },
  numericequals: { test: numeric((a, b) => a === b) },
  numericnotequals: { test: numeric((a, b) => a === b), negated: true },
  numericlessthan: { test: numeric((a, b) => a < b) },
  numericlessthanequals: { test: numeric((a, b) => a <= b) },
  numericgreaterthan: { test: numeric((a, b) => a > b) },
  numericgreaterthanequals: { test: numeric((a, b) => a >= b) },
  dateequals: { test: date((a, b) => a === b) },
  datenotequals: { test: date((a, b) => a === b), negated: true },
  datelessthan: { test: date((a, b) => a < b) },
  datelessthanequals: { test: date((a, b) => a <= b) },
  dategreaterthan: { test: date((a, b) => a > b) },
  dategreaterthanequals: { test: date((a, b) => a >= b) },
  bool: { test: (a, b) => a.toLowerCase() === b.toLowerCase() },
  ipaddress: { test: inCidr },
  notipaddress: { test: inCidr, negated: true },
  arnequals: { test: arnLike, variables: true },
  arnlike: { test: arnLike, variables: true },
  arnnotequals: { test: arnLike, negated: true, variables: true },
  arnnotlike: { test: arnLike, negated: true, variables: true },
};

/**
 * One condition key under one operator. A key the request lacks fails a positive operator,
 * passes a negated one (as AWS documents), passes any `...IfExists` form, and is what `Null`
 * tests. `ForAnyValue:` / `ForAllValues:` qualify multivalued keys.
 */
function conditionHolds(
  rawOperator: string,
  key: string,
  policyValues: string[],
  variables: boolean,
  context: Record<string, string[]>,
  missing: Set<string>,
): boolean {
  let operator = rawOperator.toLowerCase();
  let qualifier: "any" | "all" | undefined;
  if (operator.startsWith("foranyvalue:")) [qualifier, operator] = ["any", operator.slice(12)];
  else if (operator.startsWith("forallvalues:")) [qualifier, operator] = ["all", operator.slice(13)];
  const present = context[key.toLowerCase()];
  if (operator === "null") {
    const absent = present === undefined || present.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === "true") === absent);
  }
  const ifExists = operator.endsWith("ifexists");
  if (ifExists) operator = operator.slice(0, -8);
  const op = OPERATORS[operator];
  if (!op) return false; // an operator nubis does not know never matches
  if (present === undefined || present.length === 0) {
    missing.add(key);
    if (ifExists || qualifier === "all") return true;
    return op.negated === true && qualifier === undefined;
  }
  const values = policyValues
    .map((v) => (variables && op.variables ? substitute(v, context) : v))
    .filter((v): v is string => v !== undefined);
  const matchesAny = (requestValue: string) => values.some((v) => op.test(requestValue, v));
  const holds = (requestValue: string) => (op.negated ? !matchesAny(requestValue) : matchesAny(requestValue));
  if (qualifier === "all") return present.every(holds);
  return present.some(holds);
}
