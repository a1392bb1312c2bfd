import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { arnOf, exists, freeze, invalid, notFound, pageOf, parseArn, quicksightValidator, scanAll, T, thaw, type Permission, type Progress, type Tag } from "./model.js";
import { checkPrincipalsExist, normalize, update, validatePermissions, type PermissionKind } from "./permissions.js";
import { validateTags } from "./tags.js";

/**
 * What every QuickSight asset kind (data source, data set, analysis, dashboard, template,
 * theme, folder) shares: an id unique per account and region, an ARN, a name, creation and
 * update times, a permission list, tags, folder memberships, and (for most) a status derived
 * from a stored Progress. Each kind's module describes itself with an AssetKind and keeps only
 * what is its own.
 */
export interface AssetRecord {
  Id: string;
  Arn: string;
  Name: string;
  CreatedTime: string;
  LastUpdatedTime: string;
  Permissions: Permission[];
  Tags?: Tag[];
  Progress?: Progress;
}

export type MemberType = "DASHBOARD" | "ANALYSIS" | "DATASET" | "DATASOURCE" | "TOPIC";

export interface AssetKind {
  table: string;
  /** The ARN's resource type (`datasource` in `…:datasource/{id}`). */
  arnType: string;
  /** How messages name it ("Data source"). */
  label: string;
  permissions: PermissionKind;
  /** Entries allowed in each Update*Permissions list. */
  updatePermissions: { min: number; max: number };
  /** Longest id the model allows. */
  maxId: number;
  /** Its folder member type, when it can be in a folder. */
  memberType?: MemberType;
  resourceType?: string;
  /** Enterprise-edition only (analyses, dashboards, templates, themes, folders). */
  enterprise?: boolean;
}

export const assetKey = (ctx: RequestContext, id: string) => `${ctx.account}/${ctx.region}/${id}`;
export const assetArn = (ctx: RequestContext, kind: AssetKind, id: string) => arnOf(ctx.region, ctx.account, `${kind.arnType}/${id}`);

export function validateId(kind: AssetKind, member: string, id: string | undefined) {
  quicksightValidator().length(id, member, 1, kind.maxId).pattern(id, member, /^[\w-]+$/, "[\\w\\-]+").check();
}

export const assetNotFound = (ctx: RequestContext, kind: AssetKind, id: string) =>
  notFound(`${kind.label} ${assetArn(ctx, kind, id)} not found.`, kind.resourceType);

export const findAsset = async <R extends AssetRecord>(tx: Transaction, ctx: RequestContext, kind: AssetKind, id: string) =>
  thaw(await tx.get<R>(kind.table, assetKey(ctx, id)));

export async function requireAsset<R extends AssetRecord>(tx: Transaction, ctx: RequestContext, kind: AssetKind, id: string): Promise<R> {
  const record = await findAsset<R>(tx, ctx, kind, id);
  if (!record) throw assetNotFound(ctx, kind, id);
  return record;
}

/** The record an ARN of this kind names in the caller's account and region, or undefined. */
export async function assetByArn<R extends AssetRecord>(tx: Transaction, ctx: RequestContext, kind: AssetKind, arn: string | undefined): Promise<R | undefined> {
  const parsed = parseArn(arn);
  if (!parsed || parsed.type !== kind.arnType || parsed.account !== ctx.account || parsed.region !== ctx.region || parsed.rest.includes("/")) return undefined;
  return findAsset<R>(tx, ctx, kind, parsed.rest);
}

/**
 * The common part of a new asset, after checking id, permissions, tags and FolderArns; throws
 * ResourceExists when the id is taken. The caller adds its own members and calls `saveNew`.
 */
export async function newAsset(
  tx: Transaction,
  ctx: RequestContext,
  kind: AssetKind,
  id: string,
  input: { Name?: string; Permissions?: Permission[]; Tags?: Tag[]; FolderArns?: string[] },
  nameMax = 2048,
): Promise<AssetRecord> {
  quicksightValidator().length(input.Name, "Name", 1, nameMax).check();
  if (input.Name === undefined) throw invalid("Name is required.");
  validatePermissions(kind.permissions, input.Permissions, "Permissions", 1, 64);
  validateTags(input.Tags);
  if ((input.FolderArns?.length ?? 0) > 1) throw invalid("FolderArns can name at most 1 folder.");
  if (await findAsset(tx, ctx, kind, id)) throw exists(`${kind.label} ${assetArn(ctx, kind, id)} already exists.`, kind.resourceType);
  for (const folder of input.FolderArns ?? []) await requireFolder(tx, ctx, folder);
  await checkPrincipalsExist(tx, ctx, input.Permissions);
  const now = ctx.now.toISOString();
  return {
    Id: id,
    Arn: assetArn(ctx, kind, id),
    Name: input.Name,
    CreatedTime: now,
    LastUpdatedTime: now,
    Permissions: normalize(input.Permissions),
    ...(input.Tags ? { Tags: input.Tags } : {}),
  };
}

/** Stores a new asset and adds it to the folder its create named. */
export async function saveNew(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: AssetRecord, folderArns: string[] | undefined) {
  await tx.put(kind.table, assetKey(ctx, record.Id), freeze(record));
  for (const folder of folderArns ?? []) await addFolderMember(tx, ctx, folder, kind.memberType!, record.Id, record.Arn);
}

export const save = <R extends AssetRecord>(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: R) => tx.put(kind.table, assetKey(ctx, record.Id), freeze(record));

/** Deletes an asset with its tags and permissions, and takes it out of every folder. */
export async function removeAsset(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: AssetRecord) {
  await tx.delete(kind.table, assetKey(ctx, record.Id));
  for (const [key, folderId] of await scanAll<string>(tx, T.memberFolders, `${ctx.account}/${ctx.region}/${record.Arn}\n`)) {
    await tx.delete(T.memberFolders, key);
    await tx.delete(T.folderMembers, `${ctx.account}/${ctx.region}/${folderId}\n${record.Arn}`);
  }
}

/** A page of a kind's assets, in id order. */
export async function listAssets<R extends AssetRecord>(tx: Transaction, ctx: RequestContext, kind: AssetKind, input: { NextToken?: string; MaxResults?: number }, filter?: (r: R) => boolean) {
  const page = await pageOf<R>(tx, ctx, kind.table, `${ctx.account}/${ctx.region}/`, input, filter);
  return { ...page, items: page.items.map(thaw) };
}

/** Update*Permissions: grants then revokes, validated whole before the record changes. */
export async function changePermissions<R extends AssetRecord>(
  tx: Transaction,
  ctx: RequestContext,
  kind: AssetKind,
  record: R,
  input: { GrantPermissions?: Permission[]; RevokePermissions?: Permission[] },
): Promise<R> {
  const Permissions = update(kind.permissions, record.Permissions, input, kind.updatePermissions.min, kind.updatePermissions.max);
  await checkPrincipalsExist(tx, ctx, input.GrantPermissions);
  const updated = { ...record, Permissions };
  await save(tx, ctx, kind, updated);
  return updated;
}

// ---- Folder membership (the tables folders.ts and every asset's create/delete share) --------

export const FOLDER: AssetKind = {
  table: T.folders,
  arnType: "folder",
  label: "Folder",
  permissions: "folder",
  updatePermissions: { min: 1, max: 64 },
  maxId: 2048,
  enterprise: true,
};

export interface FolderMemberRecord {
  MemberId: string;
  MemberType: MemberType;
  MemberArn: string;
}

export async function requireFolder(tx: Transaction, ctx: RequestContext, folderArn: string) {
  const folder = await assetByArn(tx, ctx, FOLDER, folderArn);
  if (!folder) throw notFound(`Folder ${folderArn} not found.`);
  return folder;
}

export async function addFolderMember(tx: Transaction, ctx: RequestContext, folderArn: string, MemberType: MemberType, MemberId: string, MemberArn: string) {
  const folderId = parseArn(folderArn)!.rest;
  await tx.put<FolderMemberRecord>(T.folderMembers, `${ctx.account}/${ctx.region}/${folderId}\n${MemberArn}`, { MemberId, MemberType, MemberArn });
  await tx.put(T.memberFolders, `${ctx.account}/${ctx.region}/${MemberArn}\n${folderId}`, folderId);
}
