import type {
  AddRoleToInstanceProfileRequest,
  CreateInstanceProfileRequest,
  CreateInstanceProfileResponse,
  DeleteInstanceProfileRequest,
  GetInstanceProfileRequest,
  GetInstanceProfileResponse,
  InstanceProfile,
  ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse,
  ListInstanceProfilesRequest,
  ListInstanceProfilesResponse,
  RemoveRoleFromInstanceProfileRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { pageByPath, paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import { uniqueId } from "./ids.js";
import { childKey, isoSeconds, limitExceeded, listPage, nameKey, T } from "./model.js";
import { requireRole, roleName, type RoleRecord, roleOutput } from "./roles.js";
import { type Tag, tagHandlers, tagsIfAny, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * Instance profiles (spec iam-sts §4): a container for at most one role that EC2 hands to an
 * instance. The role is stored by name (roles cannot be renamed) and indexed by role id in
 * `roleProfiles`, which answers ListInstanceProfilesForRole and blocks DeleteRole.
 */

export interface InstanceProfileRecord {
  InstanceProfileName: string;
  InstanceProfileId: string;
  Path: string;
  CreateDate: string;
  Tags?: Tag[];
  RoleName?: string;
}

export const profileArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:instance-profile${path}${name}`;

const noSuchProfile = (name: string) => new AwsError("NoSuchEntity", `Instance Profile ${name} cannot be found.`);

const profileName = (v: Validator, value: string | undefined) => check.entityName(v, value, "InstanceProfileName", 128);

export async function requireProfile(tx: Transaction, account: string, name: string): Promise<InstanceProfileRecord> {
  const profile = await tx.get<InstanceProfileRecord>(T.instanceProfiles, nameKey(account, name));
  if (!profile || profile.InstanceProfileName !== name) throw noSuchProfile(name);
  return profile;
}

const putProfile = (tx: Transaction, account: string, p: InstanceProfileRecord) =>
  tx.put<InstanceProfileRecord>(T.instanceProfiles, nameKey(account, p.InstanceProfileName), p);

/** The SDK's `InstanceProfile`, its role as ListRoles shows roles; Tags only on Create/Get. */
export async function profileOutput(tx: Transaction, account: string, p: InstanceProfileRecord, withTags: boolean): Promise<InstanceProfile> {
  const roles: RoleRecord[] = [];
  if (p.RoleName) {
    const role = await tx.get<RoleRecord>(T.roles, nameKey(account, p.RoleName));
    if (role) roles.push(role);
  }
  return {
    Path: p.Path,
    InstanceProfileName: p.InstanceProfileName,
    InstanceProfileId: p.InstanceProfileId,
    Arn: profileArn(account, p.Path, p.InstanceProfileName),
    CreateDate: new Date(p.CreateDate),
    Roles: roles.map((r) => roleOutput(account, r, "list")),
    ...(withTags ? tagsIfAny(p.Tags) : {}),
  };
}

export const CreateInstanceProfile: Handler<CreateInstanceProfileRequest, CreateInstanceProfileResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  profileName(v, input.InstanceProfileName);
  check.path(v, input.Path, "Path");
  v.check();
  validateTags(input.Tags as Tag[] | undefined, v);
  return ctx.transaction(async (tx) => {
    const key = nameKey(ctx.account, input.InstanceProfileName!);
    if (await tx.get(T.instanceProfiles, key)) {
      throw new AwsError("EntityAlreadyExists", `Instance Profile ${input.InstanceProfileName} already exists.`);
    }
    const limit = ctx.quota("InstanceProfilesPerAccount");
    if ((await tx.count(T.instanceProfiles, `${ctx.account}/`)) >= limit) throw limitExceeded("InstanceProfilesPerAccount", limit);
    const profile: InstanceProfileRecord = {
      InstanceProfileName: input.InstanceProfileName!,
      InstanceProfileId: uniqueId("AIPA"),
      Path: input.Path ?? "/",
      CreateDate: isoSeconds(ctx.now),
      ...(input.Tags?.length ? { Tags: input.Tags as Tag[] } : {}),
    };
    await putProfile(tx, ctx.account, profile);
    return { InstanceProfile: await profileOutput(tx, ctx.account, profile, true) };
  });
};

export const GetInstanceProfile: Handler<GetInstanceProfileRequest, GetInstanceProfileResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  profileName(v, input.InstanceProfileName);
  v.check();
  return ctx.transaction(async (tx) => ({
    InstanceProfile: await profileOutput(tx, ctx.account, await requireProfile(tx, ctx.account, input.InstanceProfileName!), true),
  }));
};

export const ListInstanceProfiles: Handler<ListInstanceProfilesRequest, ListInstanceProfilesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const page = await pageByPath<InstanceProfileRecord>(tx, T.instanceProfiles, ctx.account, input);
    const items = [];
    for (const p of page.items) items.push(await profileOutput(tx, ctx.account, p, false));
    return listPage("InstanceProfiles", { items, next: page.next });
  });
};

export const ListInstanceProfilesForRole: Handler<ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.account, input.RoleName!);
    const page = await paginate<{ InstanceProfileName: string }>(tx, T.roleProfiles, childKey(ctx.account, role.RoleId), {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
    });
    const items = [];
    for (const { InstanceProfileName } of page.items) {
      const p = await tx.get<InstanceProfileRecord>(T.instanceProfiles, nameKey(ctx.account, InstanceProfileName));
      if (p) items.push(await profileOutput(tx, ctx.account, p, false));
    }
    return listPage("InstanceProfiles", { items, next: page.next });
  });
};

export const DeleteInstanceProfile: Handler<DeleteInstanceProfileRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  profileName(v, input.InstanceProfileName);
  v.check();
  return ctx.transaction(async (tx) => {
    const profile = await requireProfile(tx, ctx.account, input.InstanceProfileName!);
    if (profile.RoleName) throw new AwsError("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.");
    await tx.delete(T.instanceProfiles, nameKey(ctx.account, profile.InstanceProfileName));
    return {};
  });
};

const roleProfileKey = (account: string, role: RoleRecord, profile: string) => childKey(account, role.RoleId, profile.toLowerCase());

/** A profile holds one role at most; adding any role to a full one is LimitExceeded. */
export const AddRoleToInstanceProfile: Handler<AddRoleToInstanceProfileRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  profileName(v, input.InstanceProfileName);
  roleName(v, input.RoleName);
  v.check();
  return ctx.transaction(async (tx) => {
    const profile = await requireProfile(tx, ctx.account, input.InstanceProfileName!);
    const role = await requireRole(tx, ctx.account, input.RoleName!);
    if (profile.RoleName) throw limitExceeded("InstanceSessionsPerInstanceProfile", 1);
    await putProfile(tx, ctx.account, { ...profile, RoleName: role.RoleName });
    await tx.put(T.roleProfiles, roleProfileKey(ctx.account, role, profile.InstanceProfileName), { InstanceProfileName: profile.InstanceProfileName });
    return {};
  });
};

export const RemoveRoleFromInstanceProfile: Handler<RemoveRoleFromInstanceProfileRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  profileName(v, input.InstanceProfileName);
  roleName(v, input.RoleName);
  v.check();
  return ctx.transaction(async (tx) => {
    const profile = await requireProfile(tx, ctx.account, input.InstanceProfileName!);
    const role = await requireRole(tx, ctx.account, input.RoleName!);
    if (profile.RoleName !== role.RoleName) {
      throw new AwsError("NoSuchEntity", `Role ${role.RoleName} is not in instance profile ${profile.InstanceProfileName}.`);
    }
    const { RoleName: _gone, ...rest } = profile;
    await putProfile(tx, ctx.account, rest);
    await tx.delete(T.roleProfiles, roleProfileKey(ctx.account, role, profile.InstanceProfileName));
    return {};
  });
};

export const { Tag: TagInstanceProfile, Untag: UntagInstanceProfile, List: ListInstanceProfileTags } = tagHandlers({
  member: "InstanceProfileName",
  validate: profileName,
  load: async (tx, account, name) => {
    const profile = await requireProfile(tx, account, name);
    return { tags: profile.Tags, save: (Tags) => putProfile(tx, account, { ...profile, Tags }) };
  },
});

/** The instance profiles holding a role, as full profiles (account-wide reports). */
export async function profilesOfRole(tx: Transaction, account: string, role: RoleRecord): Promise<InstanceProfile[]> {
  const out: InstanceProfile[] = [];
  for (const [, { InstanceProfileName }] of await tx.scan<{ InstanceProfileName: string }>(T.roleProfiles, { prefix: childKey(account, role.RoleId), limit: 10_000 })) {
    const p = await tx.get<InstanceProfileRecord>(T.instanceProfiles, nameKey(account, InstanceProfileName));
    if (p) out.push(await profileOutput(tx, account, p, false));
  }
  return out;
}
