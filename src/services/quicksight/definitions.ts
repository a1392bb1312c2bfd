import type { Transaction } from "../../core/store/store.js";
import type { RequestContext } from "../../core/service.js";
import { type AssetKind, type AssetRecord, assetArn, assetByArn, findAsset } from "./assets.js";
import { DATA_SET } from "./dataSets.js";
import {
  conflict,
  date,
  exists,
  invalid,
  notFound,
  pageArray,
  pageOf,
  parseArn,
  type Progress,
  quicksightValidator,
  scanAll,
  statusOf,
  T,
} from "./model.js";

/**
 * What analyses, dashboards and templates share: a Definition, or a SourceEntity it is built
 * from (exactly one), the data sets it reads (which must exist), the theme it uses; and what
 * dashboards, templates and themes share: numbered versions (1, 2, … never reused) and, for
 * templates and themes, aliases that name a version.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Definition = Record<string, any>;

export interface Version {
  VersionNumber: number;
  CreatedTime: string;
  Description?: string;
  /** The definition as the caller sent it, or as resolved from the source entity. */
  Definition?: Definition;
  SourceEntityArn?: string;
  ThemeArn?: string;
  DataSetArns: string[];
  Progress: Progress;
}

export interface Versioned extends AssetRecord {
  Versions: Version[];
  /** Next version number: numbers are never reused, even after a version is deleted. */
  NextVersion: number;
}

export const TEMPLATE_KIND = { table: T.templates, arnType: "template" };
export const ANALYSIS_KIND = { table: T.analyses, arnType: "analysis" };

/** Exactly one of SourceEntity and Definition. */
export function oneSource(input: { SourceEntity?: object; Definition?: object }) {
  const n = Number(input.SourceEntity !== undefined) + Number(input.Definition !== undefined);
  if (n !== 1) throw invalid("Exactly one of SourceEntity and Definition must be given.");
}

const latest = (r: Versioned) => r.Versions[r.Versions.length - 1];

/** `…:template/{id}` or `…:template/{id}/version/{n}` → that version of a record of the kind. */
async function sourceVersion(tx: Transaction, ctx: RequestContext, kind: { table: string; arnType: string }, arn: string | undefined, label: string) {
  const parsed = parseArn(arn);
  if (!parsed || parsed.type !== kind.arnType || parsed.account !== ctx.account || parsed.region !== ctx.region) {
    throw invalid(`${label} ${arn} is not a ${kind.arnType} ARN of account ${ctx.account} in ${ctx.region}.`);
  }
  const [id, word, n] = parsed.rest.split("/");
  const record = await findAsset<Versioned & { Definition?: Definition; DeletionTime?: string }>(tx, ctx, kind as AssetKind, id);
  if (!record || record.DeletionTime) throw notFound(`${label} ${arn} not found.`);
  if (!record.Versions) return { record, definition: record.Definition ?? {} };
  const version = word === "version" ? record.Versions.find((v) => v.VersionNumber === Number(n)) : latest(record);
  if (!version) throw notFound(`${label} ${arn} not found.`);
  return { record, definition: version.Definition ?? {} };
}

type Ref = { DataSetPlaceholder?: string; DataSetArn?: string };

/** The definition an analysis or dashboard is built from: its own, or a template's with the data sets bound. */
export async function analysisDefinition(
  tx: Transaction,
  ctx: RequestContext,
  input: { Definition?: Definition; SourceEntity?: { SourceTemplate?: { Arn?: string; DataSetReferences?: Ref[] } } },
): Promise<{ Definition: Definition; SourceEntityArn?: string }> {
  oneSource(input);
  if (input.Definition) return { Definition: input.Definition };
  const source = input.SourceEntity!.SourceTemplate;
  if (!source) throw invalid("SourceEntity must set SourceTemplate.");
  const { definition } = await sourceVersion(tx, ctx, TEMPLATE_KIND, source.Arn, "Template");
  const { DataSetConfigurations: _c, ...rest } = definition;
  return {
    Definition: { ...rest, DataSetIdentifierDeclarations: (source.DataSetReferences ?? []).map((r) => ({ Identifier: r.DataSetPlaceholder, DataSetArn: r.DataSetArn })) },
    SourceEntityArn: source.Arn,
  };
}

/** The definition a template is built from: its own, an analysis's (data sets become placeholders) or another template's. */
export async function templateDefinition(
  tx: Transaction,
  ctx: RequestContext,
  input: { Definition?: Definition; SourceEntity?: { SourceAnalysis?: { Arn?: string; DataSetReferences?: Ref[] }; SourceTemplate?: { Arn?: string } } },
): Promise<{ Definition: Definition; SourceEntityArn?: string; DataSetArns: string[] }> {
  oneSource(input);
  if (input.Definition) return { Definition: input.Definition, DataSetArns: [] };
  const { SourceAnalysis, SourceTemplate } = input.SourceEntity!;
  if (!!SourceAnalysis === !!SourceTemplate) throw invalid("SourceEntity must set exactly one of SourceAnalysis and SourceTemplate.");
  if (SourceTemplate) {
    const { definition } = await sourceVersion(tx, ctx, TEMPLATE_KIND, SourceTemplate.Arn, "Template");
    return { Definition: definition, SourceEntityArn: SourceTemplate.Arn, DataSetArns: [] };
  }
  const { definition } = await sourceVersion(tx, ctx, ANALYSIS_KIND, SourceAnalysis!.Arn, "Analysis");
  const refs = SourceAnalysis!.DataSetReferences ?? [];
  await requireDataSets(tx, ctx, refs.map((r) => r.DataSetArn!));
  const { DataSetIdentifierDeclarations: _d, ...rest } = definition;
  return {
    Definition: { ...rest, DataSetConfigurations: refs.map((r) => ({ Placeholder: r.DataSetPlaceholder })) },
    SourceEntityArn: SourceAnalysis!.Arn,
    DataSetArns: refs.map((r) => r.DataSetArn!),
  };
}

/** Data sets named by ARN must exist in this account and region (checked at once, not in the background). */
export async function requireDataSets(tx: Transaction, ctx: RequestContext, arns: string[]) {
  for (const arn of arns) {
    if (!(await assetByArn(tx, ctx, DATA_SET, arn))) throw invalid(`Data set ${arn} does not exist in account ${ctx.account} and region ${ctx.region}.`);
  }
}

/** The data sets an analysis or dashboard definition declares (1–50), each checked. */
export async function declaredDataSets(tx: Transaction, ctx: RequestContext, definition: Definition): Promise<string[]> {
  const declarations: Array<{ Identifier?: string; DataSetArn?: string }> = definition.DataSetIdentifierDeclarations ?? [];
  if (declarations.length < 1 || declarations.length > 50) throw invalid("Definition.DataSetIdentifierDeclarations must have between 1 and 50 entries.");
  for (const d of declarations) quicksightValidator().length(d.Identifier, "DataSetIdentifierDeclarations.Identifier", 1, 2048).check();
  const arns = declarations.map((d) => d.DataSetArn!);
  await requireDataSets(tx, ctx, arns);
  const sheets = definition.Sheets ?? [];
  if (sheets.length > 20) throw invalid("Definition.Sheets can have at most 20 sheets.");
  return [...new Set(arns)];
}

export const THEME_KIND = { table: T.themes, arnType: "theme" };
export const BUILT_IN_THEMES = ["CLASSIC", "MIDNIGHT", "SEASIDE", "RAINIER"];
export const builtInThemeArn = (id: string) => `arn:aws:quicksight::aws:theme/${id}`;

/** A ThemeArn must name a built-in theme or a theme of this account and region. */
export async function checkThemeArn(tx: Transaction, ctx: RequestContext, arn: string | undefined) {
  if (arn === undefined) return;
  const parsed = parseArn(arn);
  if (parsed?.account === "aws" && parsed.region === "" && parsed.type === "theme" && BUILT_IN_THEMES.includes(parsed.rest)) return;
  if (parsed?.type === "theme" && parsed.account === ctx.account && parsed.region === ctx.region && (await tx.get(T.themes, `${ctx.account}/${ctx.region}/${parsed.rest}`))) return;
  throw invalid(`ThemeArn ${arn} does not name a theme of account ${ctx.account} in ${ctx.region} nor a built-in theme.`);
}

export const sheetsOf = (definition: Definition | undefined) =>
  ((definition?.Sheets ?? []) as Array<{ SheetId?: string; Name?: string }>).map((s) => (s.Name !== undefined ? { SheetId: s.SheetId, Name: s.Name } : { SheetId: s.SheetId }));

export const versionArn = (arn: string, n: number) => `${arn}/version/${n}`;
export const versionStatus = (v: Version, ctx: RequestContext) => statusOf(v.Progress, ctx);
export { date, latest };

/**
 * The version a Describe names: `version-number`, `alias-name` (`$LATEST`, `$PUBLISHED` where the
 * kind has one, or a stored alias), else the latest. Both at once is refused.
 */
export async function pickVersion(
  tx: Transaction,
  ctx: RequestContext,
  kind: AssetKind,
  record: Versioned,
  input: { VersionNumber?: number; AliasName?: string },
  published?: number,
): Promise<Version> {
  if (input.VersionNumber !== undefined && input.AliasName !== undefined) throw invalid("Give VersionNumber or AliasName, not both.");
  let n: number | undefined = input.VersionNumber;
  if (input.AliasName !== undefined) {
    if (input.AliasName === "$LATEST") n = latest(record).VersionNumber;
    else if (input.AliasName === "$PUBLISHED") {
      if (published === undefined) throw invalid(`${kind.label}s have no published version: $PUBLISHED is not an alias of ${record.Arn}.`);
      n = published;
    } else {
      const alias = await tx.get<AliasRecord>(T.aliases, aliasKey(ctx, kind, record.Id, input.AliasName));
      if (!alias) throw notFound(`Alias ${input.AliasName} of ${record.Arn} not found.`);
      n = alias.VersionNumber;
    }
  }
  const version = n === undefined ? latest(record) : record.Versions.find((v) => v.VersionNumber === n);
  if (!version) throw notFound(`Version ${n} of ${record.Arn} not found.`);
  return version;
}

/** Appends a new version, numbered after every version ever made. */
export function withVersion<R extends Versioned>(record: R, version: Omit<Version, "VersionNumber">): R {
  return { ...record, Versions: [...record.Versions, { ...version, VersionNumber: record.NextVersion }], NextVersion: record.NextVersion + 1 };
}

export const versionPage = <V>(ctx: RequestContext, record: Versioned, items: V[], input: { NextToken?: string; MaxResults?: number }) =>
  pageArray(ctx, `${record.Arn}/versions`, items, input);

// ---- Aliases (templates and themes) --------------------------------------------------------

export interface AliasRecord {
  AliasName: string;
  Arn: string;
  VersionNumber: number;
}

export const aliasKey = (ctx: RequestContext, kind: AssetKind, id: string, alias = "") => `${ctx.account}/${ctx.region}/${kind.arnType}/${id}/${alias}`;

export function checkAliasName(name: string | undefined, creating: boolean) {
  quicksightValidator().length(name, "AliasName", 1, 2048).pattern(name, "AliasName", /^[\w\-]+$|^\$[\w\-]+$/, "[\\w\\-]+|(\\$LATEST)|(\\$PUBLISHED)").check();
  if (creating && name!.startsWith("$")) throw invalid(`Alias names that start with $ are reserved: ${name}.`);
}

export async function createAlias(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: Versioned, name: string, version: number | undefined) {
  checkAliasName(name, true);
  if (!record.Versions.some((v) => v.VersionNumber === version)) throw notFound(`Version ${version} of ${record.Arn} not found.`);
  const key = aliasKey(ctx, kind, record.Id, name);
  if (await tx.get(T.aliases, key)) throw exists(`Alias ${name} of ${record.Arn} already exists.`);
  const alias: AliasRecord = { AliasName: name, Arn: `${record.Arn}/alias/${name}`, VersionNumber: version! };
  await tx.put(T.aliases, key, alias);
  return alias;
}

export async function requireAlias(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: Versioned, name: string) {
  const alias = await tx.get<AliasRecord>(T.aliases, aliasKey(ctx, kind, record.Id, name));
  if (!alias) throw notFound(`Alias ${name} of ${record.Arn} not found.`);
  return alias;
}

export async function updateAlias(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: Versioned, name: string, version: number | undefined) {
  const alias = await requireAlias(tx, ctx, kind, record, name);
  if (!record.Versions.some((v) => v.VersionNumber === version)) throw notFound(`Version ${version} of ${record.Arn} not found.`);
  const updated = { ...alias, VersionNumber: version! };
  await tx.put(T.aliases, aliasKey(ctx, kind, record.Id, name), updated);
  return updated;
}

export async function deleteAlias(tx: Transaction, ctx: RequestContext, kind: AssetKind, record: Versioned, name: string) {
  const alias = await requireAlias(tx, ctx, kind, record, name);
  await tx.delete(T.aliases, aliasKey(ctx, kind, record.Id, name));
  return alias;
}

export const listAliases = (tx: Transaction, ctx: RequestContext, kind: AssetKind, record: Versioned, input: { NextToken?: string; MaxResults?: number }) =>
  pageOf<AliasRecord>(tx, ctx, T.aliases, aliasKey(ctx, kind, record.Id), input);

/**
 * Deletes one version (refused while an alias or the published version points at it, or when it
 * is the only one) or, without a number, the whole record with its aliases.
 */
export async function deleteVersion<R extends Versioned>(
  tx: Transaction,
  ctx: RequestContext,
  kind: AssetKind,
  record: R,
  n: number,
  published?: number,
): Promise<R> {
  if (!record.Versions.some((v) => v.VersionNumber === n)) throw notFound(`Version ${n} of ${record.Arn} not found.`);
  if (n === published) throw conflict(`Version ${n} is the published version of ${record.Arn}; publish another version first.`);
  const aliases = (await scanAll<AliasRecord>(tx, T.aliases, aliasKey(ctx, kind, record.Id))).map(([, a]) => a);
  const pointing = aliases.find((a) => a.VersionNumber === n);
  if (pointing) throw conflict(`Version ${n} of ${record.Arn} is the target of alias ${pointing.AliasName}.`);
  if (record.Versions.length === 1) throw conflict(`Version ${n} is the only version of ${record.Arn}; delete the ${kind.label.toLowerCase()} instead.`);
  return { ...record, Versions: record.Versions.filter((v) => v.VersionNumber !== n) };
}

export async function deleteAliases(tx: Transaction, ctx: RequestContext, kind: AssetKind, id: string) {
  for (const [key] of await scanAll(tx, T.aliases, aliasKey(ctx, kind, id))) await tx.delete(T.aliases, key);
}

export { assetArn };
