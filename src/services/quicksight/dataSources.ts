import type {
  CreateDataSourceRequest,
  CreateDataSourceResponse,
  DataSource,
  DeleteDataSourceRequest,
  DeleteDataSourceResponse,
  DescribeDataSourcePermissionsRequest,
  DescribeDataSourcePermissionsResponse,
  DescribeDataSourceRequest,
  DescribeDataSourceResponse,
  ListDataSourcesRequest,
  ListDataSourcesResponse,
  UpdateDataSourcePermissionsRequest,
  UpdateDataSourcePermissionsResponse,
  UpdateDataSourceRequest,
  UpdateDataSourceResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import { type AssetKind, type AssetRecord, changePermissions, listAssets, newAsset, removeAsset, requireAsset, save, saveNew, validateId } from "./assets.js";
import { compact, date, inProgress, invalid, progress, quicksightValidator, requireAssets, statusOf, T } from "./model.js";

export const DATA_SOURCE: AssetKind = {
  table: T.dataSources,
  arnType: "datasource",
  label: "Data source",
  permissions: "datasource",
  updatePermissions: { min: 1, max: 64 },
  maxId: 128,
  memberType: "DATASOURCE",
  resourceType: "DATA_SOURCE",
};

const TYPES = [
  "ADOBE_ANALYTICS", "AMAZON_ELASTICSEARCH", "AMAZON_OPENSEARCH", "ATHENA", "AURORA", "AURORA_POSTGRESQL", "AWS_IOT_ANALYTICS", "BIGQUERY", "CONFLUENCE",
  "DATABRICKS", "EXASOL", "GITHUB", "GOOGLESHEETS", "GOOGLE_DRIVE", "JIRA", "MARIADB", "MYSQL", "ONE_DRIVE", "ORACLE", "POSTGRESQL", "PRESTO", "QBUSINESS",
  "REDSHIFT", "S3", "S3_KNOWLEDGE_BASE", "S3_TABLES", "SALESFORCE", "SERVICENOW", "SHAREPOINT", "SNOWFLAKE", "SPARK", "SQLSERVER", "STARBURST", "TERADATA",
  "TIMESTREAM", "TRINO", "TWITTER", "WEB_CRAWLER",
];
const RDS_TYPES = ["MYSQL", "POSTGRESQL", "MARIADB", "ORACLE", "SQLSERVER", "AURORA", "AURORA_POSTGRESQL"];
const flat = (s: string) => s.replace(/_/g, "").toLowerCase();

interface DataSourceRecord extends AssetRecord {
  Type: string;
  DataSourceParameters?: DataSource["DataSourceParameters"];
  AlternateDataSourceParameters?: DataSource["AlternateDataSourceParameters"];
  VpcConnectionProperties?: DataSource["VpcConnectionProperties"];
  SslProperties?: DataSource["SslProperties"];
  SecretArn?: string;
}

/** DataSourceParameters is a union: exactly one member, and one that fits the Type. */
function checkParameters(type: string, params: object | undefined, member = "DataSourceParameters") {
  if (params === undefined) return;
  const members = Object.keys(params).filter((k) => k !== "$unknown");
  if (members.length !== 1) throw invalid(`${member} must set exactly one member; it sets ${members.length}.`);
  const name = members[0].replace(/Parameters$/, "");
  if (name === "Rds" ? !RDS_TYPES.includes(type) : TYPES.some((t) => flat(t) === flat(name)) && flat(name) !== flat(type)) {
    throw invalid(`${member} ${members[0]} does not fit data source type ${type}.`);
  }
  const port = (Object.values(params)[0] as { Port?: number }).Port;
  if (port !== undefined) quicksightValidator().range(port, `${member}.${members[0]}.Port`, 1, 65535).check();
}

const output = (r: DataSourceRecord, ctx: RequestContext): DataSource =>
  compact({
    Arn: r.Arn,
    DataSourceId: r.Id,
    Name: r.Name,
    Type: r.Type as DataSource["Type"],
    Status: statusOf(r.Progress!, ctx),
    CreatedTime: date(r.CreatedTime),
    LastUpdatedTime: date(r.LastUpdatedTime),
    DataSourceParameters: r.DataSourceParameters,
    AlternateDataSourceParameters: r.AlternateDataSourceParameters,
    VpcConnectionProperties: r.VpcConnectionProperties,
    SslProperties: r.SslProperties,
    SecretArn: r.SecretArn,
  });

/** Credentials are taken and never returned; the secret ARN is kept when one is given. */
const secretOf = (c: CreateDataSourceRequest["Credentials"]) => c?.SecretArn;

export const CreateDataSource: Handler<CreateDataSourceRequest, CreateDataSourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    validateId(DATA_SOURCE, "DataSourceId", input.DataSourceId);
    quicksightValidator().oneOf(input.Type, "Type", TYPES).length(input.Name, "Name", 1, 128).check();
    checkParameters(input.Type!, input.DataSourceParameters);
    const base = await newAsset(tx, ctx, DATA_SOURCE, input.DataSourceId!, input, 128);
    const record: DataSourceRecord = compact({
      ...base,
      Progress: progress("CREATION", ctx),
      Type: input.Type!,
      DataSourceParameters: input.DataSourceParameters,
      AlternateDataSourceParameters: input.DataSourceParameters ? [input.DataSourceParameters] : undefined,
      VpcConnectionProperties: input.VpcConnectionProperties,
      SslProperties: input.SslProperties,
      SecretArn: secretOf(input.Credentials),
    });
    await saveNew(tx, ctx, DATA_SOURCE, record, input.FolderArns);
    return { Arn: record.Arn, DataSourceId: record.Id, CreationStatus: inProgress("CREATION"), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDataSource: Handler<DescribeDataSourceRequest, DescribeDataSourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSourceRecord>(tx, ctx, DATA_SOURCE, input.DataSourceId!);
    return { DataSource: output(r, ctx), RequestId: ctx.requestId, Status: 200 };
  });

export const ListDataSources: Handler<ListDataSourcesRequest, ListDataSourcesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const page = await listAssets<DataSourceRecord>(tx, ctx, DATA_SOURCE, input);
    return { DataSources: page.items.map((r) => output(r, ctx)), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

/** Replaces the name and the parameter members given; the type never changes. */
export const UpdateDataSource: Handler<UpdateDataSourceRequest, UpdateDataSourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSourceRecord>(tx, ctx, DATA_SOURCE, input.DataSourceId!);
    quicksightValidator().length(input.Name, "Name", 1, 128).check();
    checkParameters(r.Type, input.DataSourceParameters);
    const updated: DataSourceRecord = compact({
      ...r,
      Name: input.Name!,
      DataSourceParameters: input.DataSourceParameters ?? r.DataSourceParameters,
      AlternateDataSourceParameters: input.DataSourceParameters ? [input.DataSourceParameters] : r.AlternateDataSourceParameters,
      VpcConnectionProperties: input.VpcConnectionProperties ?? r.VpcConnectionProperties,
      SslProperties: input.SslProperties ?? r.SslProperties,
      SecretArn: secretOf(input.Credentials) ?? r.SecretArn,
      LastUpdatedTime: ctx.now.toISOString(),
      Progress: progress("UPDATE", ctx),
    });
    await save(tx, ctx, DATA_SOURCE, updated);
    return { Arn: r.Arn, DataSourceId: r.Id, UpdateStatus: inProgress("UPDATE"), RequestId: ctx.requestId, Status: 200 };
  });

/** Data sets that read it keep their ARN (they would fail to refresh), as on AWS. */
export const DeleteDataSource: Handler<DeleteDataSourceRequest, DeleteDataSourceResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSourceRecord>(tx, ctx, DATA_SOURCE, input.DataSourceId!);
    await removeAsset(tx, ctx, DATA_SOURCE, r);
    return { Arn: r.Arn, DataSourceId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeDataSourcePermissions: Handler<DescribeDataSourcePermissionsRequest, DescribeDataSourcePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSourceRecord>(tx, ctx, DATA_SOURCE, input.DataSourceId!);
    return { DataSourceArn: r.Arn, DataSourceId: r.Id, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateDataSourcePermissions: Handler<UpdateDataSourcePermissionsRequest, UpdateDataSourcePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId);
    const r = await requireAsset<DataSourceRecord>(tx, ctx, DATA_SOURCE, input.DataSourceId!);
    await changePermissions(tx, ctx, DATA_SOURCE, r, input);
    return { DataSourceArn: r.Arn, DataSourceId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });
