import type {
  Analysis,
  AnalysisSummary,
  CreateAnalysisRequest,
  CreateAnalysisResponse,
  DeleteAnalysisRequest,
  DeleteAnalysisResponse,
  DescribeAnalysisDefinitionRequest,
  DescribeAnalysisDefinitionResponse,
  DescribeAnalysisPermissionsRequest,
  DescribeAnalysisPermissionsResponse,
  DescribeAnalysisRequest,
  DescribeAnalysisResponse,
  ListAnalysesRequest,
  ListAnalysesResponse,
  RestoreAnalysisRequest,
  RestoreAnalysisResponse,
  UpdateAnalysisPermissionsRequest,
  UpdateAnalysisPermissionsResponse,
  UpdateAnalysisRequest,
  UpdateAnalysisResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import {
  type AssetKind,
  type AssetRecord,
  addFolderMember,
  assetNotFound,
  changePermissions,
  findAsset,
  listAssets,
  newAsset,
  removeAsset,
  save,
  saveNew,
  validateId,
} from "./assets.js";
import { analysisDefinition, checkThemeArn, declaredDataSets, type Definition, sheetsOf } from "./definitions.js";
import { compact, conflict, date, exists, inProgress, invalid, progress, requireAssets, scanAll, settled, statusOf, T } from "./model.js";

export const ANALYSIS: AssetKind = {
  table: T.analyses,
  arnType: "analysis",
  label: "Analysis",
  permissions: "analysis",
  updatePermissions: { min: 0, max: 100 },
  maxId: 512,
  memberType: "ANALYSIS",
  enterprise: true,
};

/**
 * Analyses. DeleteAnalysis keeps the analysis for its recovery window (7–30 days, default 30)
 * with Status DELETED and a DeletionTime; once that instant passes it is gone for good, with no
 * timer: reads compare DeletionTime with the request's clock. RestoreAnalysis brings it back
 * into the folders it was in when the caller asks.
 */
interface AnalysisRecord extends AssetRecord {
  Definition: Definition;
  DataSetArns: string[];
  ThemeArn?: string;
  Parameters?: CreateAnalysisRequest["Parameters"];
  SourceEntityArn?: string;
  DeletionTime?: string;
  /** Folders it was in when deleted, for RestoreAnalysis with restore-to-folders. */
  DeletedFromFolders?: string[];
}

/** The analysis unless its recovery window is over (then it is gone, and its row is cleaned up). */
async function findAnalysis(tx: Transaction, ctx: RequestContext, id: string): Promise<AnalysisRecord | undefined> {
  const r = await findAsset<AnalysisRecord>(tx, ctx, ANALYSIS, id);
  if (r?.DeletionTime && settled(r.DeletionTime, ctx)) return undefined;
  return r;
}

async function requireAnalysis(tx: Transaction, ctx: RequestContext, id: string, live = false): Promise<AnalysisRecord> {
  const r = await findAnalysis(tx, ctx, id);
  if (!r) throw assetNotFound(ctx, ANALYSIS, id);
  if (live && r.DeletionTime) throw conflict(`Analysis ${r.Arn} is deleted; restore it with RestoreAnalysis first.`);
  return r;
}

const status = (r: AnalysisRecord, ctx: RequestContext) => (r.DeletionTime ? "DELETED" : statusOf(r.Progress!, ctx));

const output = (r: AnalysisRecord, ctx: RequestContext): Analysis =>
  compact({
    AnalysisId: r.Id,
    Arn: r.Arn,
    Name: r.Name,
    Status: status(r, ctx),
    DataSetArns: r.DataSetArns,
    ThemeArn: r.ThemeArn,
    CreatedTime: date(r.CreatedTime),
    LastUpdatedTime: date(r.LastUpdatedTime),
    Sheets: sheetsOf(r.Definition),
  });

const summary = (r: AnalysisRecord, ctx: RequestContext): AnalysisSummary => ({
  Arn: r.Arn,
  AnalysisId: r.Id,
  Name: r.Name,
  Status: status(r, ctx),
  CreatedTime: date(r.CreatedTime),
  LastUpdatedTime: date(r.LastUpdatedTime),
});

export const CreateAnalysis: Handler<CreateAnalysisRequest, CreateAnalysisResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    validateId(ANALYSIS, "AnalysisId", input.AnalysisId);
    const existing = await findAsset<AnalysisRecord>(tx, ctx, ANALYSIS, input.AnalysisId!);
    if (existing && !(await findAnalysis(tx, ctx, existing.Id))) await tx.delete(T.analyses, `${ctx.account}/${ctx.region}/${existing.Id}`);
    else if (existing) throw exists(`Analysis ${existing.Arn} already exists${existing.DeletionTime ? " (deleted, in its recovery window)" : ""}.`);
    const base = await newAsset(tx, ctx, ANALYSIS, input.AnalysisId!, input);
    const { Definition, SourceEntityArn } = await analysisDefinition(tx, ctx, input);
    const DataSetArns = await declaredDataSets(tx, ctx, Definition);
    await checkThemeArn(tx, ctx, input.ThemeArn);
    const record: AnalysisRecord = compact({
      ...base,
      Progress: progress("CREATION", ctx),
      Definition,
      DataSetArns,
      ThemeArn: input.ThemeArn,
      Parameters: input.Parameters,
      SourceEntityArn,
    });
    await saveNew(tx, ctx, ANALYSIS, record, input.FolderArns);
    return { Arn: record.Arn, AnalysisId: record.Id, CreationStatus: inProgress("CREATION"), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeAnalysis: Handler<DescribeAnalysisRequest, DescribeAnalysisResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    return { Analysis: output(await requireAnalysis(tx, ctx, input.AnalysisId!), ctx), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeAnalysisDefinition: Handler<DescribeAnalysisDefinitionRequest, DescribeAnalysisDefinitionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!);
    return compact({
      AnalysisId: r.Id,
      Name: r.Name,
      ResourceStatus: status(r, ctx),
      ThemeArn: r.ThemeArn,
      Definition: r.Definition,
      RequestId: ctx.requestId,
      Status: 200,
    }) as DescribeAnalysisDefinitionResponse;
  });

export const ListAnalyses: Handler<ListAnalysesRequest, ListAnalysesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const page = await listAssets<AnalysisRecord>(tx, ctx, ANALYSIS, input, (r) => !r.DeletionTime || !settled(r.DeletionTime, ctx));
    return { AnalysisSummaryList: page.items.map((r) => summary(r, ctx)), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateAnalysis: Handler<UpdateAnalysisRequest, UpdateAnalysisResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!, true);
    if (input.Name === undefined || !input.Name.length || input.Name.length > 2048) throw invalid("Name must be 1 to 2048 characters long.");
    const { Definition, SourceEntityArn } = await analysisDefinition(tx, ctx, input);
    const DataSetArns = await declaredDataSets(tx, ctx, Definition);
    await checkThemeArn(tx, ctx, input.ThemeArn);
    const { ThemeArn: _t, Parameters: _p, SourceEntityArn: _s, ...rest } = r;
    const updated: AnalysisRecord = compact({
      ...rest,
      Name: input.Name,
      Definition,
      DataSetArns,
      ThemeArn: input.ThemeArn,
      Parameters: input.Parameters,
      SourceEntityArn,
      LastUpdatedTime: ctx.now.toISOString(),
      Progress: progress("UPDATE", ctx),
    });
    await save(tx, ctx, ANALYSIS, updated);
    return { Arn: r.Arn, AnalysisId: r.Id, UpdateStatus: inProgress("UPDATE"), RequestId: ctx.requestId, Status: 200 };
  });

const DAY = 24 * 60 * 60 * 1000;

export const DeleteAnalysis: Handler<DeleteAnalysisRequest, DeleteAnalysisResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    if (input.RecoveryWindowInDays !== undefined && input.ForceDeleteWithoutRecovery) {
      throw invalid("RecoveryWindowInDays can't be used with ForceDeleteWithoutRecovery in the same call.");
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) throw invalid(`RecoveryWindowInDays must be between 7 and 30; it is ${days}.`);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!);
    if (input.ForceDeleteWithoutRecovery) {
      await removeAsset(tx, ctx, ANALYSIS, r);
      return { Arn: r.Arn, AnalysisId: r.Id, DeletionTime: ctx.now, RequestId: ctx.requestId, Status: 200 };
    }
    if (r.DeletionTime) throw conflict(`Analysis ${r.Arn} is already deleted; it is purged at ${r.DeletionTime}.`);
    const DeletionTime = new Date(ctx.now.getTime() + days * DAY);
    const folders = (await scanAll<string>(tx, T.memberFolders, `${ctx.account}/${ctx.region}/${r.Arn}\n`)).map(([, id]) => id);
    // Out of its folders now; RestoreAnalysis can put it back.
    await removeAsset(tx, ctx, ANALYSIS, r);
    await save(tx, ctx, ANALYSIS, { ...r, DeletionTime: DeletionTime.toISOString(), DeletedFromFolders: folders } as AnalysisRecord);
    return { Arn: r.Arn, AnalysisId: r.Id, DeletionTime, RequestId: ctx.requestId, Status: 200 };
  });

export const RestoreAnalysis: Handler<RestoreAnalysisRequest, RestoreAnalysisResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!);
    if (!r.DeletionTime) throw conflict(`Analysis ${r.Arn} is not deleted.`);
    const { DeletionTime: _d, DeletedFromFolders, ...rest } = r;
    await save(tx, ctx, ANALYSIS, rest as AnalysisRecord);
    const failed: string[] = [];
    if (input.RestoreToFolders) {
      for (const folderId of DeletedFromFolders ?? []) {
        const folderArn = `arn:aws:quicksight:${ctx.region}:${ctx.account}:folder/${folderId}`;
        if (await tx.get(T.folders, `${ctx.account}/${ctx.region}/${folderId}`)) await addFolderMember(tx, ctx, folderArn, "ANALYSIS", r.Id, r.Arn);
        else failed.push(folderArn);
      }
    }
    return { Arn: r.Arn, AnalysisId: r.Id, ...(failed.length ? { RestorationFailedFolderArns: failed } : {}), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeAnalysisPermissions: Handler<DescribeAnalysisPermissionsRequest, DescribeAnalysisPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!);
    return { AnalysisId: r.Id, AnalysisArn: r.Arn, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateAnalysisPermissions: Handler<UpdateAnalysisPermissionsRequest, UpdateAnalysisPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireAnalysis(tx, ctx, input.AnalysisId!, true);
    const updated = await changePermissions(tx, ctx, ANALYSIS, r, input);
    return { AnalysisId: r.Id, AnalysisArn: r.Arn, Permissions: updated.Permissions, RequestId: ctx.requestId, Status: 200 };
  });
