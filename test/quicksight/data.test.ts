import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateGroupCommand,
  DeleteDataSetCommand,
  DeleteDataSetRefreshPropertiesCommand,
  DescribeDataSetRefreshPropertiesCommand,
  PutDataSetRefreshPropertiesCommand,
  DeleteDataSourceCommand,
  DescribeDataSetCommand,
  DescribeDataSetPermissionsCommand,
  DescribeDataSourceCommand,
  DescribeDataSourcePermissionsCommand,
  ListDataSetsCommand,
  ListDataSourcesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDataSetCommand,
  UpdateDataSetPermissionsCommand,
  UpdateDataSourceCommand,
  UpdateDataSourcePermissionsCommand,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const A = { AwsAccountId: ACCOUNT };
const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
const GROUP = arn("group/default/analysts");
const S3 = { S3Parameters: { ManifestFileLocation: { Bucket: "b", Key: "m.json" } } };
const table = (ds = "sales") => ({
  t1: { RelationalTable: { DataSourceArn: arn(`datasource/${ds}`), Name: "orders", InputColumns: [{ Name: "id", Type: "INTEGER" as const }, { Name: "ok", Type: "BOOLEAN" as const }] } },
});

describe("QuickSight assets before a subscription", () => {
  it("answers UnsupportedUserEditionException (403) and tags ResourceNotFoundException (404)", async () => {
    const qs = quicksight(server().endpoint);
    const error = await failure(qs.send(new ListDataSourcesCommand(A)));
    assert.equal(error.name, "UnsupportedUserEditionException");
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.equal(error.message, `Account ${ACCOUNT} is not subscribed for QuickSight`);
    const tags = await failure(qs.send(new ListTagsForResourceCommand({ ResourceArn: arn("datasource/x") })));
    assert.equal(tags.name, "ResourceNotFoundException");
    assert.equal(tags.$metadata.httpStatusCode, 404);
    await subscribe(qs);
    await qs.send(new CreateGroupCommand({ ...A, Namespace: "default", GroupName: "analysts" }));
  });
});

describe("QuickSight data sources", () => {
  it("creates one CREATION_IN_PROGRESS that describes as CREATION_SUCCESSFUL, never returning credentials", async () => {
    const qs = quicksight(server().endpoint);
    const created = await qs.send(
      new CreateDataSourceCommand({
        ...A, DataSourceId: "sales", Name: "Sales", Type: "S3", DataSourceParameters: S3,
        Credentials: { CredentialPair: { Username: "u", Password: "p" } },
        Permissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeDataSource", "quicksight:PassDataSource"] }],
        Tags: [{ Key: "env", Value: "test" }],
      }),
    );
    assert.equal(created.Status, 200);
    assert.equal(created.CreationStatus, "CREATION_IN_PROGRESS");
    assert.equal(created.Arn, arn("datasource/sales"));
    const { DataSource } = await qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "sales" }));
    assert.equal(DataSource!.Status, "CREATION_SUCCESSFUL");
    assert.deepEqual(DataSource!.DataSourceParameters, S3);
    assert.equal(DataSource!.Type, "S3");
    assert.ok(DataSource!.CreatedTime instanceof Date);
    assert.equal(JSON.stringify(DataSource).includes("Password"), false);
    assert.deepEqual((await qs.send(new ListTagsForResourceCommand({ ResourceArn: created.Arn }))).Tags, [{ Key: "env", Value: "test" }]);
  });

  it("refuses bad input and duplicates, changing nothing", async () => {
    const qs = quicksight(server().endpoint);
    const refused = refusal(async () => body(await qs.send(new ListDataSourcesCommand(A))));
    const make = (over: object) => () => qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "other", Name: "O", Type: "S3", DataSourceParameters: S3, ...over }));
    await refused(make({ DataSourceId: "sales" }), "ResourceExistsException", 409);
    await refused(make({ Type: "NOSQL" }), "InvalidParameterValueException", 400);
    await refused(make({ DataSourceId: "bad id!" }), "InvalidParameterValueException", 400);
    await refused(make({ Type: "ATHENA" }), "InvalidParameterValueException", 400);
    await refused(make({ Permissions: [{ Principal: "alice", Actions: ["quicksight:DescribeDataSource"] }] }), "InvalidParameterValueException", 400);
    await refused(make({ Permissions: [{ Principal: GROUP, Actions: ["quicksight:Everything"] }] }), "InvalidParameterValueException", 400);
    const ghost = await refused(make({ Permissions: [{ Principal: arn("group/default/ghosts"), Actions: ["quicksight:DescribeDataSource"] }] }), "InvalidParameterValueException", 400);
    assert.match(ghost.message, /does not exist/);
    await refused(make({ FolderArns: [arn("folder/none")] }), "ResourceNotFoundException", 404);
    await refused(make({ Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }), "LimitExceededException", 409);
    await refused(() => qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "nope" })), "ResourceNotFoundException", 404);
  });

  it("updates in place (UPDATE_IN_PROGRESS then UPDATE_SUCCESSFUL), grants and revokes permissions", async () => {
    const qs = quicksight(server().endpoint);
    const before = (await qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "sales" }))).DataSource!;
    const updated = await qs.send(new UpdateDataSourceCommand({ ...A, DataSourceId: "sales", Name: "Sales 2" }));
    assert.equal(updated.UpdateStatus, "UPDATE_IN_PROGRESS");
    const after = (await qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "sales" }))).DataSource!;
    assert.equal(after.Name, "Sales 2");
    assert.equal(after.Status, "UPDATE_SUCCESSFUL");
    assert.deepEqual(after.CreatedTime, before.CreatedTime);
    const perms = async () => (await qs.send(new DescribeDataSourcePermissionsCommand({ ...A, DataSourceId: "sales" }))).Permissions;
    await qs.send(new UpdateDataSourcePermissionsCommand({ ...A, DataSourceId: "sales", GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:UpdateDataSource"] }] }));
    assert.deepEqual((await perms())![0].Actions!.sort(), ["quicksight:DescribeDataSource", "quicksight:PassDataSource", "quicksight:UpdateDataSource"]);
    const refused = refusal(perms);
    await refused(
      () => qs.send(new UpdateDataSourcePermissionsCommand({ ...A, DataSourceId: "sales", GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:DeleteDataSource"] }, { Principal: "x", Actions: ["quicksight:DeleteDataSource"] }] })),
      "InvalidParameterValueException",
      400,
    );
    await refused(() => qs.send(new UpdateDataSourcePermissionsCommand({ ...A, DataSourceId: "sales", GrantPermissions: [{ Principal: arn("user/default/ghost"), Actions: ["quicksight:DescribeDataSource"] }] })), "InvalidParameterValueException", 400);
    // Revoking a principal that does not exist (or no longer does) is not checked.
    await qs.send(new UpdateDataSourcePermissionsCommand({ ...A, DataSourceId: "sales", RevokePermissions: [{ Principal: arn("user/default/ghost"), Actions: ["quicksight:DescribeDataSource"] }] }));
    await qs.send(new UpdateDataSourcePermissionsCommand({ ...A, DataSourceId: "sales", RevokePermissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeDataSource", "quicksight:PassDataSource", "quicksight:UpdateDataSource"] }] }));
    assert.deepEqual(await perms(), []);
    await refused(() => qs.send(new UpdateDataSourceCommand({ ...A, DataSourceId: "nope", Name: "x" })), "ResourceNotFoundException", 404);
  });
});

describe("QuickSight data sets", () => {
  it("creates a SPICE data set on an existing data source, with an ingestion and output columns", async () => {
    const qs = quicksight(server().endpoint);
    const created = await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "orders", Name: "Orders", ImportMode: "SPICE", PhysicalTableMap: table(), Permissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeDataSet"] }] }));
    assert.equal(created.Arn, arn("dataset/orders"));
    assert.match(created.IngestionArn!, new RegExp(`^${arn("dataset/orders")}/ingestion/[0-9a-f-]{36}$`));
    const { DataSet } = await qs.send(new DescribeDataSetCommand({ ...A, DataSetId: "orders" }));
    assert.deepEqual(DataSet!.PhysicalTableMap, table());
    assert.deepEqual(DataSet!.OutputColumns, [{ Name: "id", Type: "INTEGER" }, { Name: "ok", Type: "INTEGER" }]);
    assert.deepEqual(DataSet!.LogicalTableMap, { t1: { Alias: "t1", Source: { PhysicalTableId: "t1" } } });
    const direct = await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "live", Name: "Live", ImportMode: "DIRECT_QUERY", PhysicalTableMap: table() }));
    assert.equal(direct.IngestionArn, undefined);
    const list = await qs.send(new ListDataSetsCommand({ ...A, MaxResults: 1 }));
    assert.equal(list.DataSetSummaries!.length, 1);
    const rest = await qs.send(new ListDataSetsCommand({ ...A, NextToken: list.NextToken }));
    assert.deepEqual([...list.DataSetSummaries!, ...rest.DataSetSummaries!].map((s) => s.DataSetId), ["live", "orders"]);
  });

  it("refuses a data source that does not exist, bad tables and duplicates, changing nothing", async () => {
    const qs = quicksight(server().endpoint);
    const refused = refusal(async () => body(await qs.send(new ListDataSetsCommand(A))));
    const make = (over: object) => () => qs.send(new CreateDataSetCommand({ ...A, DataSetId: "x", Name: "X", ImportMode: "SPICE", PhysicalTableMap: table(), ...over }));
    await refused(make({ PhysicalTableMap: table("missing") }), "InvalidParameterValueException", 400);
    await refused(make({ DataSetId: "orders" }), "ResourceExistsException", 409);
    await refused(make({ ImportMode: "LIVE" }), "InvalidParameterValueException", 400);
    await refused(make({ PhysicalTableMap: {} }), "InvalidParameterValueException", 400);
    await refused(make({ LogicalTableMap: { l: { Alias: "l", Source: { PhysicalTableId: "nope" } } } }), "InvalidParameterValueException", 400);
    await refused(make({ PhysicalTableMap: { t1: { RelationalTable: { DataSourceArn: arn("datasource/sales"), Name: "o", InputColumns: [{ Name: "a", Type: "STRING" }, { Name: "a", Type: "STRING" }] } } } }), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new UpdateDataSetCommand({ ...A, DataSetId: "nope", Name: "n", ImportMode: "SPICE", PhysicalTableMap: table() })), "ResourceNotFoundException", 404);
  });

  it("updates the definition keeping permissions and tags; tags merge and untag; deletes", async () => {
    const qs = quicksight(server().endpoint);
    const ds = arn("dataset/orders");
    await qs.send(new TagResourceCommand({ ResourceArn: ds, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }));
    await qs.send(new TagResourceCommand({ ResourceArn: ds, Tags: [{ Key: "a", Value: "9" }] }));
    await qs.send(new UpdateDataSetCommand({ ...A, DataSetId: "orders", Name: "Orders v2", ImportMode: "DIRECT_QUERY", PhysicalTableMap: table() }));
    const { DataSet } = await qs.send(new DescribeDataSetCommand({ ...A, DataSetId: "orders" }));
    assert.equal(DataSet!.Name, "Orders v2");
    assert.equal(DataSet!.ImportMode, "DIRECT_QUERY");
    assert.equal((await qs.send(new DescribeDataSetPermissionsCommand({ ...A, DataSetId: "orders" }))).Permissions!.length, 1);
    const tags = async () => (await qs.send(new ListTagsForResourceCommand({ ResourceArn: ds }))).Tags!.sort((x, y) => x.Key!.localeCompare(y.Key!));
    assert.deepEqual(await tags(), [{ Key: "a", Value: "9" }, { Key: "b", Value: "2" }]);
    await qs.send(new UntagResourceCommand({ ResourceArn: ds, TagKeys: ["a", "zzz"] }));
    assert.deepEqual(await tags(), [{ Key: "b", Value: "2" }]);
    const refused = refusal(tags);
    await refused(() => qs.send(new TagResourceCommand({ ResourceArn: ds, Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) })), "LimitExceededException", 409);
    await refused(() => qs.send(new TagResourceCommand({ ResourceArn: "not-an-arn", Tags: [{ Key: "a", Value: "b" }] })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new TagResourceCommand({ ResourceArn: arn("dataset/none"), Tags: [{ Key: "a", Value: "b" }] })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new UpdateDataSetPermissionsCommand({ ...A, DataSetId: "orders", GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeDataSource"] }] })), "InvalidParameterValueException", 400);
    await qs.send(new UpdateDataSetPermissionsCommand({ ...A, DataSetId: "orders", GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:UpdateDataSet"] }] }));
    // A data set whose data source goes keeps its ARN; the data source can go.
    await qs.send(new DeleteDataSourceCommand({ ...A, DataSourceId: "sales" }));
    assert.equal((await qs.send(new DescribeDataSetCommand({ ...A, DataSetId: "orders" }))).DataSet!.DataSetId, "orders");
    await qs.send(new DeleteDataSetCommand({ ...A, DataSetId: "orders" }));
    const gone = await failure(qs.send(new DescribeDataSetCommand({ ...A, DataSetId: "orders" })));
    assert.equal(gone.$metadata.httpStatusCode, 404);
    const tagsGone = await failure(qs.send(new ListTagsForResourceCommand({ ResourceArn: ds })));
    assert.equal(tagsGone.name, "ResourceNotFoundException");
  });
});

describe("QuickSight data set refresh properties (read by Terraform's aws_quicksight_data_set)", () => {
  it("answers ResourceNotFound until put, 'not a SPICE dataset' for DIRECT_QUERY, and deletes them", async () => {
    const qs = quicksight(server().endpoint);
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "sales", Name: "Sales", Type: "S3", DataSourceParameters: S3 }));
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "spice", Name: "Spice", ImportMode: "SPICE", PhysicalTableMap: table() }));
    const id = { ...A, DataSetId: "spice" };
    const read = async () => (await failure(qs.send(new DescribeDataSetRefreshPropertiesCommand(id)))).name;
    const none = await failure(qs.send(new DescribeDataSetRefreshPropertiesCommand(id)));
    assert.equal(none.name, "ResourceNotFoundException");
    assert.equal(none.$metadata.httpStatusCode, 404);
    const refused = refusal(read);
    const window = (ColumnName: string, SizeUnit = "DAY") => ({ RefreshConfiguration: { IncrementalRefresh: { LookbackWindow: { ColumnName, Size: 2, SizeUnit: SizeUnit as never } } } });
    await refused(() => qs.send(new PutDataSetRefreshPropertiesCommand({ ...id, DataSetRefreshProperties: window("nope") })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new PutDataSetRefreshPropertiesCommand({ ...id, DataSetRefreshProperties: window("id", "YEAR") })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteDataSetRefreshPropertiesCommand(id)), "ResourceNotFoundException", 404);
    await qs.send(new PutDataSetRefreshPropertiesCommand({ ...id, DataSetRefreshProperties: window("id") }));
    assert.deepEqual((await qs.send(new DescribeDataSetRefreshPropertiesCommand(id))).DataSetRefreshProperties, window("id"));
    await qs.send(new DeleteDataSetRefreshPropertiesCommand(id));
    assert.equal(await read(), "ResourceNotFoundException");
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "direct", Name: "Direct", ImportMode: "DIRECT_QUERY", PhysicalTableMap: table() }));
    const direct = await failure(qs.send(new DescribeDataSetRefreshPropertiesCommand({ ...A, DataSetId: "direct" })));
    assert.equal(direct.name, "InvalidParameterValueException");
    assert.match(direct.message, /not a SPICE dataset/);
  });
});
