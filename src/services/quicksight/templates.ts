import type {
  CreateTemplateAliasRequest,
  CreateTemplateAliasResponse,
  CreateTemplateRequest,
  CreateTemplateResponse,
  DeleteTemplateAliasRequest,
  DeleteTemplateAliasResponse,
  DeleteTemplateRequest,
  DeleteTemplateResponse,
  DescribeTemplateAliasRequest,
  DescribeTemplateAliasResponse,
  DescribeTemplateDefinitionRequest,
  DescribeTemplateDefinitionResponse,
  DescribeTemplatePermissionsRequest,
  DescribeTemplatePermissionsResponse,
  DescribeTemplateRequest,
  DescribeTemplateResponse,
  ListTemplateAliasesRequest,
  ListTemplateAliasesResponse,
  ListTemplatesRequest,
  ListTemplatesResponse,
  ListTemplateVersionsRequest,
  ListTemplateVersionsResponse,
  Template,
  TemplateAlias,
  TemplateVersionSummary,
  UpdateTemplateAliasRequest,
  UpdateTemplateAliasResponse,
  UpdateTemplatePermissionsRequest,
  UpdateTemplatePermissionsResponse,
  UpdateTemplateRequest,
  UpdateTemplateResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type AssetKind, changePermissions, listAssets, newAsset, removeAsset, requireAsset, save, saveNew, validateId } from "./assets.js";
import {
  type AliasRecord,
  checkAliasName,
  createAlias,
  deleteAlias,
  deleteAliases,
  deleteVersion,
  latest,
  listAliases,
  pickVersion,
  requireAlias,
  sheetsOf,
  templateDefinition,
  updateAlias,
  type Version,
  type Versioned,
  versionArn,
  versionPage,
  versionStatus,
  withVersion,
} from "./definitions.js";
import { compact, date, inProgress, invalid, progress, requireAssets, T } from "./model.js";

export const TEMPLATE: AssetKind = {
  table: T.templates,
  arnType: "template",
  label: "Template",
  permissions: "template",
  updatePermissions: { min: 0, max: 100 },
  maxId: 512,
  enterprise: true,
};

/** Templates: every Create/Update makes a version; aliases name versions; there is no published version. */
type TemplateRecord = Versioned;

async function buildVersion(tx: Transaction, ctx: RequestContext, input: CreateTemplateRequest | UpdateTemplateRequest, phase: "CREATION" | "UPDATE"): Promise<Omit<Version, "VersionNumber">> {
  if (input.Name !== undefined && (input.Name.length < 1 || input.Name.length > 2048)) throw invalid("Name must be 1 to 2048 characters long.");
  if (input.VersionDescription !== undefined && (input.VersionDescription.length < 1 || input.VersionDescription.length > 512)) {
    throw invalid("VersionDescription must be 1 to 512 characters long.");
  }
  const { Definition, SourceEntityArn, DataSetArns } = await templateDefinition(tx, ctx, input);
  if (input.Definition) {
    const configs = input.Definition.DataSetConfigurations;
    if (!Array.isArray(configs) || configs.length > 30) throw invalid("Definition.DataSetConfigurations must have between 0 and 30 entries.");
    if ((input.Definition.Sheets?.length ?? 0) > 20) throw invalid("Definition.Sheets can have at most 20 sheets.");
  }
  return compact({ CreatedTime: ctx.now.toISOString(), Description: input.VersionDescription, Definition, SourceEntityArn, DataSetArns, Progress: progress(phase, ctx) });
}

const requireTemplate = (tx: Transaction, ctx: RequestContext, id: string) => requireAsset<TemplateRecord>(tx, ctx, TEMPLATE, id);

const noPublished = (input: { AliasName?: string }) => {
  if (input.AliasName === "$PUBLISHED") throw invalid("Templates have no published version: use $LATEST, a version number or an alias.");
};

export const CreateTemplate: Handler<CreateTemplateRequest, CreateTemplateResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    validateId(TEMPLATE, "TemplateId", input.TemplateId);
    // Name is optional in the model: the id stands in for it.
    const base = await newAsset(tx, ctx, TEMPLATE, input.TemplateId!, { ...input, Name: input.Name ?? input.TemplateId });
    const version = await buildVersion(tx, ctx, input, "CREATION");
    const record = withVersion<TemplateRecord>({ ...base, Versions: [], NextVersion: 1 }, version);
    await saveNew(tx, ctx, TEMPLATE, record, undefined);
    return { Arn: record.Arn, VersionArn: versionArn(record.Arn, 1), TemplateId: record.Id, CreationStatus: inProgress("CREATION"), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeTemplate: Handler<DescribeTemplateRequest, DescribeTemplateResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    noPublished(input);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const v = await pickVersion(tx, ctx, TEMPLATE, r, input);
    const template: Template = compact({
      Arn: r.Arn,
      Name: r.Name,
      TemplateId: r.Id,
      CreatedTime: date(r.CreatedTime),
      LastUpdatedTime: date(r.LastUpdatedTime),
      Version: compact({
        CreatedTime: date(v.CreatedTime),
        VersionNumber: v.VersionNumber,
        Status: versionStatus(v, ctx),
        DataSetConfigurations: v.Definition?.DataSetConfigurations,
        Description: v.Description,
        SourceEntityArn: v.SourceEntityArn,
        ThemeArn: v.ThemeArn,
        Sheets: sheetsOf(v.Definition),
      }),
    });
    return { Template: template, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeTemplateDefinition: Handler<DescribeTemplateDefinitionRequest, DescribeTemplateDefinitionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    noPublished(input);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const v = await pickVersion(tx, ctx, TEMPLATE, r, input);
    return compact({
      Name: r.Name,
      TemplateId: r.Id,
      ResourceStatus: versionStatus(v, ctx),
      ThemeArn: v.ThemeArn,
      Definition: v.Definition,
      RequestId: ctx.requestId,
      Status: 200,
    }) as DescribeTemplateDefinitionResponse;
  });

export const ListTemplates: Handler<ListTemplatesRequest, ListTemplatesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const page = await listAssets<TemplateRecord>(tx, ctx, TEMPLATE, input);
    return {
      TemplateSummaryList: page.items.map((r) => ({
        Arn: r.Arn,
        TemplateId: r.Id,
        Name: r.Name,
        LatestVersionNumber: latest(r).VersionNumber,
        CreatedTime: date(r.CreatedTime),
        LastUpdatedTime: date(r.LastUpdatedTime),
      })),
      NextToken: page.NextToken,
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const ListTemplateVersions: Handler<ListTemplateVersionsRequest, ListTemplateVersionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const all: TemplateVersionSummary[] = r.Versions.map((v) =>
      compact({ Arn: versionArn(r.Arn, v.VersionNumber), VersionNumber: v.VersionNumber, CreatedTime: date(v.CreatedTime), Status: versionStatus(v, ctx), Description: v.Description }),
    );
    const page = versionPage(ctx, r, all, input);
    return { TemplateVersionSummaryList: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateTemplate: Handler<UpdateTemplateRequest, UpdateTemplateResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const version = await buildVersion(tx, ctx, input, "UPDATE");
    const updated = withVersion({ ...r, Name: input.Name ?? r.Name, LastUpdatedTime: ctx.now.toISOString() }, version);
    await save(tx, ctx, TEMPLATE, updated);
    return {
      TemplateId: r.Id,
      Arn: r.Arn,
      VersionArn: versionArn(r.Arn, latest(updated).VersionNumber),
      CreationStatus: inProgress("UPDATE"),
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

/** One version (not one an alias points at), or the whole template with its aliases. */
export const DeleteTemplate: Handler<DeleteTemplateRequest, DeleteTemplateResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    if (input.VersionNumber !== undefined) await save(tx, ctx, TEMPLATE, await deleteVersion(tx, ctx, TEMPLATE, r, input.VersionNumber));
    else {
      await deleteAliases(tx, ctx, TEMPLATE, r.Id);
      await removeAsset(tx, ctx, TEMPLATE, r);
    }
    return { Arn: r.Arn, TemplateId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeTemplatePermissions: Handler<DescribeTemplatePermissionsRequest, DescribeTemplatePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    return { TemplateId: r.Id, TemplateArn: r.Arn, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateTemplatePermissions: Handler<UpdateTemplatePermissionsRequest, UpdateTemplatePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await changePermissions(tx, ctx, TEMPLATE, await requireTemplate(tx, ctx, input.TemplateId!), input);
    return { TemplateId: r.Id, TemplateArn: r.Arn, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

const aliasOutput = (a: AliasRecord): TemplateAlias => ({ AliasName: a.AliasName, Arn: a.Arn, TemplateVersionNumber: a.VersionNumber });

export const CreateTemplateAlias: Handler<CreateTemplateAliasRequest, CreateTemplateAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const alias = await createAlias(tx, ctx, TEMPLATE, r, input.AliasName!, input.TemplateVersionNumber);
    return { TemplateAlias: aliasOutput(alias), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeTemplateAlias: Handler<DescribeTemplateAliasRequest, DescribeTemplateAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    return { TemplateAlias: aliasOutput(await requireAlias(tx, ctx, TEMPLATE, r, input.AliasName!)), RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateTemplateAlias: Handler<UpdateTemplateAliasRequest, UpdateTemplateAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    return { TemplateAlias: aliasOutput(await updateAlias(tx, ctx, TEMPLATE, r, input.AliasName!, input.TemplateVersionNumber)), RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteTemplateAlias: Handler<DeleteTemplateAliasRequest, DeleteTemplateAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const alias = await deleteAlias(tx, ctx, TEMPLATE, r, input.AliasName!);
    return { TemplateId: r.Id, AliasName: alias.AliasName, Arn: alias.Arn, RequestId: ctx.requestId, Status: 200 };
  });

export const ListTemplateAliases: Handler<ListTemplateAliasesRequest, ListTemplateAliasesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTemplate(tx, ctx, input.TemplateId!);
    const page = await listAliases(tx, ctx, TEMPLATE, r, input);
    return { TemplateAliasList: page.items.map(aliasOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });
