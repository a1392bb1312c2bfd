import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind, type ResourceLink } from "../../core/service.js";
import { parseKeyArn } from "../kms/index.js";
import { DescribeAnalysis, ListAnalyses } from "./analyses.js";
import { DescribeDashboard, ListDashboards } from "./dashboards.js";
import { DescribeDataSet, ListDataSets } from "./dataSets.js";
import { DescribeDataSource, ListDataSources } from "./dataSources.js";
import { DescribeFolder, ListFolderMembers, ListFolders } from "./folders.js";
import { DescribeGroup, ListGroupMemberships, ListGroups } from "./groups.js";
import { DescribeKeyRegistration } from "./keyRegistration.js";
import { T } from "./model.js";
import { DescribeNamespace, ListNamespaces } from "./namespaces.js";
import { DescribeTemplate, ListTemplates } from "./templates.js";
import { DescribeTheme, ListThemes } from "./themes.js";
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

/** The console kind of a QuickSight asset ARN (`arn:aws:quicksight:R:A:dataset/ID`). */
const ASSET_KINDS: Record<string, string> = {
  datasource: "dataSources",
  dataset: "dataSets",
  analysis: "analyses",
  dashboard: "dashboards",
  template: "templates",
  theme: "themes",
  folder: "folders",
};

function assetLink(arn: string | undefined, direction: ResourceLink["direction"], relation: string): ResourceLink | undefined {
  const m = /^arn:[\w-]+:quicksight:([\w-]*):(\d{12}):(\w+)\/([^/]+)/.exec(arn ?? "");
  const kind = m && ASSET_KINDS[m[3]];
  return kind ? { service: "quicksight", kind, id: m[4], account: m[2], region: m[1] || undefined, direction, relation } : undefined;
}

const present = (links: Array<ResourceLink | undefined>) => links.filter((l): l is ResourceLink => !!l);

/** What every QuickSight asset list shares: a summary list and a NextToken. */
function assetKind<S>(spec: {
  name: string;
  title: string;
  table: string;
  columns: string[];
  list: (ctx: RequestContext, NextToken?: string) => Promise<{ items: S[] | undefined; next?: string }>;
  row: (summary: S) => { id: string; columns: Record<string, string | number | boolean | null | undefined> };
  get: ResourceKind["get"];
  links?: ResourceKind["links"];
}): ResourceKind {
  return {
    name: spec.name,
    title: spec.title,
    table: spec.table,
    columns: spec.columns,
    async list(ctx, cursor) {
      const out = await spec.list(ctx, cursor);
      return { rows: (out.items ?? []).map(spec.row), next: out.next };
    },
    get: spec.get,
    links: spec.links,
  };
}

const analyses = assetKind({
  name: "analyses",
  title: "Analyses",
  table: T.analyses,
  columns: ["Name", "AnalysisId", "Status", "LastUpdatedTime"],
  list: async (ctx, NextToken) => {
    const out = await ListAnalyses({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return { items: out.AnalysisSummaryList, next: out.NextToken };
  },
  row: (a) => ({ id: a.AnalysisId!, columns: { Name: a.Name, AnalysisId: a.AnalysisId, Status: a.Status, LastUpdatedTime: date(a.LastUpdatedTime) } }),
  get: (ctx, AnalysisId) => DescribeAnalysis({ AwsAccountId: ctx.account, AnalysisId }, ctx),
  async links(_ctx, _id, resource) {
    const a = (resource as Awaited<ReturnType<typeof DescribeAnalysis>>).Analysis;
    return present([...(a?.DataSetArns ?? []).map((arn) => assetLink(arn, "references", "data set")), assetLink(a?.ThemeArn, "references", "theme")]);
  },
});

const dashboards = assetKind({
  name: "dashboards",
  title: "Dashboards",
  table: T.dashboards,
  columns: ["Name", "DashboardId", "PublishedVersionNumber", "LastUpdatedTime"],
  list: async (ctx, NextToken) => {
    const out = await ListDashboards({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return { items: out.DashboardSummaryList, next: out.NextToken };
  },
  row: (d) => ({ id: d.DashboardId!, columns: { Name: d.Name, DashboardId: d.DashboardId, PublishedVersionNumber: d.PublishedVersionNumber, LastUpdatedTime: date(d.LastUpdatedTime) } }),
  get: (ctx, DashboardId) => DescribeDashboard({ AwsAccountId: ctx.account, DashboardId }, ctx),
  async links(_ctx, _id, resource) {
    const v = (resource as Awaited<ReturnType<typeof DescribeDashboard>>).Dashboard?.Version;
    return present([
      ...(v?.DataSetArns ?? []).map((arn) => assetLink(arn, "references", "data set")),
      assetLink(v?.SourceEntityArn, "references", "source"),
      assetLink(v?.ThemeArn, "references", "theme"),
    ]);
  },
});

const templates = assetKind({
  name: "templates",
  title: "Templates",
  table: T.templates,
  columns: ["Name", "TemplateId", "LatestVersionNumber", "LastUpdatedTime"],
  list: async (ctx, NextToken) => {
    const out = await ListTemplates({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return { items: out.TemplateSummaryList, next: out.NextToken };
  },
  row: (t) => ({ id: t.TemplateId!, columns: { Name: t.Name, TemplateId: t.TemplateId, LatestVersionNumber: t.LatestVersionNumber, LastUpdatedTime: date(t.LastUpdatedTime) } }),
  get: (ctx, TemplateId) => DescribeTemplate({ AwsAccountId: ctx.account, TemplateId }, ctx),
  async links(_ctx, _id, resource) {
    const v = (resource as Awaited<ReturnType<typeof DescribeTemplate>>).Template?.Version;
    return present([assetLink(v?.SourceEntityArn, "references", "source"), assetLink(v?.ThemeArn, "references", "theme")]);
  },
});

/** The account's own themes (QuickSight's built-in ones are listed by ListThemes Type=QUICKSIGHT). */
const themes = assetKind({
  name: "themes",
  title: "Themes",
  table: T.themes,
  columns: ["Name", "ThemeId", "LatestVersionNumber", "LastUpdatedTime"],
  list: async (ctx, NextToken) => {
    const out = await ListThemes({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE, Type: "CUSTOM" }, ctx);
    return { items: out.ThemeSummaryList, next: out.NextToken };
  },
  row: (t) => ({ id: t.ThemeId!, columns: { Name: t.Name, ThemeId: t.ThemeId, LatestVersionNumber: t.LatestVersionNumber, LastUpdatedTime: date(t.LastUpdatedTime) } }),
  get: (ctx, ThemeId) => DescribeTheme({ AwsAccountId: ctx.account, ThemeId }, ctx),
});

const folders = assetKind({
  name: "folders",
  title: "Folders",
  table: T.folders,
  columns: ["Name", "FolderId", "FolderType", "LastUpdatedTime"],
  list: async (ctx, NextToken) => {
    const out = await ListFolders({ AwsAccountId: ctx.account, NextToken, MaxResults: PAGE }, ctx);
    return { items: out.FolderSummaryList, next: out.NextToken };
  },
  row: (f) => ({ id: f.FolderId!, columns: { Name: f.Name, FolderId: f.FolderId, FolderType: f.FolderType, LastUpdatedTime: date(f.LastUpdatedTime) } }),
  get: (ctx, FolderId) => DescribeFolder({ AwsAccountId: ctx.account, FolderId }, ctx),
  async links(ctx, FolderId, resource) {
    const members = await allPages(async (NextToken) => {
      const out = await ListFolderMembers({ AwsAccountId: ctx.account, FolderId, NextToken, MaxResults: 100 }, ctx);
      return { items: out.FolderMemberList, next: out.NextToken };
    });
    const parent = (resource as Awaited<ReturnType<typeof DescribeFolder>>).Folder?.FolderPath?.at(-1);
    return present([assetLink(parent, "references", "parent folder"), ...members.map((m) => assetLink(m.MemberArn, "referencedBy", "member"))]);
  },
});

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
    const arns = new Set(tables.map((t) => t.RelationalTable?.DataSourceArn ?? t.CustomSql?.DataSourceArn ?? t.S3Source?.DataSourceArn));
    return present([...arns].map((arn) => assetLink(arn, "references", "data source")));
  },
};

export const resources: ResourceKind[] = [
  namespaces,
  users,
  groups,
  dataSources,
  dataSets,
  analyses,
  dashboards,
  templates,
  themes,
  folders,
  keyRegistrations,
];
