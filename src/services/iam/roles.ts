import { storedTime } from "../../core/timestamps.js";
import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRolePermissionsBoundaryRequest,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListRolesRequest,
  ListRolesResponse,
  PutRolePermissionsBoundaryRequest,
  Role,
  UpdateAssumeRolePolicyRequest,
  UpdateRoleDescriptionRequest,
  UpdateRoleDescriptionResponse,
  UpdateRoleRequest,
} from "@aws-sdk/client-iam";
import type { PolicyStatement } from "../../core/auth/policy.js";
import { AwsError } from "../../core/errors.js";
import { pageByPath, paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import { uniqueId } from "./ids.js";
import { type Attachment, childKey, type InlinePolicy, isoSeconds, limitExceeded, listPage, nameKey, T } from "./model.js";
import { findPolicy } from "./policies.js";
import { parseTrustPolicy, rfc3986 } from "./policyDocument.js";
import { removeUse, setBoundary } from "./policyUsage.js";
import { type Tag, tagHandlers, tagsIfAny, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * Roles (spec iam-sts §2): a trust policy saying who may assume the role, a maximum session
 * duration, a permissions boundary, tags, and the policies hanging on its id (rolePolicies.ts).
 * Service-linked roles (serviceLinkedRoles.ts) are roles with `ServiceLinked` set: protected.
 */

export interface RoleRecord {
  RoleName: string;
  RoleId: string;
  Path: string;
  CreateDate: string;
  /** As sent (whitespace kept); outputs percent-encode it. */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags?: Tag[];
  RoleLastUsed?: { LastUsedDate: string; Region: string };
  /** The service principal of a service-linked role. */
  ServiceLinked?: string;
}

export const roleArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:role${path}${name}`;

export const noSuchRole = (name: string) => new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`);

export const protectedRole = (name: string) =>
  new AwsError("UnmodifiableEntity", `Cannot perform the operation on the protected role '${name}' - this role is only modifiable by AWS`);

export async function requireRole(tx: Transaction, account: string, name: string): Promise<RoleRecord> {
  const role = await tx.get<RoleRecord>(T.roles, nameKey(account, name));
  if (!role || role.RoleName !== name) throw noSuchRole(name);
  return role;
}

/** A role that is not service-linked (UnmodifiableEntity otherwise). */
export async function requireModifiableRole(tx: Transaction, account: string, name: string): Promise<RoleRecord> {
  const role = await requireRole(tx, account, name);
  if (role.ServiceLinked) throw protectedRole(role.RoleName);
  return role;
}

export const putRole = (tx: Transaction, account: string, role: RoleRecord) => tx.put<RoleRecord>(T.roles, nameKey(account, role.RoleName), role);

/**
 * The SDK's `Role` (§2.2): lists (and instance profiles' roles) never carry Tags,
 * PermissionsBoundary or RoleLastUsed; GetRole always carries RoleLastUsed (`{}` when unused).
 */
export function roleOutput(account: string, r: RoleRecord, call: "create" | "get" | "list"): Role {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: roleArn(account, r.Path, r.RoleName),
    CreateDate: storedTime(r.CreateDate),
    AssumeRolePolicyDocument: rfc3986(r.AssumeRolePolicyDocument),
    ...(r.Description !== undefined && r.Description !== "" ? { Description: r.Description } : {}),
    MaxSessionDuration: r.MaxSessionDuration,
    ...(call !== "list" && r.PermissionsBoundary
      ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const, PermissionsBoundaryArn: r.PermissionsBoundary } }
      : {}),
    ...(call !== "list" ? tagsIfAny(r.Tags) : {}),
    ...(call === "get"
      ? { RoleLastUsed: r.RoleLastUsed ? { LastUsedDate: storedTime(r.RoleLastUsed.LastUsedDate), Region: r.RoleLastUsed.Region } : {} }
      : {}),
  };
}

const DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;
const DESCRIPTION_TEXT = "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*";

export const roleName = (v: Validator, value: string | undefined, max = 64) => check.entityName(v, value, "RoleName", max);
export const description = (v: Validator, value: string | undefined) =>
  v.length(value, "Description", 0, 1000).pattern(value, "Description", DESCRIPTION, DESCRIPTION_TEXT);
const maxSessionDuration = (v: Validator, value: number | undefined) => v.range(value, "MaxSessionDuration", 3600, 43200);

/**
 * Checks a trust policy: grammar and trust rules (MalformedPolicyDocument), its size
 * (ACLSizePerRole), and that the users and roles of this account it names exist.
 */
export async function checkTrustPolicy(tx: Transaction, account: string, document: string, limit: number) {
  const statements = parseTrustPolicy(document);
  if (check.policySize(document) > limit) throw limitExceeded("ACLSizePerRole", limit);
  await checkPrincipals(tx, account, statements);
}

async function checkPrincipals(tx: Transaction, account: string, statements: PolicyStatement[]) {
  for (const s of statements) {
    for (const principal of [...(s.Principal?.AWS ?? []), ...(s.NotPrincipal?.AWS ?? [])]) {
      if (principal === "*" || /^\d{12}$/.test(principal) || /^arn:aws:iam::\d{12}:root$/.test(principal)) continue;
      // The unique id a deleted principal was rewritten to (see forgetPrincipal) is kept as is.
      if (/^A(IDA|ROA)[A-Z2-7]{17}$/.test(principal)) continue;
      const m = /^arn:aws:iam::(\d{12}):(user|role)(\/(?:.*\/)?)([\w+=,.@-]+)$/.exec(principal);
      const invalid = new AwsError("MalformedPolicyDocument", `Invalid principal in policy: "AWS":"${principal}"`);
      if (!m) {
        if (/^arn:aws:(iam|sts)::\d{12}:/.test(principal)) continue;
        throw invalid;
      }
      const [, owner, kind, path, name] = m;
      // Only principals of the caller's own account can be checked.
      if (owner !== account) continue;
      const row = await tx.get<{ Path: string; UserName?: string; RoleName?: string }>(kind === "user" ? T.users : T.roles, nameKey(account, name));
      if (!row || (row.UserName ?? row.RoleName) !== name || row.Path !== path) throw invalid;
    }
    for (const service of [...(s.Principal?.Service ?? []), ...(s.NotPrincipal?.Service ?? [])]) {
      if (!/^[a-z0-9.-]+\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com)$/.test(service) && service !== "*") {
        throw new AwsError("MalformedPolicyDocument", `Invalid principal in policy: "SERVICE":"${service}"`);
      }
    }
  }
}

export const CreateRole: Handler<CreateRoleRequest, CreateRoleResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName);
  check.path(v, input.Path, "Path");
  check.policyDocument(v, input.AssumeRolePolicyDocument, "AssumeRolePolicyDocument");
  description(v, input.Description);
  maxSessionDuration(v, input.MaxSessionDuration);
  check.arn(v, input.PermissionsBoundary, "PermissionsBoundary");
  v.check();
  validateTags(input.Tags as Tag[] | undefined, v);
  const document = input.AssumeRolePolicyDocument!;
  return ctx.transaction(async (tx) => {
    const key = nameKey(ctx.account, input.RoleName!);
    await checkTrustPolicy(tx, ctx.account, document, ctx.quota("ACLSizePerRole"));
    if (await tx.get(T.roles, key)) throw new AwsError("EntityAlreadyExists", `Role with name ${input.RoleName} already exists.`);
    const limit = ctx.quota("RolesPerAccount");
    if ((await tx.count(T.roles, `${ctx.account}/`)) >= limit) throw limitExceeded("RolesPerAccount", limit);
    const role: RoleRecord = {
      RoleName: input.RoleName!,
      RoleId: uniqueId("AROA"),
      Path: input.Path ?? "/",
      CreateDate: isoSeconds(ctx.now),
      AssumeRolePolicyDocument: document,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: input.MaxSessionDuration ?? 3600,
      ...(input.Tags?.length ? { Tags: input.Tags as Tag[] } : {}),
    };
    if (input.PermissionsBoundary) {
      await setBoundary(tx, ctx.account, roleEntity(role), undefined, input.PermissionsBoundary);
      role.PermissionsBoundary = input.PermissionsBoundary;
    }
    await putRole(tx, ctx.account, role);
    return { Role: roleOutput(ctx.account, role, "create") };
  });
};

export const roleEntity = (r: RoleRecord) => ({ type: "Role" as const, id: r.RoleId, name: r.RoleName, path: r.Path });

export const GetRole: Handler<GetRoleRequest, GetRoleResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName, 128);
  v.check();
  return ctx.transaction(async (tx) => ({ Role: roleOutput(ctx.account, await requireRole(tx, ctx.account, input.RoleName!), "get") }));
};

export const ListRoles: Handler<ListRolesRequest, ListRolesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const page = await pageByPath<RoleRecord>(tx, T.roles, ctx.account, input);
    return listPage("Roles", { items: page.items.map((r) => roleOutput(ctx.account, r, "list")), next: page.next });
  });
};

/** Description and/or MaxSessionDuration; allowed on service-linked roles (their description). */
export const UpdateRole: Handler<UpdateRoleRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName, 128);
  description(v, input.Description);
  maxSessionDuration(v, input.MaxSessionDuration);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.account, input.RoleName!);
    await putRole(tx, ctx.account, {
      ...role,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      ...(input.MaxSessionDuration !== undefined ? { MaxSessionDuration: input.MaxSessionDuration } : {}),
    });
    return {};
  });
};

export const UpdateRoleDescription: Handler<UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName);
  v.required(input.Description, "Description");
  description(v, input.Description);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = { ...(await requireRole(tx, ctx.account, input.RoleName!)), Description: input.Description! };
    await putRole(tx, ctx.account, role);
    return { Role: roleOutput(ctx.account, role, "get") };
  });
};

export const UpdateAssumeRolePolicy: Handler<UpdateAssumeRolePolicyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName);
  check.policyDocument(v, input.PolicyDocument);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireModifiableRole(tx, ctx.account, input.RoleName!);
    await checkTrustPolicy(tx, ctx.account, input.PolicyDocument!, ctx.quota("ACLSizePerRole"));
    await putRole(tx, ctx.account, { ...role, AssumeRolePolicyDocument: input.PolicyDocument! });
    return {};
  });
};

/** The DeleteConflict checks of a role, in AWS's order: instance profiles, attached, inline. */
export async function deleteRoleRecord(tx: Transaction, account: string, role: RoleRecord) {
  const under = childKey(account, role.RoleId);
  if (await tx.count(T.roleProfiles, under)) {
    throw new AwsError("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.");
  }
  if (await tx.count(T.roleAttached, under)) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
  if (await tx.count(T.rolePolicies, under)) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
  if (role.PermissionsBoundary) await removeUse(tx, account, role.PermissionsBoundary, { type: "Role", id: role.RoleId, usage: "PermissionsBoundary" }, true);
  await tx.delete(T.roles, nameKey(account, role.RoleName));
  await forgetPrincipal(tx, account, roleArn(account, role.Path, role.RoleName), role.RoleId);
}

/**
 * A user or role named in trust policies is deleted: AWS rewrites it there to its unique id
 * (AIDA…/AROA…), so a new principal of the same name is not trusted by accident. The text is
 * edited in place, keeping the rest of each document as it was sent. A scan of the account's
 * roles (at most RolesPerAccount), paid only on deletion.
 */
export async function forgetPrincipal(tx: Transaction, account: string, arn: string, uniqueId: string) {
  const quoted = JSON.stringify(arn);
  for (const [key, role] of await tx.scan<RoleRecord>(T.roles, { prefix: `${account}/`, limit: 100_000 })) {
    if (!role.AssumeRolePolicyDocument.includes(quoted)) continue;
    await tx.put<RoleRecord>(T.roles, key, { ...role, AssumeRolePolicyDocument: role.AssumeRolePolicyDocument.split(quoted).join(JSON.stringify(uniqueId)) });
  }
}

export const DeleteRole: Handler<DeleteRoleRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName);
  v.check();
  return ctx.transaction(async (tx) => {
    await deleteRoleRecord(tx, ctx.account, await requireModifiableRole(tx, ctx.account, input.RoleName!));
    return {};
  });
};

export const PutRolePermissionsBoundary: Handler<PutRolePermissionsBoundaryRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName, 128);
  check.arn(v, input.PermissionsBoundary, "PermissionsBoundary");
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireModifiableRole(tx, ctx.account, input.RoleName!);
    await setBoundary(tx, ctx.account, roleEntity(role), role.PermissionsBoundary, input.PermissionsBoundary!);
    await putRole(tx, ctx.account, { ...role, PermissionsBoundary: input.PermissionsBoundary! });
    return {};
  });
};

/** Succeeds, changing nothing, when the role has no boundary. */
export const DeleteRolePermissionsBoundary: Handler<DeleteRolePermissionsBoundaryRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  roleName(v, input.RoleName, 128);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireModifiableRole(tx, ctx.account, input.RoleName!);
    if (!role.PermissionsBoundary) return {};
    await setBoundary(tx, ctx.account, roleEntity(role), role.PermissionsBoundary, undefined);
    const { PermissionsBoundary: _gone, ...rest } = role;
    await putRole(tx, ctx.account, rest);
    return {};
  });
};

export const { Tag: TagRole, Untag: UntagRole, List: ListRoleTags } = tagHandlers({
  member: "RoleName",
  validate: (v, name) => roleName(v, name, 128),
  load: async (tx, account, name) => {
    const role = await requireRole(tx, account, name);
    return { tags: role.Tags, save: (Tags) => putRole(tx, account, { ...role, Tags }) };
  },
});

// ---- What other services (STS) and other IAM modules read: plain data, no handlers. ----

/** A role as STS and account-wide reports read it. */
export interface RoleView {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  /** The trust policy as stored (not encoded). */
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags: Tag[];
  ServiceLinked?: string;
  /** Inline policies, by name. */
  inlinePolicies: InlinePolicy[];
  /** Attached managed policies with their default document (a policy since deleted is left out). */
  attachedPolicies: Array<Attachment & { PolicyDocument: string }>;
}

/** A role of `account` by name (any case as stored) or by ARN (path included); undefined when none. */
export async function findRole(tx: Transaction, account: string, nameOrArn: string): Promise<RoleView | undefined> {
  let name = nameOrArn;
  let path: string | undefined;
  if (nameOrArn.startsWith("arn:")) {
    const m = /^arn:aws:iam::(\d{12}):role(\/(?:.*\/)?)([\w+=,.@-]+)$/.exec(nameOrArn);
    if (!m || m[1] !== account) return undefined;
    [, , path, name] = m;
  }
  const role = await tx.get<RoleRecord>(T.roles, nameKey(account, name));
  if (!role || role.RoleName !== name || (path !== undefined && role.Path !== path)) return undefined;
  return roleView(tx, account, role);
}

export async function roleView(tx: Transaction, account: string, role: RoleRecord): Promise<RoleView> {
  const under = childKey(account, role.RoleId);
  const inlinePolicies = (await tx.scan<InlinePolicy>(T.rolePolicies, { prefix: under, limit: 10_000 })).map(([, p]) => p);
  const attachedPolicies: RoleView["attachedPolicies"] = [];
  for (const [, a] of await tx.scan<Attachment>(T.roleAttached, { prefix: under, limit: 10_000 })) {
    const policy = await findPolicy(tx, account, a.PolicyArn);
    if (policy) attachedPolicies.push({ ...a, PolicyDocument: policy.PolicyDocument });
  }
  return {
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: roleArn(account, role.Path, role.RoleName),
    Path: role.Path,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
    MaxSessionDuration: role.MaxSessionDuration,
    ...(role.PermissionsBoundary ? { PermissionsBoundary: role.PermissionsBoundary } : {}),
    Tags: role.Tags ?? [],
    ...(role.ServiceLinked ? { ServiceLinked: role.ServiceLinked } : {}),
    inlinePolicies,
    attachedPolicies,
  };
}

/** Records that the role was used (assumed, or a session of it signed a request): GetRole's RoleLastUsed. */
export async function recordRoleUse(tx: Transaction, account: string, roleName: string, region: string, now: Date) {
  const role = await tx.get<RoleRecord>(T.roles, nameKey(account, roleName));
  if (!role || role.RoleName !== roleName) return;
  await putRole(tx, account, { ...role, RoleLastUsed: { LastUsedDate: isoSeconds(now), Region: region } });
}

/** Every role of the account in name order, a page at a time (for account-wide reports). */
export async function listRoleRecords(tx: Transaction, account: string, marker?: string, maxItems = 100) {
  return paginate<RoleRecord>(tx, T.roles, `${account}/`, { marker, maxItems });
}
