import type {
  AssociateAliasRequest,
  ConflictingAlias,
  DomainConflict,
  ListConflictingAliasesRequest,
  ListConflictingAliasesResult,
  ListDomainConflictsRequest,
  ListDomainConflictsResult,
  UpdateDomainAssociationRequest,
  UpdateDomainAssociationResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type DomainOwner, domainOwner } from "./aliases.js";
import { findDistribution, replaceConfig, requireDistribution } from "./distributions.js";
import { maxItemsOf } from "./model.js";
import { changeTenant, findTenant } from "./tenants.js";
import { checkIfMatch } from "./versioning.js";

/**
 * Domains that move between resources: conflicts a domain would meet (ListConflictingAliases,
 * ListDomainConflicts), and moves (AssociateAlias, UpdateDomainAssociation). A conflict is the
 * exact domain or the wildcard one level up (`*.example.com` covers `www.example.com`); another
 * account's ids are masked as CloudFront masks them.
 */
const invalid = (message: string) => new AwsError("InvalidArgument", message, 400);

/** The holders of `domain` and of the wildcard that covers it. */
async function conflicts(tx: Transaction, domain: string): Promise<Array<[string, DomainOwner]>> {
  const out: Array<[string, DomainOwner]> = [];
  const exact = await domainOwner(tx, domain);
  if (exact) out.push([domain.toLowerCase(), exact]);
  const dot = domain.indexOf(".");
  if (!domain.startsWith("*.") && dot > 0) {
    const wildcard = `*${domain.slice(dot)}`;
    const w = await domainOwner(tx, wildcard);
    if (w) out.push([wildcard.toLowerCase(), w]);
  }
  return out;
}

/** Another account's ids keep only their last characters (14 for resources, 4 for accounts). */
const mask = (value: string, keep: number) => (value.length <= keep ? value : "*".repeat(value.length - keep) + value.slice(-keep));
const shown = (o: DomainOwner, ctx: RequestContext) => ({
  id: o.account === ctx.account ? o.id : mask(o.id, 14),
  account: o.account === ctx.account ? o.account : mask(o.account, 4),
});

const validDomain = (d: string | undefined) => {
  if (!d || !/^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(d)) throw invalid(`The domain ${d ?? ""} is not a valid domain name.`);
  return d;
};

export const ListConflictingAliases: Handler<ListConflictingAliasesRequest, ListConflictingAliasesResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const alias = validDomain(input.Alias);
  return ctx.transaction(async (tx) => {
    await requireDistribution(tx, ctx.account, input.DistributionId);
    const found = (await conflicts(tx, alias)).filter(([, o]) => !(o.account === ctx.account && o.id === input.DistributionId));
    const items: ConflictingAlias[] = found.slice(0, maxItems).map(([a, o]) => ({ Alias: a, DistributionId: shown(o, ctx).id, AccountId: shown(o, ctx).account }));
    return { ConflictingAliasesList: { MaxItems: maxItems, Quantity: items.length, ...(items.length ? { Items: items } : {}) } };
  });
};

/** The resource a DistributionResourceId names, in the caller's account (EntityNotFound otherwise). */
async function resourceOf(tx: Transaction, ctx: RequestContext, r: { DistributionId?: string; DistributionTenantId?: string } | undefined) {
  if (!r || (!r.DistributionId === !r.DistributionTenantId)) throw invalid("Specify exactly one of DistributionId and DistributionTenantId.");
  if (r.DistributionId) {
    const d = await findDistribution(tx, ctx.account, r.DistributionId);
    if (!d) throw new AwsError("EntityNotFound", `The distribution ${r.DistributionId} does not exist.`, 404);
    return { kind: "distribution" as const, distribution: d };
  }
  const t = await findTenant(tx, ctx.account, r.DistributionTenantId);
  if (!t) throw new AwsError("EntityNotFound", `The distribution tenant ${r.DistributionTenantId} does not exist.`, 404);
  return { kind: "distribution-tenant" as const, tenant: t };
}

export const ListDomainConflicts: Handler<ListDomainConflictsRequest, ListDomainConflictsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const domain = validDomain(input.Domain);
  return ctx.transaction(async (tx) => {
    const own = await resourceOf(tx, ctx, input.DomainControlValidationResource);
    const ownId = own.kind === "distribution" ? own.distribution.Id : own.tenant.Id;
    const found = (await conflicts(tx, domain)).filter(([, o]) => !(o.account === ctx.account && o.id === ownId));
    const items: DomainConflict[] = found.slice(0, maxItems).map(([d, o]) => ({ Domain: d, ResourceType: o.kind, ResourceId: shown(o, ctx).id, AccountId: shown(o, ctx).account }));
    return { DomainConflicts: items };
  });
};

/** Removes `domain` from the resource of the caller's account that holds it. */
async function release(tx: Transaction, ctx: RequestContext, o: DomainOwner, domain: string): Promise<void> {
  const lower = domain.toLowerCase();
  if (o.kind === "distribution") {
    const d = await requireDistribution(tx, ctx.account, o.id);
    const aliases = (d.Config.Aliases?.Items ?? []).filter((a: string) => a.toLowerCase() !== lower);
    await replaceConfig(tx, ctx, d, { ...d.Config, Aliases: { Quantity: aliases.length, ...(aliases.length ? { Items: aliases } : {}) } });
  } else {
    const t = (await findTenant(tx, ctx.account, o.id))!;
    if (t.Domains.length === 1) throw new AwsError("IllegalUpdate", `The domain ${domain} is the only domain of its distribution tenant: it cannot be moved.`, 400);
    await changeTenant(tx, ctx, t, { ...t, Domains: t.Domains.filter((d) => d.toLowerCase() !== lower) });
  }
}

/** Moves a domain that one of the caller's resources holds to a distribution or a tenant. */
async function move(tx: Transaction, ctx: RequestContext, domain: string, target: Awaited<ReturnType<typeof resourceOf>>, ifMatch: string | undefined, missing: () => AwsError) {
  if (target.kind === "distribution") checkIfMatch(target.distribution, ifMatch);
  else checkIfMatch(target.tenant, ifMatch);
  const holder = await domainOwner(tx, domain);
  if (!holder) throw missing();
  const targetId = target.kind === "distribution" ? target.distribution.Id : target.tenant.Id;
  if (holder.account === ctx.account && holder.id === targetId) throw new AwsError("IllegalUpdate", `The domain ${domain} is already associated with ${targetId}.`, 400);
  if (holder.account !== ctx.account) throw new AwsError("IllegalUpdate", `The domain ${domain} belongs to another AWS account: move it from that account.`, 400);
  await release(tx, ctx, holder, domain);
  if (target.kind === "distribution") {
    // Read again: releasing may have changed nothing here, but the target must be the latest version.
    const d = await requireDistribution(tx, ctx.account, target.distribution.Id);
    if (d.Config.ConnectionMode === "tenant-only") throw new AwsError("IllegalUpdate", "A multi-tenant distribution has no aliases: move the domain to one of its tenants.", 400);
    if (d.Config.ViewerCertificate?.CloudFrontDefaultCertificate) {
      throw new AwsError("IllegalUpdate", "The target distribution's certificate does not cover the domain: attach a trusted certificate first.", 400);
    }
    const aliases = [...(d.Config.Aliases?.Items ?? []), domain];
    if (aliases.length > ctx.quota("CNAMEsPerDistribution")) throw new AwsError("TooManyDistributionCNAMEs", "Your request contains more CNAMEs than are allowed per distribution.", 400);
    const updated = await replaceConfig(tx, ctx, d, { ...d.Config, Aliases: { Quantity: aliases.length, Items: aliases } });
    return { id: d.Id, etag: updated.ETag };
  }
  const t = (await findTenant(tx, ctx.account, target.tenant.Id))!;
  const updated = await changeTenant(tx, ctx, t, { ...t, Domains: [...t.Domains, domain] });
  return { id: t.Id, etag: updated.ETag };
}

export const UpdateDomainAssociation: Handler<UpdateDomainAssociationRequest, UpdateDomainAssociationResult> = async (input, ctx) => {
  const domain = validDomain(input.Domain);
  return ctx.transaction(async (tx) => {
    const target = await resourceOf(tx, ctx, input.TargetResource);
    const moved = await move(tx, ctx, domain, target, input.IfMatch, () => new AwsError("EntityNotFound", `The domain ${domain} is not associated with any resource.`, 404));
    return { Domain: domain, ResourceId: moved.id, ETag: moved.etag };
  });
};

/** AssociateAlias carries no If-Match: the target's current version is the one changed. */
export const AssociateAlias: Handler<AssociateAliasRequest, Record<string, never>> = async (input, ctx) => {
  const alias = validDomain(input.Alias);
  return ctx.transaction(async (tx) => {
    const d = await requireDistribution(tx, ctx.account, input.TargetDistributionId);
    const holder = await domainOwner(tx, alias);
    if (!holder) {
      // Nothing holds it: associating is adding the alias.
      if (d.Config.ViewerCertificate?.CloudFrontDefaultCertificate) {
        throw new AwsError("IllegalUpdate", "The target distribution's certificate does not cover the alias: attach a trusted certificate first.", 400);
      }
      const aliases = [...(d.Config.Aliases?.Items ?? []), alias];
      await replaceConfig(tx, ctx, d, { ...d.Config, Aliases: { Quantity: aliases.length, Items: aliases } });
      return {};
    }
    await move(tx, ctx, alias, { kind: "distribution", distribution: d }, d.ETag, () => new AwsError("IllegalUpdate", "", 400));
    return {};
  });
};
