import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  AssociateAliasCommand,
  AssociateDistributionTenantWebACLCommand,
  CreateDistributionCommand,
  CreateDistributionTenantCommand,
  DisassociateDistributionTenantWebACLCommand,
  GetManagedCertificateDetailsCommand,
  GetDistributionCommand,
  GetDistributionTenantCommand,
  ListConflictingAliasesCommand,
  ListDistributionTenantsByCustomizationCommand,
  ListDomainConflictsCommand,
  UpdateDomainAssociationCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, distributionConfig, MANAGED_CACHING_OPTIMIZED, refusal, reset, storeState, until } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const CERT = { ACMCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/12345678-1234-1234-1234-123456789012", SSLSupportMethod: "sni-only" };
const WAF = "arn:aws:wafv2:us-east-1:000000000000:global/webacl/site/0c4f7f2a-1111-4c5e-9a0e-1234567890ab";
const withAliases = (...aliases: string[]) =>
  client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ Aliases: { Quantity: aliases.length, Items: aliases }, ViewerCertificate: CERT }) }));
const multiTenant = () =>
  client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ConnectionMode: "tenant-only" }, { CachePolicyId: MANAGED_CACHING_OPTIMIZED, ForwardedValues: undefined, MinTTL: undefined }) }));

describe("conflicts and moves of domains", () => {
  it("ListConflictingAliases finds the exact alias and the covering wildcard", async () => {
    const a = await withAliases("*.example.com");
    const b = await withAliases("www.example.com");
    const c = await withAliases("other.example.org");
    const out = await client().send(new ListConflictingAliasesCommand({ DistributionId: c.Distribution!.Id, Alias: "www.example.com" }));
    assert.deepEqual(
      out.ConflictingAliasesList!.Items!.map((i) => [i.Alias, i.DistributionId, i.AccountId]),
      [["www.example.com", b.Distribution!.Id, "000000000000"], ["*.example.com", a.Distribution!.Id, "000000000000"]],
    );
    await refused(() => client().send(new ListConflictingAliasesCommand({ DistributionId: "E0000000000000", Alias: "www.example.com" })), "NoSuchDistribution", 404);
  });

  it("AssociateAlias moves an alias to the target distribution", async () => {
    const from = await withAliases("move.example.com", "stay.example.com");
    const to = await withAliases("to.example.com");
    await client().send(new AssociateAliasCommand({ TargetDistributionId: to.Distribution!.Id, Alias: "move.example.com" }));
    assert.deepEqual((await client().send(new GetDistributionCommand({ Id: from.Distribution!.Id }))).Distribution!.DistributionConfig!.Aliases!.Items, ["stay.example.com"]);
    assert.deepEqual((await client().send(new GetDistributionCommand({ Id: to.Distribution!.Id }))).Distribution!.DistributionConfig!.Aliases!.Items, ["to.example.com", "move.example.com"]);
    const plain = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    await refused(() => client().send(new AssociateAliasCommand({ TargetDistributionId: plain.Distribution!.Id, Alias: "stay.example.com" })), "IllegalUpdate", 400);
  });

  it("ListDomainConflicts and UpdateDomainAssociation move a domain from a distribution to a tenant", async () => {
    const d = await withAliases("shop.example.com");
    const mt = await multiTenant();
    const t = await client().send(new CreateDistributionTenantCommand({ DistributionId: mt.Distribution!.Id, Name: "shop", Domains: [{ Domain: "new.example.com" }] }));
    const conflicts = await client().send(new ListDomainConflictsCommand({ Domain: "shop.example.com", DomainControlValidationResource: { DistributionTenantId: t.DistributionTenant!.Id } }));
    assert.deepEqual(conflicts.DomainConflicts, [{ Domain: "shop.example.com", ResourceType: "distribution", ResourceId: d.Distribution!.Id, AccountId: "000000000000" }]);
    await refused(
      () => client().send(new UpdateDomainAssociationCommand({ Domain: "shop.example.com", TargetResource: { DistributionTenantId: t.DistributionTenant!.Id }, IfMatch: "E000000000000" })),
      "PreconditionFailed",
      412,
    );
    const moved = await client().send(new UpdateDomainAssociationCommand({ Domain: "shop.example.com", TargetResource: { DistributionTenantId: t.DistributionTenant!.Id }, IfMatch: t.ETag }));
    assert.equal(moved.ResourceId, t.DistributionTenant!.Id);
    const tenant = await client().send(new GetDistributionTenantCommand({ Identifier: t.DistributionTenant!.Id }));
    assert.equal(tenant.ETag, moved.ETag);
    assert.deepEqual(tenant.DistributionTenant!.Domains!.map((x) => x.Domain), ["new.example.com", "shop.example.com"]);
    assert.equal((await client().send(new GetDistributionCommand({ Id: d.Distribution!.Id }))).Distribution!.DistributionConfig!.Aliases!.Quantity, 0);
    await refused(
      () => client().send(new UpdateDomainAssociationCommand({ Domain: "nobody.example.com", TargetResource: { DistributionTenantId: t.DistributionTenant!.Id }, IfMatch: moved.ETag })),
      "EntityNotFound",
      404,
    );
  });

  it("Associate/DisassociateDistributionTenantWebACL set the tenant's WebAcl customization", async () => {
    const mt = await multiTenant();
    const t = await client().send(new CreateDistributionTenantCommand({ DistributionId: mt.Distribution!.Id, Name: "waf", Domains: [{ Domain: "waf.example.com" }] }));
    const id = t.DistributionTenant!.Id!;
    await refused(() => client().send(new AssociateDistributionTenantWebACLCommand({ Id: id, WebACLArn: WAF })), "InvalidIfMatchVersion", 400);
    const a = await client().send(new AssociateDistributionTenantWebACLCommand({ Id: id, WebACLArn: WAF, IfMatch: t.ETag }));
    assert.equal(a.WebACLArn, WAF);
    assert.deepEqual((await client().send(new GetDistributionTenantCommand({ Identifier: id }))).DistributionTenant!.Customizations!.WebAcl, { Action: "override", Arn: WAF });
    const by = await client().send(new ListDistributionTenantsByCustomizationCommand({ WebACLArn: WAF }));
    assert.deepEqual(by.DistributionTenantList!.map((x) => x.Id), [id]);
    const dis = await client().send(new DisassociateDistributionTenantWebACLCommand({ Id: id, IfMatch: a.ETag }));
    assert.notEqual(dis.ETag, a.ETag);
    assert.equal((await client().send(new GetDistributionTenantCommand({ Identifier: id }))).DistributionTenant!.Customizations, undefined);
  });
});

describe("GetManagedCertificateDetails", () => {
  it("pending-validation while the tenant deploys, with validation tokens per domain; EntityNotFound without a managed certificate", async () => {
    const mt = await multiTenant();
    const t = await client().send(
      new CreateDistributionTenantCommand({
        DistributionId: mt.Distribution!.Id,
        Name: "managed",
        Domains: [{ Domain: "m.example.com" }],
        ManagedCertificateRequest: { ValidationTokenHost: "cloudfront", PrimaryDomainName: "m.example.com" },
      }),
    );
    const got = await client().send(new GetManagedCertificateDetailsCommand({ Identifier: t.DistributionTenant!.Id }));
    const m = got.ManagedCertificateDetails!;
    assert.ok(["pending-validation", "issued"].includes(m.CertificateStatus!));
    assert.equal(m.ValidationTokenHost, "cloudfront");
    assert.equal(m.ValidationTokenDetails![0].Domain, "m.example.com");
    assert.match(m.ValidationTokenDetails![0].RedirectFrom!, /^http:\/\/m\.example\.com\/\.well-known\/pki-validation\/[a-z0-9]{32}\.txt$/);
    const issued = await until(
      () => client().send(new GetManagedCertificateDetailsCommand({ Identifier: "managed" })),
      (x) => x.ManagedCertificateDetails!.CertificateStatus === "issued",
    );
    assert.match(issued.ManagedCertificateDetails!.CertificateArn!, /^arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f-]{36}$/);
    const plain = await client().send(new CreateDistributionTenantCommand({ DistributionId: mt.Distribution!.Id, Name: "plain", Domains: [{ Domain: "p.example.com" }] }));
    await refused(() => client().send(new GetManagedCertificateDetailsCommand({ Identifier: plain.DistributionTenant!.Id })), "EntityNotFound", 404);
    await refused(
      () => client().send(new CreateDistributionTenantCommand({ DistributionId: mt.Distribution!.Id, Name: "wrong", Domains: [{ Domain: "w.example.com" }], ManagedCertificateRequest: { ValidationTokenHost: "cloudfront", PrimaryDomainName: "x.example.com" } })),
      "InvalidArgument",
      400,
    );
  });
});
