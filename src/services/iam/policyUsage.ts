import type { ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse } from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type PolicyRecord, T } from "./model.js";
import { countUse, findPolicy } from "./policies.js";
import * as check from "./validation.js";

/**
 * Who uses a managed policy: one row per entity attaching it (PermissionsPolicy) or holding it
 * as its permissions boundary (PermissionsBoundary), keyed under the policy's ARN. The rows
 * answer ListEntitiesForPolicy from an index and keep the policy's AttachmentCount and
 * PermissionsBoundaryUsageCount. Renames and moves rewrite the rows of the entity (`moveUses`).
 */

export type EntityType = "User" | "Group" | "Role";
export type Usage = "PermissionsPolicy" | "PermissionsBoundary";

export interface PolicyUse {
  type: EntityType;
  id: string;
  name: string;
  path: string;
  usage: Usage;
}

const useKey = (account: string, arn: string, u: Pick<PolicyUse, "usage" | "type" | "id">) => `${account}/${arn} ${u.usage} ${u.type} ${u.id}`;

/** Records a use of `policy` (already checked to exist) and counts it. */
export async function addUse(tx: Transaction, account: string, policy: PolicyRecord, use: PolicyUse) {
  const key = useKey(account, policy.Arn, use);
  if (await tx.get(T.policyUses, key)) return;
  await tx.put<PolicyUse>(T.policyUses, key, use);
  await countUse(tx, account, policy, 1, use.usage);
}

/**
 * Forgets a use; the policy's count goes down if the policy still exists. `existed`: the caller
 * knows the use existed (an attachment it just removed), so the count goes down even for state
 * written before uses were indexed.
 */
export async function removeUse(tx: Transaction, account: string, arn: string, use: Pick<PolicyUse, "usage" | "type" | "id">, existed = false) {
  if (!(await tx.delete(T.policyUses, useKey(account, arn, use))) && !existed) return;
  const policy = await findPolicy(tx, account, arn);
  if (policy) await countUse(tx, account, policy, -1, use.usage);
}

/** After a rename or a move: the entity's rows for each policy it uses carry its new name and path. */
export async function moveUses(tx: Transaction, account: string, entity: Omit<PolicyUse, "usage">, uses: Array<{ arn: string; usage: Usage }>) {
  for (const { arn, usage } of uses) {
    const key = useKey(account, arn, { ...entity, usage });
    if (await tx.get(T.policyUses, key)) await tx.put<PolicyUse>(T.policyUses, key, { ...entity, usage });
  }
}

/**
 * Changes an entity's permissions boundary: the new policy must exist and be attachable
 * ("Scope ARN: … does not exist or is not attachable."); undefined removes it.
 */
export async function setBoundary(tx: Transaction, account: string, entity: Omit<PolicyUse, "usage">, old: string | undefined, arn: string | undefined) {
  if (arn !== undefined) {
    const policy = await requireBoundaryPolicy(tx, account, arn);
    if (old === arn) return;
    await addUse(tx, account, policy, { ...entity, usage: "PermissionsBoundary" });
  }
  if (old !== undefined && old !== arn) await removeUse(tx, account, old, { ...entity, usage: "PermissionsBoundary" }, true);
}

export async function requireBoundaryPolicy(tx: Transaction, account: string, arn: string): Promise<PolicyRecord> {
  const parsed = /^arn:aws:iam::(\d{12}|aws):policy\//.test(arn);
  if (!parsed) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
  const policy = await findPolicy(tx, account, arn).catch(() => undefined);
  if (!policy) throw new AwsError("NoSuchEntity", `Scope ARN: ${arn} does not exist or is not attachable.`);
  return policy;
}

const ENTITY_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

export const ListEntitiesForPolicy: Handler<ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.arn(v, input.PolicyArn, "PolicyArn");
  v.oneOf(input.EntityFilter, "EntityFilter", ENTITY_FILTERS);
  v.oneOf(input.PolicyUsageFilter, "PolicyUsageFilter", ["PermissionsPolicy", "PermissionsBoundary"]);
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  check.parsePolicyArn(input.PolicyArn!);
  return ctx.transaction(async (tx) => {
    const policy = await findPolicy(tx, ctx.account, input.PolicyArn!);
    if (!policy) throw new AwsError("NoSuchEntity", `Policy ${input.PolicyArn} was not found.`);
    const prefix = `${ctx.account}/${policy.Arn} ${input.PolicyUsageFilter ? input.PolicyUsageFilter + " " : ""}`;
    const type = input.EntityFilter;
    const pathPrefix = input.PathPrefix ?? "/";
    const page = await paginate<PolicyUse>(tx, T.policyUses, prefix, {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
      filter: (u) => (!type || u.type === type) && u.path.startsWith(pathPrefix),
    });
    // An entity using the policy both ways is listed once.
    const seen = new Set<string>();
    const out: Required<Pick<ListEntitiesForPolicyResponse, "PolicyGroups" | "PolicyUsers" | "PolicyRoles">> = { PolicyGroups: [], PolicyUsers: [], PolicyRoles: [] };
    for (const u of page.items) {
      if (seen.has(u.type + u.id)) continue;
      seen.add(u.type + u.id);
      if (u.type === "Group") out.PolicyGroups.push({ GroupName: u.name, GroupId: u.id });
      else if (u.type === "User") out.PolicyUsers.push({ UserName: u.name, UserId: u.id });
      else out.PolicyRoles.push({ RoleName: u.name, RoleId: u.id });
    }
    return { ...out, IsTruncated: page.next !== undefined, ...(page.next ? { Marker: page.next } : {}) };
  });
};

/** After a rename or move of a user, group or role: its policy-use rows follow it. */
export async function moveEntity(tx: Transaction, account: string, attachedTable: string, entity: Omit<PolicyUse, "usage">, boundary?: string) {
  const attached = await tx.scan<{ PolicyArn: string }>(attachedTable, { prefix: `${account}/${entity.id}/`, limit: 1000 });
  const uses: Array<{ arn: string; usage: Usage }> = attached.map(([, a]) => ({ arn: a.PolicyArn, usage: "PermissionsPolicy" }));
  if (boundary) uses.push({ arn: boundary, usage: "PermissionsBoundary" });
  await moveUses(tx, account, entity, uses);
}
