import type { AccessKeyMetadata, AttachedPolicy, Group, Policy, User } from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind, type ResourceLink } from "../../core/service.js";
import { ListAccessKeys } from "./accessKeys.js";
import { ListAttachedGroupPolicies } from "./groupPolicies.js";
import { GetGroup, ListGroups } from "./groups.js";
import { ListGroupsForUser } from "./membership.js";
import { T } from "./model.js";
import { GetPolicy, ListPolicies } from "./policies.js";
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
    return [
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

export const resources: ResourceKind[] = [users, groups, policies, accessKeys];
