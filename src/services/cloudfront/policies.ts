import type {
  CachePolicyConfig,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { resourceUrl, uuid } from "./ids.js";
import { MANAGED_CACHE_POLICIES, MANAGED_LAST_MODIFIED, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES } from "./managedPolicies.js";
import { key, listPage, maxItemsOf, missingBody, oneOf } from "./model.js";
import { type RefKind, refuseInUse } from "./references.js";
import { checkIfMatch, nextVersion, stableETag, type Versioned } from "./versioning.js";

/**
 * Cache, origin request and response headers policies share one life: custom policies with a
 * unique name per account and type, a quota, ETags, in-use references from cache behaviours;
 * and AWS-managed ones (fixed ids, read-only). Each kind below is a declaration: its names,
 * its codes and the checks of its config.
 */
interface PolicyRecord<C> extends Versioned {
  Id: string;
  LastModifiedTime: string;
  Config: C;
}

interface Family<C extends { Name?: string; Comment?: string }> {
  /** `Cache` in CreateCachePolicy, CachePolicyConfig, ... */
  noun: "Cache" | "OriginRequest" | "ResponseHeaders";
  path: string;
  ref: RefKind;
  table: string;
  names: string;
  quota: string;
  /** What is missing in the error codes: TooManyCachePolicies, CachePolicyAlreadyExists, NoSuchCachePolicy. */
  plural: string;
  managed: Array<{ Id: string; config: C }>;
  /** Checks the config and returns it as echoed (defaults filled in). */
  valid(config: C): C;
}

const invalid = (message: string) => new AwsError("InvalidArgument", message);
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** A Quantity/Items list as sent, with its maximum and the code past it. */
function names(list: { Quantity?: number; Items?: string[] } | undefined, max: number, tooMany: string, what: string): string[] {
  const values = list?.Items ?? [];
  if (list && list.Quantity !== undefined && list.Quantity !== values.length) {
    throw new AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400);
  }
  if (values.length > max) throw new AwsError(tooMany, `The policy has more than ${max} ${what}.`, 400);
  return values;
}

const echoList = (values: string[]) => ({ Quantity: values.length, ...(values.length ? { Items: values } : {}) });

/** A Behavior + list member (headers, cookies, query strings) of a policy. */
function behaviour<K extends string, L extends string>(
  config: Record<string, unknown> | undefined,
  behaviorKey: K,
  listKey: L,
  allowed: readonly string[],
  listed: readonly string[],
  tooMany: string,
  what: string,
) {
  if (!config) throw invalid(`${behaviorKey} is required.`);
  const b = oneOf(config[behaviorKey] as string | undefined, allowed, behaviorKey);
  const values = names(config[listKey] as { Quantity?: number; Items?: string[] }, 10, tooMany, what);
  if (listed.includes(b) && !values.length) throw invalid(`${behaviorKey} ${b} requires at least one item in ${listKey}.`);
  if (!listed.includes(b) && values.length && b !== "allViewerAndWhitelistCloudFront") throw invalid(`${behaviorKey} ${b} cannot have items in ${listKey}.`);
  return { [behaviorKey]: b, ...(values.length || listed.includes(b) ? { [listKey]: echoList(values) } : {}) };
}

function common<C extends { Name?: string; Comment?: string }>(config: C) {
  if (!config.Name || !NAME.test(config.Name)) throw invalid("The policy Name must be 1 to 128 characters: letters, digits, hyphens and underscores.");
  if (config.Comment !== undefined && [...config.Comment].length > 128) throw invalid("The policy comment cannot be longer than 128 characters.");
}

const cacheFamily: Family<CachePolicyConfig> = {
  noun: "Cache",
  path: "cache-policy",
  ref: "cache-policy",
  table: "cloudfront.cachePolicies",
  names: "cloudfront.cachePolicyNames",
  quota: "CachePoliciesPerAccount",
  plural: "CachePolicies",
  managed: MANAGED_CACHE_POLICIES as Array<{ Id: string; config: CachePolicyConfig }>,
  valid(config) {
    common(config);
    const min = config.MinTTL;
    if (min === undefined || min < 0) throw invalid("MinTTL is required and cannot be negative.");
    const def = config.DefaultTTL ?? Math.max(86400, min);
    const max = config.MaxTTL ?? Math.max(31536000, def);
    if (min > def || def > max) throw invalid("The TTLs must satisfy MinTTL <= DefaultTTL <= MaxTTL.");
    const p = config.ParametersInCacheKeyAndForwardedToOrigin;
    if (!p || p.EnableAcceptEncodingGzip === undefined) throw invalid("ParametersInCacheKeyAndForwardedToOrigin with EnableAcceptEncodingGzip is required.");
    const headers = behaviour(p.HeadersConfig as never, "HeaderBehavior", "Headers", ["none", "whitelist"], ["whitelist"], "TooManyHeadersInCachePolicy", "headers");
    const cookies = behaviour(p.CookiesConfig as never, "CookieBehavior", "Cookies", ["none", "whitelist", "allExcept", "all"], ["whitelist", "allExcept"], "TooManyCookiesInCachePolicy", "cookies");
    const qs = behaviour(p.QueryStringsConfig as never, "QueryStringBehavior", "QueryStrings", ["none", "whitelist", "allExcept", "all"], ["whitelist", "allExcept"], "TooManyQueryStringsInCachePolicy", "query strings");
    const brotli = p.EnableAcceptEncodingBrotli ?? false;
    // With caching disabled there is no cache key to put anything in.
    if (max === 0 && (p.EnableAcceptEncodingGzip || brotli || headers.HeaderBehavior !== "none" || cookies.CookieBehavior !== "none" || qs.QueryStringBehavior !== "none")) {
      throw invalid("The cache key cannot include headers, cookies, query strings or compression when caching is disabled (MaxTTL 0).");
    }
    return {
      Name: config.Name,
      ...(config.Comment !== undefined ? { Comment: config.Comment } : {}),
      MinTTL: min,
      DefaultTTL: def,
      MaxTTL: max,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: p.EnableAcceptEncodingGzip,
        EnableAcceptEncodingBrotli: brotli,
        HeadersConfig: headers,
        CookiesConfig: cookies,
        QueryStringsConfig: qs,
      } as never,
    };
  },
};

const originFamily: Family<OriginRequestPolicyConfig> = {
  noun: "OriginRequest",
  path: "origin-request-policy",
  ref: "origin-request-policy",
  table: "cloudfront.originRequestPolicies",
  names: "cloudfront.originRequestPolicyNames",
  quota: "OriginRequestPoliciesPerAccount",
  plural: "OriginRequestPolicies",
  managed: MANAGED_ORIGIN_REQUEST_POLICIES as Array<{ Id: string; config: OriginRequestPolicyConfig }>,
  valid(config) {
    common(config);
    return {
      Name: config.Name,
      ...(config.Comment !== undefined ? { Comment: config.Comment } : {}),
      HeadersConfig: behaviour(config.HeadersConfig as never, "HeaderBehavior", "Headers", ["none", "whitelist", "allViewer", "allViewerAndWhitelistCloudFront", "allExcept"], ["whitelist", "allExcept"], "TooManyHeadersInOriginRequestPolicy", "headers") as never,
      CookiesConfig: behaviour(config.CookiesConfig as never, "CookieBehavior", "Cookies", ["none", "whitelist", "all", "allExcept"], ["whitelist", "allExcept"], "TooManyCookiesInOriginRequestPolicy", "cookies") as never,
      QueryStringsConfig: behaviour(config.QueryStringsConfig as never, "QueryStringBehavior", "QueryStrings", ["none", "whitelist", "all", "allExcept"], ["whitelist", "allExcept"], "TooManyQueryStringsInOriginRequestPolicy", "query strings") as never,
    };
  },
};

const responseFamily: Family<ResponseHeadersPolicyConfig> = {
  noun: "ResponseHeaders",
  path: "response-headers-policy",
  ref: "response-headers-policy",
  table: "cloudfront.responseHeadersPolicies",
  names: "cloudfront.responseHeadersPolicyNames",
  quota: "ResponseHeadersPoliciesPerAccount",
  plural: "ResponseHeadersPolicies",
  managed: MANAGED_RESPONSE_HEADERS_POLICIES as Array<{ Id: string; config: ResponseHeadersPolicyConfig }>,
  valid(config) {
    common(config);
    const custom = config.CustomHeadersConfig;
    if (custom) {
      const n = custom.Items?.length ?? 0;
      if (custom.Quantity !== n) throw new AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400);
      if (n > 10) throw new AwsError("TooManyCustomHeadersInResponseHeadersPolicy", "The response headers policy has more than 10 custom headers.", 400);
    }
    const remove = config.RemoveHeadersConfig;
    if (remove) {
      const n = remove.Items?.length ?? 0;
      if (remove.Quantity !== n) throw new AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400);
      if (n > 10) throw new AwsError("TooManyRemoveHeadersInResponseHeadersPolicy", "The response headers policy has more than 10 headers to remove.", 400);
    }
    const csp = config.SecurityHeadersConfig?.ContentSecurityPolicy?.ContentSecurityPolicy;
    if (csp !== undefined && csp.length > 1783) {
      throw new AwsError("TooLongCSPInResponseHeadersPolicy", "The Content-Security-Policy header value is longer than 1783 characters.", 400);
    }
    const rate = config.ServerTimingHeadersConfig?.SamplingRate;
    if (rate !== undefined && (rate < 0 || rate > 100)) throw invalid("SamplingRate must be between 0 and 100.");
    return JSON.parse(JSON.stringify(config)) as ResponseHeadersPolicyConfig;
  },
};

export const FAMILIES = { cache: cacheFamily, originRequest: originFamily, responseHeaders: responseFamily };

// ---- the shared life ----

interface Found<C> {
  Id: string;
  LastModifiedTime: string;
  Config: C;
  ETag: string;
  managed: boolean;
  record?: PolicyRecord<C>;
}

function managedOf<C>(family: Family<C & { Name?: string }>, id: string): Found<C> | undefined {
  const m = family.managed.find((p) => p.Id === id);
  return m && { Id: m.Id, LastModifiedTime: MANAGED_LAST_MODIFIED, Config: m.config as C, ETag: stableETag(m.Id), managed: true };
}

const noSuch = (family: Family<never>) =>
  new AwsError(`NoSuch${family.noun}Policy`, `The ${family.path.replace(/-/g, " ")} does not exist.`, 404);

async function find<C>(tx: Transaction, family: Family<C & { Name?: string }>, account: string, id: string | undefined): Promise<Found<C>> {
  const managed = id ? managedOf(family, id) : undefined;
  if (managed) return managed;
  const record = id ? await tx.get<PolicyRecord<C>>(family.table, key(account, id)) : undefined;
  if (!record) throw noSuch(family as never);
  return { ...record, managed: false, record };
}

/** True when the id names a managed or custom policy of the family (distribution references). */
export async function policyExists(tx: Transaction, which: keyof typeof FAMILIES, account: string, id: string): Promise<boolean> {
  const family = FAMILIES[which] as Family<{ Name?: string }>;
  return !!managedOf(family, id) || !!(await tx.get(family.table, key(account, id)));
}

/** Throws the family's not-found error unless the id names one of its policies. */
export async function requirePolicy(tx: Transaction, which: keyof typeof FAMILIES, account: string, id: string | undefined): Promise<void> {
  await find(tx, FAMILIES[which] as Family<{ Name?: string }>, account, id);
}

const policyOf = <C>(f: Found<C>, configKey: string) => ({ Id: f.Id, LastModifiedTime: new Date(f.LastModifiedTime), [configKey]: f.Config });

/** The seven handlers of a policy family, named as the model names them. */
function handlersOf<C extends { Name?: string; Comment?: string }>(family: Family<C>) {
  const policyKey = `${family.noun}Policy`;
  const configKey = `${family.noun}PolicyConfig`;
  const taken = () => new AwsError(`${family.noun}PolicyAlreadyExists`, `A ${family.path.replace(/-/g, " ")} with this name already exists.`, 409);
  const nameKey = (account: string, name: string) => key(account, name);

  const create: Handler = async (input: Record<string, unknown>, ctx: RequestContext) => {
    if (!input[configKey]) throw missingBody();
    const config = family.valid(input[configKey] as C);
    return ctx.transaction(async (tx) => {
      if (await tx.get(family.names, nameKey(ctx.account, config.Name!))) throw taken();
      if ((await tx.count(family.table, `${ctx.account}/`)) >= ctx.quota(family.quota)) {
        throw new AwsError(`TooMany${family.plural}`, `You have reached the maximum number of ${family.path.replace(/-/g, " ")}s for this AWS account.`, 400);
      }
      const record = nextVersion({ Id: uuid(), LastModifiedTime: ctx.now.toISOString(), Config: config });
      await tx.put(family.table, key(ctx.account, record.Id), record);
      await tx.put(family.names, nameKey(ctx.account, config.Name!), record.Id);
      return { [policyKey]: policyOf({ ...record, managed: false }, configKey), Location: resourceUrl(family.path, record.Id), ETag: record.ETag };
    });
  };

  const get: Handler = (input: { Id?: string }, ctx: RequestContext) =>
    ctx.transaction(async (tx) => {
      const f = await find(tx, family, ctx.account, input.Id);
      return { [policyKey]: policyOf(f, configKey), ETag: f.ETag };
    });

  const getConfig: Handler = (input: { Id?: string }, ctx: RequestContext) =>
    ctx.transaction(async (tx) => {
      const f = await find(tx, family, ctx.account, input.Id);
      return { [configKey]: f.Config, ETag: f.ETag };
    });

  const update: Handler = async (input: Record<string, unknown>, ctx: RequestContext) =>
    ctx.transaction(async (tx) => {
      const f = await find(tx, family, ctx.account, input.Id as string);
      if (f.managed) throw new AwsError("IllegalUpdate", `A managed ${family.path.replace(/-/g, " ")} cannot be updated.`, 400);
      checkIfMatch(f, input.IfMatch as string | undefined);
      if (!input[configKey]) throw missingBody();
      const config = family.valid(input[configKey] as C);
      const old = f.record!;
      if (config.Name !== old.Config.Name) {
        if (await tx.get(family.names, nameKey(ctx.account, config.Name!))) throw taken();
        await tx.delete(family.names, nameKey(ctx.account, old.Config.Name!));
        await tx.put(family.names, nameKey(ctx.account, config.Name!), old.Id);
      }
      const updated = nextVersion({ ...old, Config: config, LastModifiedTime: ctx.now.toISOString() });
      await tx.put(family.table, key(ctx.account, old.Id), updated);
      return { [policyKey]: policyOf({ ...updated, managed: false }, configKey), ETag: updated.ETag };
    });

  const del: Handler = (input: { Id?: string; IfMatch?: string }, ctx: RequestContext) =>
    ctx.transaction(async (tx) => {
      const f = await find(tx, family, ctx.account, input.Id);
      if (f.managed) throw new AwsError("IllegalDelete", `A managed ${family.path.replace(/-/g, " ")} cannot be deleted.`, 400);
      checkIfMatch(f, input.IfMatch);
      await refuseInUse(tx, ctx.account, family.ref, f.Id);
      await tx.delete(family.table, key(ctx.account, f.Id));
      await tx.delete(family.names, nameKey(ctx.account, f.Config.Name!));
      return {};
    });

  /** Managed policies first (their fixed order), then the account's in id order; NextMarker is the last id. */
  const list: Handler = async (input: { Type?: string; Marker?: string; MaxItems?: number }, ctx: RequestContext) => {
    const maxItems = maxItemsOf(input.MaxItems);
    if (input.Type !== undefined) oneOf(input.Type, ["managed", "custom"], "Type");
    return ctx.transaction(async (tx) => {
      const out: Array<{ type: string; found: Found<C> }> = [];
      let customMarker = input.Marker;
      if (input.Type !== "custom") {
        const at = input.Marker ? family.managed.findIndex((m) => m.Id === input.Marker) : -1;
        if (!input.Marker || at >= 0) {
          customMarker = undefined;
          for (const m of family.managed.slice(at + 1)) out.push({ type: "managed", found: managedOf(family, m.Id)! });
        }
      }
      let more = out.length > maxItems;
      if (input.Type !== "managed" && out.length < maxItems) {
        const page = await listPage<PolicyRecord<C>>(tx, family.table, ctx.account, customMarker, maxItems - out.length);
        for (const r of page.items) out.push({ type: "custom", found: { ...r, managed: false } });
        more = !!page.nextMarker;
      } else if (input.Type !== "managed" && out.length === maxItems) {
        more = (await tx.count(family.table, `${ctx.account}/`)) > 0;
      }
      const items = out.slice(0, maxItems);
      more ||= out.length > maxItems;
      return {
        [`${family.noun}PolicyList`]: {
          ...(more && items.length ? { NextMarker: items[items.length - 1].found.Id } : {}),
          MaxItems: maxItems,
          Quantity: items.length,
          ...(items.length ? { Items: items.map((i) => ({ Type: i.type, [policyKey]: policyOf(i.found, configKey) })) } : {}),
        },
      };
    });
  };

  return {
    [`Create${family.noun}Policy`]: create,
    [`Get${family.noun}Policy`]: get,
    [`Get${family.noun}PolicyConfig`]: getConfig,
    [`Update${family.noun}Policy`]: update,
    [`Delete${family.noun}Policy`]: del,
    [`List${family.noun === "Cache" ? "CachePolicies" : family.plural}`]: list,
  };
}

export const policyHandlers: Record<string, Handler> = {
  ...handlersOf(cacheFamily),
  ...handlersOf(originFamily),
  ...handlersOf(responseFamily),
};
