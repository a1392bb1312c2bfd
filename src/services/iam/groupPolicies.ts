import { policyHandlers } from "./attachedPolicies.js";
import { requireGroup, T } from "./model.js";

/** A group's inline and attached managed policies (the behaviour is in attachedPolicies.ts). */
const group = policyHandlers({
  kind: "group",
  type: "Group",
  nameMember: "GroupName",
  find: async (tx, account, name) => {
    const g = await requireGroup(tx, account, name);
    return { id: g.GroupId, name: g.GroupName, path: g.Path };
  },
  inlineTable: T.groupPolicies,
  attachedTable: T.groupAttached,
  inlineSizeQuota: "InlinePolicySizePerGroup",
  attachedQuota: "PoliciesPerGroup",
});

export const {
  PutPolicy: PutGroupPolicy,
  GetPolicy: GetGroupPolicy,
  ListPolicies: ListGroupPolicies,
  DeletePolicy: DeleteGroupPolicy,
  AttachPolicy: AttachGroupPolicy,
  DetachPolicy: DetachGroupPolicy,
  ListAttachedPolicies: ListAttachedGroupPolicies,
} = group;
