import type {
  AssociateDistributionWebACLRequest,
  AssociateDistributionWebACLResult,
  CreateDistributionRequest,
  CreateDistributionResult,
  CreateDistributionWithTagsRequest,
  CreateDistributionWithTagsResult,
  DeleteDistributionRequest,
  DisassociateDistributionWebACLRequest,
  DisassociateDistributionWebACLResult,
  Distribution,
  DistributionConfig,
  DistributionSummary,
  GetDistributionConfigRequest,
  GetDistributionConfigResult,
  GetDistributionRequest,
  GetDistributionResult,
  ListDistributionsByCachePolicyIdRequest,
  ListDistributionsByCachePolicyIdResult,
  ListDistributionsByConnectionModeRequest,
  ListDistributionsByConnectionModeResult,
  ListDistributionsByOriginRequestPolicyIdRequest,
  ListDistributionsByOriginRequestPolicyIdResult,
  ListDistributionsByResponseHeadersPolicyIdRequest,
  ListDistributionsByResponseHeadersPolicyIdResult,
  ListDistributionsByWebACLIdRequest,
  ListDistributionsByWebACLIdResult,
  ListDistributionsRequest,
  ListDistributionsResult,
  UpdateDistributionRequest,
  UpdateDistributionResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { claimDomains } from "./aliases.js";
import { refuseDeploymentInUse, refuseDisablingStagingInPolicy } from "./continuousDeployment.js";
import { allBehaviours, checkReferences, normalise } from "./distributionConfig.js";
import { arnOf, distributionId, LOWER_DOMAIN, resourceUrl } from "./ids.js";
import { dropInvalidations, inProgress } from "./invalidations.js";
import { fullList, key, type KeyGroupRecord, listPage, maxItemsOf, oneOf, T } from "./model.js";
import { requirePolicy } from "./policies.js";
import { type RefKind, refuseInUse, setReferences, usersPage } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch, type Deployable, deployStatus, nextDeployment } from "./versioning.js";

/**
 * Distributions: the config is replaced whole on every update (If-Match), each change is
 * InProgress until its deploy instant, and a distribution is deleted only once disabled and
 * deployed. What the config references is declared to references.ts; its Aliases are claimed
 * in the global domain table (aliases.ts).
 */
const TABLE = "cloudfront.distributions"; //       acct/id -> record
const REFS = "cloudfront.distributionCallerRefs"; // acct/callerReference -> id
export const DISTRIBUTION = "distribution";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

export interface DistributionRecord extends Deployable {
  Id: string;
  DomainName: string;
  LastModifiedTime: string;
  Config: Config;
  Refs: string[];
}

taggable({ type: DISTRIBUTION, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

export const noSuchDistribution = () => new AwsError("NoSuchDistribution", "The specified distribution does not exist.", 404);

export async function findDistribution(tx: Transaction, account: string, id: string | undefined): Promise<DistributionRecord | undefined> {
  return id ? tx.get<DistributionRecord>(TABLE, key(account, id)) : undefined;
}

export async function requireDistribution(tx: Transaction, account: string, id: string | undefined): Promise<DistributionRecord> {
  const found = await findDistribution(tx, account, id);
  if (!found) throw noSuchDistribution();
  return found;
}

const aliasesOf = (c: Config): string[] => c.Aliases?.Items ?? [];
const owner = (account: string, id: string) => ({ account, kind: "distribution" as const, id });

/** ActiveTrustedKeyGroups / ActiveTrustedSigners as the distribution reports them. */
async function active(tx: Transaction, ctx: RequestContext, c: Config) {
  const groups = [...new Set(allBehaviours(c).flatMap((b) => b.TrustedKeyGroups?.Items ?? []))] as string[];
  const signers = [...new Set(allBehaviours(c).flatMap((b) => b.TrustedSigners?.Items ?? []))] as string[];
  const items = [];
  for (const id of groups) {
    const g = await tx.get<KeyGroupRecord>(T.keyGroups, key(ctx.account, id));
    items.push({ KeyGroupId: id, KeyPairIds: { Quantity: g?.Items.length ?? 0, ...(g?.Items.length ? { Items: [...g.Items] } : {}) } });
  }
  return {
    ActiveTrustedKeyGroups: { Enabled: groups.length > 0, Quantity: items.length, ...(items.length ? { Items: items } : {}) },
    ActiveTrustedSigners: {
      Enabled: signers.length > 0,
      Quantity: signers.length,
      ...(signers.length ? { Items: signers.map((s) => ({ AwsAccountNumber: s, KeyPairIds: { Quantity: 0 } })) } : {}),
    },
  };
}

async function distributionOf(tx: Transaction, ctx: RequestContext, r: DistributionRecord, status?: string): Promise<Distribution> {
  return {
    Id: r.Id,
    ARN: arnOf(ctx.account, DISTRIBUTION, r.Id),
    Status: status ?? deployStatus(r, ctx),
    LastModifiedTime: new Date(r.LastModifiedTime),
    InProgressInvalidationBatches: (await inProgress(tx, ctx, r.Id)).length,
    DomainName: r.DomainName,
    ...(await active(tx, ctx, r.Config)),
    DistributionConfig: r.Config as DistributionConfig,
  };
}

export function summaryOf(r: DistributionRecord, ctx: RequestContext): DistributionSummary {
  const c = r.Config;
  return {
    Id: r.Id,
    ARN: arnOf(ctx.account, DISTRIBUTION, r.Id),
    ETag: r.ETag,
    Status: deployStatus(r, ctx),
    LastModifiedTime: new Date(r.LastModifiedTime),
    DomainName: r.DomainName,
    Aliases: c.Aliases,
    Origins: c.Origins,
    OriginGroups: c.OriginGroups,
    DefaultCacheBehavior: c.DefaultCacheBehavior,
    CacheBehaviors: c.CacheBehaviors,
    CustomErrorResponses: c.CustomErrorResponses,
    Comment: c.Comment,
    PriceClass: c.PriceClass,
    Enabled: c.Enabled,
    ViewerCertificate: c.ViewerCertificate,
    Restrictions: c.Restrictions,
    WebACLId: c.WebACLId,
    HttpVersion: c.HttpVersion,
    IsIPV6Enabled: c.IsIPV6Enabled,
    Staging: c.Staging,
    ConnectionMode: c.ConnectionMode,
    ...(c.AnycastIpListId ? { AnycastIpListId: c.AnycastIpListId } : {}),
  } as DistributionSummary;
}

/** Creates a distribution from a config as sent (CopyDistribution sends a copied one). */
export async function create(input: DistributionConfig | undefined, tags: ReturnType<typeof validTags>, ctx: RequestContext) {
  const config = normalise(input, ctx);
  return ctx.transaction(async (tx) => {
    const refs = await checkReferences(tx, ctx, config, []);
    const usedBy = await tx.get<string>(REFS, key(ctx.account, config.CallerReference));
    if (usedBy) {
      throw new AwsError(
        "DistributionAlreadyExists",
        `The caller reference that you are using to create a distribution is associated with another distribution. Already exists: ${usedBy}`,
        409,
      );
    }
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("DistributionsPerAccount")) {
      throw new AwsError("TooManyDistributions", "Processing your request would cause you to exceed the maximum number of distributions allowed.", 400);
    }
    const id = distributionId();
    await claimDomains(tx, owner(ctx.account, id), [], aliasesOf(config));
    const record = nextDeployment(
      {
        Id: id,
        DomainName: config.ConnectionMode === "tenant-only" ? "-" : `d${LOWER_DOMAIN()}.cloudfront.net`,
        LastModifiedTime: ctx.now.toISOString(),
        Config: config,
        Refs: refs,
      },
      ctx,
    );
    await tx.put(TABLE, key(ctx.account, id), record);
    await tx.put(REFS, key(ctx.account, config.CallerReference), id);
    await setReferences(tx, ctx.account, id, [], refs);
    await initTags(tx, ctx, DISTRIBUTION, id, tags);
    return { Distribution: await distributionOf(tx, ctx, record, "InProgress"), Location: resourceUrl(DISTRIBUTION, id), ETag: record.ETag };
  });
}

export const CreateDistribution: Handler<CreateDistributionRequest, CreateDistributionResult> = (input, ctx) => create(input.DistributionConfig, [], ctx);

export const CreateDistributionWithTags: Handler<CreateDistributionWithTagsRequest, CreateDistributionWithTagsResult> = async (input, ctx) => {
  if (!input.DistributionConfigWithTags) throw new AwsError("MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.");
  const tags = validTags(input.DistributionConfigWithTags.Tags);
  return create(input.DistributionConfigWithTags.DistributionConfig, tags, ctx);
};

export const GetDistribution: Handler<GetDistributionRequest, GetDistributionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireDistribution(tx, ctx.account, input.Id);
    return { Distribution: await distributionOf(tx, ctx, r), ETag: r.ETag };
  });

export const GetDistributionConfig: Handler<GetDistributionConfigRequest, GetDistributionConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireDistribution(tx, ctx.account, input.Id);
    return { DistributionConfig: r.Config, ETag: r.ETag };
  });

/** Writes a changed config: references, domains, a new ETag and a new deployment. */
export async function replaceConfig(tx: Transaction, ctx: RequestContext, r: DistributionRecord, config: Config): Promise<DistributionRecord> {
  const refs = await checkReferences(tx, ctx, config, r.Refs);
  await claimDomains(tx, owner(ctx.account, r.Id), aliasesOf(r.Config), aliasesOf(config));
  const updated = nextDeployment({ ...r, Config: config, Refs: refs, LastModifiedTime: ctx.now.toISOString() }, ctx);
  await tx.put(TABLE, key(ctx.account, r.Id), updated);
  await setReferences(tx, ctx.account, r.Id, r.Refs, refs);
  return updated;
}

export const UpdateDistribution: Handler<UpdateDistributionRequest, UpdateDistributionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireDistribution(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const config = normalise(input.DistributionConfig, ctx);
    if (config.CallerReference !== r.Config.CallerReference) throw new AwsError("IllegalUpdate", "The CallerReference cannot be changed.", 400);
    if (config.ConnectionMode !== r.Config.ConnectionMode) throw new AwsError("IllegalUpdate", "The ConnectionMode of a distribution cannot be changed.", 400);
    if (config.Staging !== r.Config.Staging) throw new AwsError("IllegalUpdate", "The Staging flag of a distribution cannot be changed.", 400);
    await refuseDisablingStagingInPolicy(tx, ctx.account, r, config.Enabled);
    const updated = await replaceConfig(tx, ctx, r, config);
    return { Distribution: await distributionOf(tx, ctx, updated, "InProgress"), ETag: updated.ETag };
  });

export const DeleteDistribution: Handler<DeleteDistributionRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireDistribution(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    if (r.Config.Enabled || deployStatus(r, ctx) !== "Deployed") {
      throw new AwsError("DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.", 409);
    }
    await refuseInUse(tx, ctx.account, "distribution", r.Id);
    await refuseDeploymentInUse(tx, ctx.account, r);
    await tx.delete(TABLE, key(ctx.account, r.Id));
    await tx.delete(REFS, key(ctx.account, r.Config.CallerReference));
    await claimDomains(tx, owner(ctx.account, r.Id), aliasesOf(r.Config), []);
    await setReferences(tx, ctx.account, r.Id, r.Refs, []);
    await dropInvalidations(tx, ctx.account, r.Id);
    await dropTags(tx, ctx.account, DISTRIBUTION, r.Id);
    await tx.delete("cloudfront.monitoringSubscriptions", key(ctx.account, r.Id));
    return {};
  });

/** One page of the account's distributions that pass `keep`, in Id order. */
async function filtered(tx: Transaction, ctx: RequestContext, marker: string | undefined, maxItems: number, keep: (r: DistributionRecord) => boolean) {
  const items: DistributionRecord[] = [];
  let after = marker;
  for (;;) {
    const page = await listPage<DistributionRecord>(tx, TABLE, ctx.account, after, 100);
    for (const r of page.items) {
      if (!keep(r)) continue;
      if (items.length === maxItems) return { items, nextMarker: items[items.length - 1].Id };
      items.push(r);
    }
    if (!page.nextMarker) return { items };
    after = page.nextMarker;
  }
}

export const ListDistributions: Handler<ListDistributionsRequest, ListDistributionsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<DistributionRecord>(tx, TABLE, ctx.account, input.Marker, maxItems);
    return { DistributionList: fullList(input.Marker, maxItems, page, (r) => summaryOf(r, ctx)) };
  });
};

/** A DistributionIdList of the holders of a referenced resource (after `check` confirms it exists). */
export async function distributionIdsUsing(tx: Transaction, ctx: RequestContext, kind: RefKind, id: string, marker: string | undefined, maxItems: number) {
  const page = await usersPage(tx, ctx.account, kind, id, marker, maxItems);
  return fullList(marker, maxItems, page, (d) => d);
}

/** A DistributionList (summaries) of the holders of a referenced resource. */
export async function distributionsUsing(tx: Transaction, ctx: RequestContext, kind: RefKind, id: string, marker: string | undefined, maxItems: number) {
  const page = await usersPage(tx, ctx.account, kind, id, marker, maxItems);
  const records: DistributionRecord[] = [];
  for (const d of page.items) records.push(await requireDistribution(tx, ctx.account, d));
  return fullList(marker, maxItems, { items: records, nextMarker: page.nextMarker }, (r) => summaryOf(r, ctx));
}

type ByPolicyInput = { CachePolicyId?: string; OriginRequestPolicyId?: string; ResponseHeadersPolicyId?: string; Marker?: string; MaxItems?: number };
const byPolicy = (which: "cache" | "originRequest" | "responseHeaders", kind: RefKind): Handler => async (input: ByPolicyInput, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const id = input.CachePolicyId ?? input.OriginRequestPolicyId ?? input.ResponseHeadersPolicyId;
  return ctx.transaction(async (tx) => {
    await requirePolicy(tx, which, ctx.account, id);
    return { DistributionIdList: await distributionIdsUsing(tx, ctx, kind, id!, input.Marker, maxItems) };
  });
};

export const ListDistributionsByCachePolicyId: Handler<ListDistributionsByCachePolicyIdRequest, ListDistributionsByCachePolicyIdResult> = byPolicy("cache", "cache-policy");
export const ListDistributionsByOriginRequestPolicyId: Handler<ListDistributionsByOriginRequestPolicyIdRequest, ListDistributionsByOriginRequestPolicyIdResult> = byPolicy(
  "originRequest",
  "origin-request-policy",
);
export const ListDistributionsByResponseHeadersPolicyId: Handler<ListDistributionsByResponseHeadersPolicyIdRequest, ListDistributionsByResponseHeadersPolicyIdResult> =
  byPolicy("responseHeaders", "response-headers-policy");

/** WebACLId `null` lists the distributions with no web ACL. */
export const ListDistributionsByWebACLId: Handler<ListDistributionsByWebACLIdRequest, ListDistributionsByWebACLIdResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const id = input.WebACLId ?? "";
  if (id !== "null" && !/^(arn:aws:wafv2:[a-z0-9-]+:\d{12}:global\/webacl\/.+|[0-9a-f-]{36})$/.test(id)) {
    throw new AwsError("InvalidWebACLId", "The specified WebACLId is not valid.", 400);
  }
  return ctx.transaction(async (tx) => {
    if (id === "null") {
      const page = await filtered(tx, ctx, input.Marker, maxItems, (r) => !r.Config.WebACLId);
      return { DistributionList: fullList(input.Marker, maxItems, page, (r) => summaryOf(r, ctx)) };
    }
    return { DistributionList: await distributionsUsing(tx, ctx, "web-acl", id, input.Marker, maxItems) };
  });
};

export const ListDistributionsByConnectionMode: Handler<ListDistributionsByConnectionModeRequest, ListDistributionsByConnectionModeResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const mode = oneOf(input.ConnectionMode, ["direct", "tenant-only"], "ConnectionMode");
  return ctx.transaction(async (tx) => {
    const page = await filtered(tx, ctx, input.Marker, maxItems, (r) => r.Config.ConnectionMode === mode);
    return { DistributionList: fullList(input.Marker, maxItems, page, (r) => summaryOf(r, ctx)) };
  });
};

const WAF_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}$/;

/** Sets the config's WebACLId: the same change as an UpdateDistribution that only changes it. */
async function setWebAcl(ctx: RequestContext, id: string | undefined, ifMatch: string | undefined, arn: string) {
  return ctx.transaction(async (tx) => {
    const r = await requireDistribution(tx, ctx.account, id);
    checkIfMatch(r, ifMatch);
    const updated = await replaceConfig(tx, ctx, r, { ...r.Config, WebACLId: arn });
    return { Id: r.Id, ETag: updated.ETag };
  });
}

export const AssociateDistributionWebACL: Handler<AssociateDistributionWebACLRequest, AssociateDistributionWebACLResult> = async (input, ctx) => {
  if (!WAF_ARN.test(input.WebACLArn ?? "")) throw new AwsError("InvalidArgument", "WebACLArn must be the ARN of a global AWS WAF web ACL (us-east-1).");
  const out = await setWebAcl(ctx, input.Id, input.IfMatch, input.WebACLArn!);
  return { ...out, WebACLArn: input.WebACLArn };
};

export const DisassociateDistributionWebACL: Handler<DisassociateDistributionWebACLRequest, DisassociateDistributionWebACLResult> = (input, ctx) =>
  setWebAcl(ctx, input.Id, input.IfMatch, "");
