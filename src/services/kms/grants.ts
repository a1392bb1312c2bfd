import type {
  CreateGrantRequest,
  CreateGrantResponse,
  GrantConstraints,
  GrantListEntry,
  GrantOperation,
  ListGrantsRequest,
  ListGrantsResponse,
  ListRetirableGrantsRequest,
  RetireGrantRequest,
  RevokeGrantRequest,
} from "@aws-sdk/client-kms";
import { createHash } from "node:crypto";
import { secureRandom } from "../../core/ids.js";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { isAsymmetric, keyArn, keyKey, type KeyRecord, listPage, live, requireKey, requireNotPendingDeletion, T } from "./model.js";
import * as check from "./validation.js";

/**
 * Grants: per-key permissions for a grantee principal on a list of operations. Stored by key
 * (ListGrants) and by retiring principal (ListRetirableGrants); a deleted key's grants vanish
 * with it (they are only read through a live key).
 */

export interface GrantRecord {
  GrantId: string;
  KeyId: string;
  Account: string;
  Region: string;
  Name?: string;
  CreationDate: number;
  GranteePrincipal: string;
  RetiringPrincipal?: string;
  Operations: GrantOperation[];
  Constraints?: GrantConstraints;
}

const grantKey = (g: { Account: string; Region: string; KeyId: string }, grantId = "") => `${keyKey(g.Account, g.Region, g.KeyId)}/${grantId}`;
const retirableKey = (account: string, region: string, principal: string, g?: GrantRecord) =>
  `${account}/${region}/${principal}\n${g ? `${g.KeyId}/${g.GrantId}` : ""}`;

const GRANT_ID = /^[0-9a-f]{64}$/;
const PRINCIPAL = /^[\w+=,.@:/-]+$/;
const NAME = /^[a-zA-Z0-9:/_-]+$/;

const OPERATIONS: readonly GrantOperation[] = [
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "ReEncryptFrom",
  "ReEncryptTo",
  "Sign",
  "Verify",
  "GetPublicKey",
  "CreateGrant",
  "RetireGrant",
  "DescribeKey",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
];

/** The operations a grant may allow on each kind of key. */
function operationsFor(k: KeyRecord): readonly GrantOperation[] {
  const always: GrantOperation[] = ["CreateGrant", "RetireGrant", "DescribeKey"];
  if (k.KeyUsage === "GENERATE_VERIFY_MAC") return [...always, "GenerateMac", "VerifyMac"];
  if (k.KeyUsage === "SIGN_VERIFY") return [...always, "Sign", "Verify", "GetPublicKey"];
  if (k.KeyUsage === "KEY_AGREEMENT") return [...always, "DeriveSharedSecret", "GetPublicKey"];
  if (isAsymmetric(k)) return [...always, "Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"];
  return [
    ...always,
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
  ];
}

/** Operations that take an encryption context, the only ones grant constraints may cover. */
const WITH_CONTEXT: readonly GrantOperation[] = [
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "ReEncryptFrom",
  "ReEncryptTo",
  "CreateGrant",
  "RetireGrant",
  "DescribeKey",
];

/** A grant token names its grant (KMS's are opaque; nubis's embed the grant's coordinates). */
export function grantToken(g: GrantRecord): string {
  const body = JSON.stringify({ a: g.Account, r: g.Region, k: g.KeyId, g: g.GrantId, n: secureRandom(8).toString("hex") });
  return `AQpA${Buffer.from(body).toString("base64url")}`;
}

export function readGrantToken(token: string): { account: string; region: string; keyId: string; grantId: string } {
  try {
    if (!check.GRANT_TOKEN.test(token)) throw new Error();
    const t = JSON.parse(Buffer.from(token.slice(4), "base64url").toString("utf8"));
    if (typeof t.g !== "string" || typeof t.k !== "string") throw new Error();
    return { account: t.a, region: t.r, keyId: t.k, grantId: t.g };
  } catch {
    throw new AwsError("InvalidGrantTokenException", "Invalid grant token.");
  }
}

async function putGrant(tx: Transaction, g: GrantRecord) {
  await tx.put(T.grants, grantKey(g, g.GrantId), g);
  if (g.RetiringPrincipal) await tx.put(T.retirable, retirableKey(g.Account, g.Region, g.RetiringPrincipal, g), g);
}

async function removeGrant(tx: Transaction, g: GrantRecord) {
  await tx.delete(T.grants, grantKey(g, g.GrantId));
  if (g.RetiringPrincipal) await tx.delete(T.retirable, retirableKey(g.Account, g.Region, g.RetiringPrincipal, g));
}

/** Every grant of a key (used by authorization too). */
export async function grantsOf(tx: Transaction, k: { Account: string; Region: string; KeyId: string }): Promise<GrantRecord[]> {
  return (await tx.scan<GrantRecord>(T.grants, { prefix: grantKey(k), limit: 1_000_000 })).map(([, g]) => g);
}

function checkConstraints(v: ReturnType<typeof check.kmsValidator>, c: GrantConstraints | undefined) {
  for (const [member, map] of [
    ["Constraints.EncryptionContextSubset", c?.EncryptionContextSubset],
    ["Constraints.EncryptionContextEquals", c?.EncryptionContextEquals],
  ] as const) {
    if (!map) continue;
    if (Object.keys(map).length > 8) throw new AwsError("ValidationException", `${member.split(".")[1]} can contain at most 8 key-value pairs.`);
    for (const value of Object.values(map)) v.length(value, member, 0, 384);
  }
}

const sameSet = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x) => (b ?? []).includes(x));
const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

export const CreateGrant: Handler<CreateGrantRequest, CreateGrantResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId").required(input.GranteePrincipal, "GranteePrincipal").required(input.Operations, "Operations");
  check.keyId(v, input.KeyId);
  v.length(input.GranteePrincipal, "GranteePrincipal", 1, 256).pattern(input.GranteePrincipal, "GranteePrincipal", PRINCIPAL, "^[\\w+=,.@:/-]+$");
  v.length(input.RetiringPrincipal, "RetiringPrincipal", 1, 256).pattern(input.RetiringPrincipal, "RetiringPrincipal", PRINCIPAL, "^[\\w+=,.@:/-]+$");
  v.length(input.Name, "Name", 1, 256).pattern(input.Name, "Name", NAME, "^[a-zA-Z0-9:/_-]+$");
  input.Operations?.forEach((op, i) => v.oneOf(op, `Operations.${i + 1}.member`, OPERATIONS));
  check.grantTokens(v, input.GrantTokens);
  checkConstraints(v, input.Constraints);
  v.check();
  check.checkGrantTokens(input.GrantTokens);
  if (!input.Operations!.length) throw new AwsError("ValidationException", "Operations must contain at least one operation.");
  const c = input.Constraints;
  if (c?.EncryptionContextEquals && c.EncryptionContextSubset) {
    throw new AwsError("ValidationException", "Specify either EncryptionContextEquals or EncryptionContextSubset, not both.");
  }
  return ctx.transaction(async (tx) => {
    const key = requireNotPendingDeletion(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now }));
    if (key.KeyState === "Disabled") throw new AwsError("DisabledException", `${keyArn(key)} is disabled.`);
    const allowed = operationsFor(key);
    const bad = input.Operations!.filter((op) => !allowed.includes(op));
    if (bad.length) throw new AwsError("ValidationException", `Grant operations ${bad.join(", ")} are not valid for ${keyArn(key)}.`);
    if (c && (c.EncryptionContextEquals || c.EncryptionContextSubset)) {
      if (key.KeySpec !== "SYMMETRIC_DEFAULT" || input.Operations!.some((op) => !WITH_CONTEXT.includes(op))) {
        throw new AwsError("ValidationException", "Grant constraints are only valid with symmetric encryption KMS keys and operations that take an encryption context.");
      }
    }
    const existing = await grantsOf(tx, key);
    if (input.Name !== undefined) {
      // A retry with the same name and parameters is the same grant, with a new token.
      const same = existing.find(
        (g) =>
          g.Name === input.Name &&
          g.GranteePrincipal === input.GranteePrincipal &&
          g.RetiringPrincipal === input.RetiringPrincipal &&
          sameSet(g.Operations, input.Operations) &&
          sameMap(g.Constraints?.EncryptionContextEquals, c?.EncryptionContextEquals) &&
          sameMap(g.Constraints?.EncryptionContextSubset, c?.EncryptionContextSubset),
      );
      if (same) {
        if (input.DryRun) throw dryRun();
        return { GrantId: same.GrantId, GrantToken: grantToken(same) };
      }
    }
    const limit = ctx.quota("GrantsPerKey");
    if (existing.length >= limit) throw new AwsError("LimitExceededException", `The grant quota for ${keyArn(key)} (${limit}) has been reached.`);
    if (input.DryRun) throw dryRun();
    const grant: GrantRecord = {
      GrantId: createHash("sha256").update(secureRandom(32)).digest("hex"),
      KeyId: key.KeyId,
      Account: ctx.account,
      Region: ctx.region,
      ...(input.Name !== undefined ? { Name: input.Name } : {}),
      CreationDate: ctx.now.getTime(),
      GranteePrincipal: input.GranteePrincipal!,
      ...(input.RetiringPrincipal !== undefined ? { RetiringPrincipal: input.RetiringPrincipal } : {}),
      Operations: [...input.Operations!],
      ...(c && (c.EncryptionContextEquals || c.EncryptionContextSubset) ? { Constraints: c } : {}),
    };
    await putGrant(tx, grant);
    return { GrantId: grant.GrantId, GrantToken: grantToken(grant) };
  });
};

const dryRun = () => new AwsError("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");

const entry = (g: GrantRecord): GrantListEntry => ({
  KeyId: keyArn(g),
  GrantId: g.GrantId,
  ...(g.Name !== undefined ? { Name: g.Name } : {}),
  CreationDate: new Date(g.CreationDate),
  GranteePrincipal: g.GranteePrincipal,
  ...(g.RetiringPrincipal !== undefined ? { RetiringPrincipal: g.RetiringPrincipal } : {}),
  IssuingAccount: `arn:aws:iam::${g.Account}:root`,
  Operations: g.Operations,
  ...(g.Constraints ? { Constraints: g.Constraints } : {}),
});

const invalidMarker = () => new AwsError("InvalidMarkerException", "Invalid marker");

export const ListGrants: Handler<ListGrantsRequest, ListGrantsResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId");
  check.keyId(v, input.KeyId);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker);
  v.length(input.GrantId, "GrantId", 1, 128);
  v.length(input.GranteePrincipal, "GranteePrincipal", 1, 256).check();
  if (input.GrantId !== undefined && !GRANT_ID.test(input.GrantId)) throw new AwsError("InvalidGrantIdException", `Invalid grant ID ${input.GrantId}`);
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    const page = await paginate<GrantRecord>(tx, T.grants, grantKey(key), {
      marker: input.Marker,
      maxItems: input.Limit ?? 50,
      invalidMarker,
      filter: (g) =>
        (input.GrantId === undefined || g.GrantId === input.GrantId) && (input.GranteePrincipal === undefined || g.GranteePrincipal === input.GranteePrincipal),
    });
    return listPage("Grants", { items: page.items.map(entry), next: page.next });
  });
};

/** Grants of the caller's region whose retiring principal is exactly the one given. */
export const ListRetirableGrants: Handler<ListRetirableGrantsRequest, ListGrantsResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.RetiringPrincipal, "RetiringPrincipal");
  v.length(input.RetiringPrincipal, "RetiringPrincipal", 1, 256).pattern(input.RetiringPrincipal, "RetiringPrincipal", PRINCIPAL, "^[\\w+=,.@:/-]+$");
  check.limit(v, input.Limit);
  check.marker(v, input.Marker).check();
  return ctx.transaction(async (tx) => {
    const page = await paginate<GrantRecord>(tx, T.retirable, retirableKey(ctx.account, ctx.region, input.RetiringPrincipal!), {
      marker: input.Marker,
      maxItems: input.Limit ?? 50,
      invalidMarker,
    });
    const items: GrantListEntry[] = [];
    for (const g of page.items) {
      if (live(await tx.get<KeyRecord>(T.keys, keyKey(g.Account, g.Region, g.KeyId)), ctx.now.getTime())) items.push(entry(g));
    }
    return listPage("Grants", { items, next: page.next });
  });
};

async function findGrant(tx: Transaction, ctx: RequestContext, key: KeyRecord, grantId: string): Promise<GrantRecord> {
  if (!GRANT_ID.test(grantId)) throw new AwsError("InvalidGrantIdException", `Invalid grant ID ${grantId}`);
  const g = await tx.get<GrantRecord>(T.grants, grantKey(key, grantId));
  if (!g) throw new AwsError("NotFoundException", `Grant ID ${grantId} not found`);
  return g;
}

/** Retire by token, or by key and grant id. */
export const RetireGrant: Handler<RetireGrantRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.length(input.GrantToken, "GrantToken", 1, 8192);
  check.keyId(v, input.KeyId);
  v.length(input.GrantId, "GrantId", 1, 128).check();
  return ctx.transaction(async (tx) => {
    let grant: GrantRecord;
    if (input.GrantToken !== undefined) {
      const t = readGrantToken(input.GrantToken);
      const key = live(await tx.get<KeyRecord>(T.keys, keyKey(ctx.account, ctx.region, t.keyId)), ctx.now.getTime());
      if (!key || t.account !== ctx.account || t.region !== ctx.region) throw new AwsError("NotFoundException", `Grant ID ${t.grantId} not found`);
      grant = await findGrant(tx, ctx, key, t.grantId);
    } else {
      if (input.KeyId === undefined || input.GrantId === undefined) {
        throw new AwsError("ValidationException", "Either GrantToken, or both KeyId and GrantId, must be specified.");
      }
      const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId, { aliases: false, now: ctx.now });
      grant = await findGrant(tx, ctx, key, input.GrantId);
    }
    if (input.DryRun) throw dryRun();
    await removeGrant(tx, grant);
    return {};
  });
};

export const RevokeGrant: Handler<RevokeGrantRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId").required(input.GrantId, "GrantId");
  check.keyId(v, input.KeyId);
  v.length(input.GrantId, "GrantId", 1, 128).check();
  return ctx.transaction(async (tx) => {
    const key = await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { now: ctx.now });
    const grant = await findGrant(tx, ctx, key, input.GrantId!);
    if (input.DryRun) throw dryRun();
    await removeGrant(tx, grant);
    return {};
  });
};

/**
 * The grants that let `grantee` call `operation` on a key with this encryption context:
 * authorization under `--auth iam` honours them beside the key policy.
 */
export async function grantAllows(
  tx: Transaction,
  key: { Account: string; Region: string; KeyId: string },
  grantee: string,
  operation: GrantOperation,
  context: Record<string, string> | undefined,
): Promise<boolean> {
  for (const g of await grantsOf(tx, key)) {
    if (g.GranteePrincipal !== grantee || !g.Operations.includes(operation)) continue;
    const eq = g.Constraints?.EncryptionContextEquals;
    const sub = g.Constraints?.EncryptionContextSubset;
    if (eq && !sameMap(eq, context)) continue;
    if (sub && !Object.entries(sub).every(([k, val]) => context?.[k] === val)) continue;
    return true;
  }
  return false;
}
