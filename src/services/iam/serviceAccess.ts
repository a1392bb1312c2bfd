import type {
  ListPoliciesGrantingServiceAccessEntry,
  ListPoliciesGrantingServiceAccessRequest,
  ListPoliciesGrantingServiceAccessResponse,
  PolicyGrantingServiceAccess,
} from "@aws-sdk/client-iam";
import type { PolicyStatement } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type Attachment, childKey, type InlinePolicy, type Membership, requireGroup, requireUser, T } from "./model.js";
import { findPolicy } from "./policies.js";
import { readStoredPolicy } from "./policyDocument.js";
import { requireRole } from "./roles.js";
import * as check from "./validation.js";
import { invalidMarker } from "./pages.js";

/**
 * ListPoliciesGrantingServiceAccess: which of an identity's permissions policies (for a user,
 * its groups' too) allow some action of each service namespace. Only permissions policies
 * count: boundaries, resource policies and trust policies do not (as AWS documents).
 */

const MANY = 10_000;

interface Candidate {
  grant: PolicyGrantingServiceAccess;
  statements: PolicyStatement[];
}

/** Does an Allow statement reach some action of `namespace`? */
function grants(s: PolicyStatement, namespace: string): boolean {
  if (s.Effect !== "Allow") return false;
  const ns = namespace.toLowerCase();
  const vendorMatches = (action: string) => {
    if (action === "*") return true;
    const vendor = action.slice(0, action.indexOf(":")).toLowerCase();
    return new RegExp("^" + vendor.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$").test(ns);
  };
  if (s.Action) return s.Action.some(vendorMatches);
  // NotAction grants the service unless it excludes all of it.
  return !(s.NotAction ?? []).some((a) => a === "*" || a.toLowerCase() === `${ns}:*`);
}

async function inline(tx: Transaction, table: string, account: string, id: string, entityType: "USER" | "GROUP" | "ROLE", entityName: string): Promise<Candidate[]> {
  return (await tx.scan<InlinePolicy>(table, { prefix: childKey(account, id), limit: MANY })).map(([, p]) => ({
    grant: { PolicyName: p.PolicyName, PolicyType: "INLINE", EntityType: entityType, EntityName: entityName },
    statements: readStoredPolicy(p.PolicyDocument),
  }));
}

async function managed(tx: Transaction, table: string, account: string, id: string): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const [, a] of await tx.scan<Attachment>(table, { prefix: childKey(account, id), limit: MANY })) {
    const policy = await findPolicy(tx, account, a.PolicyArn);
    if (policy) out.push({ grant: { PolicyName: policy.PolicyName, PolicyType: "MANAGED", PolicyArn: policy.Arn }, statements: readStoredPolicy(policy.PolicyDocument) });
  }
  return out;
}

async function candidates(tx: Transaction, account: string, arn: string): Promise<Candidate[]> {
  const m = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([\w+=,.@-]+)$/.exec(arn);
  if (!m) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
  const [, owner, kind, , name] = m;
  if (owner !== account) throw new AwsError("NoSuchEntity", `The ${kind} with name ${name} cannot be found.`);
  if (kind === "role") {
    const role = await requireRole(tx, account, name);
    return [...(await inline(tx, T.rolePolicies, account, role.RoleId, "ROLE", role.RoleName)), ...(await managed(tx, T.roleAttached, account, role.RoleId))];
  }
  const groupCandidates = async (groupId: string, groupName: string) => [
    ...(await inline(tx, T.groupPolicies, account, groupId, "GROUP", groupName)),
    ...(await managed(tx, T.groupAttached, account, groupId)),
  ];
  if (kind === "group") {
    const group = await requireGroup(tx, account, name);
    return groupCandidates(group.GroupId, group.GroupName);
  }
  const user = await requireUser(tx, account, name);
  const out = [...(await inline(tx, T.userPolicies, account, user.UserId, "USER", user.UserName)), ...(await managed(tx, T.userAttached, account, user.UserId))];
  for (const [, g] of await tx.scan<Membership>(T.userGroups, { prefix: childKey(account, user.UserId), limit: MANY })) {
    out.push(...(await groupCandidates(g.GroupId, g.GroupName)));
  }
  return out;
}

export const ListPoliciesGrantingServiceAccess: Handler<ListPoliciesGrantingServiceAccessRequest, ListPoliciesGrantingServiceAccessResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.Arn, "Arn");
  v.required(input.ServiceNamespaces, "ServiceNamespaces");
  if (input.ServiceNamespaces && (input.ServiceNamespaces.length < 1 || input.ServiceNamespaces.length > 200)) {
    v.fail(`[${input.ServiceNamespaces.join(", ")}]`, "ServiceNamespaces", "Member must have length less than or equal to 200");
  }
  (input.ServiceNamespaces ?? []).forEach((ns, i) => v.length(ns, `ServiceNamespaces.${i + 1}.member`, 1, 64).pattern(ns, `ServiceNamespaces.${i + 1}.member`, /^[\w-]*$/, "[\\w-]*"));
  check.marker(v, input.Marker);
  v.check();
  // Every answer fits in one page (at most 200 namespaces); a marker this call never issues is refused.
  if (input.Marker !== undefined) throw invalidMarker();
  return ctx.transaction(async (tx) => {
    const found = await candidates(tx, ctx.account, input.Arn!);
    const entries: ListPoliciesGrantingServiceAccessEntry[] = input.ServiceNamespaces!.map((ns) => ({
      ServiceNamespace: ns,
      Policies: found.filter((c) => c.statements.some((s) => grants(s, ns))).map((c) => c.grant),
    }));
    return { PoliciesGrantingServiceAccess: entries, IsTruncated: false };
  });
};
