import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateDashboardCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateFolderCommand,
  CreateGroupCommand,
  CreateFolderMembershipCommand,
  CreateAnalysisCommand,
  CreateThemeAliasCommand,
  CreateThemeCommand,
  DeleteAnalysisCommand,
  DeleteDataSetCommand,
  DeleteFolderCommand,
  DeleteFolderMembershipCommand,
  DeleteThemeAliasCommand,
  DeleteThemeCommand,
  DescribeFolderCommand,
  DescribeFolderPermissionsCommand,
  DescribeThemeAliasCommand,
  DescribeThemeCommand,
  DescribeThemePermissionsCommand,
  ListFolderMembersCommand,
  ListFoldersCommand,
  ListFoldersForResourceCommand,
  ListThemeAliasesCommand,
  ListThemesCommand,
  ListThemeVersionsCommand,
  RestoreAnalysisCommand,
  UpdateFolderCommand,
  UpdateFolderPermissionsCommand,
  UpdateThemeAliasCommand,
  UpdateThemeCommand,
  UpdateThemePermissionsCommand,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const A = { AwsAccountId: ACCOUNT };
const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
const GROUP = arn("group/default/g");
const config = { DataColorPalette: { Colors: ["#FF0000", "#00FF00"], EmptyFillColor: "#FFFFFF" }, UIColorPalette: { PrimaryForeground: "#111111" } };

describe("QuickSight themes", () => {
  it("lists the built-in themes and reads them under the account aws", async () => {
    const qs = quicksight(server().endpoint);
    await subscribe(qs);
    await qs.send(new CreateGroupCommand({ ...A, Namespace: "default", GroupName: "g" }));
    const builtIn = await qs.send(new ListThemesCommand({ ...A, Type: "QUICKSIGHT" }));
    assert.deepEqual(builtIn.ThemeSummaryList!.map((t) => t.Arn), ["CLASSIC", "MIDNIGHT", "SEASIDE", "RAINIER"].map((id) => `arn:aws:quicksight::aws:theme/${id}`));
    const midnight = (await qs.send(new DescribeThemeCommand({ AwsAccountId: "aws", ThemeId: "MIDNIGHT" }))).Theme!;
    assert.equal(midnight.Type, "QUICKSIGHT");
    assert.equal(midnight.Name, "Midnight");
    assert.deepEqual((await qs.send(new ListThemesCommand({ ...A, Type: "CUSTOM" }))).ThemeSummaryList, []);
  });

  it("creates a custom theme on a base theme, versions it, aliases a version", async () => {
    const qs = quicksight(server().endpoint);
    const id = { ...A, ThemeId: "brand" };
    const created = await qs.send(new CreateThemeCommand({ ...id, Name: "Brand", BaseThemeId: "CLASSIC", Configuration: config, Tags: [{ Key: "k", Value: "v" }] }));
    assert.equal(created.VersionArn, arn("theme/brand/version/1"));
    const theme = (await qs.send(new DescribeThemeCommand(id))).Theme!;
    assert.equal(theme.Type, "CUSTOM");
    assert.deepEqual(theme.Version!.Configuration, config);
    assert.equal(theme.Version!.Status, "CREATION_SUCCESSFUL");
    const refused = refusal(async () => [body(await qs.send(new DescribeThemeCommand(id))), (await qs.send(new ListThemesCommand(A))).ThemeSummaryList]);
    await refused(() => qs.send(new CreateThemeCommand({ ...A, ThemeId: "x", Name: "X", BaseThemeId: "NOPE", Configuration: config })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateThemeCommand({ ...A, ThemeId: "x", Name: "X", BaseThemeId: "CLASSIC", Configuration: { DataColorPalette: { Colors: ["#ff0000"] } } })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateThemeCommand({ ...id, Name: "Again", BaseThemeId: "CLASSIC", Configuration: config })), "ResourceExistsException", 409);
    await refused(() => qs.send(new UpdateThemeCommand({ ...A, ThemeId: "CLASSIC", BaseThemeId: "CLASSIC" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteThemeCommand({ ...A, ThemeId: "MIDNIGHT" })), "InvalidParameterValueException", 400);
    const v2 = await qs.send(new UpdateThemeCommand({ ...id, Name: "Brand 2", BaseThemeId: "MIDNIGHT", VersionDescription: "dark" }));
    assert.equal(v2.VersionArn, arn("theme/brand/version/2"));
    assert.deepEqual((await qs.send(new ListThemeVersionsCommand(id))).ThemeVersionSummaryList!.map((v) => v.VersionNumber), [1, 2]);
    assert.deepEqual((await qs.send(new DescribeThemeCommand(id))).Theme!.Version!.Configuration, config);
    await qs.send(new CreateThemeAliasCommand({ ...id, AliasName: "live", ThemeVersionNumber: 1 }));
    assert.equal((await qs.send(new DescribeThemeCommand({ ...id, AliasName: "live" }))).Theme!.Version!.BaseThemeId, "CLASSIC");
    await qs.send(new UpdateThemeAliasCommand({ ...id, AliasName: "live", ThemeVersionNumber: 2 }));
    assert.deepEqual((await qs.send(new DescribeThemeAliasCommand({ ...id, AliasName: "live" }))).ThemeAlias, { Arn: arn("theme/brand/alias/live"), AliasName: "live", ThemeVersionNumber: 2 });
    assert.equal((await qs.send(new ListThemeAliasesCommand(id))).ThemeAliasList!.length, 1);
    await qs.send(new DeleteThemeAliasCommand({ ...id, AliasName: "live" }));
    assert.equal((await failure(qs.send(new DescribeThemeAliasCommand({ ...id, AliasName: "live" })))).name, "ResourceNotFoundException");
    const perms = await qs.send(new UpdateThemePermissionsCommand({ ...id, GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeTheme"] }] }));
    assert.equal(perms.Permissions!.length, 1);
    assert.equal((await qs.send(new DescribeThemePermissionsCommand(id))).ThemeArn, arn("theme/brand"));
    const page = await qs.send(new ListThemesCommand({ ...A, MaxResults: 4 }));
    const rest = await qs.send(new ListThemesCommand({ ...A, MaxResults: 4, NextToken: page.NextToken }));
    assert.deepEqual(rest.ThemeSummaryList!.map((t) => t.ThemeId), ["brand"]);
    await qs.send(new DeleteThemeCommand(id));
    assert.equal((await failure(qs.send(new DescribeThemeCommand(id)))).$metadata.httpStatusCode, 404);
  });
});

describe("QuickSight folders", () => {
  it("nests folders with their path, holds members, lists both ways", async () => {
    const qs = quicksight(server().endpoint);
    const root = await qs.send(new CreateFolderCommand({ ...A, FolderId: "root", Name: "Root", Permissions: [{ Principal: GROUP, Actions: ["quicksight:DescribeFolder"] }] }));
    assert.equal(root.Arn, arn("folder/root"));
    await qs.send(new CreateFolderCommand({ ...A, FolderId: "child", Name: "Child", ParentFolderArn: root.Arn }));
    const child = (await qs.send(new DescribeFolderCommand({ ...A, FolderId: "child" }))).Folder!;
    assert.deepEqual(child.FolderPath, [root.Arn]);
    assert.equal(child.FolderType, "SHARED");
    assert.equal(child.SharingModel, "ACCOUNT");
    assert.equal((await qs.send(new DescribeFolderCommand({ ...A, FolderId: "root" }))).Folder!.FolderPath, undefined);
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "src", Name: "src", Type: "ATHENA", DataSourceParameters: { AthenaParameters: {} }, FolderArns: [root.Arn] }));
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "ds", Name: "ds", ImportMode: "SPICE", PhysicalTableMap: { t: { RelationalTable: { DataSourceArn: arn("datasource/src"), Name: "t", InputColumns: [{ Name: "c", Type: "STRING" }] } } } }));
    const added = await qs.send(new CreateFolderMembershipCommand({ ...A, FolderId: "root", MemberId: "ds", MemberType: "DATASET" }));
    assert.equal(added.Status, 200);
    assert.deepEqual(added.FolderMember, { MemberId: "ds", MemberType: "DATASET" });
    await qs.send(new CreateFolderMembershipCommand({ ...A, FolderId: "child", MemberId: "ds", MemberType: "DATASET" }));
    const members = async () => (await qs.send(new ListFolderMembersCommand({ ...A, FolderId: "root" }))).FolderMemberList;
    assert.deepEqual((await members())!.map((m) => m.MemberArn).sort(), [arn("dataset/ds"), arn("datasource/src")]);
    assert.deepEqual((await qs.send(new ListFoldersForResourceCommand({ ...A, ResourceArn: arn("dataset/ds") }))).Folders!.sort(), [arn("folder/child"), arn("folder/root")]);
    const refused = refusal(members);
    await refused(() => qs.send(new CreateFolderMembershipCommand({ ...A, FolderId: "root", MemberId: "ds", MemberType: "DATASET" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new CreateFolderMembershipCommand({ ...A, FolderId: "root", MemberId: "none", MemberType: "DASHBOARD" })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new CreateFolderMembershipCommand({ ...A, FolderId: "root", MemberId: "ds", MemberType: "CHART" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteFolderCommand({ ...A, FolderId: "root" })), "ConflictException", 409);
    await refused(() => qs.send(new CreateFolderCommand({ ...A, FolderId: "root", Name: "dup" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new CreateFolderCommand({ ...A, FolderId: "orphan", Name: "o", ParentFolderArn: arn("folder/none") })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new CreateFolderCommand({ ...A, FolderId: "r", Name: "r", FolderType: "RESTRICTED" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteFolderMembershipCommand({ ...A, FolderId: "child", MemberId: "src", MemberType: "DATASOURCE" })), "ResourceNotFoundException", 404);
    // Deleting an asset takes it out of its folders.
    await qs.send(new DeleteDataSetCommand({ ...A, DataSetId: "ds" }));
    assert.deepEqual((await members())!.map((m) => m.MemberArn), [arn("datasource/src")]);
    assert.deepEqual((await qs.send(new ListFolderMembersCommand({ ...A, FolderId: "child" }))).FolderMemberList, []);
  });

  it("keeps folder permissions and names; limits nesting to 10 levels; deletes only empty folders", async () => {
    const qs = quicksight(server().endpoint);
    await qs.send(new UpdateFolderCommand({ ...A, FolderId: "root", Name: "Top" }));
    assert.equal((await qs.send(new ListFoldersCommand(A))).FolderSummaryList!.find((f) => f.FolderId === "root")!.Name, "Top");
    const updated = await qs.send(new UpdateFolderPermissionsCommand({ ...A, FolderId: "root", GrantPermissions: [{ Principal: GROUP, Actions: ["quicksight:UpdateFolder"] }] }));
    assert.equal(updated.Status, 200);
    assert.deepEqual((await qs.send(new DescribeFolderPermissionsCommand({ ...A, FolderId: "root" }))).Permissions![0].Actions!.sort(), ["quicksight:DescribeFolder", "quicksight:UpdateFolder"]);
    let parent = arn("folder/child");
    for (let depth = 3; depth <= 10; depth++) parent = (await qs.send(new CreateFolderCommand({ ...A, FolderId: `f${depth}`, Name: `f${depth}`, ParentFolderArn: parent }))).Arn!;
    const deep = await failure(qs.send(new CreateFolderCommand({ ...A, FolderId: "f11", Name: "f11", ParentFolderArn: parent })));
    assert.equal(deep.name, "LimitExceededException");
    assert.equal(deep.$metadata.httpStatusCode, 409);
    const blocked = await failure(qs.send(new DeleteFolderCommand({ ...A, FolderId: "f9" })));
    assert.equal(blocked.name, "ConflictException");
    await qs.send(new DeleteFolderCommand({ ...A, FolderId: "f10" }));
    assert.equal((await failure(qs.send(new DescribeFolderCommand({ ...A, FolderId: "f10" })))).$metadata.httpStatusCode, 404);
  });

  it("a deleted analysis leaves its folders and RestoreAnalysis can put it back", async () => {
    const qs = quicksight(server().endpoint);
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "ds2", Name: "ds2", ImportMode: "SPICE", PhysicalTableMap: { t: { RelationalTable: { DataSourceArn: arn("datasource/src"), Name: "t", InputColumns: [{ Name: "c", Type: "STRING" }] } } } }));
    const definition = { DataSetIdentifierDeclarations: [{ Identifier: "d", DataSetArn: arn("dataset/ds2") }] };
    await qs.send(new CreateAnalysisCommand({ ...A, AnalysisId: "an", Name: "an", Definition: definition, FolderArns: [arn("folder/f9")] }));
    await qs.send(new CreateDashboardCommand({ ...A, DashboardId: "db", Name: "db", Definition: definition, FolderArns: [arn("folder/f9")] }));
    const members = async () => (await qs.send(new ListFolderMembersCommand({ ...A, FolderId: "f9" }))).FolderMemberList!.map((m) => m.MemberId).sort();
    assert.deepEqual(await members(), ["an", "db"]);
    await qs.send(new DeleteAnalysisCommand({ ...A, AnalysisId: "an" }));
    assert.deepEqual(await members(), ["db"]);
    const restored = await qs.send(new RestoreAnalysisCommand({ ...A, AnalysisId: "an", RestoreToFolders: true }));
    assert.equal(restored.RestorationFailedFolderArns, undefined);
    assert.deepEqual(await members(), ["an", "db"]);
  });
});
