/** What IAM does, loaded on its first call (its definition is ./definition.ts). */
import { CreateAccessKey, DeleteAccessKey, ListAccessKeys, UpdateAccessKey } from "./accessKeys.js";
import { credentialOperations } from "./credentialOperations.js";
import {
  AttachGroupPolicy,
  DeleteGroupPolicy,
  DetachGroupPolicy,
  GetGroupPolicy,
  ListAttachedGroupPolicies,
  ListGroupPolicies,
  PutGroupPolicy,
} from "./groupPolicies.js";
import { CreateGroup, DeleteGroup, GetGroup, ListGroups, UpdateGroup } from "./groups.js";
import { AddUserToGroup, ListGroupsForUser, RemoveUserFromGroup } from "./membership.js";
import { CreatePolicy, DeletePolicy, GetPolicy, ListPolicies, ListPolicyTags, TagPolicy, UntagPolicy } from "./policies.js";
import { SimulateCustomPolicy, SimulatePrincipalPolicy } from "./simulation.js";
import {
  AttachUserPolicy,
  DeleteUserPolicy,
  DetachUserPolicy,
  GetUserPolicy,
  ListAttachedUserPolicies,
  ListUserPolicies,
  PutUserPolicy,
} from "./userPolicies.js";
import {
  CreateUser,
  DeleteUser,
  DeleteUserPermissionsBoundary,
  GetUser,
  ListUsers,
  ListUserTags,
  PutUserPermissionsBoundary,
  TagUser,
  UntagUser,
  UpdateUser,
} from "./users.js";
import {
  CreateRole,
  DeleteRole,
  DeleteRolePermissionsBoundary,
  GetRole,
  ListRoles,
  ListRoleTags,
  PutRolePermissionsBoundary,
  TagRole,
  UntagRole,
  UpdateAssumeRolePolicy,
  UpdateRole,
  UpdateRoleDescription,
} from "./roles.js";
import {
  AttachRolePolicy,
  DeleteRolePolicy,
  DetachRolePolicy,
  GetRolePolicy,
  ListAttachedRolePolicies,
  ListRolePolicies,
  PutRolePolicy,
} from "./rolePolicies.js";
import { ListEntitiesForPolicy } from "./policyUsage.js";
import { GetContextKeysForCustomPolicy, GetContextKeysForPrincipalPolicy } from "./contextKeys.js";
import { ListPoliciesGrantingServiceAccess } from "./serviceAccess.js";
import { CreatePolicyVersion, DeletePolicyVersion, GetPolicyVersion, ListPolicyVersions, SetDefaultPolicyVersion } from "./policyVersions.js";
import { CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus } from "./serviceLinkedRoles.js";
import {
  AddRoleToInstanceProfile,
  CreateInstanceProfile,
  DeleteInstanceProfile,
  GetInstanceProfile,
  ListInstanceProfiles,
  ListInstanceProfilesForRole,
  ListInstanceProfileTags,
  RemoveRoleFromInstanceProfile,
  TagInstanceProfile,
  UntagInstanceProfile,
} from "./instanceProfiles.js";
import { authorization as groupUserRoleAuthorization } from "./authorization.js";
import { credentialAuthorization } from "./credentialAuthorization.js";

// The identities IAM issues: the core resolves AKIA… keys and reads users' and roles' policies here.
export { identity } from "./identity.js";

export const authorization = { ...groupUserRoleAuthorization, ...credentialAuthorization };

export const handlers = {
  ...credentialOperations,
  CreateGroup,
  GetGroup,
  ListGroups,
  UpdateGroup,
  DeleteGroup,
  CreateUser,
  GetUser,
  ListUsers,
  UpdateUser,
  DeleteUser,
  TagUser,
  UntagUser,
  ListUserTags,
  PutUserPermissionsBoundary,
  DeleteUserPermissionsBoundary,
  CreateRole,
  GetRole,
  ListRoles,
  UpdateRole,
  UpdateRoleDescription,
  UpdateAssumeRolePolicy,
  DeleteRole,
  TagRole,
  UntagRole,
  ListRoleTags,
  PutRolePermissionsBoundary,
  DeleteRolePermissionsBoundary,
  PutRolePolicy,
  GetRolePolicy,
  ListRolePolicies,
  DeleteRolePolicy,
  AttachRolePolicy,
  DetachRolePolicy,
  ListAttachedRolePolicies,
  TagPolicy,
  UntagPolicy,
  ListPolicyTags,
  ListEntitiesForPolicy,
  GetContextKeysForCustomPolicy,
  GetContextKeysForPrincipalPolicy,
  ListPoliciesGrantingServiceAccess,
  CreatePolicyVersion,
  GetPolicyVersion,
  ListPolicyVersions,
  DeletePolicyVersion,
  SetDefaultPolicyVersion,
  CreateServiceLinkedRole,
  DeleteServiceLinkedRole,
  GetServiceLinkedRoleDeletionStatus,
  CreateInstanceProfile,
  GetInstanceProfile,
  ListInstanceProfiles,
  ListInstanceProfilesForRole,
  DeleteInstanceProfile,
  AddRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile,
  TagInstanceProfile,
  UntagInstanceProfile,
  ListInstanceProfileTags,
  AddUserToGroup,
  RemoveUserFromGroup,
  ListGroupsForUser,
  PutGroupPolicy,
  GetGroupPolicy,
  ListGroupPolicies,
  DeleteGroupPolicy,
  CreatePolicy,
  GetPolicy,
  ListPolicies,
  DeletePolicy,
  AttachGroupPolicy,
  DetachGroupPolicy,
  ListAttachedGroupPolicies,
  CreateAccessKey,
  ListAccessKeys,
  DeleteAccessKey,
  UpdateAccessKey,
  PutUserPolicy,
  GetUserPolicy,
  ListUserPolicies,
  DeleteUserPolicy,
  AttachUserPolicy,
  DetachUserPolicy,
  ListAttachedUserPolicies,
  SimulatePrincipalPolicy,
  SimulateCustomPolicy,
};
