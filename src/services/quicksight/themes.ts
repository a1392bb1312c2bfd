import type {
  CreateThemeAliasRequest,
  CreateThemeAliasResponse,
  CreateThemeRequest,
  CreateThemeResponse,
  DeleteThemeAliasRequest,
  DeleteThemeAliasResponse,
  DeleteThemeRequest,
  DeleteThemeResponse,
  DescribeThemeAliasRequest,
  DescribeThemeAliasResponse,
  DescribeThemePermissionsRequest,
  DescribeThemePermissionsResponse,
  DescribeThemeRequest,
  DescribeThemeResponse,
  ListThemeAliasesRequest,
  ListThemeAliasesResponse,
  ListThemesRequest,
  ListThemesResponse,
  ListThemeVersionsRequest,
  ListThemeVersionsResponse,
  Theme,
  ThemeAlias,
  ThemeConfiguration,
  ThemeSummary,
  ThemeVersionSummary,
  UpdateThemeAliasRequest,
  UpdateThemeAliasResponse,
  UpdateThemePermissionsRequest,
  UpdateThemePermissionsResponse,
  UpdateThemeRequest,
  UpdateThemeResponse,
} from "@aws-sdk/client-quicksight";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type AssetKind, assetKey, changePermissions, newAsset, removeAsset, requireAsset, save, saveNew, validateId } from "./assets.js";
import {
  type AliasRecord,
  BUILT_IN_THEMES,
  builtInThemeArn,
  checkAliasName,
  createAlias,
  deleteAlias,
  deleteAliases,
  deleteVersion,
  latest,
  listAliases,
  pickVersion,
  requireAlias,
  updateAlias,
  type Version,
  type Versioned,
  versionArn,
  versionPage,
  versionStatus,
  withVersion,
} from "./definitions.js";
import { compact, date, inProgress, invalid, pageArray, progress, quicksightValidator, requireAssets, scanAll, T } from "./model.js";

export { BUILT_IN_THEMES };

export const THEME: AssetKind = {
  table: T.themes,
  arnType: "theme",
  label: "Theme",
  permissions: "theme",
  updatePermissions: { min: 0, max: 100 },
  maxId: 512,
  enterprise: true,
};

/**
 * Themes: custom themes build on a base theme (a built-in one or another custom theme) and
 * version like templates; the four built-in themes belong to the account `aws`, are readable
 * by every account and cannot change.
 */
interface ThemeVersionRecord extends Version {
  BaseThemeId: string;
  Configuration: ThemeConfiguration;
}

interface ThemeRecord extends Versioned {
  Versions: ThemeVersionRecord[];
}

const BUILT_IN_CREATED = "2019-11-01T00:00:00.000Z";
const builtInName = (id: string) => id.charAt(0) + id.slice(1).toLowerCase();

const COLOR = /^#[A-F0-9]{6}$/;

/** Every colour of a configuration is upper-case #RRGGBB; the data palette has at most 100 colours. */
function checkConfiguration(c: ThemeConfiguration | undefined) {
  if ((c?.DataColorPalette?.Colors?.length ?? 0) > 100) throw invalid("DataColorPalette.Colors can have at most 100 colours.");
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (/colou?r|Foreground|Background|Accent|Primary|Secondary|Success|Warning|Danger|Dimension|Measure|Tile|Gutter|Margin/i.test(path) && value.startsWith("#") && !COLOR.test(value)) {
        throw invalid(`Colour ${value} at ${path} must match ^#[A-F0-9]{6}$.`);
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(c, "Configuration");
}

async function checkBase(tx: Transaction, ctx: RequestContext, base: string | undefined) {
  if (base === undefined) return;
  if (BUILT_IN_THEMES.includes(base)) return;
  if (!(await tx.get(T.themes, assetKey(ctx, base)))) throw invalid(`BaseThemeId ${base} is neither a built-in theme nor a theme of account ${ctx.account} in ${ctx.region}.`);
}

function checkText(input: { Name?: string; VersionDescription?: string }) {
  quicksightValidator().length(input.Name, "Name", 1, 2048).length(input.VersionDescription, "VersionDescription", 1, 512).check();
}

/** A built-in theme's id used where only custom themes can be: they cannot change. */
const readOnly = (id: string | undefined) => {
  if (BUILT_IN_THEMES.includes(id ?? "")) throw invalid(`Theme ${id} is a built-in theme and cannot be changed.`);
};

const requireTheme = async (tx: Transaction, ctx: RequestContext, id: string, write = false) => {
  if (write && !(await tx.get(T.themes, assetKey(ctx, id)))) readOnly(id);
  return requireAsset<ThemeRecord>(tx, ctx, THEME, id);
};

const versionOutput = (r: { Arn: string }, v: ThemeVersionRecord, ctx: RequestContext | undefined) =>
  compact({
    VersionNumber: v.VersionNumber,
    Arn: versionArn(r.Arn, v.VersionNumber),
    Description: v.Description,
    BaseThemeId: v.BaseThemeId,
    CreatedTime: date(v.CreatedTime),
    Configuration: v.Configuration,
    Status: ctx ? versionStatus(v, ctx) : "CREATION_SUCCESSFUL",
  });

const builtIn = (id: string): Theme => ({
  Arn: builtInThemeArn(id),
  Name: builtInName(id),
  ThemeId: id,
  Version: { VersionNumber: 1, Arn: versionArn(builtInThemeArn(id), 1), BaseThemeId: id, CreatedTime: new Date(BUILT_IN_CREATED), Configuration: {}, Status: "CREATION_SUCCESSFUL" },
  CreatedTime: new Date(BUILT_IN_CREATED),
  LastUpdatedTime: new Date(BUILT_IN_CREATED),
  Type: "QUICKSIGHT",
});

export const CreateTheme: Handler<CreateThemeRequest, CreateThemeResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    validateId(THEME, "ThemeId", input.ThemeId);
    checkText(input);
    const base = await newAsset(tx, ctx, THEME, input.ThemeId!, input);
    await checkBase(tx, ctx, input.BaseThemeId);
    checkConfiguration(input.Configuration);
    const version = compact({
      CreatedTime: ctx.now.toISOString(),
      Description: input.VersionDescription,
      BaseThemeId: input.BaseThemeId!,
      Configuration: input.Configuration ?? {},
      DataSetArns: [],
      Progress: progress("CREATION", ctx),
    });
    const record = withVersion<ThemeRecord>({ ...base, Versions: [], NextVersion: 1 }, version);
    await saveNew(tx, ctx, THEME, record, undefined);
    return { Arn: record.Arn, VersionArn: versionArn(record.Arn, 1), ThemeId: record.Id, CreationStatus: inProgress("CREATION"), RequestId: ctx.requestId, Status: 200 };
  });

/** The account id `aws` reads the built-in themes. */
export const DescribeTheme: Handler<DescribeThemeRequest, DescribeThemeResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    if (input.AwsAccountId === "aws") {
      if (!BUILT_IN_THEMES.includes(input.ThemeId!)) throw invalid(`Theme ${input.ThemeId} is not a built-in theme.`);
      if ((input.VersionNumber ?? 1) !== 1) throw invalid(`Built-in theme ${input.ThemeId} has only version 1.`);
      return { Theme: builtIn(input.ThemeId!), RequestId: ctx.requestId, Status: 200 };
    }
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    if (input.AliasName === "$PUBLISHED") throw invalid("Themes have no published version: use $LATEST, a version number or an alias.");
    const r = await requireTheme(tx, ctx, input.ThemeId!);
    const v = (await pickVersion(tx, ctx, THEME, r, input)) as ThemeVersionRecord;
    const theme: Theme = {
      Arn: r.Arn,
      Name: r.Name,
      ThemeId: r.Id,
      Version: versionOutput(r, v, ctx),
      CreatedTime: date(r.CreatedTime),
      LastUpdatedTime: date(r.LastUpdatedTime),
      Type: "CUSTOM",
    };
    return { Theme: theme, RequestId: ctx.requestId, Status: 200 };
  });

export const ListThemes: Handler<ListThemesRequest, ListThemesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    quicksightValidator().oneOf(input.Type, "Type", ["QUICKSIGHT", "CUSTOM", "ALL"]).check();
    const type = input.Type ?? "ALL";
    const summaries: ThemeSummary[] = [];
    if (type !== "CUSTOM") {
      for (const id of BUILT_IN_THEMES) {
        summaries.push({ Arn: builtInThemeArn(id), Name: builtInName(id), ThemeId: id, LatestVersionNumber: 1, CreatedTime: new Date(BUILT_IN_CREATED), LastUpdatedTime: new Date(BUILT_IN_CREATED) });
      }
    }
    if (type !== "QUICKSIGHT") {
      for (const [, r] of await scanAll<ThemeRecord>(tx, T.themes, `${ctx.account}/${ctx.region}/`)) {
        summaries.push({ Arn: r.Arn, Name: r.Name, ThemeId: r.Id, LatestVersionNumber: latest(r).VersionNumber, CreatedTime: date(r.CreatedTime), LastUpdatedTime: date(r.LastUpdatedTime) });
      }
    }
    const page = pageArray(ctx, `${ctx.account}/${ctx.region}/themes/${type}`, summaries, input);
    return { ThemeSummaryList: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const ListThemeVersions: Handler<ListThemeVersionsRequest, ListThemeVersionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!);
    const all: ThemeVersionSummary[] = r.Versions.map((v) =>
      compact({ VersionNumber: v.VersionNumber, Arn: versionArn(r.Arn, v.VersionNumber), Description: v.Description, CreatedTime: date(v.CreatedTime), Status: versionStatus(v, ctx) }),
    );
    const page = versionPage(ctx, r, all, input);
    return { ThemeVersionSummaryList: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateTheme: Handler<UpdateThemeRequest, UpdateThemeResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!, true);
    checkText(input);
    await checkBase(tx, ctx, input.BaseThemeId);
    checkConfiguration(input.Configuration);
    const version = compact({
      CreatedTime: ctx.now.toISOString(),
      Description: input.VersionDescription,
      BaseThemeId: input.BaseThemeId!,
      Configuration: input.Configuration ?? (latest(r) as ThemeVersionRecord).Configuration,
      DataSetArns: [],
      Progress: progress("UPDATE", ctx),
    });
    const updated = withVersion({ ...r, Name: input.Name ?? r.Name, LastUpdatedTime: ctx.now.toISOString() }, version);
    await save(tx, ctx, THEME, updated);
    return {
      ThemeId: r.Id,
      Arn: r.Arn,
      VersionArn: versionArn(r.Arn, latest(updated).VersionNumber),
      CreationStatus: inProgress("UPDATE"),
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const DeleteTheme: Handler<DeleteThemeRequest, DeleteThemeResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!, true);
    if (input.VersionNumber !== undefined) await save(tx, ctx, THEME, await deleteVersion(tx, ctx, THEME, r, input.VersionNumber));
    else {
      await deleteAliases(tx, ctx, THEME, r.Id);
      await removeAsset(tx, ctx, THEME, r);
    }
    return { Arn: r.Arn, ThemeId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeThemePermissions: Handler<DescribeThemePermissionsRequest, DescribeThemePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!);
    return { ThemeId: r.Id, ThemeArn: r.Arn, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateThemePermissions: Handler<UpdateThemePermissionsRequest, UpdateThemePermissionsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await changePermissions(tx, ctx, THEME, await requireTheme(tx, ctx, input.ThemeId!, true), input);
    return { ThemeId: r.Id, ThemeArn: r.Arn, Permissions: r.Permissions, RequestId: ctx.requestId, Status: 200 };
  });

const aliasOutput = (a: AliasRecord): ThemeAlias => ({ Arn: a.Arn, AliasName: a.AliasName, ThemeVersionNumber: a.VersionNumber });

export const CreateThemeAlias: Handler<CreateThemeAliasRequest, CreateThemeAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!, true);
    return { ThemeAlias: aliasOutput(await createAlias(tx, ctx, THEME, r, input.AliasName!, input.ThemeVersionNumber)), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeThemeAlias: Handler<DescribeThemeAliasRequest, DescribeThemeAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTheme(tx, ctx, input.ThemeId!);
    return { ThemeAlias: aliasOutput(await requireAlias(tx, ctx, THEME, r, input.AliasName!)), RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateThemeAlias: Handler<UpdateThemeAliasRequest, UpdateThemeAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTheme(tx, ctx, input.ThemeId!, true);
    return { ThemeAlias: aliasOutput(await updateAlias(tx, ctx, THEME, r, input.AliasName!, input.ThemeVersionNumber)), RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteThemeAlias: Handler<DeleteThemeAliasRequest, DeleteThemeAliasResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    checkAliasName(input.AliasName, false);
    const r = await requireTheme(tx, ctx, input.ThemeId!, true);
    const alias = await deleteAlias(tx, ctx, THEME, r, input.AliasName!);
    return { AliasName: alias.AliasName, Arn: alias.Arn, ThemeId: r.Id, RequestId: ctx.requestId, Status: 200 };
  });

export const ListThemeAliases: Handler<ListThemeAliasesRequest, ListThemeAliasesResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAssets(tx, ctx, input.AwsAccountId, true);
    const r = await requireTheme(tx, ctx, input.ThemeId!);
    const page = await listAliases(tx, ctx, THEME, r, input);
    return { ThemeAliasList: page.items.map(aliasOutput), NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });

