import { policyHandlers } from "./attachedPolicies.js";
import { T } from "./model.js";
import { protectedRole, requireRole } from "./roles.js";

/** A role's inline and attached managed policies (the behaviour is in attachedPolicies.ts). */
const role = policyHandlers({
  kind: "role",
  type: "Role",
  nameMember: "RoleName",
  find: async (tx, account, name) => {
    const r = await requireRole(tx, account, name);
    return { id: r.RoleId, name: r.RoleName, path: r.Path, ...(r.ServiceLinked ? { unmodifiable: protectedRole(r.RoleName) } : {}) };
  },
  inlineTable: T.rolePolicies,
  attachedTable: T.roleAttached,
  inlineSizeQuota: "InlinePolicySizePerRole",
  attachedQuota: "PoliciesPerRole",
});

export const {
  PutPolicy: PutRolePolicy,
  GetPolicy: GetRolePolicy,
  ListPolicies: ListRolePolicies,
  DeletePolicy: DeleteRolePolicy,
  AttachPolicy: AttachRolePolicy,
  DetachPolicy: DetachRolePolicy,
  ListAttachedPolicies: ListAttachedRolePolicies,
} = role;
