import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAnalysisCommand,
  CreateDashboardCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateTemplateAliasCommand,
  CreateTemplateCommand,
  DeleteAnalysisCommand,
  DeleteDashboardCommand,
  DeleteTemplateAliasCommand,
  DeleteTemplateCommand,
  DescribeAnalysisCommand,
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  DescribeDashboardCommand,
  DescribeDashboardDefinitionCommand,
  DescribeDashboardPermissionsCommand,
  DescribeTemplateAliasCommand,
  DescribeTemplateCommand,
  DescribeTemplateDefinitionCommand,
  DescribeTemplatePermissionsCommand,
  ListAnalysesCommand,
  ListDashboardsCommand,
  ListDashboardVersionsCommand,
  ListTemplateAliasesCommand,
  ListTemplatesCommand,
  ListTemplateVersionsCommand,
  RegisterUserCommand,
  RestoreAnalysisCommand,
  UpdateAnalysisCommand,
  UpdateAnalysisPermissionsCommand,
  UpdateDashboardCommand,
  UpdateDashboardPermissionsCommand,
  UpdateDashboardPublishedVersionCommand,
  UpdateTemplateAliasCommand,
  UpdateTemplateCommand,
  UpdateTemplatePermissionsCommand,
  type AnalysisDefinition,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const A = { AwsAccountId: ACCOUNT };
const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
const DATA_SET = arn("dataset/orders");
const USER = arn("user/default/alice");
const definition: AnalysisDefinition = {
  DataSetIdentifierDeclarations: [{ Identifier: "orders", DataSetArn: DATA_SET }],
  Sheets: [
    {
      SheetId: "s1",
      Name: "Overview",
      Visuals: [{ KPIVisual: { VisualId: "kpi", Title: { Visibility: "VISIBLE", FormatText: { PlainText: "Orders" } }, ChartConfiguration: { FieldWells: { Values: [{ NumericalMeasureField: { FieldId: "n", Column: { DataSetIdentifier: "orders", ColumnName: "id" }, AggregationFunction: { SimpleNumericalAggregation: "COUNT" } } }] } } } }],
    },
  ],
  CalculatedFields: [{ DataSetIdentifier: "orders", Name: "double", Expression: "id * 2" }],
  AnalysisDefaults: { DefaultNewSheetConfiguration: { InteractiveLayoutConfiguration: { Grid: { CanvasSizeOptions: { ScreenCanvasSizeOptions: { ResizeOption: "FIXED", OptimizedViewPortWidth: "1600px" } } } }, SheetContentType: "INTERACTIVE" } },
};

describe("QuickSight analyses", () => {
  it("creates from a definition that round-trips unchanged", async () => {
    const qs = quicksight(server().endpoint);
    await subscribe(qs);
    await qs.send(new RegisterUserCommand({ ...A, Namespace: "default", IdentityType: "QUICKSIGHT", UserName: "alice", Email: "alice@example.com", UserRole: "AUTHOR" }));
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "src", Name: "src", Type: "ATHENA", DataSourceParameters: { AthenaParameters: { WorkGroup: "primary" } } }));
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "orders", Name: "Orders", ImportMode: "DIRECT_QUERY", PhysicalTableMap: { t: { CustomSql: { DataSourceArn: arn("datasource/src"), Name: "q", SqlQuery: "select 1 as id", Columns: [{ Name: "id", Type: "INTEGER" }] } } } }));
    const created = await qs.send(new CreateAnalysisCommand({ ...A, AnalysisId: "sales", Name: "Sales", Definition: definition, ThemeArn: "arn:aws:quicksight::aws:theme/MIDNIGHT", Permissions: [{ Principal: USER, Actions: ["quicksight:DescribeAnalysis"] }] }));
    assert.equal(created.CreationStatus, "CREATION_IN_PROGRESS");
    assert.equal(created.Arn, arn("analysis/sales"));
    const described = (await qs.send(new DescribeAnalysisCommand({ ...A, AnalysisId: "sales" }))).Analysis!;
    assert.equal(described.Status, "CREATION_SUCCESSFUL");
    assert.deepEqual(described.DataSetArns, [DATA_SET]);
    assert.deepEqual(described.Sheets, [{ SheetId: "s1", Name: "Overview" }]);
    const def = await qs.send(new DescribeAnalysisDefinitionCommand({ ...A, AnalysisId: "sales" }));
    assert.deepEqual(def.Definition, definition);
    assert.equal(def.ResourceStatus, "CREATION_SUCCESSFUL");
    assert.equal(def.ThemeArn, "arn:aws:quicksight::aws:theme/MIDNIGHT");
  });

  it("refuses both or neither source, unknown data sets and themes, duplicates", async () => {
    const qs = quicksight(server().endpoint);
    const refused = refusal(async () => body(await qs.send(new ListAnalysesCommand(A))));
    const make = (over: object) => () => qs.send(new CreateAnalysisCommand({ ...A, AnalysisId: "x", Name: "X", Definition: definition, ...over }));
    await refused(make({ Definition: undefined }), "InvalidParameterValueException", 400);
    await refused(make({ SourceEntity: { SourceTemplate: { Arn: arn("template/t"), DataSetReferences: [] } } }), "InvalidParameterValueException", 400);
    await refused(make({ Definition: { ...definition, DataSetIdentifierDeclarations: [{ Identifier: "o", DataSetArn: arn("dataset/none") }] } }), "InvalidParameterValueException", 400);
    await refused(make({ ThemeArn: arn("theme/none") }), "InvalidParameterValueException", 400);
    await refused(make({ AnalysisId: "sales" }), "ResourceExistsException", 409);
    await refused(make({ Permissions: [{ Principal: USER, Actions: ["quicksight:DescribeDashboard"] }] }), "InvalidParameterValueException", 400);
    await refused(make({ Permissions: [{ Principal: arn("user/default/nobody"), Actions: ["quicksight:DescribeAnalysis"] }] }), "InvalidParameterValueException", 400);
    await refused(make({ Permissions: [{ Principal: `arn:aws:quicksight:us-east-1:111122223333:user/default/alice`, Actions: ["quicksight:DescribeAnalysis"] }] }), "InvalidParameterValueException", 400);
  });

  it("updates, changes permissions, deletes into the recovery window and restores", async () => {
    const qs = quicksight(server().endpoint);
    const id = { ...A, AnalysisId: "sales" };
    const updated = await qs.send(new UpdateAnalysisCommand({ ...id, Name: "Sales v2", Definition: { ...definition, Sheets: [{ SheetId: "s2" }] } }));
    assert.equal(updated.UpdateStatus, "UPDATE_IN_PROGRESS");
    const after = (await qs.send(new DescribeAnalysisCommand(id))).Analysis!;
    assert.equal(after.Name, "Sales v2");
    assert.equal(after.Status, "UPDATE_SUCCESSFUL");
    const perms = await qs.send(new UpdateAnalysisPermissionsCommand({ ...id, GrantPermissions: [{ Principal: USER, Actions: ["quicksight:UpdateAnalysis"] }] }));
    assert.deepEqual(perms.Permissions![0].Actions!.sort(), ["quicksight:DescribeAnalysis", "quicksight:UpdateAnalysis"]);
    const refused = refusal(async () => [body(await qs.send(new DescribeAnalysisCommand(id))), body(await qs.send(new DescribeAnalysisPermissionsCommand(id)))]);
    await refused(() => qs.send(new DeleteAnalysisCommand({ ...id, RecoveryWindowInDays: 6 })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteAnalysisCommand({ ...id, RecoveryWindowInDays: 31 })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteAnalysisCommand({ ...id, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RestoreAnalysisCommand(id)), "ConflictException", 409);
    const deleted = await qs.send(new DeleteAnalysisCommand({ ...id, RecoveryWindowInDays: 7 }));
    const days = (deleted.DeletionTime!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, String(days));
    assert.equal((await qs.send(new DescribeAnalysisCommand(id))).Analysis!.Status, "DELETED");
    assert.equal((await qs.send(new ListAnalysesCommand(A))).AnalysisSummaryList![0].Status, "DELETED");
    const deletedState = refusal(async () => body(await qs.send(new DescribeAnalysisCommand(id))));
    await deletedState(() => qs.send(new UpdateAnalysisCommand({ ...id, Name: "n", Definition: definition })), "ConflictException", 409);
    await deletedState(() => qs.send(new DeleteAnalysisCommand(id)), "ConflictException", 409);
    await deletedState(() => qs.send(new CreateAnalysisCommand({ ...id, Name: "again", Definition: definition })), "ResourceExistsException", 409);
    await qs.send(new RestoreAnalysisCommand(id));
    assert.equal((await qs.send(new DescribeAnalysisCommand(id))).Analysis!.Status, "UPDATE_SUCCESSFUL");
    await qs.send(new DeleteAnalysisCommand({ ...id, ForceDeleteWithoutRecovery: true }));
    assert.equal((await failure(qs.send(new DescribeAnalysisCommand(id)))).$metadata.httpStatusCode, 404);
    assert.equal((await failure(qs.send(new RestoreAnalysisCommand(id)))).name, "ResourceNotFoundException");
  });
});

describe("QuickSight templates and aliases", () => {
  it("creates versions from a definition and from an analysis; aliases name versions", async () => {
    const qs = quicksight(server().endpoint);
    await qs.send(new CreateAnalysisCommand({ ...A, AnalysisId: "base", Name: "Base", Definition: definition }));
    const tdef = { DataSetConfigurations: [{ Placeholder: "orders" }], Sheets: [{ SheetId: "s1", Name: "Overview" }] };
    const created = await qs.send(new CreateTemplateCommand({ ...A, TemplateId: "tpl", Name: "Tpl", Definition: tdef, VersionDescription: "one" }));
    assert.equal(created.VersionArn, arn("template/tpl/version/1"));
    assert.equal(created.CreationStatus, "CREATION_IN_PROGRESS");
    const v2 = await qs.send(new UpdateTemplateCommand({ ...A, TemplateId: "tpl", SourceEntity: { SourceAnalysis: { Arn: arn("analysis/base"), DataSetReferences: [{ DataSetPlaceholder: "orders", DataSetArn: DATA_SET }] } } }));
    assert.equal(v2.VersionArn, arn("template/tpl/version/2"));
    assert.deepEqual((await qs.send(new DescribeTemplateDefinitionCommand({ ...A, TemplateId: "tpl", VersionNumber: 1 }))).Definition, tdef);
    const latest = (await qs.send(new DescribeTemplateCommand({ ...A, TemplateId: "tpl" }))).Template!;
    assert.equal(latest.Version!.VersionNumber, 2);
    assert.equal(latest.Version!.SourceEntityArn, arn("analysis/base"));
    assert.deepEqual(latest.Version!.DataSetConfigurations, [{ Placeholder: "orders" }]);
    assert.deepEqual((await qs.send(new ListTemplateVersionsCommand({ ...A, TemplateId: "tpl" }))).TemplateVersionSummaryList!.map((v) => v.VersionNumber), [1, 2]);
    assert.equal((await qs.send(new ListTemplatesCommand(A))).TemplateSummaryList![0].LatestVersionNumber, 2);

    const alias = await qs.send(new CreateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod", TemplateVersionNumber: 1 }));
    assert.deepEqual(alias.TemplateAlias, { AliasName: "prod", Arn: arn("template/tpl/alias/prod"), TemplateVersionNumber: 1 });
    assert.equal((await qs.send(new DescribeTemplateCommand({ ...A, TemplateId: "tpl", AliasName: "prod" }))).Template!.Version!.VersionNumber, 1);
    assert.equal((await qs.send(new DescribeTemplateCommand({ ...A, TemplateId: "tpl", AliasName: "$LATEST" }))).Template!.Version!.VersionNumber, 2);
    const aliases = refusal(async () => (await qs.send(new ListTemplateAliasesCommand({ ...A, TemplateId: "tpl" }))).TemplateAliasList);
    await aliases(() => qs.send(new CreateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod", TemplateVersionNumber: 2 })), "ResourceExistsException", 409);
    await aliases(() => qs.send(new CreateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "$mine", TemplateVersionNumber: 2 })), "InvalidParameterValueException", 400);
    await aliases(() => qs.send(new CreateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "dev", TemplateVersionNumber: 9 })), "ResourceNotFoundException", 404);
    await aliases(() => qs.send(new DeleteTemplateCommand({ ...A, TemplateId: "tpl", VersionNumber: 1 })), "ConflictException", 409);
    await aliases(() => qs.send(new DescribeTemplateCommand({ ...A, TemplateId: "tpl", AliasName: "$PUBLISHED" })), "InvalidParameterValueException", 400);
    await aliases(() => qs.send(new DescribeTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "dev" })), "ResourceNotFoundException", 404);
    await qs.send(new UpdateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod", TemplateVersionNumber: 2 }));
    assert.equal((await qs.send(new DescribeTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod" }))).TemplateAlias!.TemplateVersionNumber, 2);
    await qs.send(new DeleteTemplateCommand({ ...A, TemplateId: "tpl", VersionNumber: 1 }));
    assert.deepEqual((await qs.send(new ListTemplateVersionsCommand({ ...A, TemplateId: "tpl" }))).TemplateVersionSummaryList!.map((v) => v.VersionNumber), [2]);
    const deleted = await qs.send(new DeleteTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod" }));
    assert.equal(deleted.Arn, arn("template/tpl/alias/prod"));
    await qs.send(new UpdateTemplatePermissionsCommand({ ...A, TemplateId: "tpl", GrantPermissions: [{ Principal: `arn:aws:iam::111122223333:root`, Actions: ["quicksight:DescribeTemplate"] }] }));
    assert.equal((await qs.send(new DescribeTemplatePermissionsCommand({ ...A, TemplateId: "tpl" }))).Permissions![0].Principal, "arn:aws:iam::111122223333:root");
  });
});

describe("QuickSight dashboards and versions", () => {
  it("creates from a template (version 1, published), updates to version 2 unpublished, publishes it", async () => {
    const qs = quicksight(server().endpoint);
    const id = { ...A, DashboardId: "dash" };
    const created = await qs.send(
      new CreateDashboardCommand({
        ...id, Name: "Dash", SourceEntity: { SourceTemplate: { Arn: arn("template/tpl"), DataSetReferences: [{ DataSetPlaceholder: "orders", DataSetArn: DATA_SET }] } },
        DashboardPublishOptions: { AdHocFilteringOption: { AvailabilityStatus: "DISABLED" } }, LinkEntities: [arn("analysis/base")],
      }),
    );
    assert.equal(created.VersionArn, arn("dashboard/dash/version/1"));
    assert.equal(created.CreationStatus, "CREATION_IN_PROGRESS");
    const d1 = (await qs.send(new DescribeDashboardCommand(id))).Dashboard!;
    assert.equal(d1.Version!.Status, "CREATION_SUCCESSFUL");
    assert.equal(d1.Version!.SourceEntityArn, arn("template/tpl"));
    assert.deepEqual(d1.Version!.DataSetArns, [DATA_SET]);
    assert.deepEqual(d1.LinkEntities, [arn("analysis/base")]);
    const def1 = await qs.send(new DescribeDashboardDefinitionCommand(id));
    assert.deepEqual(def1.Definition!.DataSetIdentifierDeclarations, [{ Identifier: "orders", DataSetArn: DATA_SET }]);
    assert.deepEqual(def1.DashboardPublishOptions, { AdHocFilteringOption: { AvailabilityStatus: "DISABLED" } });

    const updated = await qs.send(new UpdateDashboardCommand({ ...id, Name: "Dash 2", Definition: definition, VersionDescription: "second" }));
    assert.equal(updated.Status, 200);
    assert.equal(updated.VersionArn, arn("dashboard/dash/version/2"));
    assert.equal((await qs.send(new ListDashboardsCommand(A))).DashboardSummaryList![0].PublishedVersionNumber, 1);
    assert.equal((await qs.send(new DescribeDashboardCommand(id))).Dashboard!.Version!.VersionNumber, 2);
    assert.equal((await qs.send(new DescribeDashboardCommand({ ...id, AliasName: "$PUBLISHED" }))).Dashboard!.Version!.VersionNumber, 1);
    assert.deepEqual((await qs.send(new DescribeDashboardDefinitionCommand({ ...id, VersionNumber: 2 }))).Definition, definition);
    await qs.send(new UpdateDashboardPublishedVersionCommand({ ...id, VersionNumber: 2 }));
    const summary = (await qs.send(new ListDashboardsCommand(A))).DashboardSummaryList![0];
    assert.equal(summary.PublishedVersionNumber, 2);
    assert.equal(summary.Name, "Dash 2");
    const versions = (await qs.send(new ListDashboardVersionsCommand({ ...id, MaxResults: 1 })));
    assert.equal(versions.DashboardVersionSummaryList![0].VersionNumber, 1);
    const more = await qs.send(new ListDashboardVersionsCommand({ ...id, NextToken: versions.NextToken }));
    assert.deepEqual(more.DashboardVersionSummaryList!.map((v) => [v.VersionNumber, v.Description]), [[2, "second"]]);
  });

  it("refuses unknown versions, deleting the published version, bad link entities; deletes a version and the dashboard", async () => {
    const qs = quicksight(server().endpoint);
    const id = { ...A, DashboardId: "dash" };
    const refused = refusal(async () => [body(await qs.send(new DescribeDashboardCommand(id))), body(await qs.send(new ListDashboardVersionsCommand(id)))]);
    await refused(() => qs.send(new UpdateDashboardPublishedVersionCommand({ ...id, VersionNumber: 7 })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new DescribeDashboardCommand({ ...id, VersionNumber: 7 })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new DescribeDashboardCommand({ ...id, VersionNumber: 1, AliasName: "$LATEST" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteDashboardCommand({ ...id, VersionNumber: 2 })), "ConflictException", 409);
    await refused(() => qs.send(new CreateDashboardCommand({ ...A, DashboardId: "d2", Name: "D", Definition: definition, LinkEntities: [arn("dashboard/dash")] })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateDashboardCommand({ ...A, DashboardId: "d2", Name: "D", SourceEntity: { SourceTemplate: { Arn: arn("template/none"), DataSetReferences: [] } } })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new UpdateDashboardPermissionsCommand({ ...id, GrantLinkPermissions: [{ Principal: USER, Actions: ["quicksight:Nope"] }] })), "InvalidParameterValueException", 400);
    const perms = await qs.send(new UpdateDashboardPermissionsCommand({ ...id, GrantPermissions: [{ Principal: USER, Actions: ["quicksight:DescribeDashboard"] }], GrantLinkPermissions: [{ Principal: arn("namespace/default"), Actions: ["quicksight:DescribeDashboard"] }] }));
    assert.equal(perms.LinkSharingConfiguration!.Permissions!.length, 1);
    assert.equal((await qs.send(new DescribeDashboardPermissionsCommand(id))).Permissions!.length, 1);
    await qs.send(new DeleteDashboardCommand({ ...id, VersionNumber: 1 }));
    assert.deepEqual((await qs.send(new ListDashboardVersionsCommand(id))).DashboardVersionSummaryList!.map((v) => v.VersionNumber), [2]);
    await qs.send(new DeleteDashboardCommand(id));
    assert.equal((await failure(qs.send(new DescribeDashboardCommand(id)))).name, "ResourceNotFoundException");
    await qs.send(new DeleteTemplateCommand({ ...A, TemplateId: "tpl" }));
    assert.equal((await failure(qs.send(new ListTemplateAliasesCommand({ ...A, TemplateId: "tpl" })))).name, "ResourceNotFoundException");
  });
});

describe("QuickSight definitions with timestamps", () => {
  it("round-trips a DateTime parameter's default values unchanged, on any store", async () => {
    const qs = quicksight(server().endpoint);
    const dated = { ...definition, ParameterDeclarations: [{ DateTimeParameterDeclaration: { Name: "since", DefaultValues: { StaticValues: [new Date("2024-01-02T03:04:05.000Z")] } } }] };
    await qs.send(new CreateDashboardCommand({ ...A, DashboardId: "dated", Name: "Dated", Definition: dated }));
    assert.deepEqual((await qs.send(new DescribeDashboardDefinitionCommand({ ...A, DashboardId: "dated" }))).Definition, dated);
  });
});
