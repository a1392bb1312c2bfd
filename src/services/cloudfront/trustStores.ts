import { X509Certificate } from "node:crypto";
import type {
  CaCertificatesBundleS3Location,
  CaCertificatesBundleSource,
  CreateTrustStoreRequest,
  CreateTrustStoreResult,
  DeleteTrustStoreRequest,
  GetTrustStoreRequest,
  GetTrustStoreResult,
  ListDistributionsByTrustStoreRequest,
  ListDistributionsByTrustStoreResult,
  ListTrustStoresRequest,
  ListTrustStoresResult,
  TrustStore,
  TrustStoreSummary,
  UpdateTrustStoreRequest,
  UpdateTrustStoreResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import { BASE62, randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { distributionsUsing } from "./distributions.js";
import { arnOf } from "./ids.js";
import { findByIdentifier, key, listPage, maxItemsOf } from "./model.js";
import { refuseInUse } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch, type Deployable, isDeployed, nextDeployment } from "./versioning.js";

/**
 * Trust stores: the CA certificates viewer mTLS validates client certificates against, read from
 * a PEM bundle in S3 (CaCertificatesBundleSource). The core reads the object (ctx.readObject,
 * through `--s3-endpoint`) before the transaction, and the bundle is really parsed: every block
 * must be an X.509 CA certificate. A store is `pending` after each change until its stored deploy
 * instant (versioning.ts), then `active` with NumberOfCaCertificates, or `failed` with a Reason
 * when the bundle could not be read or is not a CA bundle. Distributions name one in
 * ViewerMtlsConfig.TrustStoreConfig.TrustStoreId: that reference blocks the delete and answers
 * ListDistributionsByTrustStore.
 */
const TABLE = "cloudfront.trustStores"; //       acct/id   -> TrustStoreRecord
const NAMES = "cloudfront.trustStoreNames"; //   acct/name -> id
const TYPE = "trust-store";

interface TrustStoreRecord extends Deployable {
  Id: string;
  Name: string;
  LastModifiedTime: string;
  Source: CaCertificatesBundleS3Location;
  UseClientCertificateOCSPEndpoint: boolean;
  /** What reading the bundle found: its CA count, or why it is unusable. */
  NumberOfCaCertificates: number;
  Reason?: string;
}

/** `ts_` + 27 base-62 characters, the shape of CloudFront's other new ids (unconfirmed for trust stores). */
const trustStoreId = () => "ts_" + randomString(BASE62, 27);

taggable({ type: TYPE, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const invalid = (message: string) => new AwsError("InvalidArgument", message);
const noSuch = (id: string | undefined) => new AwsError("EntityNotFound", `The trust store ${id ?? ""} does not exist.`);

/** Identifier is the Id, the Name or the ARN. */
const findTrustStore = (tx: Transaction, account: string, identifier: string) => findByIdentifier<TrustStoreRecord>(tx, { table: TABLE, names: NAMES, type: TYPE }, account, identifier);

async function requireTrustStore(tx: Transaction, account: string, identifier: string | undefined): Promise<TrustStoreRecord> {
  const found = identifier ? await findTrustStore(tx, account, identifier) : undefined;
  if (!found) throw noSuch(identifier);
  return found;
}

const statusOf = (r: TrustStoreRecord, ctx: RequestContext) => (!isDeployed(r, ctx) ? "pending" : r.Reason ? "failed" : "active");

function trustStoreOf(r: TrustStoreRecord, ctx: RequestContext): TrustStore {
  const status = statusOf(r, ctx);
  return {
    Id: r.Id,
    Arn: arnOf(ctx.account, TYPE, r.Id),
    Name: r.Name,
    Status: status,
    NumberOfCaCertificates: status === "active" ? r.NumberOfCaCertificates : 0,
    LastModifiedTime: new Date(r.LastModifiedTime),
    ...(status === "failed" ? { Reason: r.Reason } : {}),
    UseClientCertificateOCSPEndpoint: r.UseClientCertificateOCSPEndpoint,
  };
}

/** The S3 location as sent, checked (the union has one member). */
function locationOf(source: CaCertificatesBundleSource | undefined): CaCertificatesBundleS3Location {
  const loc = source?.CaCertificatesBundleS3Location;
  if (!loc) throw invalid("CaCertificatesBundleSource.CaCertificatesBundleS3Location is required.");
  for (const m of ["Bucket", "Key", "Region"] as const) if (!loc[m]) throw invalid(`CaCertificatesBundleS3Location.${m} is required.`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(loc.Bucket!)) throw invalid(`The bucket name ${loc.Bucket} is not valid.`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(loc.Region!)) throw invalid(`The Region ${loc.Region} is not valid.`);
  return { Bucket: loc.Bucket, Key: loc.Key, Region: loc.Region, ...(loc.Version ? { Version: loc.Version } : {}) };
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Reads and parses the bundle: its CA count, or the Reason the store fails with. */
async function readBundle(ctx: RequestContext, loc: CaCertificatesBundleS3Location): Promise<{ count: number; reason?: string }> {
  const read = await ctx.readObject({ bucket: loc.Bucket!, key: loc.Key!, region: loc.Region!, version: loc.Version });
  if (!read.ok) return { count: 0, reason: `Unable to read the CA certificates bundle s3://${loc.Bucket}/${loc.Key}: ${read.message}` };
  const text = read.body.toString("utf8");
  const blocks = text.match(PEM) ?? [];
  if (!blocks.length) return { count: 0, reason: "The CA certificates bundle contains no PEM-encoded certificate." };
  for (const [i, pem] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      return { count: 0, reason: `Certificate ${i + 1} of the CA certificates bundle is not a valid X.509 certificate.` };
    }
    if (!cert.ca) return { count: 0, reason: `Certificate ${i + 1} of the CA certificates bundle (${cert.subject.replace(/\n/g, ", ")}) is not a CA certificate.` };
    if (Date.parse(cert.validTo) < ctx.now.getTime()) return { count: 0, reason: `Certificate ${i + 1} of the CA certificates bundle expired on ${new Date(cert.validTo).toISOString()}.` };
  }
  return { count: blocks.length };
}

export const CreateTrustStore: Handler<CreateTrustStoreRequest, CreateTrustStoreResult> = async (input, ctx) => {
  if (!input.Name || !NAME.test(input.Name)) throw invalid("The trust store Name must be 1 to 64 characters: letters, digits, hyphens and underscores.");
  const loc = locationOf(input.CaCertificatesBundleSource);
  const tags = validTags(input.Tags);
  // The object is read outside the transaction: a network call must not hold the store.
  const bundle = await readBundle(ctx, loc);
  return ctx.transaction(async (tx) => {
    if (await tx.get(NAMES, key(ctx.account, input.Name!))) throw new AwsError("EntityAlreadyExists", `A trust store named ${input.Name} already exists.`);
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("TrustStoresPerAccount")) {
      throw new AwsError("EntityLimitExceeded", "You have reached the maximum number of trust stores for this AWS account.");
    }
    const record: TrustStoreRecord = nextDeployment(
      {
        Id: trustStoreId(),
        Name: input.Name!,
        LastModifiedTime: ctx.now.toISOString(),
        Source: loc,
        UseClientCertificateOCSPEndpoint: input.UseClientCertificateOCSPEndpoint ?? false,
        NumberOfCaCertificates: bundle.count,
        ...(bundle.reason ? { Reason: bundle.reason } : {}),
      },
      ctx,
    );
    await tx.put(TABLE, key(ctx.account, record.Id), record);
    await tx.put(NAMES, key(ctx.account, record.Name), record.Id);
    await initTags(tx, ctx, TYPE, record.Id, tags);
    return { TrustStore: trustStoreOf(record, ctx), ETag: record.ETag };
  });
};

export const GetTrustStore: Handler<GetTrustStoreRequest, GetTrustStoreResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTrustStore(tx, ctx.account, input.Identifier);
    return { TrustStore: trustStoreOf(r, ctx), ETag: r.ETag };
  });

/** A new bundle source is read again; without one, the stored source is kept (and read again: its object may have changed). */
export const UpdateTrustStore: Handler<UpdateTrustStoreRequest, UpdateTrustStoreResult> = async (input, ctx) => {
  const sent = input.CaCertificatesBundleSource ? locationOf(input.CaCertificatesBundleSource) : undefined;
  // Checked once before reading the object (so a stale ETag costs no read) and again in the transaction.
  const before = await ctx.transaction(async (tx) => {
    const r = await requireTrustStore(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    return r;
  });
  const loc = sent ?? before.Source;
  const bundle = await readBundle(ctx, loc);
  return ctx.transaction(async (tx) => {
    const r = await requireTrustStore(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const { Reason: _, ...rest } = r;
    const updated: TrustStoreRecord = nextDeployment(
      {
        ...rest,
        LastModifiedTime: ctx.now.toISOString(),
        Source: loc,
        UseClientCertificateOCSPEndpoint: input.UseClientCertificateOCSPEndpoint ?? r.UseClientCertificateOCSPEndpoint,
        NumberOfCaCertificates: bundle.count,
        ...(bundle.reason ? { Reason: bundle.reason } : {}),
      },
      ctx,
    );
    await tx.put(TABLE, key(ctx.account, r.Id), updated);
    return { TrustStore: trustStoreOf(updated, ctx), ETag: updated.ETag };
  });
};

export const DeleteTrustStore: Handler<DeleteTrustStoreRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTrustStore(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "trust-store", r.Id);
    await tx.delete(TABLE, key(ctx.account, r.Id));
    await tx.delete(NAMES, key(ctx.account, r.Name));
    await dropTags(tx, ctx.account, TYPE, r.Id);
    return {};
  });

export const ListTrustStores: Handler<ListTrustStoresRequest, ListTrustStoresResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<TrustStoreRecord>(tx, TABLE, ctx.account, input.Marker, maxItems);
    const items: TrustStoreSummary[] = page.items.map((r) => {
      const t = trustStoreOf(r, ctx);
      return {
        Id: t.Id,
        Arn: t.Arn,
        Name: t.Name,
        Status: t.Status,
        NumberOfCaCertificates: t.NumberOfCaCertificates,
        LastModifiedTime: t.LastModifiedTime,
        ...(t.Reason ? { Reason: t.Reason } : {}),
        ETag: r.ETag,
      };
    });
    return { ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}), TrustStoreList: items };
  });
};

export const ListDistributionsByTrustStore: Handler<ListDistributionsByTrustStoreRequest, ListDistributionsByTrustStoreResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const r = await requireTrustStore(tx, ctx.account, input.TrustStoreIdentifier);
    return { DistributionList: await distributionsUsing(tx, ctx, "trust-store", r.Id, input.Marker, maxItems) };
  });
};

/** A distribution's ViewerMtlsConfig may name only a trust store of the account whose bundle did not fail. */
export async function checkTrustStoreUsable(tx: Transaction, account: string, id: string): Promise<void> {
  const r = await tx.get<TrustStoreRecord>(TABLE, key(account, id));
  if (!r) throw new AwsError("EntityNotFound", `The trust store ${id} does not exist.`, 404);
  if (r.Reason) throw invalid(`The trust store ${id} failed (${r.Reason}): it cannot be used for viewer mTLS.`);
}
