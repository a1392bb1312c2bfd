import type {
  CancelIngestionRequest,
  CancelIngestionResponse,
  CreateIngestionRequest,
  CreateIngestionResponse,
  DescribeIngestionRequest,
  DescribeIngestionResponse,
  Ingestion,
  ListIngestionsRequest,
  ListIngestionsResponse,
} from "@aws-sdk/client-quicksight";
import { uuid } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type AssetRecord, requireAsset } from "./assets.js";
import { DATA_SET } from "./dataSets.js";
import { date, deleteAll, exists, invalid, notFound, pageOf, quicksightValidator, requireAssets, settled, settlesAt, T } from "./model.js";

/**
 * SPICE ingestions of a data set: the initial one (CreateDataSet), one per edit (UpdateDataSet)
 * and the refreshes CreateIngestion starts. An ingestion is RUNNING until its stored end
 * instant, then COMPLETED (no data moves: zero rows); CancelIngestion stops a running one.
 */
interface IngestionRecord {
  IngestionId: string;
  Arn: string;
  CreatedTime: string;
  EndsAt: string;
  RequestSource: "MANUAL" | "SCHEDULED";
  RequestType: "INITIAL_INGESTION" | "EDIT" | "INCREMENTAL_REFRESH" | "FULL_REFRESH";
  CancelledAt?: string;
}

const prefix = (ctx: RequestContext, dataSetId: string) => `${ctx.account}/${ctx.region}/${dataSetId}\n`;

/** Records a new ingestion of a SPICE data set and returns its ARN and id. */
export async function startIngestion(tx: Transaction, ctx: RequestContext, dataSet: { Id: string; Arn: string }, RequestType: IngestionRecord["RequestType"], id: string = uuid()) {
  const record: IngestionRecord = {
    IngestionId: id,
    Arn: `${dataSet.Arn}/ingestion/${id}`,
    CreatedTime: ctx.now.toISOString(),
    EndsAt: settlesAt(ctx),
    RequestSource: "MANUAL",
    RequestType,
  };
  await tx.put(T.ingestions, prefix(ctx, dataSet.Id) + id, record);
  return { IngestionArn: record.Arn, IngestionId: id };
}

/** A data set's ingestions go with it. */
export const deleteIngestions = (tx: Transaction, ctx: RequestContext, dataSetId: string) => deleteAll(tx, T.ingestions, prefix(ctx, dataSetId));

const status = (r: IngestionRecord, ctx: RequestContext) => (r.CancelledAt ? "CANCELLED" : settled(r.EndsAt, ctx) ? "COMPLETED" : "RUNNING");

const output = (r: IngestionRecord, ctx: RequestContext): Ingestion => {
  const s = status(r, ctx);
  const done = s === "COMPLETED";
  return {
    Arn: r.Arn,
    IngestionId: r.IngestionId,
    IngestionStatus: s,
    CreatedTime: date(r.CreatedTime),
    RequestSource: r.RequestSource,
    RequestType: r.RequestType,
    ...(done
      ? {
          RowInfo: { RowsIngested: 0, RowsDropped: 0, TotalRowsInDataset: 0 },
          IngestionSizeInBytes: 0,
          IngestionTimeInSeconds: Math.max(0, Math.round((Date.parse(r.EndsAt) - Date.parse(r.CreatedTime)) / 1000)),
        }
      : {}),
  };
};

type DataSetView = AssetRecord & { ImportMode?: string; RefreshProperties?: { RefreshConfiguration?: unknown } };

async function spiceDataSet(tx: Transaction, ctx: RequestContext, input: { AwsAccountId?: string; DataSetId?: string }) {
  await requireAssets(tx, ctx, input.AwsAccountId);
  const ds = await requireAsset<DataSetView>(tx, ctx, DATA_SET, input.DataSetId!);
  if (ds.ImportMode !== "SPICE") throw invalid(`Data set ${ds.Arn} is not a SPICE dataset: only SPICE data sets have ingestions.`);
  return ds;
}

async function requireIngestion(tx: Transaction, ctx: RequestContext, ds: DataSetView, id: string) {
  const r = await tx.get<IngestionRecord>(T.ingestions, prefix(ctx, ds.Id) + id);
  if (!r) throw notFound(`Ingestion ${id} of data set ${ds.Arn} not found.`, "INGESTION");
  return r;
}

export const CreateIngestion: Handler<CreateIngestionRequest, CreateIngestionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    quicksightValidator().length(input.IngestionId, "IngestionId", 1, 128).pattern(input.IngestionId, "IngestionId", /^[a-zA-Z0-9-_]+$/).oneOf(input.IngestionType, "IngestionType", ["INCREMENTAL_REFRESH", "FULL_REFRESH"]).check();
    const ds = await spiceDataSet(tx, ctx, input);
    if (input.IngestionType === "INCREMENTAL_REFRESH" && !ds.RefreshProperties?.RefreshConfiguration) {
      throw invalid(`An incremental refresh of data set ${ds.Arn} needs refresh properties with a lookback window (PutDataSetRefreshProperties).`);
    }
    if (await tx.get(T.ingestions, prefix(ctx, ds.Id) + input.IngestionId)) throw exists(`Ingestion ${input.IngestionId} of data set ${ds.Arn} already exists.`, "INGESTION");
    const started = await startIngestion(tx, ctx, ds, input.IngestionType ?? "FULL_REFRESH", input.IngestionId);
    return { Arn: started.IngestionArn, IngestionId: started.IngestionId, IngestionStatus: "INITIALIZED", RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeIngestion: Handler<DescribeIngestionRequest, DescribeIngestionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ds = await spiceDataSet(tx, ctx, input);
    return { Ingestion: output(await requireIngestion(tx, ctx, ds, input.IngestionId!), ctx), RequestId: ctx.requestId, Status: 200 };
  });

export const ListIngestions: Handler<ListIngestionsRequest, ListIngestionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ds = await spiceDataSet(tx, ctx, input);
    const page = await pageOf<IngestionRecord>(tx, ctx, T.ingestions, prefix(ctx, ds.Id), input);
    return { Ingestions: page.items.map((r) => output(r, ctx)), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** Stops a running ingestion; one that has already ended is left as it is. */
export const CancelIngestion: Handler<CancelIngestionRequest, CancelIngestionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ds = await spiceDataSet(tx, ctx, input);
    const r = await requireIngestion(tx, ctx, ds, input.IngestionId!);
    if (status(r, ctx) === "RUNNING") await tx.put(T.ingestions, prefix(ctx, ds.Id) + r.IngestionId, { ...r, CancelledAt: ctx.now.toISOString() });
    return { Arn: r.Arn, IngestionId: r.IngestionId, RequestId: ctx.requestId, Status: 200 };
  });
