import { policyHandlers } from "./attachedPolicies.js";
import { requireUser, T } from "./model.js";

/** A user's inline and attached managed policies (the behaviour is in attachedPolicies.ts). */
const user = policyHandlers({
  kind: "user",
  type: "User",
  nameMember: "UserName",
  find: async (tx, account, name) => {
    const u = await requireUser(tx, account, name);
    return { id: u.UserId, name: u.UserName, path: u.Path };
  },
  inlineTable: T.userPolicies,
  attachedTable: T.userAttached,
  inlineSizeQuota: "InlinePolicySizePerUser",
  attachedQuota: "PoliciesPerUser",
});

export const {
  PutPolicy: PutUserPolicy,
  GetPolicy: GetUserPolicy,
  ListPolicies: ListUserPolicies,
  DeletePolicy: DeleteUserPolicy,
  AttachPolicy: AttachUserPolicy,
  DetachPolicy: DetachUserPolicy,
  ListAttachedPolicies: ListAttachedUserPolicies,
} = user;
