import type {
  CreateDashboardRequest,
  CreateDashboardResponse,
  Dashboard,
  DashboardSummary,
  DashboardVersion,
  DashboardVersionSummary,
  DeleteDashboardRequest,
  DeleteDashboardResponse,
  DescribeDashboardDefinitionRequest,
  DescribeDashboardDefinitionResponse,
  DescribeDashboardPermissionsRequest,
  DescribeDashboardPermissionsResponse,
  DescribeDashboardRequest,
  DescribeDashboardResponse,
  ListDashboardsRequest,
  ListDashboardsResponse,
  ListDashboardVersionsRequest,
  ListDashboardVersionsResponse,
  UpdateDashboardPermissionsRequest,
  UpdateDashboardPermissionsResponse,
  UpdateDashboardPublishedVersionRequest,
  UpdateDashboardPublishedVersionResponse,
  UpdateDashboardRequest,
  UpdateDashboardResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type AssetKind, changePermissions, listAssets, newAsset, removeAsset, requireAsset, save, saveNew, validateId } from "./assets.js";
import {
  analysisDefinition,
  checkThemeArn,
  declaredDataSets,
  type Definition,
  deleteVersion,
  latest,
  pickVersion,
  sheetsOf,
  type Version,
  type Versioned,
  versionArn,
  versionPage,
  versionStatus,
  withVersion,
} from "./definitions.js";
import { compact, conflict, date, inProgress, invalid, progress, requireAssets, settled, T, type Permission } from "./model.js";
import { checkPrincipalsExist, update, validatePermissions } from "./permissions.js";

export const DASHBOARD: AssetKind = {
  table: T.dashboards,
  arnType: "dashboard",
  label: "Dashboard",
  permissions: "dashboard",
  updatePermissions: { min: 0, max: 100 },
  maxId: 512,
  memberType: "DASHBOARD",
  enterprise: true,
};

/**
 * Dashboards: CreateDashboard makes version 1 and publishes it; UpdateDashboard adds a version
 * without publishing it; UpdateDashboardPublishedVersion publishes one. Versions are numbered
 * 1, 2, 3… and never reused.
 */
interface DashboardVersionRecord extends Version {
  DashboardPublishOptions?: CreateDashboardRequest["DashboardPublishOptions"];
  Parameters?: CreateDashboardRequest["Parameters"];
}

interface DashboardRecord extends Versioned {
  Versions: DashboardVersionRecord[];
  PublishedVersionNumber: number;
  LastPublishedTime: string;
  LinkEntities?: string[];
  LinkSharingPermissions: Permission[];
}

const LINK_ENTITY = /^arn:aws[\w-]*:quicksight:[\w-]+:\d+:analysis\/[\w-]{1,512}/;

function checkLinkEntities(links: string[] | undefined) {
  if (links === undefined) return;
  if (links.length > 5) throw invalid("LinkEntities can have at most 5 entries.");
  const bad = links.find((l) => !LINK_ENTITY.test(l));
  if (bad) throw invalid(`LinkEntities entry ${bad} is not an analysis ARN.`);
}

/** A new version's content, from the Definition or the source template, with its data sets checked. */
async function buildVersion(tx: Transaction, ctx: RequestContext, input: CreateDashboardRequest | UpdateDashboardRequest, phase: "CREATION" | "UPDATE") {
  checkNames(input);
  const { Definition, SourceEntityArn } = await analysisDefinition(tx, ctx, input);
  const DataSetArns = await declaredDataSets(tx, ctx, Definition);
  await checkThemeArn(tx, ctx, input.ThemeArn);
  return compact({
    CreatedTime: ctx.now.toISOString(),
    Description: input.VersionDescription,
    Definition,
    SourceEntityArn,
    ThemeArn: input.ThemeArn,
    DataSetArns,
    Progress: progress(phase, ctx),
    DashboardPublishOptions: input.DashboardPublishOptions,
    Parameters: input.Parameters,
  }) as Omit<DashboardVersionRecord, "VersionNumber">;
}

function checkNames(input: { Name?: string; VersionDescription?: string }) {
  if (input.Name === undefined || input.Name.length < 1 || input.Name.length > 2048) throw invalid("Name must be 1 to 2048 characters long.");
  if (input.VersionDescription !== undefined && (input.VersionDescription.length < 1 || input.VersionDescription.length > 512)) {
    throw invalid("VersionDescription must be 1 to 512 characters long.");
  }
}

const versionOutput = (r: DashboardRecord, v: DashboardVersionRecord, ctx: RequestContext): DashboardVersion =>
  compact({
    CreatedTime: date(v.CreatedTime),
    VersionNumber: v.VersionNumber,
    Status: versionStatus(v, ctx),
    Arn: versionArn(r.Arn, v.VersionNumber),
    SourceEntityArn: v.SourceEntityArn,
    DataSetArns: v.DataSetArns,
    Description: v.Description,
    ThemeArn: v.ThemeArn,
    Sheets: sheetsOf(v.Definition as Definition),
  });

const summary = (r: DashboardRecord): DashboardSummary => ({
  Arn: r.Arn,
  DashboardId: r.Id,
  Name: r.Name,
  CreatedTime: date(r.CreatedTime),
  LastUpdatedTime: date(r.LastUpdatedTime),
  PublishedVersionNumber: r.PublishedVersionNumber,
  LastPublishedTime: date(r.LastPublishedTime),
});

const requireDashboard = (tx: Transaction, ctx: RequestContext, id: string) => requireAsset<DashboardRecord>(tx, ctx, DASHBOARD, id);

export const CreateDashboard: Handler<CreateDashboardRequest, CreateDashboardResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    validateId(DASHBOARD, "DashboardId", input.DashboardId);
    checkLinkEntities(input.LinkEntities);
    validatePermissions("dashboard", input.LinkSharingConfiguration?.Permissions, "LinkSharingConfiguration.Permissions", 1, 64);
    const base = await newAsset(tx, ctx, DASHBOARD, input.DashboardId!, input);
    await checkPrincipalsExist(tx, ctx, input.LinkSharingConfiguration?.Permissions);
    const version = await buildVersion(tx, ctx, input, "CREATION");
    const record = withVersion<DashboardRecord>(
      compact({
        ...base,
        Versions: [],
        NextVersion: 1,
        PublishedVersionNumber: 1,
        LastPublishedTime: ctx.now.toISOString(),
        LinkEntities: input.LinkEntities,
        LinkSharingPermissions: input.LinkSharingConfiguration?.Permissions ?? [],
      }),
      version,
    );
    await saveNew(tx, ctx, DASHBOARD, record, input.FolderArns);
    return {
      Arn: record.Arn,
      VersionArn: versionArn(record.Arn, 1),
      DashboardId: record.Id,
      CreationStatus: inProgress("CREATION"),
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const DescribeDashboard: Handler<DescribeDashboardRequest, DescribeDashboardResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const v = (await pickVersion(tx, ctx, DASHBOARD, r, input, r.PublishedVersionNumber)) as DashboardVersionRecord;
    const dashboard: Dashboard = compact({
      DashboardId: r.Id,
      Arn: r.Arn,
      Name: r.Name,
      Version: versionOutput(r, v, ctx),
      CreatedTime: date(r.CreatedTime),
      LastPublishedTime: date(r.LastPublishedTime),
      LastUpdatedTime: date(r.LastUpdatedTime),
      LinkEntities: r.LinkEntities,
    });
    return { Dashboard: dashboard, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDashboardDefinition: Handler<DescribeDashboardDefinitionRequest, DescribeDashboardDefinitionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const v = (await pickVersion(tx, ctx, DASHBOARD, r, input, r.PublishedVersionNumber)) as DashboardVersionRecord;
    return compact({
      DashboardId: r.Id,
      Name: r.Name,
      ResourceStatus: versionStatus(v, ctx),
      ThemeArn: v.ThemeArn,
      Definition: v.Definition,
      DashboardPublishOptions: v.DashboardPublishOptions,
      RequestId: ctx.requestId,
      Status: 200,
    }) as DescribeDashboardDefinitionResponse;
  });

export const ListDashboards: Handler<ListDashboardsRequest, ListDashboardsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const page = await listAssets<DashboardRecord>(tx, ctx, DASHBOARD, input);
    return { DashboardSummaryList: page.items.map(summary), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const ListDashboardVersions: Handler<ListDashboardVersionsRequest, ListDashboardVersionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const all: DashboardVersionSummary[] = r.Versions.map((v) =>
      compact({
        Arn: versionArn(r.Arn, v.VersionNumber),
        CreatedTime: date(v.CreatedTime),
        VersionNumber: v.VersionNumber,
        Status: versionStatus(v, ctx),
        SourceEntityArn: v.SourceEntityArn,
        Description: v.Description,
      }),
    );
    const page = versionPage(ctx, r, all, input);
    return { DashboardVersionSummaryList: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** A new version, not published: the published version stays what it was. */
export const UpdateDashboard: Handler<UpdateDashboardRequest, UpdateDashboardResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const version = await buildVersion(tx, ctx, input, "UPDATE");
    const updated = withVersion({ ...r, Name: input.Name!, LastUpdatedTime: ctx.now.toISOString() }, version);
    await save(tx, ctx, DASHBOARD, updated);
    return {
      Arn: r.Arn,
      VersionArn: versionArn(r.Arn, latest(updated).VersionNumber),
      DashboardId: r.Id,
      // The new version's status, as Describe then reports it (UPDATE_IN_PROGRESS, UPDATE_SUCCESSFUL).
      CreationStatus: inProgress("UPDATE"),
      // A body member in this operation, not the status line.
      Status: 200,
      RequestId: ctx.requestId,
    };
  });

export const UpdateDashboardPublishedVersion: Handler<UpdateDashboardPublishedVersionRequest, UpdateDashboardPublishedVersionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const v = await pickVersion(tx, ctx, DASHBOARD, r, { VersionNumber: input.VersionNumber });
    if (!settled(v.Progress.SettlesAt, ctx)) throw conflict(`Version ${v.VersionNumber} of ${r.Arn} is still ${versionStatus(v, ctx)}.`);
    await save(tx, ctx, DASHBOARD, { ...r, PublishedVersionNumber: v.VersionNumber, LastPublishedTime: ctx.now.toISOString() });
    return { DashboardId: r.Id, DashboardArn: r.Arn, RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteDashboard: Handler<DeleteDashboardRequest, DeleteDashboardResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    if (input.VersionNumber !== undefined) await save(tx, ctx, DASHBOARD, await deleteVersion(tx, ctx, DASHBOARD, r, input.VersionNumber, r.PublishedVersionNumber));
    else await removeAsset(tx, ctx, DASHBOARD, r);
    return { Arn: r.Arn, DashboardId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

const permissionsOutput = (r: DashboardRecord) => ({
  DashboardId: r.Id,
  DashboardArn: r.Arn,
  Permissions: r.Permissions,
  LinkSharingConfiguration: { Permissions: r.LinkSharingPermissions ?? [] },
});

export const DescribeDashboardPermissions: Handler<DescribeDashboardPermissionsRequest, DescribeDashboardPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    return { ...permissionsOutput(await requireDashboard(tx, ctx, input.DashboardId!)), RequestId: ctx.requestId, Status: 200 };
  });

/** Grants and revokes on the dashboard and on its link sharing, checked together before either changes. */
export const UpdateDashboardPermissions: Handler<UpdateDashboardPermissionsRequest, UpdateDashboardPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireDashboard(tx, ctx, input.DashboardId!);
    const links = update("dashboard", r.LinkSharingPermissions ?? [], { GrantPermissions: input.GrantLinkPermissions, RevokePermissions: input.RevokeLinkPermissions }, 0, 100);
    await checkPrincipalsExist(tx, ctx, input.GrantLinkPermissions);
    const changed = await changePermissions(tx, ctx, DASHBOARD, { ...r, LinkSharingPermissions: links }, input);
    return { ...permissionsOutput(changed), RequestId: ctx.requestId, Status: 200 };
  });
