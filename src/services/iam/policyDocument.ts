import type { PolicyStatement as Statement } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";

/**
 * IAM's policy-document checks (spec iam-sts §7), answering `MalformedPolicyDocument` with
 * AWS's messages. The checks run in phases over all statements, in the order AWS applies them,
 * so a document with several faults gets the message of the earliest phase: JSON → top level
 * and Version → statement grammar → Sid uniqueness → actions present → resources (or, in trust
 * policies, principals) present → action vendors → resource ARNs → condition values.
 */

const malformed = (message: string) => new AwsError("MalformedPolicyDocument", message);
const SYNTAX = "Syntax errors in policy.";

/** `identity`: inline and managed policies. `trust`: a role's AssumeRolePolicyDocument. */
export type PolicyKind = "identity" | "trust";

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);
const PARTITIONS = new Set(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]);
const IAM_RESOURCE_TYPES = ["user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"];
const TRUST_ACTIONS = ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"];
const OPERATORS = new Set(
  [
    ...["Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase", "Like", "NotLike"].map((o) => "String" + o),
    ...["Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"].flatMap((o) => ["Numeric" + o, "Date" + o]),
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
  ].map((o) => o.toLowerCase()),
);

/** A statement as IAM stores it, with Principal/NotPrincipal for trust policies. */
interface Raw {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
  Principal?: Record<string, string[]>;
  NotPrincipal?: Record<string, string[]>;
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === "string")) throw malformed(SYNTAX);
  return list as string[];
}

/** `ForAnyValue:StringLike`, `StringEqualsIfExists`, … (operators are case-insensitive in IAM). */
function knownOperator(name: string): boolean {
  const m = /^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$/i.exec(name);
  return !!m && OPERATORS.has(m[2].toLowerCase());
}

function parsePrincipal(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined) return undefined;
  if (value === "*") return { "*": ["*"] };
  if (!value || typeof value !== "object" || Array.isArray(value)) throw malformed(SYNTAX);
  const out: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(value as Record<string, unknown>)) {
    if (!PRINCIPAL_TYPES.has(type)) throw malformed(SYNTAX);
    const list = stringList(ids)!;
    if (!list.length) throw malformed(SYNTAX);
    out[type] = list;
  }
  return out;
}

function parseCondition(raw: unknown): Raw["Condition"] {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw malformed(SYNTAX);
  const out: NonNullable<Raw["Condition"]> = {};
  for (const [operator, block] of Object.entries(raw as Record<string, unknown>)) {
    if (!knownOperator(operator)) throw malformed(SYNTAX);
    if (!block || typeof block !== "object" || Array.isArray(block)) throw malformed(SYNTAX);
    out[operator] = {};
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => ["string", "number", "boolean"].includes(typeof v))) throw malformed(SYNTAX);
      out[operator][key] = list.map(String);
    }
  }
  return out;
}

/** The grammar of one statement (phase 3). */
function grammar(raw: unknown, kind: PolicyKind): Raw {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw malformed(SYNTAX);
  const s = raw as Record<string, unknown>;
  if (Object.keys(s).some((k) => !STATEMENT_KEYS.has(k))) throw malformed(SYNTAX);
  if (kind === "identity" && (s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    throw malformed("Policy document should not specify a principal.");
  }
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw malformed(SYNTAX);
  if (s.Sid !== undefined && typeof s.Sid !== "string") throw malformed(SYNTAX);
  if (typeof s.Sid === "string" && !/^[A-Za-z0-9]*$/.test(s.Sid) && kind === "identity") {
    throw malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*");
  }
  if (s.Effect === undefined) throw malformed("Policy statement must contain effect.");
  if (s.Effect !== "Allow" && s.Effect !== "Deny") {
    // A known effect in the wrong case gets through the grammar and fails the older parser.
    if (typeof s.Effect === "string" && /^(allow|deny)$/i.test(s.Effect)) throw malformed("The policy failed legacy parsing");
    throw malformed(SYNTAX);
  }
  if (s.Action !== undefined && s.NotAction !== undefined) throw malformed(SYNTAX);
  if (s.Resource !== undefined && s.NotResource !== undefined) throw malformed(SYNTAX);
  const actions = stringList(s.Action ?? s.NotAction);
  const resources = stringList(s.Resource ?? s.NotResource);
  const condition = parseCondition(s.Condition);
  const principal = parsePrincipal(s.Principal);
  const notPrincipal = parsePrincipal(s.NotPrincipal);
  return {
    ...(s.Sid !== undefined ? { Sid: s.Sid as string } : {}),
    Effect: s.Effect,
    ...(actions ? (s.Action !== undefined ? { Action: actions } : { NotAction: actions }) : {}),
    ...(resources ? (s.Resource !== undefined ? { Resource: resources } : { NotResource: resources }) : {}),
    ...(condition ? { Condition: condition } : {}),
    ...(principal ? { Principal: principal } : {}),
    ...(notPrincipal ? { NotPrincipal: notPrincipal } : {}),
  };
}

function checkAction(action: string, kind: PolicyKind) {
  if (action === "*") return;
  const colons = action.split(":").length - 1;
  if (colons === 0) throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  if (colons > 1) throw malformed("Actions/Condition can contain only one colon.");
  const vendor = action.slice(0, action.indexOf(":"));
  if (!/^[A-Za-z0-9-]+$/.test(vendor)) throw malformed(`Vendor ${vendor} is not valid`);
  void kind;
}

/** Does a trust-policy action (maybe a wildcard) name one of the actions a trust policy may grant? */
function trustAction(action: string): boolean {
  if (action === "*") return true;
  const re = new RegExp("^" + action.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
  return TRUST_ACTIONS.some((a) => re.test(a));
}

function checkResource(resource: string, variables: boolean) {
  if (resource === "*") return;
  if (variables && /^\$\{[^}]+\}/.test(resource)) return;
  if (!resource.includes(":")) throw malformed(`Resource ${resource} must be in ARN format or "*".`);
  // AWS reads whatever precedes the first colon as "arn" and fills missing parts with "*".
  const parts = resource.split(":");
  const filled = ["arn", ...parts.slice(1)];
  while (filled.length < 6) filled.push("*");
  const [, partition, vendor, region] = filled;
  if (!PARTITIONS.has(partition)) {
    throw malformed(`Partition "${partition}" is not valid for resource "${filled.slice(0, Math.max(6, parts.length)).join(":")}".`);
  }
  if (parts.length < 3 || !vendor || vendor === "*" || /[*?]/.test(vendor)) {
    throw malformed("Resource vendor must be fully qualified and cannot contain regexes.");
  }
  if (parts.length < 6) throw malformed("The policy failed legacy parsing");
  const rest = parts.slice(5).join(":");
  if (vendor === "iam") {
    if (region) throw malformed(`IAM resource ${resource} cannot contain region information.`);
    if (rest !== "*" && !IAM_RESOURCE_TYPES.some((t) => rest.startsWith(t))) {
      throw malformed(`IAM resource path must either be "*" or start with ${IAM_RESOURCE_TYPES.join(", ")}.`);
    }
  }
  // Buckets and objects have no region; access points and other regional S3 resources name an account.
  if (vendor === "s3" && region && !parts[4]) throw malformed(`Resource ${resource} can not contain region information.`);
}

function checkConditionValues(condition: Raw["Condition"]) {
  for (const [operator, block] of Object.entries(condition ?? {})) {
    if (!/date/i.test(operator)) continue;
    for (const values of Object.values(block)) {
      for (const v of values) {
        if (!/^\d+$/.test(v) && Number.isNaN(Date.parse(v))) throw malformed("The policy failed legacy parsing");
      }
    }
  }
}

function parse(document: string, kind: PolicyKind): Raw[] {
  let policy: unknown;
  try {
    policy = JSON.parse(document);
  } catch {
    throw malformed(SYNTAX);
  }
  if (!policy || typeof policy !== "object" || Array.isArray(policy)) throw malformed(SYNTAX);
  const { Version, Statement: rawStatements, Id, ...rest } = policy as Record<string, unknown>;
  if (Object.keys(rest).length) throw malformed(SYNTAX);
  if (Id !== undefined && typeof Id !== "string") throw malformed(SYNTAX);
  if (Version !== undefined && Version !== "2012-10-17" && Version !== "2008-10-17") throw malformed(SYNTAX);
  if (kind === "identity" && Version !== "2012-10-17") throw malformed("Policy document must be version 2012-10-17 or greater.");
  if (rawStatements === undefined) throw malformed(SYNTAX);
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (!list.length) throw malformed(SYNTAX);
  const statements = list.map((s) => grammar(s, kind));

  const sids = statements.map((s) => s.Sid).filter((sid) => sid);
  if (new Set(sids).size !== sids.length) throw malformed("Statement IDs (SID) in a single policy must be unique.");
  for (const s of statements) {
    if (!(s.Action ?? s.NotAction)?.length) throw malformed("Policy statement must contain actions.");
  }
  for (const s of statements) {
    if (kind === "identity" && !(s.Resource ?? s.NotResource)?.length) throw malformed("Policy statement must contain resources.");
    if (kind === "trust") {
      if (s.Resource !== undefined) throw malformed("Has prohibited field Resource.");
      if (s.NotResource !== undefined) throw malformed("Has prohibited field NotResource.");
      if (!s.Principal && !s.NotPrincipal) throw malformed("Missing required field Principal");
    }
  }
  for (const s of statements) {
    for (const action of s.Action ?? s.NotAction ?? []) checkAction(action, kind);
    if (kind === "trust" && s.Action && !s.Action.every(trustAction)) {
      throw malformed("Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity");
    }
  }
  for (const s of statements) {
    for (const resource of s.Resource ?? s.NotResource ?? []) checkResource(resource, Version === "2012-10-17");
  }
  for (const s of statements) checkConditionValues(s.Condition);
  return statements;
}

/**
 * Parses and checks an identity-based policy (inline or managed) the way IAM does before it
 * stores one, answering `MalformedPolicyDocument` with IAM's messages.
 */
export function parseIdentityPolicy(document: string): Statement[] {
  return parse(document, "identity").map(({ Principal: _p, NotPrincipal: _n, ...s }) => s);
}

/** Parses and checks a role's trust policy (§2.3); statements keep their Principal/NotPrincipal. */
export function parseTrustPolicy(document: string): Statement[] {
  return parse(document, "trust");
}

/**
 * A stored document as the evaluator reads it, without rechecking: documents stored before a
 * check was added (no Version, in an older SQLite state or snapshot) still evaluate. A statement
 * the grammar cannot read is left out rather than failing every request of its principal.
 */
export function readStoredPolicy(document: string, kind: PolicyKind = "identity"): Statement[] {
  try {
    return kind === "identity" ? parseIdentityPolicy(document) : parseTrustPolicy(document);
  } catch {
    let doc: { Statement?: unknown } | null;
    try {
      doc = JSON.parse(document) as { Statement?: unknown } | null;
    } catch {
      return [];
    }
    const raw = doc?.Statement;
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const out: Statement[] = [];
    for (const s of list) {
      try {
        const { Principal, NotPrincipal, ...rest } = grammar(s, "trust");
        out.push(kind === "identity" ? rest : { ...rest, ...(Principal ? { Principal } : {}), ...(NotPrincipal ? { NotPrincipal } : {}) });
      } catch {
        // Unreadable even leniently: no effect either way.
      }
    }
    return out;
  }
}

/** RFC 3986 percent-encoding, as GetGroupPolicy returns documents. */
export const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
