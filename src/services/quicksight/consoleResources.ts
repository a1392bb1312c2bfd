import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind, type ResourceLink } from "../../core/service.js";
import { parseKeyArn } from "../kms/index.js";
import { DescribeDataSet, ListDataSets } from "./dataSets.js";
import { DescribeDataSource, ListDataSources } from "./dataSources.js";
import { DescribeGroup, ListGroupMemberships, ListGroups } from "./groups.js";
import { DescribeKeyRegistration } from "./keyRegistration.js";
import { T } from "./model.js";
import { DescribeNamespace, ListNamespaces } from "./namespaces.js";
import { DescribeUser, ListUserGroups, ListUsers } from "./users.js";

/** QuickSight's resource kinds for the web console (regional), read through QuickSight's own handlers. */

const PAGE = 50;
const date = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

/** One row per registered KMS key of the account and region; the detail is DescribeKeyRegistration's entry. */
const keyRegistrations: ResourceKind = {
  name: "keyRegistrations",
  title: "Key registrations",
  table: T.keyRegistrations,
  columns: ["KeyArn", "DefaultKey"],
  async list(ctx) {
    const out = await DescribeKeyRegistration({ AwsAccountId: ctx.account }, ctx);
    return { rows: (out.KeyRegistration ?? []).map((k) => ({ id: k.KeyArn!, columns: { KeyArn: k.KeyArn, DefaultKey: k.DefaultKey } })) };
  },
  async get(ctx, keyArn) {
    const out = await DescribeKeyRegistration({ AwsAccountId: ctx.account }, ctx);
    const entry = out.KeyRegistration?.find((k) => k.KeyArn === keyArn);
    if (!entry) throw new AwsError("ResourceNotFoundException", `KMS key ${keyArn} is not registered in account ${ctx.account}.`, 404);
    return { AwsAccountId: out.AwsAccountId, KeyRegistration: [entry] };
  },
  async links(_ctx, keyArn) {
    const arn = parseKeyArn(keyArn);
    if (!arn) return [];
    return [{ service: "kms", kind: "keys", id: arn.keyId, account: arn.account, region: arn.region, direction: "references", relation: "KMS key" }];
  },
};

const namespaceNames = async (ctx: RequestContext) =>
  (
    await allPages(async (NextToken) => {
      const out = await ListNamespaces({ AwsAccountId: ctx.account, NextToken, MaxResults: 100 }, ctx);
      return { items: out.Namespaces, next: out.NextToken };
    })
  ).map((n) => n.Name!);

const namespaces: ResourceKind = {
  name: "namespaces",
  title: "Namespaces",
  table: T.namespaces,
  accountKeyed: true,
  columns: ["Name", "CreationStatus", "IdentityStore", "CapacityRegion"],
  async list(ctx, NextToken) {
    const out = await ListNamespaces({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return {
      rows: (out.Namespaces ?? []).map((n) => ({ id: n.Name!, columns: { Name: n.Name, CreationStatus: n.CreationStatus, IdentityStore: n.IdentityStore, CapacityRegion: n.CapacityRegion } })),
      next: out.NextToken,
    };
  },
  get: (ctx, Namespace) => DescribeNamespace({ AwsAccountId: ctx.account, Namespace }, ctx),
};

/** Users and groups live in a namespace: ids are `namespace/name` (a namespace name has no slash; a user name may). */
const split = (id: string) => ({ Namespace: id.slice(0, id.indexOf("/")), name: id.slice(id.indexOf("/") + 1) });

/**
 * Pages through every namespace in turn: the cursor is `<namespace index>:<NextToken>`.
 */
function acrossNamespaces<T>(page: (ctx: RequestContext, Namespace: string, NextToken?: string) => Promise<{ items: T[]; next?: string }>) {
  return async (ctx: RequestContext, cursor?: string) => {
    const names = await namespaceNames(ctx);
    let index = cursor ? Number(cursor.slice(0, cursor.indexOf(":"))) : 0;
    let token = cursor ? cursor.slice(cursor.indexOf(":") + 1) || undefined : undefined;
    while (index < names.length) {
      const out = await page(ctx, names[index], token);
      if (out.next) return { items: out.items.map((item) => ({ item, Namespace: names[index] })), next: `${index}:${out.next}` };
      const next = index + 1 < names.length ? `${index + 1}:` : undefined;
      if (out.items.length || !next) return { items: out.items.map((item) => ({ item, Namespace: names[index] })), next };
      index++;
      token = undefined;
    }
    return { items: [] as Array<{ item: T; Namespace: string }>, next: undefined };
  };
}

const userPages = acrossNamespaces(async (ctx, Namespace, NextToken) => {
  const out = await ListUsers({ AwsAccountId: ctx.account, Namespace, NextToken, MaxResults: PAGE }, ctx);
  return { items: out.UserList ?? [], next: out.NextToken };
});

const users: ResourceKind = {
  name: "users",
  title: "Users",
  table: T.users,
  accountKeyed: true,
  columns: ["UserName", "Namespace", "Email", "Role", "IdentityType", "Active"],
  async list(ctx, cursor) {
    const page = await userPages(ctx, cursor);
    return {
      rows: page.items.map(({ item: u, Namespace }) => ({
        id: `${Namespace}/${u.UserName}`,
        columns: { UserName: u.UserName, Namespace, Email: u.Email, Role: u.Role, IdentityType: u.IdentityType, Active: u.Active },
      })),
      next: page.next,
    };
  },
  async get(ctx, id) {
    const { Namespace, name } = split(id);
    return DescribeUser({ AwsAccountId: ctx.account, Namespace, UserName: name }, ctx);
  },
  async links(ctx, id) {
    const { Namespace, name } = split(id);
    const groups = await allPages(async (NextToken) => {
      const out = await ListUserGroups({ AwsAccountId: ctx.account, Namespace, UserName: name, NextToken, MaxResults: 100 }, ctx);
      return { items: out.GroupList, next: out.NextToken };
    });
    return groups.map((g): ResourceLink => ({ service: "quicksight", kind: "groups", id: `${Namespace}/${g.GroupName}`, label: g.GroupName, direction: "references", relation: "member of" }));
  },
};

const groupPages = acrossNamespaces(async (ctx, Namespace, NextToken) => {
  const out = await ListGroups({ AwsAccountId: ctx.account, Namespace, NextToken, MaxResults: PAGE }, ctx);
  return { items: out.GroupList ?? [], next: out.NextToken };
});

const groups: ResourceKind = {
  name: "groups",
  title: "Groups",
  table: T.groups,
  accountKeyed: true,
  columns: ["GroupName", "Namespace", "Description", "PrincipalId"],
  async list(ctx, cursor) {
    const page = await groupPages(ctx, cursor);
    return {
      rows: page.items.map(({ item: g, Namespace }) => ({ id: `${Namespace}/${g.GroupName}`, columns: { GroupName: g.GroupName, Namespace, Description: g.Description, PrincipalId: g.PrincipalId } })),
      next: page.next,
    };
  },
  async get(ctx, id) {
    const { Namespace, name } = split(id);
    return DescribeGroup({ AwsAccountId: ctx.account, Namespace, GroupName: name }, ctx);
  },
  async links(ctx, id) {
    const { Namespace, name } = split(id);
    const members = await allPages(async (NextToken) => {
      const out = await ListGroupMemberships({ AwsAccountId: ctx.account, Namespace, GroupName: name, NextToken, MaxResults: 100 }, ctx);
      return { items: out.GroupMemberList, next: out.NextToken };
    });
    return members.map((m): ResourceLink => ({ service: "quicksight", kind: "users", id: `${Namespace}/${m.MemberName}`, label: m.MemberName, direction: "referencedBy", relation: "member" }));
  },
};

const dataSources: ResourceKind = {
  name: "dataSources",
  title: "Data sources",
  table: T.dataSources,
  columns: ["Name", "DataSourceId", "Type", "Status", "LastUpdatedTime"],
  async list(ctx, NextToken) {
    const out = await ListDataSources({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return {
      rows: (out.DataSources ?? []).map((d) => ({ id: d.DataSourceId!, columns: { Name: d.Name, DataSourceId: d.DataSourceId, Type: d.Type, Status: d.Status, LastUpdatedTime: date(d.LastUpdatedTime) } })),
      next: out.NextToken,
    };
  },
  get: (ctx, DataSourceId) => DescribeDataSource({ AwsAccountId: ctx.account, DataSourceId }, ctx),
};

const dataSourceId = (arn: string | undefined) => /:datasource\/(.+)$/.exec(arn ?? "")?.[1];

const dataSets: ResourceKind = {
  name: "dataSets",
  title: "Data sets",
  table: T.dataSets,
  columns: ["Name", "DataSetId", "ImportMode", "LastUpdatedTime"],
  async list(ctx, NextToken) {
    const out = await ListDataSets({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return {
      rows: (out.DataSetSummaries ?? []).map((d) => ({ id: d.DataSetId!, columns: { Name: d.Name, DataSetId: d.DataSetId, ImportMode: d.ImportMode, LastUpdatedTime: date(d.LastUpdatedTime) } })),
      next: out.NextToken,
    };
  },
  get: (ctx, DataSetId) => DescribeDataSet({ AwsAccountId: ctx.account, DataSetId }, ctx),
  async links(_ctx, _id, resource) {
    const tables = Object.values((resource as Awaited<ReturnType<typeof DescribeDataSet>>).DataSet?.PhysicalTableMap ?? {});
    const ids = new Set(
      tables.map((t) => dataSourceId(t.RelationalTable?.DataSourceArn ?? t.CustomSql?.DataSourceArn ?? t.S3Source?.DataSourceArn)).filter((id): id is string => !!id),
    );
    return [...ids].map((id): ResourceLink => ({ service: "quicksight", kind: "dataSources", id, direction: "references", relation: "data source" }));
  },
};

export const resources: ResourceKind[] = [namespaces, users, groups, dataSources, dataSets, keyRegistrations];
