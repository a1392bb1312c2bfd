import type {
  CreateNamespaceRequest,
  CreateNamespaceResponse,
  DeleteNamespaceRequest,
  DeleteNamespaceResponse,
  DescribeNamespaceRequest,
  DescribeNamespaceResponse,
  ListNamespacesRequest,
  ListNamespacesResponse,
  NamespaceInfoV2,
} from "@aws-sdk/client-quicksight";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import {
  arnOf,
  deleteAll,
  exists,
  invalid,
  limit,
  notFound,
  pageOf,
  quicksightValidator,
  requireEnterprise,
  requireIdentityStore,
  scanAll,
  settled,
  settlesAt,
  T,
  type Tag,
} from "./model.js";
import { validateTags } from "./tags.js";

/**
 * Namespaces: CREATING until their creation settles, then CREATED; DeleteNamespace removes the
 * namespace's users, groups and assignments at once and leaves the namespace DELETING until the
 * deletion settles, after which it is gone. Both instants are stored, never timed.
 */
export interface NamespaceRecord {
  Name: string;
  Arn: string;
  CapacityRegion: string;
  IdentityStore: "QUICKSIGHT";
  ReadyAt: string;
  DeletingUntil?: string;
  Tags?: Tag[];
}

export const namespaceRecord = (ctx: RequestContext, name: string, tags?: Tag[]): NamespaceRecord => ({
  Name: name,
  Arn: arnOf(ctx.region, ctx.account, `namespace/${name}`),
  CapacityRegion: ctx.region,
  IdentityStore: "QUICKSIGHT",
  ReadyAt: settlesAt(ctx),
  ...(tags ? { Tags: tags } : {}),
});

const gone = (ns: NamespaceRecord, ctx: RequestContext) => ns.DeletingUntil !== undefined && settled(ns.DeletingUntil, ctx);

/** The namespace, including one still CREATING or DELETING; undefined once its deletion has settled. */
export async function findNamespace(tx: Transaction, ctx: RequestContext, name: string): Promise<NamespaceRecord | undefined> {
  const ns = await tx.get<NamespaceRecord>(T.namespaces, `${ctx.account}/${name}`);
  return ns && !gone(ns, ctx) ? ns : undefined;
}

export const namespaceNotFound = (ctx: RequestContext, name: string) => notFound(`Namespace ${name} not found in account ${ctx.account}.`, "NAMESPACE");

/** A namespace users and groups can be made in: it exists, is CREATED and not DELETING. */
export async function requireUsableNamespace(tx: Transaction, ctx: RequestContext, accountId: string | undefined, name: string | undefined) {
  const sub = await requireIdentityStore(tx, ctx, accountId);
  quicksightValidator().length(name, "Namespace", 0, 64).pattern(name, "Namespace", /^[a-zA-Z0-9._-]*$/).check();
  const ns = await findNamespace(tx, ctx, name!);
  if (!ns || ns.DeletingUntil) throw namespaceNotFound(ctx, name!);
  if (!settled(ns.ReadyAt, ctx)) throw new AwsError("PreconditionNotMetException", `Namespace ${name} is still being created.`);
  return { sub, ns };
}

const status = (ns: NamespaceRecord, ctx: RequestContext) => (ns.DeletingUntil ? "DELETING" : settled(ns.ReadyAt, ctx) ? "CREATED" : "CREATING");

const info = (ns: NamespaceRecord, ctx: RequestContext): NamespaceInfoV2 => ({
  Name: ns.Name,
  Arn: ns.Arn,
  CapacityRegion: ns.CapacityRegion,
  CreationStatus: status(ns, ctx),
  IdentityStore: ns.IdentityStore,
});

export const CreateNamespace: Handler<CreateNamespaceRequest, CreateNamespaceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireIdentityStore(tx, ctx, input.AwsAccountId);
    requireEnterprise(sub, ctx);
    const name = input.Namespace!;
    quicksightValidator().length(name, "Namespace", 1, 64).pattern(name, "Namespace", /^[a-zA-Z0-9._-]*$/).oneOf(input.IdentityStore, "IdentityStore", ["QUICKSIGHT"]).check();
    validateTags(input.Tags);
    if (await findNamespace(tx, ctx, name)) throw exists(`Namespace ${name} already exists in account ${ctx.account}.`, "NAMESPACE");
    const live = (await scanAll<NamespaceRecord>(tx, T.namespaces, `${ctx.account}/`)).filter(([, n]) => !gone(n, ctx)).length;
    const max = ctx.quota("NamespacesPerAccount");
    if (live >= max) throw limit(`Account ${ctx.account} already has ${max} namespaces, the most it can have.`, "NAMESPACE");
    const ns = namespaceRecord(ctx, name, input.Tags);
    await tx.put(T.namespaces, `${ctx.account}/${name}`, ns);
    return { ...info(ns, ctx), CreationStatus: "CREATING", RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeNamespace: Handler<DescribeNamespaceRequest, DescribeNamespaceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireIdentityStore(tx, ctx, input.AwsAccountId);
    const ns = await findNamespace(tx, ctx, input.Namespace!);
    if (!ns) throw namespaceNotFound(ctx, input.Namespace!);
    return { Namespace: info(ns, ctx), RequestId: ctx.requestId, Status: 200 };
  });

export const ListNamespaces: Handler<ListNamespacesRequest, ListNamespacesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireIdentityStore(tx, ctx, input.AwsAccountId);
    const page = await pageOf<NamespaceRecord>(tx, ctx, T.namespaces, `${ctx.account}/`, input, (n) => !gone(n, ctx));
    return { Namespaces: page.items.map((n) => info(n, ctx)), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** Removes every user, group, membership and assignment of a namespace. */
export async function purgeNamespace(tx: Transaction, account: string, name: string) {
  const prefix = `${account}/${name}/`;
  for (const [, user] of await scanAll<{ PrincipalId: string }>(tx, T.users, prefix)) await tx.delete(T.principals, `${account}/${user.PrincipalId}`);
  for (const table of [T.users, T.groups, T.groupMembers, T.userGroups, T.assignments]) await deleteAll(tx, table, prefix);
}

export const DeleteNamespace: Handler<DeleteNamespaceRequest, DeleteNamespaceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireIdentityStore(tx, ctx, input.AwsAccountId);
    const name = input.Namespace!;
    const ns = await findNamespace(tx, ctx, name);
    if (!ns || ns.DeletingUntil) throw namespaceNotFound(ctx, name);
    if (name === "default" || name === sub.DefaultNamespace) throw invalid(`Namespace ${name} is the account's default namespace and cannot be deleted.`);
    await purgeNamespace(tx, ctx.account, name);
    await tx.put(T.namespaces, `${ctx.account}/${name}`, { ...ns, DeletingUntil: settlesAt(ctx) });
    return { RequestId: ctx.requestId, Status: 200 };
  });
