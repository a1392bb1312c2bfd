import type {
  CreateFolderMembershipRequest,
  CreateFolderMembershipResponse,
  CreateFolderRequest,
  CreateFolderResponse,
  DeleteFolderMembershipRequest,
  DeleteFolderMembershipResponse,
  DeleteFolderRequest,
  DeleteFolderResponse,
  DescribeFolderPermissionsRequest,
  DescribeFolderPermissionsResponse,
  DescribeFolderRequest,
  DescribeFolderResponse,
  Folder,
  ListFolderMembersRequest,
  ListFolderMembersResponse,
  ListFoldersForResourceRequest,
  ListFoldersForResourceResponse,
  ListFoldersRequest,
  ListFoldersResponse,
  UpdateFolderPermissionsRequest,
  UpdateFolderPermissionsResponse,
  UpdateFolderRequest,
  UpdateFolderResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { ANALYSIS } from "./analyses.js";
import {
  type AssetKind,
  type AssetRecord,
  addFolderMember,
  assetArn,
  changePermissions,
  findAsset,
  FOLDER,
  type FolderMemberRecord,
  listAssets,
  type MemberType,
  newAsset,
  removeAsset,
  requireAsset,
  requireFolder,
  save,
  saveNew,
  validateId,
} from "./assets.js";
import { DASHBOARD } from "./dashboards.js";
import { DATA_SET } from "./dataSets.js";
import { DATA_SOURCE } from "./dataSources.js";
import { compact, conflict, date, exists, invalid, limit, notFound, pageArray, pageOf, parseArn, quicksightValidator, requireAssets, T } from "./model.js";

/**
 * Folders hold dashboards, analyses, data sets and data sources (by ARN, in the tables of
 * assets.ts that every asset's create and delete also use) and other folders (ParentFolderArn).
 * Only an empty folder can be deleted.
 */
interface FolderRecord extends AssetRecord {
  FolderType: "SHARED" | "RESTRICTED";
  SharingModel: "ACCOUNT" | "NAMESPACE";
  /** Ancestors' ARNs, root first; empty for a root folder. */
  FolderPath: string[];
  ParentFolderArn?: string;
}

const MEMBER_KINDS: Partial<Record<MemberType, AssetKind>> = { DASHBOARD, ANALYSIS, DATASET: DATA_SET, DATASOURCE: DATA_SOURCE };
const MAX_DEPTH = 10;

const output = (r: FolderRecord): Folder =>
  compact({
    FolderId: r.Id,
    Arn: r.Arn,
    Name: r.Name,
    FolderType: r.FolderType,
    FolderPath: r.FolderPath.length ? r.FolderPath : undefined,
    CreatedTime: date(r.CreatedTime),
    LastUpdatedTime: date(r.LastUpdatedTime),
    SharingModel: r.SharingModel,
  });

const requireFolderId = (tx: Transaction, ctx: RequestContext, id: string) => requireAsset<FolderRecord>(tx, ctx, FOLDER, id);

export const CreateFolder: Handler<CreateFolderRequest, CreateFolderResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAssets(tx, ctx, input.AwsAccountId, true);
    validateId(FOLDER, "FolderId", input.FolderId);
    quicksightValidator().length(input.Name, "Name", 1, 200).oneOf(input.FolderType, "FolderType", ["SHARED", "RESTRICTED"]).oneOf(input.SharingModel, "SharingModel", ["ACCOUNT", "NAMESPACE"]).check();
    const FolderType = input.FolderType ?? "SHARED";
    const SharingModel = input.SharingModel ?? "ACCOUNT";
    if (FolderType === "RESTRICTED" && sub.AuthenticationMethod !== "IAM_IDENTITY_CENTER") throw invalid("RESTRICTED folders need an account that authenticates with IAM Identity Center.");
    const base = await newAsset(tx, ctx, FOLDER, input.FolderId!, input, 200);
    let FolderPath: string[] = [];
    if (input.ParentFolderArn !== undefined) {
      const parent = (await requireFolder(tx, ctx, input.ParentFolderArn)) as FolderRecord;
      if (parent.FolderType !== FolderType || parent.SharingModel !== SharingModel) throw invalid("A subfolder must have its parent's FolderType and SharingModel.");
      FolderPath = [...parent.FolderPath, parent.Arn];
      if (FolderPath.length >= MAX_DEPTH) throw limit(`Folders can be nested at most ${MAX_DEPTH} levels deep.`);
    }
    const record: FolderRecord = compact({ ...base, FolderType, SharingModel, FolderPath, ParentFolderArn: input.ParentFolderArn });
    await saveNew(tx, ctx, FOLDER, record, undefined);
    return { Arn: record.Arn, FolderId: record.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeFolder: Handler<DescribeFolderRequest, DescribeFolderResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    return { Folder: output(await requireFolderId(tx, ctx, input.FolderId!)), RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateFolder: Handler<UpdateFolderRequest, UpdateFolderResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireFolderId(tx, ctx, input.FolderId!);
    quicksightValidator().length(input.Name, "Name", 1, 200).check();
    await save(tx, ctx, FOLDER, { ...r, Name: input.Name!, LastUpdatedTime: ctx.now.toISOString() });
    return { Arn: r.Arn, FolderId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteFolder: Handler<DeleteFolderRequest, DeleteFolderResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireFolderId(tx, ctx, input.FolderId!);
    const members = await tx.scan(T.folderMembers, { prefix: `${ctx.account}/${ctx.region}/${r.Id}\n`, limit: 1 });
    if (members.length) throw conflict(`Folder ${r.Arn} is not empty: remove its members first.`);
    const children = await listAssets<FolderRecord>(tx, ctx, FOLDER, { MaxResults: 1 }, (f) => f.ParentFolderArn === r.Arn);
    if (children.items.length) throw conflict(`Folder ${r.Arn} has subfolders: delete them first.`);
    await removeAsset(tx, ctx, FOLDER, r);
    return { Arn: r.Arn, FolderId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const ListFolders: Handler<ListFoldersRequest, ListFoldersResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const page = await listAssets<FolderRecord>(tx, ctx, FOLDER, input);
    return {
      FolderSummaryList: page.items.map((r) => ({
        Arn: r.Arn,
        FolderId: r.Id,
        Name: r.Name,
        FolderType: r.FolderType,
        CreatedTime: date(r.CreatedTime),
        LastUpdatedTime: date(r.LastUpdatedTime),
        SharingModel: r.SharingModel,
      })),
      NextToken: page.NextToken,
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

async function member(tx: Transaction, ctx: RequestContext, input: { FolderId?: string; MemberId?: string; MemberType?: string }) {
  quicksightValidator().oneOf(input.MemberType, "MemberType", ["DASHBOARD", "ANALYSIS", "DATASET", "DATASOURCE", "TOPIC"]).length(input.MemberId, "MemberId", 1, 2048).pattern(input.MemberId, "MemberId", /^[\w-]+$/, "[\\w\\-]+").check();
  const folder = await requireFolderId(tx, ctx, input.FolderId!);
  const kind = MEMBER_KINDS[input.MemberType as MemberType];
  const memberArn = kind ? assetArn(ctx, kind, input.MemberId!) : `arn:aws:quicksight:${ctx.region}:${ctx.account}:topic/${input.MemberId}`;
  return { folder, kind, memberArn, key: `${ctx.account}/${ctx.region}/${folder.Id}\n${memberArn}` };
}

export const CreateFolderMembership: Handler<CreateFolderMembershipRequest, CreateFolderMembershipResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const { folder, kind, memberArn, key } = await member(tx, ctx, input);
    const asset = kind ? await findAsset<AssetRecord & { DeletionTime?: string }>(tx, ctx, kind, input.MemberId!) : undefined;
    if (!asset || asset.DeletionTime) throw notFound(`${input.MemberType} ${input.MemberId} not found in account ${ctx.account} and region ${ctx.region}.`);
    if (await tx.get(T.folderMembers, key)) throw exists(`${input.MemberType} ${input.MemberId} is already a member of folder ${folder.Arn}.`);
    await addFolderMember(tx, ctx, folder.Arn, input.MemberType as MemberType, input.MemberId!, memberArn);
    return { Status: 200, FolderMember: { MemberId: input.MemberId, MemberType: input.MemberType }, RequestId: ctx.requestId };
  });

export const DeleteFolderMembership: Handler<DeleteFolderMembershipRequest, DeleteFolderMembershipResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const { folder, memberArn, key } = await member(tx, ctx, input);
    if (!(await tx.delete(T.folderMembers, key))) throw notFound(`${input.MemberType} ${input.MemberId} is not a member of folder ${folder.Arn}.`);
    await tx.delete(T.memberFolders, `${ctx.account}/${ctx.region}/${memberArn}\n${folder.Id}`);
    return { Status: 200, RequestId: ctx.requestId };
  });

export const ListFolderMembers: Handler<ListFolderMembersRequest, ListFolderMembersResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const folder = await requireFolderId(tx, ctx, input.FolderId!);
    const page = await pageOf<FolderMemberRecord>(tx, ctx, T.folderMembers, `${ctx.account}/${ctx.region}/${folder.Id}\n`, input);
    return { FolderMemberList: page.items.map((m) => ({ MemberId: m.MemberId, MemberArn: m.MemberArn })), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const ListFoldersForResource: Handler<ListFoldersForResourceRequest, ListFoldersForResourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const arn = input.ResourceArn!;
    const parsed = parseArn(arn);
    if (!parsed) throw invalid(`ResourceArn ${arn} is not a valid QuickSight ARN.`);
    const kind = Object.values(MEMBER_KINDS).find((k) => k!.arnType === parsed.type);
    if (!kind || parsed.account !== ctx.account || parsed.region !== ctx.region || !(await findAsset(tx, ctx, kind, parsed.rest))) {
      throw notFound(`Resource ${arn} not found.`);
    }
    const page = await pageOf<string>(tx, ctx, T.memberFolders, `${ctx.account}/${ctx.region}/${arn}\n`, input);
    return { Folders: page.items.map((id) => assetArn(ctx, FOLDER, id)), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeFolderPermissions: Handler<DescribeFolderPermissionsRequest, DescribeFolderPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireFolderId(tx, ctx, input.FolderId!);
    const page = pageArray(ctx, `${r.Arn}/permissions`, r.Permissions, input);
    return { FolderId: r.Id, Arn: r.Arn, Permissions: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateFolderPermissions: Handler<UpdateFolderPermissionsRequest, UpdateFolderPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await changePermissions(tx, ctx, FOLDER, await requireFolderId(tx, ctx, input.FolderId!), input);
    return { Status: 200, Arn: r.Arn, FolderId: r.Id, Permissions: r.Permissions, RequestId: ctx.requestId };
  });
