import type { ServiceDefinition } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { nameKey, T, type UserRecord } from "./model.js";
import { CreateAccessKey, DeleteAccessKey, ListAccessKeys, UpdateAccessKey } from "./accessKeys.js";
import { authorization } from "./authorization.js";
import { credentialAuthorization } from "./credentialAuthorization.js";
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
import { identity } from "./identity.js";
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
import { tables } from "./tables.js";
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

/** Read-only views for other services (QuickSight users and policy assignments): an IAM user by name, a managed policy by ARN. */
export { findPolicy } from "./policies.js";
export async function findIamUser(tx: Transaction, account: string, name: string): Promise<{ UserName: string; UserId: string; Path: string } | undefined> {
  const user = await tx.get<UserRecord>(T.users, nameKey(account, name));
  return user?.UserName === name ? user : undefined;
}

// The front door other services (STS) read roles through.
export { findRole, recordRoleUse, type RoleView } from "./roles.js";

// For STS: MFA codes (GetSessionToken, AssumeRole with SerialNumber), identity providers (AssumeRoleWithWebIdentity/WithSAML).
export { checkMfaCode } from "./mfa.js";
export { findOidcProvider } from "./oidcProviders.js";
export { findSamlProvider } from "./samlProviders.js";
export { outboundFederation } from "./account.js";

export const iam: ServiceDefinition = {
  name: "iam",
  title: "IAM",
  signingName: "iam",
  protocol: "awsQuery",
  global: true,
  apiVersion: "2010-05-08",
  xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
  hostPrefixes: ["iam"],
  validationErrorCode: "ValidationError",
  internalErrorCode: "ServiceFailure",
  loadSchemas: () => import("@aws-sdk/client-iam"),
  // AWS's default quotas; real accounts can raise some, hence `--quota iam.<Name>=N`.
  quotas: {
    SigningCertificatesPerUser: 2,
    ServerCertificatesPerAccount: 20,
    OpenIdConnectProvidersPerAccount: 100,
    SAMLProvidersPerAccount: 100,
    GroupsPerAccount: 300,
    UsersPerAccount: 5000,
    GroupsPerUser: 10,
    PoliciesPerGroup: 10,
    InlinePolicySizePerGroup: 5120,
    PoliciesPerAccount: 1500,
    PolicySize: 6144,
    AccessKeysPerUser: 2,
    InlinePolicySizePerUser: 2048,
    PoliciesPerUser: 10,
    RolesPerAccount: 1000,
    PoliciesPerRole: 10,
    InlinePolicySizePerRole: 10240,
    ACLSizePerRole: 2048,
    InstanceProfilesPerAccount: 1000,
    VersionsPerPolicy: 5,
  },
  // IAM allows 15 minutes of clock skew like STS (SPEC §8: observed on STS, assumed for IAM).
  signatureWindowMinutes: 15,
  identity,
  tables,
  authorization: { ...authorization, ...credentialAuthorization },
  resources: () => import("./consoleResources.js").then((m) => m.resources),
  handlers: {
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
  },
};
