import type {
  ContinuousDeploymentPolicy,
  ContinuousDeploymentPolicyConfig,
  CopyDistributionRequest,
  CopyDistributionResult,
  CreateContinuousDeploymentPolicyRequest,
  CreateContinuousDeploymentPolicyResult,
  DeleteContinuousDeploymentPolicyRequest,
  GetContinuousDeploymentPolicyConfigRequest,
  GetContinuousDeploymentPolicyConfigResult,
  GetContinuousDeploymentPolicyRequest,
  GetContinuousDeploymentPolicyResult,
  ListContinuousDeploymentPoliciesRequest,
  ListContinuousDeploymentPoliciesResult,
  UpdateContinuousDeploymentPolicyRequest,
  UpdateContinuousDeploymentPolicyResult,
  UpdateDistributionWithStagingConfigRequest,
  UpdateDistributionWithStagingConfigResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { checkQuantities, copy, invalid, listOf, required } from "./configLists.js";
import { create, type DistributionRecord, GetDistribution, replaceConfig, requireDistribution } from "./distributions.js";
import { resourceUrl, uuid } from "./ids.js";
import { key, listPage, maxItemsOf, missingBody, oneOf, shortList } from "./model.js";
import { refuseInUse } from "./references.js";
import * as check from "./validation.js";
import { checkIfMatch, nextVersion, type Versioned } from "./versioning.js";

/**
 * Continuous deployment: a policy names staging distributions by DomainName and how traffic
 * reaches them; a primary distribution names the policy (ContinuousDeploymentPolicyId, an
 * in-use reference in references.ts). CopyDistribution makes the staging distribution from a
 * primary; UpdateDistributionWithStagingConfig promotes the staging config onto the primary and
 * disables the policy.
 */
const TABLE = "cloudfront.continuousDeploymentPolicies"; // acct/id -> PolicyRecord
const DISTRIBUTIONS = "cloudfront.distributions";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface PolicyRecord extends Versioned {
  Id: string;
  LastModifiedTime: string;
  Config: Any;
}

const noSuch = () => new AwsError("NoSuchContinuousDeploymentPolicy", "The continuous deployment policy doesn't exist.", 404);

async function requirePolicy(tx: Transaction, account: string, id: string | undefined) {
  const r = id ? await tx.get<PolicyRecord>(TABLE, key(account, id)) : undefined;
  if (!r) throw noSuch();
  return r;
}

/** Whether a primary's ContinuousDeploymentPolicyId names a policy of the account. */
export const policyExists = async (tx: Transaction, account: string, id: string) => !!(await tx.get(TABLE, key(account, id)));

const policyOf = (r: PolicyRecord): ContinuousDeploymentPolicy => ({
  Id: r.Id,
  LastModifiedTime: new Date(r.LastModifiedTime),
  ContinuousDeploymentPolicyConfig: r.Config,
});

function valid(c: ContinuousDeploymentPolicyConfig | undefined): Any {
  if (!c) throw missingBody();
  required(c.StagingDistributionDnsNames, "StagingDistributionDnsNames");
  required(c.Enabled, "Enabled");
  checkQuantities(c);
  const names = c.StagingDistributionDnsNames!.Items ?? [];
  if (names.length !== 1) throw invalid("A continuous deployment policy must name exactly one staging distribution.");
  const out: Any = { StagingDistributionDnsNames: listOf([...names]), Enabled: c.Enabled };
  const t = c.TrafficConfig;
  if (t) {
    const type = oneOf(t.Type, ["SingleWeight", "SingleHeader"] as const, "TrafficConfig.Type");
    if (type === "SingleWeight") {
      const w = t.SingleWeightConfig;
      if (!w || t.SingleHeaderConfig) throw invalid("A SingleWeight traffic config needs SingleWeightConfig and no SingleHeaderConfig.");
      if (typeof w.Weight !== "number" || w.Weight < 0 || w.Weight > 0.15) throw invalid("SingleWeightConfig.Weight must be from 0 to 0.15.");
      const s = w.SessionStickinessConfig;
      if (s) {
        for (const [m, v] of [["IdleTTL", s.IdleTTL], ["MaximumTTL", s.MaximumTTL]] as const) {
          if (!Number.isInteger(v) || v! < 300 || v! > 3600) throw invalid(`SessionStickinessConfig.${m} must be from 300 to 3600 seconds.`);
        }
        if (s.IdleTTL! > s.MaximumTTL!) throw invalid("SessionStickinessConfig.IdleTTL cannot be more than MaximumTTL.");
      }
      out.TrafficConfig = { SingleWeightConfig: { Weight: w.Weight, ...(s ? { SessionStickinessConfig: { IdleTTL: s.IdleTTL, MaximumTTL: s.MaximumTTL } } : {}) }, Type: type };
    } else {
      const h = t.SingleHeaderConfig;
      if (!h || t.SingleWeightConfig) throw invalid("A SingleHeader traffic config needs SingleHeaderConfig and no SingleWeightConfig.");
      if (!/^aws-cf-cd-[\w-]+$/i.test(h.Header ?? "")) throw invalid("SingleHeaderConfig.Header must start with aws-cf-cd-.");
      if (!h.Value || h.Value.length > 256) throw invalid("SingleHeaderConfig.Value must be 1 to 256 characters.");
      out.TrafficConfig = { SingleHeaderConfig: { Header: h.Header, Value: h.Value }, Type: type };
    }
  }
  return out;
}

/** The account's distribution with this DomainName. */
async function byDomain(tx: Transaction, account: string, domain: string): Promise<DistributionRecord | undefined> {
  const rows = await tx.scan<DistributionRecord>(DISTRIBUTIONS, { prefix: `${account}/`, limit: 10000 });
  return rows.map(([, r]) => r).find((r) => r.DomainName === domain.toLowerCase());
}

/** Every named DNS name is a staging distribution of the account that no other policy names. */
async function checkStaging(tx: Transaction, account: string, config: Any, self?: string) {
  for (const name of config.StagingDistributionDnsNames.Items ?? []) {
    const d = await byDomain(tx, account, name);
    if (!d || !d.Config.Staging) throw invalid(`${name} is not the domain name of a staging distribution.`);
    for (const [, p] of await tx.scan<PolicyRecord>(TABLE, { prefix: `${account}/`, limit: 10000 })) {
      if (p.Id !== self && (p.Config.StagingDistributionDnsNames.Items ?? []).includes(name)) {
        throw new AwsError("StagingDistributionInUse", "A continuous deployment policy for this staging distribution already exists.", 409);
      }
    }
  }
}

export const CreateContinuousDeploymentPolicy: Handler<CreateContinuousDeploymentPolicyRequest, CreateContinuousDeploymentPolicyResult> = async (input, ctx) => {
  const config = valid(input.ContinuousDeploymentPolicyConfig);
  return ctx.transaction(async (tx) => {
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("ContinuousDeploymentPoliciesPerAccount")) {
      throw new AwsError("TooManyContinuousDeploymentPolicies", "You have reached the maximum number of continuous deployment policies for this AWS account.", 400);
    }
    await checkStaging(tx, ctx.account, config);
    const r = nextVersion({ Id: uuid(), LastModifiedTime: ctx.now.toISOString(), Config: config });
    await tx.put(TABLE, key(ctx.account, r.Id), r);
    return { ContinuousDeploymentPolicy: policyOf(r), Location: resourceUrl("continuous-deployment-policy", r.Id), ETag: r.ETag };
  });
};

export const GetContinuousDeploymentPolicy: Handler<GetContinuousDeploymentPolicyRequest, GetContinuousDeploymentPolicyResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requirePolicy(tx, ctx.account, input.Id);
    return { ContinuousDeploymentPolicy: policyOf(r), ETag: r.ETag };
  });

export const GetContinuousDeploymentPolicyConfig: Handler<GetContinuousDeploymentPolicyConfigRequest, GetContinuousDeploymentPolicyConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requirePolicy(tx, ctx.account, input.Id);
    return { ContinuousDeploymentPolicyConfig: r.Config, ETag: r.ETag };
  });

export const UpdateContinuousDeploymentPolicy: Handler<UpdateContinuousDeploymentPolicyRequest, UpdateContinuousDeploymentPolicyResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requirePolicy(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const config = valid(input.ContinuousDeploymentPolicyConfig);
    await checkStaging(tx, ctx.account, config, r.Id);
    const updated = nextVersion({ ...r, Config: config, LastModifiedTime: ctx.now.toISOString() });
    await tx.put(TABLE, key(ctx.account, r.Id), updated);
    return { ContinuousDeploymentPolicy: policyOf(updated), ETag: updated.ETag };
  });

export const DeleteContinuousDeploymentPolicy: Handler<DeleteContinuousDeploymentPolicyRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requirePolicy(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "continuous-deployment-policy", r.Id);
    await tx.delete(TABLE, key(ctx.account, r.Id));
    return {};
  });

export const ListContinuousDeploymentPolicies: Handler<ListContinuousDeploymentPoliciesRequest, ListContinuousDeploymentPoliciesResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  return ctx.transaction(async (tx) => {
    const page = await listPage<PolicyRecord>(tx, TABLE, ctx.account, input.Marker, maxItems);
    return { ContinuousDeploymentPolicyList: shortList(maxItems, page, (r) => ({ ContinuousDeploymentPolicy: policyOf(r) })) };
  });
};

/**
 * Rules a distribution config must meet with respect to continuous deployment (called from the
 * distribution's reference checks): a staging distribution has no Aliases and no policy of its
 * own; a policy named by a primary exists and is named by no other primary.
 */
export async function checkDeploymentRules(tx: Transaction, ctx: RequestContext, c: Any, self?: string): Promise<void> {
  if (c.Staging && (c.Aliases?.Quantity ?? 0) > 0) throw invalid("A staging distribution cannot have alternate domain names (Aliases).");
  if (c.Staging) {
    const others = (await tx.scan<DistributionRecord>(DISTRIBUTIONS, { prefix: `${ctx.account}/`, limit: 10000 })).filter(
      ([, d]) => d.Config.Staging && d.Config.CallerReference !== c.CallerReference,
    );
    if (others.length >= ctx.quota("StagingDistributionsPerAccount")) {
      throw new AwsError("TooManyDistributions", "Processing your request would cause you to exceed the maximum number of staging distributions allowed.", 400);
    }
  }
  if (!c.ContinuousDeploymentPolicyId) return;
  if (c.Staging) throw invalid("A staging distribution cannot have a continuous deployment policy.");
  if (!(await policyExists(tx, ctx.account, c.ContinuousDeploymentPolicyId))) throw noSuch();
  for (const [, d] of await tx.scan<DistributionRecord>(DISTRIBUTIONS, { prefix: `${ctx.account}/`, limit: 10000 })) {
    if (d.Config.ContinuousDeploymentPolicyId === c.ContinuousDeploymentPolicyId && d.Id !== self && d.Config.CallerReference !== c.CallerReference) {
      throw new AwsError("ContinuousDeploymentPolicyInUse", "The continuous deployment policy is already associated with another primary distribution.", 409);
    }
  }
}

/** The primary's config with a new CallerReference, no Aliases and no policy. */
export const CopyDistribution: Handler<CopyDistributionRequest, CopyDistributionResult> = async (input, ctx) => {
  check.text(input.CallerReference, "CallerReference");
  const primary = await ctx.transaction(async (tx) => {
    const p = await requireDistribution(tx, ctx.account, input.PrimaryDistributionId);
    if (input.IfMatch !== undefined) checkIfMatch(p, input.IfMatch);
    if (p.Config.Staging) throw invalid("A staging distribution cannot be copied.");
    return p;
  });
  const config = copy(primary.Config);
  config.CallerReference = input.CallerReference;
  config.Aliases = { Quantity: 0 };
  config.ContinuousDeploymentPolicyId = "";
  config.Staging = input.Staging ?? false;
  if (input.Enabled !== undefined) config.Enabled = input.Enabled;
  return create(config, [], ctx);
};

/** `If-Match: {primary ETag}, {staging ETag}`. */
function etags(ifMatch: string | undefined): [string | undefined, string | undefined] {
  const parts = (ifMatch ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return [parts[0], parts[1]];
}

export const UpdateDistributionWithStagingConfig: Handler<UpdateDistributionWithStagingConfigRequest, UpdateDistributionWithStagingConfigResult> = async (input, ctx) => {
  const updated = await ctx.transaction(async (tx) => {
    const primary = await requireDistribution(tx, ctx.account, input.Id);
    const staging = await requireDistribution(tx, ctx.account, input.StagingDistributionId);
    const [primaryTag, stagingTag] = etags(input.IfMatch);
    checkIfMatch(primary, primaryTag);
    checkIfMatch(staging, stagingTag);
    if (!staging.Config.Staging) throw invalid(`The distribution ${staging.Id} is not a staging distribution.`);
    const policy = primary.Config.ContinuousDeploymentPolicyId ? await tx.get<PolicyRecord>(TABLE, key(ctx.account, primary.Config.ContinuousDeploymentPolicyId)) : undefined;
    if (!policy || !(policy.Config.StagingDistributionDnsNames.Items ?? []).includes(staging.DomainName)) {
      throw invalid(`The staging distribution ${staging.Id} is not in the continuous deployment policy of ${primary.Id}.`);
    }
    // Everything of the staging config except what identifies the primary.
    const config = {
      ...copy(staging.Config),
      CallerReference: primary.Config.CallerReference,
      Aliases: copy(primary.Config.Aliases),
      ContinuousDeploymentPolicyId: primary.Config.ContinuousDeploymentPolicyId,
      Staging: false,
    };
    const promoted = await replaceConfig(tx, ctx, primary, config);
    const disabled = nextVersion({ ...policy, Config: { ...policy.Config, Enabled: false }, LastModifiedTime: ctx.now.toISOString() });
    await tx.put(TABLE, key(ctx.account, policy.Id), disabled);
    return promoted;
  });
  const out = await GetDistribution({ Id: updated.Id }, ctx);
  return { Distribution: { ...out.Distribution!, Status: "InProgress" }, ETag: updated.ETag };
};

/**
 * DeleteDistribution's continuous deployment rules: a primary that still holds a policy
 * (ContinuousDeploymentPolicyId) cannot be deleted until it is detached, as Terraform does first;
 * a staging distribution that a policy names, until the policy is deleted.
 */
export async function refuseDeploymentInUse(tx: Transaction, account: string, d: DistributionRecord): Promise<void> {
  if (d.Config.ContinuousDeploymentPolicyId) {
    throw new AwsError(
      "ResourceInUse",
      `The distribution is associated with the continuous deployment policy ${d.Config.ContinuousDeploymentPolicyId}: remove it from the distribution before deleting the distribution.`,
      409,
    );
  }
  const policy = await policyNaming(tx, account, d);
  if (policy) throw new AwsError("ResourceInUse", `The staging distribution is used by the continuous deployment policy ${policy.Id}: delete the policy first.`, 409);
}

/** The policy whose StagingDistributionDnsNames names this staging distribution, if any. */
async function policyNaming(tx: Transaction, account: string, d: DistributionRecord): Promise<PolicyRecord | undefined> {
  if (!d.Config.Staging) return undefined;
  for (const [, p] of await tx.scan<PolicyRecord>(TABLE, { prefix: `${account}/`, limit: 10000 })) {
    if ((p.Config.StagingDistributionDnsNames.Items ?? []).includes(d.DomainName)) return p;
  }
  return undefined;
}

/** Disabling a staging distribution a policy still names is refused (AWS's message, as Terraform's sweeper met it). */
export async function refuseDisablingStagingInPolicy(tx: Transaction, account: string, d: DistributionRecord, enabled: boolean): Promise<void> {
  if (enabled || !d.Config.Enabled || !(await policyNaming(tx, account, d))) return;
  throw new AwsError("StagingDistributionInUse", "The specified staging distribution is currently used by a continuous deployment policy. Please the update policy before deleting.", 409);
}
