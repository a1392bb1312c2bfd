/**
 * Rows for the scale phase, made without the API: a million CreateUser calls would take the
 * bench longer than the rest of it. nubis itself writes one row through the API (a template);
 * the seeder copies it n times with the identifiers renumbered (name, id, key material ids),
 * so each row has the shape, the size and the distinct strings of a row the API writes.
 */
import { Endpoint, send } from "./load.js";
import { Api, Build } from "./workloads.js";

export type Kind = "users" | "keys";

/** One template: the table, the row's key and value as JSON text, and what to renumber. */
export interface Template {
  kind: Kind;
  table: string;
  key: string;
  value: string;
  /** [text in the template, how it reads for row i] (same length and alphabet where it is an id). */
  swaps: Array<[string, (i: number) => string]>;
}

/** `template` with its first characters replaced by `i` in `radix`, so the copy keeps its length and alphabet. */
const renumber = (template: string, radix: number, width: number) => (i: number) => {
  const digits = i.toString(radix).padStart(width, "0");
  return digits + template.slice(digits.length);
};

export const userName = (i: number) => `scale-user-${String(i).padStart(7, "0")}`;

const TEMPLATE_USER = "TemplateUserQz";

/** Creates one user and one key on a fresh nubis and reads their rows back from GET /_nubis/state. */
export async function templates(ep: Endpoint): Promise<Record<Kind, Template>> {
  const api = new Api(ep);
  await api.call(api.b.iam("CreateUser", { UserName: TEMPLATE_USER, Path: "/scale/" }));
  await api.call(api.b.kms("CreateKey", { Description: "scale" }));
  const state = await send(ep, { method: "GET", url: "/_nubis/state", headers: { host: ep.host }, body: Buffer.alloc(0) });
  if (state.status !== 200) throw new Error(`GET /_nubis/state answered ${state.status}`);
  const tables = (JSON.parse(state.body.toString("utf8")) as { tables: Record<string, Array<[string, Record<string, unknown>]>> }).tables;
  const only = (table: string) => {
    const rows = tables[table];
    if (rows?.length !== 1) throw new Error(`expected one row in ${table} after one create, found ${rows?.length ?? 0}`);
    return rows[0];
  };
  const extra = Object.keys(tables).filter((t) => t !== "iam.users" && t !== "kms.keys");
  if (extra.length) throw new Error(`CreateUser/CreateKey wrote more tables than the seeder copies: ${extra.join(", ")}`);
  const [userKey, user] = only("iam.users");
  const [keyKey, key] = only("kms.keys");
  const userId = String(user.UserId);
  const keyId = String(key.KeyId);
  const materials = (key.Materials as Array<Record<string, string>>) ?? [];
  const keySwaps: Template["swaps"] = [[keyId, renumber(keyId, 16, 8)]];
  // Key material ids, secrets and digests: distinct per key, as CreateKey makes them.
  for (const m of materials) for (const f of ["Id", "Secret", "Digest"]) if (typeof m[f] === "string") keySwaps.push([m[f], renumber(m[f], 10, 8)]);
  if (typeof key.RotationSeed === "string") keySwaps.push([key.RotationSeed, renumber(key.RotationSeed, 10, 8)]);
  return {
    users: {
      kind: "users",
      table: "iam.users",
      key: userKey,
      value: JSON.stringify(user),
      swaps: [
        [TEMPLATE_USER, userName],
        [TEMPLATE_USER.toLowerCase(), userName],
        // AIDA + 17 of [A-Z2-7]: the index's decimal digits written as letters A-J.
        [userId, (i) => `AIDA${String(i).padStart(8, "0").replace(/\d/g, (d) => "ABCDEFGHIJ"[Number(d)])}${userId.slice(12)}`],
      ],
    },
    keys: { kind: "keys", table: "kms.keys", key: keyKey, value: JSON.stringify(key), swaps: keySwaps },
  };
}

/** Row i of a template: [key, value as JSON text]. */
export function row(t: Template, i: number): [string, string] {
  let key = t.key;
  let value = t.value;
  for (const [from, to] of t.swaps) {
    const s = to(i);
    key = key.split(from).join(s);
    value = value.split(from).join(s);
  }
  return [key, value];
}

/** The list call of a kind and how to read its next page's marker. */
export const lists: Record<Kind, { op: string; page(b: Build, size: number, marker?: string): ReturnType<Build["iam"]>; marker(body: Buffer): string | undefined; count(body: Buffer): number }> = {
  users: {
    op: "iam:ListUsers",
    page: (b, size, marker) => b.iam("ListUsers", { MaxItems: size, ...(marker ? { Marker: marker } : {}) }),
    marker: (body) => /<Marker>([^<]*)<\/Marker>/.exec(body.toString("utf8"))?.[1],
    count: (body) => body.toString("utf8").split("<UserName>").length - 1,
  },
  keys: {
    op: "kms:ListKeys",
    page: (b, size, marker) => b.kms("ListKeys", { Limit: size, ...(marker ? { Marker: marker } : {}) }),
    marker: (body) => (JSON.parse(body.toString("utf8")) as { NextMarker?: string }).NextMarker,
    count: (body) => (JSON.parse(body.toString("utf8")) as { Keys?: unknown[] }).Keys?.length ?? 0,
  },
};

/** The create call of a kind, for targets seeded through their API (moto, and nubis beside it). */
export const creates: Record<Kind, (b: Build, i: number) => ReturnType<Build["iam"]>> = {
  users: (b, i) => b.iam("CreateUser", { UserName: userName(i), Path: "/scale/" }),
  keys: (b) => b.kms("CreateKey", { Description: "scale" }),
};
