import type { AliasListEntry } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind } from "../../core/service.js";
import { ListAliases } from "./aliases.js";
import { DescribeKey, ListKeys } from "./keys.js";
import { T } from "./model.js";

/** KMS's resource kinds for the web console (regional), read through KMS's own handlers. */

const PAGE = 50;
const date = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

const aliasesOf = (ctx: RequestContext, KeyId?: string) =>
  allPages(async (Marker) => {
    const out = await ListAliases({ KeyId, Marker, Limit: 100 }, ctx);
    return { items: out.Aliases, next: out.NextMarker };
  });

const keys: ResourceKind = {
  name: "keys",
  title: "Keys",
  table: T.keys,
  columns: ["KeyId", "Description", "KeyState", "KeySpec", "KeyUsage", "CreationDate"],
  async list(ctx, Marker) {
    const out = await ListKeys({ Marker, Limit: PAGE }, ctx);
    const rows = [];
    // ListKeys answers ids only; the table shows what DescribeKey says of each.
    for (const { KeyId } of out.Keys ?? []) {
      const m = (await DescribeKey({ KeyId }, ctx)).KeyMetadata!;
      rows.push({
        id: KeyId!,
        columns: { KeyId, Description: m.Description, KeyState: m.KeyState, KeySpec: m.KeySpec, KeyUsage: m.KeyUsage, CreationDate: date(m.CreationDate) },
      });
    }
    return { rows, next: out.NextMarker };
  },
  get: (ctx, KeyId) => DescribeKey({ KeyId }, ctx),
  async links(ctx, KeyId) {
    return (await aliasesOf(ctx, KeyId)).map((a) => ({ service: "kms", kind: "aliases", id: a.AliasName!, direction: "referencedBy" as const, relation: "alias" }));
  },
};

const aliases: ResourceKind = {
  name: "aliases",
  title: "Aliases",
  table: T.aliases,
  columns: ["AliasName", "TargetKeyId", "CreationDate", "LastUpdatedDate"],
  async list(ctx, Marker) {
    const out = await ListAliases({ Marker, Limit: PAGE }, ctx);
    return {
      rows: (out.Aliases ?? []).map((a: AliasListEntry) => ({
        id: a.AliasName!,
        columns: { AliasName: a.AliasName, TargetKeyId: a.TargetKeyId, CreationDate: date(a.CreationDate), LastUpdatedDate: date(a.LastUpdatedDate) },
      })),
      next: out.NextMarker,
    };
  },
  // KMS has no GetAlias: an alias is its ListAliases entry.
  async get(ctx, name) {
    const alias = (await aliasesOf(ctx)).find((a) => a.AliasName === name);
    if (!alias) throw new AwsError("NotFoundException", `Alias arn:aws:kms:${ctx.region}:${ctx.account}:${name} is not found.`, 400);
    return { Alias: alias };
  },
  async links(ctx, _name, resource) {
    const target = (resource as { Alias: AliasListEntry }).Alias.TargetKeyId;
    return target ? [{ service: "kms", kind: "keys", id: target, direction: "references" as const, relation: "target key" }] : [];
  },
};

export const resources: ResourceKind[] = [keys, aliases];
