import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelIngestionCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateIngestionCommand,
  DeleteDataSetCommand,
  DescribeIngestionCommand,
  ListIngestionsCommand,
  UpdateDataSetCommand,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const slow = useServer({ quicksightDelayMs: 3_600_000 });
const A = { AwsAccountId: ACCOUNT };
const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
const tables = { t: { RelationalTable: { DataSourceArn: arn("datasource/s"), Name: "t", InputColumns: [{ Name: "day", Type: "DATETIME" as const }] } } };

async function setUp(endpoint: string) {
  const qs = quicksight(endpoint);
  await subscribe(qs);
  await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "s", Name: "s", Type: "ATHENA", DataSourceParameters: { AthenaParameters: {} } }));
  return qs;
}

describe("QuickSight SPICE ingestions", () => {
  it("records the initial and edit ingestions of a SPICE data set, and refreshes; refuses DIRECT_QUERY", async () => {
    const qs = await setUp(server().endpoint);
    const created = await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "d", Name: "d", ImportMode: "SPICE", PhysicalTableMap: tables }));
    const initial = (await qs.send(new DescribeIngestionCommand({ ...A, DataSetId: "d", IngestionId: created.IngestionId }))).Ingestion!;
    assert.equal(initial.Arn, created.IngestionArn);
    assert.equal(initial.IngestionStatus, "COMPLETED");
    assert.equal(initial.RequestType, "INITIAL_INGESTION");
    assert.deepEqual(initial.RowInfo, { RowsIngested: 0, RowsDropped: 0, TotalRowsInDataset: 0 });
    const edit = await qs.send(new UpdateDataSetCommand({ ...A, DataSetId: "d", Name: "d2", ImportMode: "SPICE", PhysicalTableMap: tables }));
    assert.equal((await qs.send(new DescribeIngestionCommand({ ...A, DataSetId: "d", IngestionId: edit.IngestionId }))).Ingestion!.RequestType, "EDIT");
    const refresh = await qs.send(new CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "nightly-1", IngestionType: "FULL_REFRESH" }));
    assert.equal(refresh.IngestionStatus, "INITIALIZED");
    assert.equal(refresh.Arn, arn("dataset/d/ingestion/nightly-1"));
    const listed = await qs.send(new ListIngestionsCommand({ ...A, DataSetId: "d" }));
    assert.equal(listed.Ingestions!.length, 3);
    const refused = refusal(async () => body(await qs.send(new ListIngestionsCommand({ ...A, DataSetId: "d" }))));
    await refused(() => qs.send(new CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "nightly-1" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "bad id" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "inc", IngestionType: "INCREMENTAL_REFRESH" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DescribeIngestionCommand({ ...A, DataSetId: "d", IngestionId: "none" })), "ResourceNotFoundException", 404);
    // Cancelling one that has ended changes nothing (Terraform's destroy cancels).
    await qs.send(new CancelIngestionCommand({ ...A, DataSetId: "d", IngestionId: "nightly-1" }));
    assert.equal((await qs.send(new DescribeIngestionCommand({ ...A, DataSetId: "d", IngestionId: "nightly-1" }))).Ingestion!.IngestionStatus, "COMPLETED");
    const direct = await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "live", Name: "live", ImportMode: "DIRECT_QUERY", PhysicalTableMap: tables }));
    assert.equal(direct.IngestionId, undefined);
    const notSpice = await failure(qs.send(new CreateIngestionCommand({ ...A, DataSetId: "live", IngestionId: "x" })));
    assert.equal(notSpice.name, "InvalidParameterValueException");
    await qs.send(new DeleteDataSetCommand({ ...A, DataSetId: "d" }));
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "d", Name: "d", ImportMode: "SPICE", PhysicalTableMap: tables }));
    assert.equal((await qs.send(new ListIngestionsCommand({ ...A, DataSetId: "d" }))).Ingestions!.length, 1);
  });

  it("reads RUNNING until the delay is over, and CANCELLED once cancelled", async () => {
    const qs = await setUp(slow().endpoint);
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "d", Name: "d", ImportMode: "SPICE", PhysicalTableMap: tables }));
    await qs.send(new CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "r1" }));
    const id = { ...A, DataSetId: "d", IngestionId: "r1" };
    const running = (await qs.send(new DescribeIngestionCommand(id))).Ingestion!;
    assert.equal(running.IngestionStatus, "RUNNING");
    assert.equal(running.RowInfo, undefined);
    await qs.send(new CancelIngestionCommand(id));
    assert.equal((await qs.send(new DescribeIngestionCommand(id))).Ingestion!.IngestionStatus, "CANCELLED");
  });
});
