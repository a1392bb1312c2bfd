import type { PolicyStatement as Statement } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";

const malformed = (message: string) => new AwsError("MalformedPolicyDocument", message);

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"]);

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.length || !list.every((v) => typeof v === "string")) throw malformed("Syntax errors in policy.");
  return list as string[];
}

/**
 * Parses and checks an identity-based policy (inline or managed) the way IAM does before it
 * stores one, answering `MalformedPolicyDocument` with IAM's messages.
 */
export function parseIdentityPolicy(document: string): Statement[] {
  let policy: unknown;
  try {
    policy = JSON.parse(document);
  } catch {
    throw malformed("Syntax errors in policy.");
  }
  if (!policy || typeof policy !== "object" || Array.isArray(policy)) throw malformed("Syntax errors in policy.");
  const { Version, Statement: raw, Id, ...rest } = policy as Record<string, unknown>;
  if (Object.keys(rest).length) throw malformed("Syntax errors in policy.");
  if (Id !== undefined && typeof Id !== "string") throw malformed("Syntax errors in policy.");
  if (Version !== undefined && Version !== "2012-10-17" && Version !== "2008-10-17") {
    throw malformed("The policy failed legacy parsing");
  }
  if (raw === undefined) throw malformed("Syntax errors in policy.");
  const statements = Array.isArray(raw) ? raw : [raw];
  if (!statements.length) throw malformed("Syntax errors in policy.");
  return statements.map((s) => parseStatement(s, Version === "2012-10-17"));
}

function parseStatement(raw: unknown, variablesAllowed: boolean): Statement {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw malformed("Syntax errors in policy.");
  const s = raw as Record<string, unknown>;
  if (Object.keys(s).some((k) => !STATEMENT_KEYS.has(k))) throw malformed("Syntax errors in policy.");
  if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed("Policy document should not specify a principal.");
  if (s.Sid !== undefined && (typeof s.Sid !== "string" || !/^[A-Za-z0-9]*$/.test(s.Sid))) {
    throw malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*");
  }
  if (s.Effect === undefined) throw malformed("Policy statement must contain effect.");
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw malformed("Syntax errors in policy.");
  if (s.Action !== undefined && s.NotAction !== undefined) throw malformed("Syntax errors in policy.");
  if (s.Resource !== undefined && s.NotResource !== undefined) throw malformed("Syntax errors in policy.");
  const actions = stringList(s.Action ?? s.NotAction);
  if (!actions) throw malformed("Policy statement must contain actions.");
  for (const action of actions) {
    if (action !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]*$/.test(action)) {
      throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
  }
  const resources = stringList(s.Resource ?? s.NotResource);
  if (!resources) throw malformed("Policy statement must contain resources.");
  for (const resource of resources) {
    if (resource !== "*" && !/^arn:[^:]*:/.test(resource) && !(variablesAllowed && resource.startsWith("${"))) {
      throw malformed(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
  const condition = parseCondition(s.Condition);
  return {
    Sid: s.Sid as string | undefined,
    Effect: s.Effect,
    ...(s.Action !== undefined ? { Action: actions } : { NotAction: actions }),
    ...(s.Resource !== undefined ? { Resource: resources } : { NotResource: resources }),
    ...(condition ? { Condition: condition } : {}),
  };
}

function parseCondition(raw: unknown): Statement["Condition"] {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw malformed("Syntax errors in policy.");
  const out: NonNullable<Statement["Condition"]> = {};
  for (const [operator, block] of Object.entries(raw as Record<string, unknown>)) {
    if (!block || typeof block !== "object" || Array.isArray(block)) throw malformed("Syntax errors in policy.");
    out[operator] = {};
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => ["string", "number", "boolean"].includes(typeof v))) throw malformed("Syntax errors in policy.");
      out[operator][key] = list.map(String);
    }
  }
  return out;
}

/** RFC 3986 percent-encoding, as GetGroupPolicy returns documents. */
export const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
