import type {
  GetManagedCertificateDetailsRequest,
  GetManagedCertificateDetailsResult,
  ManagedCertificateRequest,
  AssociateDistributionTenantWebACLRequest,
  AssociateDistributionTenantWebACLResult,
  DisassociateDistributionTenantWebACLRequest,
  DisassociateDistributionTenantWebACLResult,
  CreateDistributionTenantRequest,
  CreateDistributionTenantResult,
  Customizations,
  DeleteDistributionTenantRequest,
  DistributionTenant,
  DistributionTenantSummary,
  GetDistributionTenantByDomainRequest,
  GetDistributionTenantByDomainResult,
  GetDistributionTenantRequest,
  GetDistributionTenantResult,
  ListDistributionTenantsByCustomizationRequest,
  ListDistributionTenantsByCustomizationResult,
  ListDistributionTenantsRequest,
  ListDistributionTenantsResult,
  Parameter,
  UpdateDistributionTenantRequest,
  UpdateDistributionTenantResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { claimDomains, domainOwner } from "./aliases.js";
import { defaultConnectionGroup } from "./connectionGroups.js";
import { type DistributionRecord, findDistribution } from "./distributions.js";
import { LOWER_ALNUM, randomString } from "../../core/ids.js";
import { arnOf, tenantId, uuid } from "./ids.js";
import { key, listPage, maxItemsOf, oneOf, requireConnectionGroup } from "./model.js";
import { ref, setReferences, usersPage } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch, type Deployable, deployStatus, nextDeployment } from "./versioning.js";
import { dropInvalidations } from "./invalidations.js";

/**
 * Distribution tenants of multi-tenant (tenant-only) distributions. A tenant references its
 * distribution and its connection group (references.ts: neither can go while it exists) and
 * claims its domains in the global domain table, beside distribution aliases.
 */
const TABLE = "cloudfront.distributionTenants"; //    acct/id   -> record
const NAMES = "cloudfront.distributionTenantNames"; // acct/name -> id
export const TENANT = "distribution-tenant";

interface TenantRecord extends Deployable {
  Id: string;
  DistributionId: string;
  Name: string;
  Domains: string[];
  Customizations?: Customizations;
  Parameters: Parameter[];
  ConnectionGroupId: string;
  CreatedTime: string;
  LastModifiedTime: string;
  Enabled: boolean;
  /** A certificate CloudFront manages for the tenant's domains (GetManagedCertificateDetails). */
  ManagedCertificate?: { ValidationTokenHost: string; PrimaryDomainName: string; Token: string; CertificateId: string };
}

taggable({ type: TENANT, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]$/;
const notFound = (what: string) => new AwsError("EntityNotFound", `The distribution tenant ${what} does not exist.`, 404);
const invalid = (message: string) => new AwsError("InvalidArgument", message, 400);

/** Identifier is the Id, the Name or the ARN. */
async function findTenant(tx: Transaction, account: string, identifier: string | undefined): Promise<TenantRecord | undefined> {
  if (!identifier) return undefined;
  const arn = /^arn:aws:cloudfront::(\d{12}):distribution-tenant\/(.+)$/.exec(identifier);
  if (arn) return arn[1] === account ? tx.get<TenantRecord>(TABLE, key(account, arn[2])) : undefined;
  const byId = await tx.get<TenantRecord>(TABLE, key(account, identifier));
  if (byId) return byId;
  const id = await tx.get<string>(NAMES, key(account, identifier));
  return id ? tx.get<TenantRecord>(TABLE, key(account, id)) : undefined;
}

export async function requireTenant(tx: Transaction, account: string, identifier: string | undefined): Promise<TenantRecord> {
  const t = await findTenant(tx, account, identifier);
  if (!t) throw notFound(identifier ?? "");
  return t;
}

const tenantOf = (r: TenantRecord, ctx: RequestContext, status?: string): DistributionTenant => ({
  Id: r.Id,
  DistributionId: r.DistributionId,
  Name: r.Name,
  Arn: arnOf(ctx.account, TENANT, r.Id),
  Domains: r.Domains.map((Domain) => ({ Domain, Status: "active" })),
  ...(r.Customizations ? { Customizations: r.Customizations } : {}),
  ...(r.Parameters.length ? { Parameters: r.Parameters } : {}),
  ConnectionGroupId: r.ConnectionGroupId,
  CreatedTime: new Date(r.CreatedTime),
  LastModifiedTime: new Date(r.LastModifiedTime),
  Enabled: r.Enabled,
  Status: status ?? deployStatus(r, ctx),
});

const summaryOf = (r: TenantRecord, ctx: RequestContext): DistributionTenantSummary => {
  const { Parameters: _p, ...t } = tenantOf(r, ctx);
  return { ...t, ETag: r.ETag } as DistributionTenantSummary;
};

function validDomains(domains: Array<{ Domain?: string }> | undefined): string[] {
  const out = (domains ?? []).map((d) => d.Domain ?? "");
  if (!out.length) throw invalid("A distribution tenant needs at least one domain.");
  for (const d of out) if (!/^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(d)) throw invalid(`The domain ${d} is not a valid domain name.`);
  if (new Set(out.map((d) => d.toLowerCase())).size !== out.length) throw invalid("The same domain appears more than once.");
  return out;
}

/** The distribution must be multi-tenant; parameters must be declared, required ones present. */
async function validDistribution(tx: Transaction, ctx: RequestContext, id: string | undefined, parameters: Parameter[]): Promise<DistributionRecord> {
  const d = await findDistribution(tx, ctx.account, id);
  if (!d) throw new AwsError("EntityNotFound", `The distribution ${id ?? ""} does not exist.`, 404);
  if (d.Config.ConnectionMode !== "tenant-only") {
    throw new AwsError("InvalidAssociation", "A distribution tenant can be associated only with a multi-tenant distribution (ConnectionMode tenant-only).", 409);
  }
  const defs: Array<{ Name: string; Definition?: { StringSchema?: { Required?: boolean; DefaultValue?: string } } }> = d.Config.TenantConfig?.ParameterDefinitions ?? [];
  for (const p of parameters) if (!defs.some((x) => x.Name === p.Name)) throw invalid(`The parameter ${p.Name} is not defined by the distribution's TenantConfig.`);
  for (const def of defs) {
    const s = def.Definition?.StringSchema;
    if (s?.Required && s.DefaultValue === undefined && !parameters.some((p) => p.Name === def.Name)) throw invalid(`The required parameter ${def.Name} is missing.`);
  }
  return d;
}

/** The request for a CloudFront-managed certificate, checked: its primary domain is one of the tenant's. */
function managedCertificate(request: ManagedCertificateRequest | undefined, domains: string[]): TenantRecord["ManagedCertificate"] {
  if (!request) return undefined;
  const host = oneOf(request.ValidationTokenHost, ["cloudfront", "self-hosted"], "ValidationTokenHost");
  const primary = request.PrimaryDomainName ?? domains[0];
  if (!domains.some((d) => d.toLowerCase() === primary.toLowerCase())) throw invalid(`The PrimaryDomainName ${primary} is not one of the tenant's domains.`);
  return { ValidationTokenHost: host, PrimaryDomainName: primary, Token: randomString(LOWER_ALNUM, 32), CertificateId: uuid() };
}

/**
 * The managed certificate is pending validation while the tenant's creation deploys, then
 * issued (CloudFront validates through its own token host; nubis serves no DNS or HTTP check).
 */
export const GetManagedCertificateDetails: Handler<GetManagedCertificateDetailsRequest, GetManagedCertificateDetailsResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTenant(tx, ctx.account, input.Identifier);
    const m = r.ManagedCertificate;
    if (!m) throw new AwsError("EntityNotFound", `The distribution tenant ${r.Id} has no managed certificate.`, 404);
    const issued = deployStatus(r, ctx) === "Deployed";
    return {
      ManagedCertificateDetails: {
        ...(issued ? { CertificateArn: `arn:aws:acm:us-east-1:${ctx.account}:certificate/${m.CertificateId}` } : {}),
        CertificateStatus: issued ? "issued" : "pending-validation",
        ValidationTokenHost: m.ValidationTokenHost as "cloudfront" | "self-hosted",
        ValidationTokenDetails: r.Domains.map((Domain) => ({
          Domain,
          RedirectFrom: `http://${Domain}/.well-known/pki-validation/${m.Token}.txt`,
          RedirectTo: `validation.us-east-1.acm-validations.aws/${ctx.account}/.well-known/pki-validation/${m.Token}.txt`,
        })),
      },
    };
  });

const refsOf = (r: TenantRecord) => [ref("distribution", r.DistributionId), ref("connection-group", r.ConnectionGroupId)];
const owner = (account: string, id: string) => ({ account, kind: "distribution-tenant" as const, id });

/**
 * Writes a changed tenant: its domains are claimed (CNAMEAlreadyExists), its references moved,
 * a new ETag issued and a new deployment started. `next` is the whole new record.
 */
export async function changeTenant(tx: Transaction, ctx: RequestContext, r: TenantRecord, next: Omit<TenantRecord, "ETag" | "DeployedAt" | "LastModifiedTime">): Promise<TenantRecord> {
  await claimDomains(tx, owner(ctx.account, r.Id), r.Domains, next.Domains);
  const { ETag: _e, DeployedAt: _d, ...plain } = next as TenantRecord;
  const updated = nextDeployment({ ...plain, LastModifiedTime: ctx.now.toISOString() }, ctx);
  await tx.put(TABLE, key(ctx.account, r.Id), updated);
  await setReferences(tx, ctx.account, r.Id, refsOf(r), refsOf(updated));
  return updated;
}

export type { TenantRecord };
export { findTenant };

export const CreateDistributionTenant: Handler<CreateDistributionTenantRequest, CreateDistributionTenantResult> = async (input, ctx) => {
  if (!input.Name || !NAME.test(input.Name)) throw invalid("The tenant Name must be 3 to 128 characters: letters, digits, hyphens and dots, starting and ending with a letter or digit.");
  const domains = validDomains(input.Domains);
  const tags = validTags(input.Tags);
  const parameters = (input.Parameters ?? []).map((p) => ({ Name: p.Name, Value: p.Value }));
  const managed = managedCertificate(input.ManagedCertificateRequest, domains);
  return ctx.transaction(async (tx) => {
    await validDistribution(tx, ctx, input.DistributionId, parameters);
    if (await tx.get(NAMES, key(ctx.account, input.Name!))) throw new AwsError("EntityAlreadyExists", `A distribution tenant named ${input.Name} already exists.`, 409);
    const group = input.ConnectionGroupId ? await requireConnectionGroup(tx, ctx.account, input.ConnectionGroupId) : await defaultConnectionGroup(tx, ctx);
    const now = ctx.now.toISOString();
    const record = nextDeployment(
      {
        Id: tenantId(),
        DistributionId: input.DistributionId!,
        Name: input.Name!,
        Domains: domains,
        ...(input.Customizations ? { Customizations: input.Customizations } : {}),
        Parameters: parameters,
        ConnectionGroupId: group.Id,
        CreatedTime: now,
        LastModifiedTime: now,
        Enabled: input.Enabled ?? true,
        ...(managed ? { ManagedCertificate: managed } : {}),
      },
      ctx,
    );
    await claimDomains(tx, owner(ctx.account, record.Id), [], domains);
    await tx.put(TABLE, key(ctx.account, record.Id), record);
    await tx.put(NAMES, key(ctx.account, record.Name), record.Id);
    await setReferences(tx, ctx.account, record.Id, [], refsOf(record));
    await initTags(tx, ctx, TENANT, record.Id, tags);
    const tenant = tenantOf(record, ctx, "InProgress");
    return { DistributionTenant: tags.length ? { ...tenant, Tags: { Items: tags } } : tenant, ETag: record.ETag };
  });
};

export const GetDistributionTenant: Handler<GetDistributionTenantRequest, GetDistributionTenantResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTenant(tx, ctx.account, input.Identifier);
    return { DistributionTenant: tenantOf(r, ctx), ETag: r.ETag };
  });

export const GetDistributionTenantByDomain: Handler<GetDistributionTenantByDomainRequest, GetDistributionTenantByDomainResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const o = input.Domain ? await domainOwner(tx, input.Domain) : undefined;
    const r = o && o.account === ctx.account && o.kind === "distribution-tenant" ? await findTenant(tx, ctx.account, o.id) : undefined;
    if (!r) throw new AwsError("EntityNotFound", `No distribution tenant has the domain ${input.Domain ?? ""}.`, 404);
    return { DistributionTenant: tenantOf(r, ctx), ETag: r.ETag };
  });

/** Members sent replace the stored ones; the Name cannot change. */
export const UpdateDistributionTenant: Handler<UpdateDistributionTenantRequest, UpdateDistributionTenantResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTenant(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const domains = input.Domains ? validDomains(input.Domains) : r.Domains;
    const parameters = input.Parameters ? input.Parameters.map((p) => ({ Name: p.Name, Value: p.Value })) : r.Parameters;
    const distributionId = input.DistributionId ?? r.DistributionId;
    await validDistribution(tx, ctx, distributionId, parameters);
    const groupId = input.ConnectionGroupId ? (await requireConnectionGroup(tx, ctx.account, input.ConnectionGroupId)).Id : r.ConnectionGroupId;
    const { Customizations: _c, ...kept } = r;
    const updated = await changeTenant(tx, ctx, r, {
      ...kept,
      DistributionId: distributionId,
      Domains: domains,
      ...((input.Customizations ?? r.Customizations) ? { Customizations: input.Customizations ?? r.Customizations } : {}),
      Parameters: parameters,
      ConnectionGroupId: groupId,
      Enabled: input.Enabled ?? r.Enabled,
    });
    return { DistributionTenant: tenantOf(updated, ctx, "InProgress"), ETag: updated.ETag };
  });

export const DeleteDistributionTenant: Handler<DeleteDistributionTenantRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireTenant(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    if (r.Enabled) throw new AwsError("ResourceNotDisabled", "The distribution tenant is enabled: disable it before deleting it.", 409);
    await tx.delete(TABLE, key(ctx.account, r.Id));
    await tx.delete(NAMES, key(ctx.account, r.Name));
    await claimDomains(tx, owner(ctx.account, r.Id), r.Domains, []);
    await setReferences(tx, ctx.account, r.Id, refsOf(r), []);
    await dropInvalidations(tx, ctx.account, r.Id);
    await dropTags(tx, ctx.account, TENANT, r.Id);
    return {};
  });

/** With an AssociationFilter the page comes from the reference index of the distribution or group. */
export const ListDistributionTenants: Handler<ListDistributionTenantsRequest, ListDistributionTenantsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const f = input.AssociationFilter;
    let records: TenantRecord[];
    let nextMarker: string | undefined;
    if (f?.DistributionId || f?.ConnectionGroupId) {
      const page = f.DistributionId
        ? await usersPage(tx, ctx.account, "distribution", f.DistributionId, input.Marker, maxItems)
        : await usersPage(tx, ctx.account, "connection-group", f.ConnectionGroupId!, input.Marker, maxItems);
      records = [];
      for (const id of page.items) {
        const t = await requireTenant(tx, ctx.account, id);
        if (!f.ConnectionGroupId || t.ConnectionGroupId === f.ConnectionGroupId) records.push(t);
      }
      nextMarker = page.nextMarker;
    } else {
      const page = await listPage<TenantRecord>(tx, TABLE, ctx.account, input.Marker, maxItems);
      records = page.items;
      nextMarker = page.nextMarker;
    }
    return { ...(nextMarker ? { NextMarker: nextMarker } : {}), DistributionTenantList: records.map((r) => summaryOf(r, ctx)) };
  });
};

const WAF_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}$/;

/** The tenant's WebAcl customization, set or removed: the same change as an update that only changes it. */
async function setTenantWebAcl(ctx: RequestContext, id: string | undefined, ifMatch: string | undefined, arn: string | undefined) {
  return ctx.transaction(async (tx) => {
    const r = await requireTenant(tx, ctx.account, id);
    checkIfMatch(r, ifMatch);
    const { WebAcl: _w, ...others } = r.Customizations ?? {};
    const customizations: Customizations = arn ? { ...others, WebAcl: { Action: "override", Arn: arn } } : others;
    const { Customizations: _c, ...kept } = r;
    const updated = await changeTenant(tx, ctx, r, { ...kept, ...(Object.keys(customizations).length ? { Customizations: customizations } : {}) });
    return { Id: r.Id, ETag: updated.ETag };
  });
}

export const AssociateDistributionTenantWebACL: Handler<AssociateDistributionTenantWebACLRequest, AssociateDistributionTenantWebACLResult> = async (input, ctx) => {
  if (!WAF_ARN.test(input.WebACLArn ?? "")) throw invalid("WebACLArn must be the ARN of a global AWS WAF web ACL (us-east-1).");
  return { ...(await setTenantWebAcl(ctx, input.Id, input.IfMatch, input.WebACLArn)), WebACLArn: input.WebACLArn };
};

export const DisassociateDistributionTenantWebACL: Handler<DisassociateDistributionTenantWebACLRequest, DisassociateDistributionTenantWebACLResult> = (input, ctx) =>
  setTenantWebAcl(ctx, input.Id, input.IfMatch, undefined);

export const ListDistributionTenantsByCustomization: Handler<ListDistributionTenantsByCustomizationRequest, ListDistributionTenantsByCustomizationResult> = async (
  input,
  ctx,
) => {
  const maxItems = maxItemsOf(input.MaxItems);
  if (!input.WebACLArn && !input.CertificateArn) throw invalid("Specify WebACLArn or CertificateArn.");
  return ctx.transaction(async (tx) => {
    const out: TenantRecord[] = [];
    let after = input.Marker;
    let nextMarker: string | undefined;
    for (;;) {
      const page = await listPage<TenantRecord>(tx, TABLE, ctx.account, after, 100);
      for (const t of page.items) {
        const c = t.Customizations;
        const hit = input.WebACLArn ? c?.WebAcl?.Arn === input.WebACLArn : c?.Certificate?.Arn === input.CertificateArn;
        if (!hit) continue;
        if (out.length === maxItems) {
          nextMarker = out[out.length - 1].Id;
          break;
        }
        out.push(t);
      }
      if (nextMarker || !page.nextMarker) break;
      after = page.nextMarker;
    }
    return { ...(nextMarker ? { NextMarker: nextMarker } : {}), DistributionTenantList: out.map((r) => summaryOf(r, ctx)) };
  });
};
