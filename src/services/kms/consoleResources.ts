import type { AliasListEntry, GrantListEntry } from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { allPages, type RequestContext, type ResourceKind, type ResourceLink } from "../../core/service.js";
import { ListAliases } from "./aliases.js";
import { ListGrants } from "./grants.js";
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

const grantsOf = (ctx: RequestContext, KeyId: string, GrantId?: string) =>
  allPages(async (Marker) => {
    const out = await ListGrants({ KeyId, GrantId, Marker, Limit: 100 }, ctx);
    return { items: out.Grants, next: out.NextMarker };
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
    const aliases = (await aliasesOf(ctx, KeyId)).map((a): ResourceLink => ({ service: "kms", kind: "aliases", id: a.AliasName!, direction: "referencedBy", relation: "alias" }));
    const grants = (await grantsOf(ctx, KeyId)).map((g): ResourceLink => ({ service: "kms", kind: "grants", id: `${KeyId}/${g.GrantId}`, label: g.Name || g.GrantId, direction: "referencedBy", relation: "grant" }));
    return [...aliases, ...grants];
  },
};

/** Grants are listed key by key (KMS has no account-wide list); the id is `KeyId/GrantId`. */
const grants: ResourceKind = {
  name: "grants",
  title: "Grants",
  table: T.grants,
  columns: ["GrantId", "KeyId", "Name", "GranteePrincipal", "Operations", "CreationDate"],
  async list(ctx, Marker) {
    const out = await ListKeys({ Marker, Limit: 20 }, ctx);
    const rows = [];
    for (const { KeyId } of out.Keys ?? []) {
      for (const g of await grantsOf(ctx, KeyId!)) rows.push(grantRow(KeyId!, g));
    }
    return { rows, next: out.NextMarker };
  },
  async get(ctx, id) {
    const [KeyId, GrantId] = id.split("/");
    const [grant] = await grantsOf(ctx, KeyId, GrantId);
    if (!grant) throw new AwsError("NotFoundException", `Grant ${GrantId} of key ${KeyId} is not found.`, 400);
    // KMS has no Get for a grant: this is its ListGrants entry.
    return { Grant: grant };
  },
  async links(_ctx, id) {
    return [{ service: "kms", kind: "keys", id: id.split("/")[0], direction: "references", relation: "key" }];
  },
};

const grantRow = (KeyId: string, g: GrantListEntry) => ({
  id: `${KeyId}/${g.GrantId}`,
  columns: { GrantId: g.GrantId, KeyId, Name: g.Name, GranteePrincipal: g.GranteePrincipal, Operations: (g.Operations ?? []).join(", "), CreationDate: date(g.CreationDate) },
});

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

export const resources: ResourceKind[] = [keys, aliases, grants];
