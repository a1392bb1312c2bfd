import type {
  CreateDataSetRequest,
  CreateDataSetResponse,
  DataSet,
  DataSetRefreshProperties,
  DataSetSummary,
  DeleteDataSetRefreshPropertiesRequest,
  DeleteDataSetRefreshPropertiesResponse,
  DeleteDataSetRequest,
  DeleteDataSetResponse,
  DescribeDataSetPermissionsRequest,
  DescribeDataSetPermissionsResponse,
  DescribeDataSetRefreshPropertiesRequest,
  DescribeDataSetRefreshPropertiesResponse,
  DescribeDataSetRequest,
  DescribeDataSetResponse,
  ListDataSetsRequest,
  ListDataSetsResponse,
  OutputColumn,
  PutDataSetRefreshPropertiesRequest,
  PutDataSetRefreshPropertiesResponse,
  UpdateDataSetPermissionsRequest,
  UpdateDataSetPermissionsResponse,
  UpdateDataSetRequest,
  UpdateDataSetResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type AssetKind, type AssetRecord, assetByArn, changePermissions, listAssets, newAsset, removeAsset, requireAsset, save, saveNew, validateId } from "./assets.js";
import { DATA_SOURCE } from "./dataSources.js";
import { deleteIngestions, startIngestion } from "./ingestions.js";
import { compact, date, invalid, notFound, quicksightValidator, requireAssets, requireEnterprise, type Subscription, T } from "./model.js";

export const DATA_SET: AssetKind = {
  table: T.dataSets,
  arnType: "dataset",
  label: "Data set",
  permissions: "dataset",
  updatePermissions: { min: 1, max: 64 },
  maxId: 128,
  memberType: "DATASET",
  resourceType: "DATA_SET",
};

/** The definition members Create and Update replace whole; stored as sent so Describe round-trips them. */
const DEFINITION = [
  "PhysicalTableMap", "LogicalTableMap", "ImportMode", "ColumnGroups", "FieldFolders", "RowLevelPermissionDataSet", "RowLevelPermissionTagConfiguration",
  "ColumnLevelPermissionRules", "DataSetUsageConfiguration", "DatasetParameters", "PerformanceConfiguration", "DataPrepConfiguration",
  "SemanticModelConfiguration",
] as const;

type Definition = Pick<DataSet, (typeof DEFINITION)[number]>;

interface DataSetRecord extends AssetRecord, Definition {
  UseAs?: DataSet["UseAs"];
  OutputColumns: OutputColumn[];
  /** Incremental refresh and failure alerts of a SPICE data set (PutDataSetRefreshProperties). */
  RefreshProperties?: DataSetRefreshProperties;
}

const COLUMN_TYPES = ["STRING", "INTEGER", "DECIMAL", "DATETIME", "BIT", "BOOLEAN", "JSON", "SEMISTRUCT"];
const TABLE_ID = /^[0-9a-zA-Z-]*$/;
const OUTPUT_TYPE: Record<string, OutputColumn["Type"]> = { BIT: "INTEGER", BOOLEAN: "INTEGER", JSON: "STRING", SEMISTRUCT: "STRING" };

type Columns = Array<{ Name?: string; Type?: string }>;

/**
 * Checks the physical and logical tables (shapes, keys, data source ARNs that exist here) and
 * returns the output columns: those of every physical table a logical table reads.
 */
async function checkDefinition(tx: Transaction, ctx: RequestContext, sub: Subscription, input: Definition & { DataPrepConfiguration?: unknown }): Promise<OutputColumn[]> {
  quicksightValidator().oneOf(input.ImportMode, "ImportMode", ["SPICE", "DIRECT_QUERY"]).check();
  const physical = Object.entries(input.PhysicalTableMap ?? {});
  if (physical.length > 32) throw invalid(`PhysicalTableMap can have at most 32 tables; it has ${physical.length}.`);
  if (!physical.length && !input.DataPrepConfiguration && !input.SemanticModelConfiguration) throw invalid("PhysicalTableMap must have at least one table.");
  const columnsOf = new Map<string, Columns>();
  for (const [id, table] of physical) {
    if (!id.length || id.length > 64 || !TABLE_ID.test(id)) throw invalid(`PhysicalTableMap key '${id}' must be 1 to 64 characters of [0-9a-zA-Z-].`);
    const members = Object.entries(table).filter(([k, v]) => k !== "$unknown" && v !== undefined);
    if (members.length !== 1) throw invalid(`Physical table ${id} must set exactly one of RelationalTable, CustomSql, S3Source, SaaSTable; it sets ${members.length}.`);
    const [kind, source] = members[0] as [string, { DataSourceArn?: string; InputColumns?: Columns; Columns?: Columns }];
    const arn = source.DataSourceArn;
    if (kind !== "SaaSTable" && !(await assetByArn(tx, ctx, DATA_SOURCE, arn))) {
      throw invalid(`Physical table ${id}: data source ${arn} does not exist in account ${ctx.account} and region ${ctx.region}.`);
    }
    const columns = source.InputColumns ?? source.Columns ?? [];
    if (columns.length > 2048) throw invalid(`Physical table ${id} can have at most 2048 input columns.`);
    const names = new Set<string>();
    for (const c of columns) {
      quicksightValidator().length(c.Name, `PhysicalTableMap.${id}.InputColumns.Name`, 1, 128).oneOf(c.Type, `PhysicalTableMap.${id}.InputColumns.Type`, COLUMN_TYPES).check();
      if (names.has(c.Name!)) throw invalid(`Physical table ${id} has the column ${c.Name} more than once.`);
      names.add(c.Name!);
    }
    columnsOf.set(id, columns);
  }
  const logical = Object.entries(input.LogicalTableMap ?? {});
  if (input.LogicalTableMap && (logical.length < 1 || logical.length > 64)) throw invalid("LogicalTableMap must have between 1 and 64 tables.");
  const used = new Set<string>();
  for (const [id, table] of logical) {
    if (!id.length || id.length > 64 || !TABLE_ID.test(id)) throw invalid(`LogicalTableMap key '${id}' must be 1 to 64 characters of [0-9a-zA-Z-].`);
    quicksightValidator().length(table.Alias, `LogicalTableMap.${id}.Alias`, 1, 64).check();
    const src = table.Source ?? {};
    const set = (["PhysicalTableId", "DataSetArn", "JoinInstruction"] as const).filter((k) => src[k] !== undefined);
    if (set.length !== 1) throw invalid(`Logical table ${id}: Source must set exactly one of PhysicalTableId, DataSetArn, JoinInstruction.`);
    if (src.PhysicalTableId !== undefined) {
      if (!columnsOf.has(src.PhysicalTableId)) throw invalid(`Logical table ${id}: PhysicalTableId ${src.PhysicalTableId} is not a key of PhysicalTableMap.`);
      used.add(src.PhysicalTableId);
    }
    if (src.JoinInstruction) {
      for (const operand of [src.JoinInstruction.LeftOperand, src.JoinInstruction.RightOperand]) {
        if (!input.LogicalTableMap![operand!]) throw invalid(`Logical table ${id}: join operand ${operand} is not a key of LogicalTableMap.`);
      }
    }
  }
  if (input.RowLevelPermissionDataSet || input.RowLevelPermissionTagConfiguration || input.ColumnLevelPermissionRules) requireEnterprise(sub, ctx);
  const read = input.LogicalTableMap ? [...used] : [...columnsOf.keys()];
  return read.flatMap((id) => columnsOf.get(id)!.map((c) => ({ Name: c.Name, Type: OUTPUT_TYPE[c.Type!] ?? (c.Type as OutputColumn["Type"]) })));
}

const definitionOf = (input: Definition): Definition => compact(Object.fromEntries(DEFINITION.map((k) => [k, input[k]])) as Definition);

/** The initial or edit ingestion a SPICE data set starts (DIRECT_QUERY holds no data). */
const ingestion = (tx: Transaction, ctx: RequestContext, r: DataSetRecord, type: "INITIAL_INGESTION" | "EDIT") =>
  r.ImportMode === "SPICE" ? startIngestion(tx, ctx, r, type) : {};

const output = (r: DataSetRecord): DataSet =>
  compact({
    Arn: r.Arn,
    DataSetId: r.Id,
    Name: r.Name,
    CreatedTime: date(r.CreatedTime),
    LastUpdatedTime: date(r.LastUpdatedTime),
    ...definitionOf(r),
    // Logical tables: derived one per physical table when the caller sent none.
    LogicalTableMap:
      r.LogicalTableMap ??
      Object.fromEntries(Object.keys(r.PhysicalTableMap ?? {}).map((id) => [id, { Alias: id, Source: { PhysicalTableId: id } }])),
    OutputColumns: r.OutputColumns,
    ConsumedSpiceCapacityInBytes: r.ImportMode === "SPICE" ? 1024 * Math.max(1, r.OutputColumns.length) : 0,
    UseAs: r.UseAs,
  });

const summary = (r: DataSetRecord): DataSetSummary =>
  compact({
    Arn: r.Arn,
    DataSetId: r.Id,
    Name: r.Name,
    CreatedTime: date(r.CreatedTime),
    LastUpdatedTime: date(r.LastUpdatedTime),
    ImportMode: r.ImportMode,
    RowLevelPermissionDataSet: r.RowLevelPermissionDataSet,
    RowLevelPermissionTagConfigurationApplied: !!r.RowLevelPermissionTagConfiguration,
    ColumnLevelPermissionRulesApplied: !!r.ColumnLevelPermissionRules?.length,
    UseAs: r.UseAs,
  });

export const CreateDataSet: Handler<CreateDataSetRequest, CreateDataSetResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAssets(tx, ctx, input.AwsAccountId);
    validateId(DATA_SET, "DataSetId", input.DataSetId);
    quicksightValidator().length(input.Name, "Name", 1, 128).oneOf(input.UseAs, "UseAs", ["RLS_RULES"]).check();
    const base = await newAsset(tx, ctx, DATA_SET, input.DataSetId!, input, 128);
    const OutputColumns = await checkDefinition(tx, ctx, sub, input);
    const record: DataSetRecord = compact({ ...base, ...definitionOf(input), UseAs: input.UseAs, OutputColumns });
    await saveNew(tx, ctx, DATA_SET, record, input.FolderArns);
    return { Arn: record.Arn, DataSetId: record.Id, ...(await ingestion(tx, ctx, record, "INITIAL_INGESTION")), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDataSet: Handler<DescribeDataSetRequest, DescribeDataSetResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    return { DataSet: output(await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!)), RequestId: ctx.requestId, Status: 200 };
  });

export const ListDataSets: Handler<ListDataSetsRequest, ListDataSetsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const page = await listAssets<DataSetRecord>(tx, ctx, DATA_SET, input);
    return { DataSetSummaries: page.items.map(summary), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** Replaces the whole definition; permissions, tags and folders stay. */
export const UpdateDataSet: Handler<UpdateDataSetRequest, UpdateDataSetResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    quicksightValidator().length(input.Name, "Name", 1, 128).check();
    const OutputColumns = await checkDefinition(tx, ctx, sub, input);
    const { Id, Arn, CreatedTime, Permissions, Tags, UseAs } = r;
    const updated: DataSetRecord = compact({
      Id, Arn, CreatedTime, Permissions, Tags, UseAs,
      // Refresh properties only mean something for SPICE: a move to DIRECT_QUERY drops them.
      RefreshProperties: input.ImportMode === "SPICE" ? r.RefreshProperties : undefined,
      Name: input.Name!,
      LastUpdatedTime: ctx.now.toISOString(),
      ...definitionOf(input),
      OutputColumns,
    });
    await save(tx, ctx, DATA_SET, updated);
    return { Arn, DataSetId: Id, ...(await ingestion(tx, ctx, updated, "EDIT")), RequestId: ctx.requestId, Status: 200 };
  });

/** Analyses and dashboards that read it keep its ARN, as on AWS. */
export const DeleteDataSet: Handler<DeleteDataSetRequest, DeleteDataSetResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    await removeAsset(tx, ctx, DATA_SET, r);
    await deleteIngestions(tx, ctx, r.Id);
    return { Arn: r.Arn, DataSetId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDataSetPermissions: Handler<DescribeDataSetPermissionsRequest, DescribeDataSetPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    return { DataSetArn: r.Arn, DataSetId: r.Id, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateDataSetPermissions: Handler<UpdateDataSetPermissionsRequest, UpdateDataSetPermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    await changePermissions(tx, ctx, DATA_SET, r, input);
    return { DataSetArn: r.Arn, DataSetId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

// ---- Refresh properties (Terraform's aws_quicksight_data_set reads them on every refresh) ----

/** Refresh properties exist only on SPICE data sets; AWS says so in this message, which Terraform matches. */
function requireSpice(r: DataSetRecord) {
  if (r.ImportMode !== "SPICE") throw invalid(`Data set ${r.Arn} is not a SPICE dataset: refresh properties apply to SPICE data sets only.`);
}

const noRefreshProperties = (r: DataSetRecord) => notFound(`Data set ${r.Arn} has no refresh properties.`, "DATA_SET");

export const PutDataSetRefreshProperties: Handler<PutDataSetRefreshPropertiesRequest, PutDataSetRefreshPropertiesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    requireSpice(r);
    const props = input.DataSetRefreshProperties ?? {};
    const window = props.RefreshConfiguration?.IncrementalRefresh?.LookbackWindow;
    if (window) {
      quicksightValidator().oneOf(window.SizeUnit, "LookbackWindow.SizeUnit", ["HOUR", "DAY", "WEEK"]).check();
      if (!Number.isInteger(window.Size) || window.Size! < 1) throw invalid("LookbackWindow.Size must be a positive whole number.");
      if (!r.OutputColumns.some((c) => c.Name === window.ColumnName)) throw invalid(`LookbackWindow.ColumnName ${window.ColumnName} is not a column of data set ${r.Arn}.`);
    }
    quicksightValidator().oneOf(props.FailureConfiguration?.EmailAlert?.AlertStatus, "EmailAlert.AlertStatus", ["ENABLED", "DISABLED"]).check();
    await save(tx, ctx, DATA_SET, { ...r, RefreshProperties: props });
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDataSetRefreshProperties: Handler<DescribeDataSetRefreshPropertiesRequest, DescribeDataSetRefreshPropertiesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    requireSpice(r);
    if (!r.RefreshProperties) throw noRefreshProperties(r);
    return { DataSetRefreshProperties: r.RefreshProperties, RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteDataSetRefreshProperties: Handler<DeleteDataSetRefreshPropertiesRequest, DeleteDataSetRefreshPropertiesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSetRecord>(tx, ctx, DATA_SET, input.DataSetId!);
    if (!r.RefreshProperties) throw noRefreshProperties(r);
    const { RefreshProperties: _p, ...rest } = r;
    await save(tx, ctx, DATA_SET, rest);
    return { RequestId: ctx.requestId, Status: 200 };
  });
