import type { AccessKeyMetadata, AttachedPolicy, Group, InstanceProfile, Policy, Role, ServerCertificateMetadata, User } from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind, type ResourceLink } from "../../core/service.js";
import { ListAccessKeys } from "./accessKeys.js";
import { ListAttachedGroupPolicies } from "./groupPolicies.js";
import { GetGroup, ListGroups } from "./groups.js";
import { GetInstanceProfile, ListInstanceProfiles, ListInstanceProfilesForRole } from "./instanceProfiles.js";
import { ListGroupsForUser } from "./membership.js";
import { GetMFADevice, ListMFADevices, ListVirtualMFADevices } from "./mfa.js";
import { T } from "./model.js";
import { GetOpenIDConnectProvider, ListOpenIDConnectProviders } from "./oidcProviders.js";
import { GetPolicy, ListPolicies } from "./policies.js";
import { ListEntitiesForPolicy } from "./policyUsage.js";
import { ListAttachedRolePolicies } from "./rolePolicies.js";
import { GetRole, ListRoles } from "./roles.js";
import { GetSAMLProvider, ListSAMLProviders } from "./samlProviders.js";
import { GetServerCertificate, ListServerCertificates } from "./serverCertificates.js";
import { GetSSHPublicKey, ListSSHPublicKeys } from "./sshKeys.js";
import { ListAttachedUserPolicies } from "./userPolicies.js";
import { GetUser, ListUsers } from "./users.js";

/** IAM's resource kinds for the web console, read through IAM's own handlers. */

const PAGE = 50;
const date = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);
type Page<T> = { items: T[] | undefined; next?: string };
const page = <T>(items: T[] | undefined, out: { Marker?: string }): Page<T> => ({ items, next: out.Marker });

const policyLink = (p: AttachedPolicy, direction: ResourceLink["direction"]): ResourceLink => ({
  service: "iam",
  kind: "policies",
  id: p.PolicyArn!,
  label: p.PolicyName,
  direction,
  relation: "attached policy",
});

const usersOfGroup = (ctx: RequestContext, GroupName: string) =>
  allPages(async (Marker) => {
    const out = await GetGroup({ GroupName, Marker }, ctx);
    return page(out.Users, out);
  });

const accessKeysOf = (ctx: RequestContext, UserName: string | undefined) =>
  allPages(async (Marker) => {
    const out = await ListAccessKeys({ UserName, Marker }, ctx);
    return page(out.AccessKeyMetadata, out);
  });

const users: ResourceKind = {
  name: "users",
  title: "Users",
  table: T.users,
  columns: ["UserName", "UserId", "Path", "CreateDate"],
  async list(ctx, Marker) {
    const out = await ListUsers({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.Users ?? []).map((u: User) => ({ id: u.UserName!, columns: { UserName: u.UserName, UserId: u.UserId, Path: u.Path, CreateDate: date(u.CreateDate) } })),
      next: out.Marker,
    };
  },
  get: (ctx, UserName) => GetUser({ UserName }, ctx),
  async links(ctx, UserName) {
    const groups = await allPages(async (Marker) => {
      const out = await ListGroupsForUser({ UserName, Marker }, ctx);
      return page(out.Groups, out);
    });
    const attached = await allPages(async (Marker) => {
      const out = await ListAttachedUserPolicies({ UserName, Marker }, ctx);
      return page((out as { AttachedPolicies?: AttachedPolicy[] }).AttachedPolicies, out as { Marker?: string });
    });
    const keys = await accessKeysOf(ctx, UserName);
    const mfa = await allPages(async (Marker) => {
      const out = await ListMFADevices({ UserName, Marker }, ctx);
      return page(out.MFADevices, out);
    });
    const ssh = await sshKeysOf(ctx, UserName);
    return [
      ...mfa.map((d): ResourceLink => ({ service: "iam", kind: "mfaDevices", id: d.SerialNumber!, direction: "referencedBy", relation: "MFA device" })),
      ...ssh.map((k): ResourceLink => ({ service: "iam", kind: "sshPublicKeys", id: `${UserName}/${k.SSHPublicKeyId}`, label: k.SSHPublicKeyId, direction: "referencedBy", relation: "SSH public key" })),
      ...groups.map((g: Group): ResourceLink => ({ service: "iam", kind: "groups", id: g.GroupName!, direction: "references", relation: "member of" })),
      ...attached.map((p) => policyLink(p, "references")),
      ...keys.map((k): ResourceLink => ({ service: "iam", kind: "accessKeys", id: `${UserName}/${k.AccessKeyId}`, label: k.AccessKeyId, direction: "referencedBy", relation: "access key" })),
    ];
  },
};

const groups: ResourceKind = {
  name: "groups",
  title: "Groups",
  table: T.groups,
  columns: ["GroupName", "GroupId", "Path", "CreateDate"],
  async list(ctx, Marker) {
    const out = await ListGroups({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.Groups ?? []).map((g: Group) => ({ id: g.GroupName!, columns: { GroupName: g.GroupName, GroupId: g.GroupId, Path: g.Path, CreateDate: date(g.CreateDate) } })),
      next: out.Marker,
    };
  },
  get: (ctx, GroupName) => GetGroup({ GroupName }, ctx),
  async links(ctx, GroupName) {
    const members = await usersOfGroup(ctx, GroupName);
    const attached = await allPages(async (Marker) => {
      const out = await ListAttachedGroupPolicies({ GroupName, Marker }, ctx);
      return page((out as { AttachedPolicies?: AttachedPolicy[] }).AttachedPolicies, out as { Marker?: string });
    });
    return [
      ...attached.map((p) => policyLink(p, "references")),
      ...members.map((u: User): ResourceLink => ({ service: "iam", kind: "users", id: u.UserName!, direction: "referencedBy", relation: "member" })),
    ];
  },
};

const policies: ResourceKind = {
  name: "policies",
  title: "Customer managed policies",
  table: T.policies,
  columns: ["PolicyName", "Arn", "AttachmentCount", "DefaultVersionId", "UpdateDate"],
  async list(ctx, Marker) {
    const out = await ListPolicies({ Scope: "Local", Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.Policies ?? []).map((p: Policy) => ({
        id: p.Arn!,
        columns: { PolicyName: p.PolicyName, Arn: p.Arn, AttachmentCount: p.AttachmentCount, DefaultVersionId: p.DefaultVersionId, UpdateDate: date(p.UpdateDate) },
      })),
      next: out.Marker,
    };
  },
  get: (ctx, PolicyArn) => GetPolicy({ PolicyArn }, ctx),
  async links(ctx, PolicyArn) {
    const links: ResourceLink[] = [];
    let Marker: string | undefined;
    do {
      const out = await ListEntitiesForPolicy({ PolicyArn, Marker }, ctx);
      const via = (kind: string, name: string | undefined): ResourceLink => ({ service: "iam", kind, id: name!, direction: "referencedBy", relation: "attached to" });
      links.push(...(out.PolicyUsers ?? []).map((u) => via("users", u.UserName)));
      links.push(...(out.PolicyGroups ?? []).map((g) => via("groups", g.GroupName)));
      links.push(...(out.PolicyRoles ?? []).map((r) => via("roles", r.RoleName)));
      Marker = out.Marker;
    } while (Marker && links.length < 1000);
    return links;
  },
};

const roles: ResourceKind = {
  name: "roles",
  title: "Roles",
  table: T.roles,
  columns: ["RoleName", "RoleId", "Path", "Description", "CreateDate"],
  async list(ctx, Marker) {
    const out = await ListRoles({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.Roles ?? []).map((r: Role) => ({ id: r.RoleName!, columns: { RoleName: r.RoleName, RoleId: r.RoleId, Path: r.Path, Description: r.Description, CreateDate: date(r.CreateDate) } })),
      next: out.Marker,
    };
  },
  get: (ctx, RoleName) => GetRole({ RoleName }, ctx),
  async links(ctx, RoleName) {
    const attached = await allPages(async (Marker) => {
      const out = await ListAttachedRolePolicies({ RoleName, Marker }, ctx);
      return page((out as { AttachedPolicies?: AttachedPolicy[] }).AttachedPolicies, out as { Marker?: string });
    });
    const profiles = await allPages(async (Marker) => {
      const out = await ListInstanceProfilesForRole({ RoleName, Marker }, ctx);
      return page(out.InstanceProfiles, out);
    });
    return [
      ...attached.map((p) => policyLink(p, "references")),
      ...profiles.map((p: InstanceProfile): ResourceLink => ({ service: "iam", kind: "instanceProfiles", id: p.InstanceProfileName!, direction: "referencedBy", relation: "instance profile" })),
    ];
  },
};

const instanceProfiles: ResourceKind = {
  name: "instanceProfiles",
  title: "Instance profiles",
  table: T.instanceProfiles,
  columns: ["InstanceProfileName", "InstanceProfileId", "Path", "Roles", "CreateDate"],
  async list(ctx, Marker) {
    const out = await ListInstanceProfiles({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.InstanceProfiles ?? []).map((p: InstanceProfile) => ({
        id: p.InstanceProfileName!,
        columns: { InstanceProfileName: p.InstanceProfileName, InstanceProfileId: p.InstanceProfileId, Path: p.Path, Roles: (p.Roles ?? []).map((r) => r.RoleName).join(", "), CreateDate: date(p.CreateDate) },
      })),
      next: out.Marker,
    };
  },
  get: (ctx, InstanceProfileName) => GetInstanceProfile({ InstanceProfileName }, ctx),
  async links(_ctx, _name, resource) {
    const roles = (resource as Awaited<ReturnType<typeof GetInstanceProfile>>).InstanceProfile?.Roles ?? [];
    return roles.map((r): ResourceLink => ({ service: "iam", kind: "roles", id: r.RoleName!, direction: "references", relation: "role" }));
  },
};

const mfaDevices: ResourceKind = {
  name: "mfaDevices",
  title: "Virtual MFA devices",
  table: T.mfaDevices,
  columns: ["SerialNumber", "UserName", "EnableDate"],
  async list(ctx, Marker) {
    const out = await ListVirtualMFADevices({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.VirtualMFADevices ?? []).map((d) => ({ id: d.SerialNumber!, columns: { SerialNumber: d.SerialNumber, UserName: d.User?.UserName, EnableDate: date(d.EnableDate) } })),
      next: out.Marker,
    };
  },
  get: (ctx, SerialNumber) => GetMFADevice({ SerialNumber }, ctx),
  async links(_ctx, _id, resource) {
    const user = (resource as Awaited<ReturnType<typeof GetMFADevice>>).UserName;
    return user ? [{ service: "iam", kind: "users", id: user, direction: "references", relation: "enabled for" }] : [];
  },
};

const sshKeysOf = (ctx: RequestContext, UserName: string) =>
  allPages(async (Marker) => {
    const out = await ListSSHPublicKeys({ UserName, Marker }, ctx);
    return page(out.SSHPublicKeys, out);
  });

/** Listed user by user, like access keys; the id is `UserName/SSHPublicKeyId`. */
const sshPublicKeys: ResourceKind = {
  name: "sshPublicKeys",
  title: "SSH public keys",
  table: T.sshKeys,
  columns: ["SSHPublicKeyId", "UserName", "Status", "UploadDate"],
  async list(ctx, Marker) {
    const out = await ListUsers({ Marker, MaxItems: 20 }, ctx);
    const rows = [];
    for (const user of out.Users ?? []) {
      for (const k of await sshKeysOf(ctx, user.UserName!)) {
        rows.push({ id: `${user.UserName}/${k.SSHPublicKeyId}`, columns: { SSHPublicKeyId: k.SSHPublicKeyId, UserName: user.UserName, Status: k.Status, UploadDate: date(k.UploadDate) } });
      }
    }
    return { rows, next: out.Marker };
  },
  get(ctx, id) {
    const { userName, keyId } = splitKeyId(id);
    return GetSSHPublicKey({ UserName: userName, SSHPublicKeyId: keyId, Encoding: "SSH" }, ctx);
  },
  async links(_ctx, id) {
    return [{ service: "iam", kind: "users", id: splitKeyId(id).userName!, direction: "references", relation: "user" }];
  },
};

/** Identity providers are few and not paged by IAM: one page. The id is the ARN. */
const oidcProviders: ResourceKind = {
  name: "oidcProviders",
  title: "OpenID Connect providers",
  table: T.oidcProviders,
  columns: ["Arn"],
  async list(ctx) {
    const out = await ListOpenIDConnectProviders({}, ctx);
    return { rows: (out.OpenIDConnectProviderList ?? []).map((p) => ({ id: p.Arn!, columns: { Arn: p.Arn } })) };
  },
  get: (ctx, OpenIDConnectProviderArn) => GetOpenIDConnectProvider({ OpenIDConnectProviderArn }, ctx),
};

const samlProviders: ResourceKind = {
  name: "samlProviders",
  title: "SAML providers",
  table: T.samlProviders,
  columns: ["Arn", "ValidUntil", "CreateDate"],
  async list(ctx) {
    const out = await ListSAMLProviders({}, ctx);
    return { rows: (out.SAMLProviderList ?? []).map((p) => ({ id: p.Arn!, columns: { Arn: p.Arn, ValidUntil: date(p.ValidUntil), CreateDate: date(p.CreateDate) } })) };
  },
  get: (ctx, SAMLProviderArn) => GetSAMLProvider({ SAMLProviderArn }, ctx),
};

const serverCertificates: ResourceKind = {
  name: "serverCertificates",
  title: "Server certificates",
  table: T.serverCerts,
  columns: ["ServerCertificateName", "ServerCertificateId", "Path", "Expiration", "UploadDate"],
  async list(ctx, Marker) {
    const out = await ListServerCertificates({ Marker, MaxItems: PAGE }, ctx);
    return {
      rows: (out.ServerCertificateMetadataList ?? []).map((c: ServerCertificateMetadata) => ({
        id: c.ServerCertificateName!,
        columns: { ServerCertificateName: c.ServerCertificateName, ServerCertificateId: c.ServerCertificateId, Path: c.Path, Expiration: date(c.Expiration), UploadDate: date(c.UploadDate) },
      })),
      next: out.Marker,
    };
  },
  get: (ctx, ServerCertificateName) => GetServerCertificate({ ServerCertificateName }, ctx),
};

/** Keys are listed user by user (IAM has no account-wide list); the id is `UserName/AccessKeyId`. */
const accessKeys: ResourceKind = {
  name: "accessKeys",
  title: "Access keys",
  table: T.accessKeys,
  columns: ["AccessKeyId", "UserName", "Status", "CreateDate"],
  async list(ctx, Marker) {
    const out = await ListUsers({ Marker, MaxItems: 20 }, ctx);
    const rows = [];
    for (const user of out.Users ?? []) {
      for (const k of await accessKeysOf(ctx, user.UserName)) rows.push(keyRow(k, user.UserName!));
    }
    return { rows, next: out.Marker };
  },
  async get(ctx, id) {
    const { userName, keyId } = splitKeyId(id);
    const key = (await accessKeysOf(ctx, userName)).find((k) => k.AccessKeyId === keyId);
    if (!key) throw new AwsError("NoSuchEntity", `The Access Key with id ${keyId} cannot be found.`, 404);
    // IAM has no Get for a key: this is its ListAccessKeys entry (the secret is never returned after CreateAccessKey).
    return { AccessKeyMetadata: key };
  },
  async links(_ctx, id) {
    const { userName } = splitKeyId(id);
    return userName ? [{ service: "iam", kind: "users", id: userName, direction: "references", relation: "user" }] : [];
  },
};

const keyRow = (k: AccessKeyMetadata, userName: string) => ({
  id: `${userName}/${k.AccessKeyId}`,
  columns: { AccessKeyId: k.AccessKeyId, UserName: userName, Status: k.Status, CreateDate: date(k.CreateDate) },
});

function splitKeyId(id: string) {
  const slash = id.lastIndexOf("/");
  return { userName: slash > 0 ? id.slice(0, slash) : undefined, keyId: id.slice(slash + 1) };
}

export const resources: ResourceKind[] = [users, groups, roles, policies, accessKeys, mfaDevices, sshPublicKeys, instanceProfiles, oidcProviders, samlProviders, serverCertificates];
