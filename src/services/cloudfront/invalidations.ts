import type {
  CreateInvalidationForDistributionTenantRequest,
  CreateInvalidationForDistributionTenantResult,
  CreateInvalidationRequest,
  CreateInvalidationResult,
  GetInvalidationForDistributionTenantRequest,
  GetInvalidationForDistributionTenantResult,
  GetInvalidationRequest,
  GetInvalidationResult,
  Invalidation,
  InvalidationBatch,
  ListInvalidationsForDistributionTenantRequest,
  ListInvalidationsForDistributionTenantResult,
  ListInvalidationsRequest,
  ListInvalidationsResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { invalidationId, resourceUrl } from "./ids.js";
import { fullList, key, listPage, maxItemsOf, missingBody } from "./model.js";

/**
 * Invalidations of a distribution or a tenant ("target"). Each is InProgress until the instant
 * stored at its creation (now + the deploy delay), then Completed. Rows are keyed so a listing
 * is newest first: `acct/target/{inverted time}{id}`; an id index serves GetInvalidation and a
 * caller reference index the idempotent retry. The in-progress quota and a distribution's
 * InProgressInvalidationBatches read a third index of the invalidations not yet seen completed,
 * which the next create on the target prunes: a target with a million past invalidations
 * costs a create what its few running ones do.
 */
const TABLE = "cloudfront.invalidations"; //        acct/target/sortKey -> record
const IDS = "cloudfront.invalidationIds"; //        acct/target/id      -> sortKey
const REFS = "cloudfront.invalidationRefs"; //      acct/target/callerReference -> id
const RUNNING = "cloudfront.invalidationsRunning"; // acct/target/sortKey -> Running

interface InvalidationRecord {
  Id: string;
  Target: string;
  CreateTime: string;
  CompletedAt: string;
  CallerReference: string;
  Paths: string[];
}

const status = (r: InvalidationRecord, ctx: RequestContext) => (ctx.now.getTime() >= Date.parse(r.CompletedAt) ? "Completed" : "InProgress");

const invalidationOf = (r: InvalidationRecord, ctx: RequestContext): Invalidation => ({
  Id: r.Id,
  Status: status(r, ctx),
  CreateTime: new Date(r.CreateTime),
  InvalidationBatch: { Paths: { Quantity: r.Paths.length, Items: [...r.Paths] }, CallerReference: r.CallerReference },
});

const sortKey = (r: InvalidationRecord) => String(9e15 - Date.parse(r.CreateTime)).padStart(16, "0") + r.Id;

/** How a target's invalidations are checked: the target must exist (its own not-found error). */
export interface Target {
  requireTarget(tx: Transaction, ctx: RequestContext, id: string | undefined): Promise<string>;
  tenant: boolean;
  urlKind: string;
}

function validBatch(batch: InvalidationBatch | undefined, ctx: RequestContext): { paths: string[]; ref: string } {
  if (!batch) throw missingBody();
  const paths = batch.Paths?.Items ?? [];
  if (batch.Paths?.Quantity !== undefined && batch.Paths.Quantity !== paths.length) {
    throw new AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400);
  }
  if (!batch.CallerReference) throw new AwsError("InvalidArgument", "CallerReference is required.");
  if (!paths.length) throw new AwsError("InvalidArgument", "Your request must contain at least one path.");
  if (paths.length > ctx.quota("InvalidationPathsInProgress")) {
    throw new AwsError("BatchTooLarge", "Invalidation batch specified is too large.", 413);
  }
  for (const p of paths) {
    if (!p.startsWith("/")) throw new AwsError("InvalidArgument", `The path ${p} is not valid: a path must begin with /.`);
    if (p.slice(0, -1).includes("*")) throw new AwsError("InvalidArgument", `The path ${p} is not valid: * may appear only as the last character.`);
  }
  return { paths, ref: batch.CallerReference };
}

/** What the in-progress limits count of a running invalidation: until when, and its paths by kind. */
interface Running {
  /** Epoch milliseconds of CompletedAt. */
  Until: number;
  Files: number;
  Wildcards: number;
}

/**
 * InProgress invalidations of a target (the distribution's InProgressInvalidationBatches).
 * `prune`, in a create's transaction: the completed ones leave the index.
 */
export async function inProgress(tx: Transaction, ctx: RequestContext, target: string, prune = false): Promise<Running[]> {
  const out: Running[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await tx.scan<Running>(RUNNING, { prefix: `${key(ctx.account, target)}/`, after, limit: 100 });
    for (const [k, r] of rows) {
      if (ctx.now.getTime() < r.Until) out.push(r);
      else if (prune) await tx.delete(RUNNING, k);
    }
    if (rows.length < 100) return out;
    after = rows[rows.length - 1][0];
  }
}

/** Removes every invalidation of a deleted target. */
export async function dropInvalidations(tx: Transaction, account: string, target: string): Promise<void> {
  for (const table of [TABLE, IDS, REFS, RUNNING]) {
    for (;;) {
      const rows = await tx.scan(table, { prefix: `${key(account, target)}/`, limit: 500 });
      for (const [k] of rows) await tx.delete(table, k);
      if (rows.length < 500) break;
    }
  }
}

function handlers(t: Target) {
  const create = async (targetId: string | undefined, batch: InvalidationBatch | undefined, ctx: RequestContext) => {
    const { paths, ref } = validBatch(batch, ctx);
    return ctx.transaction(async (tx) => {
      const target = await t.requireTarget(tx, ctx, targetId);
      const url = (id: string) => `${resourceUrl(t.urlKind, target)}/invalidation/${id}`;
      const existingId = await tx.get<string>(REFS, key(ctx.account, target, ref));
      if (existingId) {
        const existing = (await tx.get<InvalidationRecord>(TABLE, key(ctx.account, target, (await tx.get<string>(IDS, key(ctx.account, target, existingId)))!)))!;
        if (JSON.stringify(existing.Paths) !== JSON.stringify(paths)) {
          throw new AwsError("InvalidationBatchAlreadyExists", "An invalidation batch with this CallerReference already exists with different paths.", 409);
        }
        return { Location: url(existing.Id), Invalidation: invalidationOf(existing, ctx) };
      }
      const running = await inProgress(tx, ctx, target, true);
      const wildcards = paths.filter((p) => p.endsWith("*")).length;
      const files = paths.length - wildcards;
      let runningFiles = 0;
      let runningWildcards = 0;
      for (const r of running) {
        runningFiles += r.Files;
        runningWildcards += r.Wildcards;
      }
      if (runningFiles + files > ctx.quota("InvalidationPathsInProgress") || runningWildcards + wildcards > ctx.quota("InvalidationWildcardPathsInProgress")) {
        throw new AwsError("TooManyInvalidationsInProgress", "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.", 400);
      }
      const record: InvalidationRecord = {
        Id: invalidationId(t.tenant),
        Target: target,
        CreateTime: ctx.now.toISOString(),
        CompletedAt: new Date(ctx.now.getTime() + (ctx.config.cloudfrontDeployDelayMs ?? 0)).toISOString(),
        CallerReference: ref,
        Paths: paths,
      };
      await tx.put(TABLE, key(ctx.account, target, sortKey(record)), record);
      await tx.put(IDS, key(ctx.account, target, record.Id), sortKey(record));
      await tx.put(REFS, key(ctx.account, target, ref), record.Id);
      await tx.put(RUNNING, key(ctx.account, target, sortKey(record)), { Until: Date.parse(record.CompletedAt), Files: files, Wildcards: wildcards } satisfies Running);
      return { Location: url(record.Id), Invalidation: { ...invalidationOf(record, ctx), Status: "InProgress" } };
    });
  };

  const get = (targetId: string | undefined, id: string | undefined, ctx: RequestContext) =>
    ctx.transaction(async (tx) => {
      const target = await t.requireTarget(tx, ctx, targetId);
      const sk = id ? await tx.get<string>(IDS, key(ctx.account, target, id)) : undefined;
      const r = sk ? await tx.get<InvalidationRecord>(TABLE, key(ctx.account, target, sk)) : undefined;
      if (!r) throw new AwsError("NoSuchInvalidation", "The specified invalidation does not exist.", 404);
      return { Invalidation: invalidationOf(r, ctx) };
    });

  const list = async (targetId: string | undefined, marker: string | undefined, max: number | undefined, ctx: RequestContext) => {
    const maxItems = maxItemsOf(max);
    return ctx.transaction(async (tx) => {
      const target = await t.requireTarget(tx, ctx, targetId);
      // The marker is the last Id returned; the page continues after its row.
      const after = marker ? await tx.get<string>(IDS, key(ctx.account, target, marker)) : undefined;
      const page = await listPage<InvalidationRecord>(tx, TABLE, key(ctx.account, target), after, maxItems);
      const next = page.nextMarker ? page.items[page.items.length - 1].Id : undefined;
      return {
        InvalidationList: fullList(marker, maxItems, { items: page.items, nextMarker: next }, (r) => ({ Id: r.Id, CreateTime: new Date(r.CreateTime), Status: status(r, ctx) })),
      };
    });
  };
  return { create, get, list };
}

export function invalidationHandlers(distribution: Target, tenant: Target) {
  const d = handlers(distribution);
  const tn = handlers(tenant);
  const CreateInvalidation: Handler<CreateInvalidationRequest, CreateInvalidationResult> = (input, ctx) => d.create(input.DistributionId, input.InvalidationBatch, ctx);
  const GetInvalidation: Handler<GetInvalidationRequest, GetInvalidationResult> = (input, ctx) => d.get(input.DistributionId, input.Id, ctx);
  const ListInvalidations: Handler<ListInvalidationsRequest, ListInvalidationsResult> = (input, ctx) => d.list(input.DistributionId, input.Marker, input.MaxItems, ctx);
  const CreateInvalidationForDistributionTenant: Handler<CreateInvalidationForDistributionTenantRequest, CreateInvalidationForDistributionTenantResult> = (input, ctx) =>
    tn.create(input.Id, input.InvalidationBatch, ctx);
  const GetInvalidationForDistributionTenant: Handler<GetInvalidationForDistributionTenantRequest, GetInvalidationForDistributionTenantResult> = (input, ctx) =>
    tn.get(input.DistributionTenantId, input.Id, ctx);
  const ListInvalidationsForDistributionTenant: Handler<ListInvalidationsForDistributionTenantRequest, ListInvalidationsForDistributionTenantResult> = (input, ctx) =>
    tn.list(input.Id, input.Marker, input.MaxItems, ctx);
  return {
    CreateInvalidation,
    GetInvalidation,
    ListInvalidations,
    CreateInvalidationForDistributionTenant,
    GetInvalidationForDistributionTenant,
    ListInvalidationsForDistributionTenant,
  };
}
