import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateConnectionGroupCommand,
  CreateDistributionCommand,
  CreateDistributionTenantCommand,
  CreateInvalidationCommand,
  CreateInvalidationForDistributionTenantCommand,
  CreateMonitoringSubscriptionCommand,
  DeleteConnectionGroupCommand,
  DeleteDistributionCommand,
  DeleteDistributionTenantCommand,
  DeleteMonitoringSubscriptionCommand,
  GetConnectionGroupCommand,
  GetDistributionCommand,
  GetDistributionTenantByDomainCommand,
  GetDistributionTenantCommand,
  GetInvalidationCommand,
  GetInvalidationForDistributionTenantCommand,
  GetMonitoringSubscriptionCommand,
  ListConnectionGroupsCommand,
  ListDistributionTenantsByCustomizationCommand,
  ListDistributionTenantsCommand,
  ListInvalidationsCommand,
  ListInvalidationsForDistributionTenantCommand,
  UpdateConnectionGroupCommand,
  UpdateDistributionCommand,
  UpdateDistributionTenantCommand,
  waitUntilInvalidationCompleted,
} from "@aws-sdk/client-cloudfront";
import { failure, useServer } from "../harness.js";
import { cloudFront, distributionConfig, MANAGED_CACHING_OPTIMIZED, refusal, reset, storeState, until } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 100 });
// Invalidations that stay InProgress for the whole test, so in-progress limits never race the clock.
const slow = useServer({ cloudfrontDeployDelayMs: 3_600_000 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const batch = (paths: string[], CallerReference = `ref-${Math.random()}`) => ({ Paths: { Quantity: paths.length, Items: paths }, CallerReference });
const multiTenant = () =>
  client().send(
    new CreateDistributionCommand({
      DistributionConfig: distributionConfig(
        { ConnectionMode: "tenant-only", TenantConfig: { ParameterDefinitions: [{ Name: "site", Definition: { StringSchema: { Required: true } } }] } },
        { CachePolicyId: MANAGED_CACHING_OPTIMIZED, ForwardedValues: undefined, MinTTL: undefined },
      ),
    }),
  );

describe("invalidations", () => {
  it("create (201, I… id, Location, InProgress), idempotent CallerReference, list newest first", async () => {
    const held = cloudFront(slow().endpoint);
    const createdDistribution = await held.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    const d = createdDistribution.Distribution!;
    const out = await held.send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["/index.html", "/img/*"], "one") }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const inv = out.Invalidation!;
    assert.match(inv.Id!, /^I[A-Z0-9]{13}$/);
    assert.equal(inv.Status, "InProgress");
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}/invalidation/${inv.Id}`);
    assert.deepEqual(inv.InvalidationBatch!.Paths!.Items, ["/index.html", "/img/*"]);
    const got = await held.send(new GetDistributionCommand({ Id: d.Id }));
    assert.equal(got.Distribution!.InProgressInvalidationBatches, 1);
    assert.equal(got.ETag, createdDistribution.ETag, "an invalidation does not change the ETag");
    // The same CallerReference and paths: the same invalidation; other paths: InvalidationBatchAlreadyExists.
    const again = await held.send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["/index.html", "/img/*"], "one") }));
    assert.equal(again.Invalidation!.Id, inv.Id);
    const e = await failure(held.send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["/other"], "one") })));
    assert.deepEqual([e.name, e.$metadata.httpStatusCode], ["InvalidationBatchAlreadyExists", 409]);
    await new Promise((r) => setTimeout(r, 5));
    const second = await held.send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["/b"]) }));
    const list = await held.send(new ListInvalidationsCommand({ DistributionId: d.Id }));
    assert.deepEqual(list.InvalidationList!.Items!.map((i) => i.Id), [second.Invalidation!.Id, inv.Id]);
    const page = await held.send(new ListInvalidationsCommand({ DistributionId: d.Id, MaxItems: 1 }));
    assert.equal(page.InvalidationList!.NextMarker, second.Invalidation!.Id);
    const rest = await held.send(new ListInvalidationsCommand({ DistributionId: d.Id, MaxItems: 1, Marker: page.InvalidationList!.NextMarker }));
    assert.deepEqual(rest.InvalidationList!.Items!.map((i) => i.Id), [inv.Id]);
  });

  it("InProgress → Completed: waitUntilInvalidationCompleted, InProgressInvalidationBatches back to 0", async () => {
    const d = (await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const inv = (await client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["/index.html"]) }))).Invalidation!;
    const r = await waitUntilInvalidationCompleted({ client: client(), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DistributionId: d.Id, Id: inv.Id });
    assert.equal(r.state, "SUCCESS");
    assert.equal((await client().send(new GetDistributionCommand({ Id: d.Id }))).Distribution!.InProgressInvalidationBatches, 0);
    assert.equal((await client().send(new GetInvalidationCommand({ DistributionId: d.Id, Id: inv.Id }))).Invalidation!.Status, "Completed");
  });

  it("refuses bad batches, unknown ids, too many wildcards in progress", async () => {
    const d = (await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    await refused(() => client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: { Paths: { Quantity: 2, Items: ["/a"] }, CallerReference: "x" } })), "InconsistentQuantities", 400);
    await refused(() => client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(["no-slash"]) })), "InvalidArgument", 400);
    await refused(() => client().send(new CreateInvalidationCommand({ DistributionId: "E0000000000000", InvalidationBatch: batch(["/a"]) })), "NoSuchDistribution", 404);
    await refused(() => client().send(new GetInvalidationCommand({ DistributionId: d.Id, Id: "I0000000000000" })), "NoSuchInvalidation", 404);
    await refused(() => client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: batch(Array.from({ length: 3001 }, (_, i) => `/f${i}`)) })), "BatchTooLarge", 413);
    const held = cloudFront(slow().endpoint);
    const s = (await held.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    await held.send(new CreateInvalidationCommand({ DistributionId: s.Id, InvalidationBatch: batch(Array.from({ length: 15 }, (_, i) => `/w${i}/*`)) }));
    const e = await failure(held.send(new CreateInvalidationCommand({ DistributionId: s.Id, InvalidationBatch: batch(["/more/*"]) })));
    assert.deepEqual([e.name, e.$metadata.httpStatusCode], ["TooManyInvalidationsInProgress", 400]);
    assert.equal((await held.send(new ListInvalidationsCommand({ DistributionId: s.Id }))).InvalidationList!.Quantity, 1);
  });

  it("completed invalidations no longer count against the in-progress limit", async () => {
    const d = (await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const wildcards = (n: number) => batch(Array.from({ length: 15 }, (_, i) => `/${n}/w${i}/*`));
    const first = (await client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: wildcards(1) }))).Invalidation!;
    await refused(() => client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: wildcards(2) })), "TooManyInvalidationsInProgress", 400);
    await waitUntilInvalidationCompleted({ client: client(), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DistributionId: d.Id, Id: first.Id });
    // Twice: the first create after completion finds the completed batch, the second no longer does.
    for (const n of [3, 4]) {
      const next = (await client().send(new CreateInvalidationCommand({ DistributionId: d.Id, InvalidationBatch: wildcards(n) }))).Invalidation!;
      assert.equal((await client().send(new GetDistributionCommand({ Id: d.Id }))).Distribution!.InProgressInvalidationBatches, 1);
      await waitUntilInvalidationCompleted({ client: client(), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DistributionId: d.Id, Id: next.Id });
    }
    assert.equal((await client().send(new ListInvalidationsCommand({ DistributionId: d.Id }))).InvalidationList!.Quantity, 3);
  });
});

describe("distribution tenants", () => {
  it("create on a multi-tenant distribution: the default connection group (IsDefault), domains, get by id/name/domain, update, delete", async () => {
    const d = (await multiTenant()).Distribution!;
    const out = await client().send(
      new CreateDistributionTenantCommand({ DistributionId: d.Id, Name: "tenant-one", Domains: [{ Domain: "one.example.com" }], Parameters: [{ Name: "site", Value: "one" }], Tags: { Items: [{ Key: "k", Value: "v" }] } }),
    );
    assert.equal(out.$metadata.httpStatusCode, 201);
    const t = out.DistributionTenant!;
    assert.match(t.Id!, /^dt_[0-9A-Za-z]{27}$/);
    assert.equal(t.Status, "InProgress");
    assert.deepEqual(t.Domains, [{ Domain: "one.example.com", Status: "active" }]);
    const group = (await client().send(new GetConnectionGroupCommand({ Identifier: t.ConnectionGroupId }))).ConnectionGroup!;
    assert.equal(group.IsDefault, true);
    assert.equal(group.Name, `CreatedByCloudFront-${group.Id}`);
    // A second tenant reuses the default group.
    const two = await client().send(new CreateDistributionTenantCommand({ DistributionId: d.Id, Name: "tenant-two", Domains: [{ Domain: "two.example.com" }], Parameters: [{ Name: "site", Value: "two" }] }));
    assert.equal(two.DistributionTenant!.ConnectionGroupId, t.ConnectionGroupId);
    assert.equal((await client().send(new ListConnectionGroupsCommand({}))).ConnectionGroups!.length, 1);
    assert.equal((await client().send(new GetDistributionTenantCommand({ Identifier: "tenant-one" }))).DistributionTenant!.Id, t.Id);
    assert.equal((await client().send(new GetDistributionTenantCommand({ Identifier: t.Arn }))).ETag, out.ETag);
    assert.equal((await client().send(new GetDistributionTenantByDomainCommand({ Domain: "one.example.com" }))).DistributionTenant!.Id, t.Id);
    const byDist = await client().send(new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: d.Id } }));
    assert.equal(byDist.DistributionTenantList!.length, 2);
    const up = await client().send(new UpdateDistributionTenantCommand({ Id: t.Id, IfMatch: out.ETag, Domains: [{ Domain: "uno.example.com" }], Enabled: false }));
    assert.notEqual(up.ETag, out.ETag);
    await refused(() => client().send(new GetDistributionTenantByDomainCommand({ Domain: "one.example.com" })), "EntityNotFound", 404);
    // Tenant invalidations.
    const inv = await client().send(new CreateInvalidationForDistributionTenantCommand({ Id: t.Id, InvalidationBatch: batch(["/x"]) }));
    assert.match(inv.Invalidation!.Id!, /^I[A-Z0-9]{24}$/);
    assert.equal((await client().send(new GetInvalidationForDistributionTenantCommand({ DistributionTenantId: t.Id, Id: inv.Invalidation!.Id }))).Invalidation!.Id, inv.Invalidation!.Id);
    assert.equal((await client().send(new ListInvalidationsForDistributionTenantCommand({ Id: t.Id }))).InvalidationList!.Quantity, 1);
    await client().send(new DeleteDistributionTenantCommand({ Id: t.Id, IfMatch: up.ETag }));
    await refused(() => client().send(new GetDistributionTenantCommand({ Identifier: t.Id })), "EntityNotFound", 404);
  });

  it("refuses: a direct distribution (InvalidAssociation 409), a taken name or domain, a missing required parameter, deleting an enabled tenant", async () => {
    const direct = (await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const d = (await multiTenant()).Distribution!;
    const tenant = (Name: string, Domain: string, DistributionId = d.Id, Parameters = [{ Name: "site", Value: "s" }]) =>
      client().send(new CreateDistributionTenantCommand({ DistributionId, Name, Domains: [{ Domain }], Parameters }));
    await refused(() => tenant("direct-one", "a.example.com", direct.Id), "InvalidAssociation", 409);
    await refused(() => tenant("nowhere", "a.example.com", "E0000000000000"), "EntityNotFound", 404);
    const t = await tenant("taken", "a.example.com");
    await refused(() => tenant("taken", "b.example.com"), "EntityAlreadyExists", 409);
    await refused(() => tenant("other", "A.example.com"), "CNAMEAlreadyExists", 409);
    await refused(() => tenant("noparam", "c.example.com", d.Id, []), "InvalidArgument", 400);
    await refused(() => client().send(new DeleteDistributionTenantCommand({ Id: t.DistributionTenant!.Id, IfMatch: t.ETag })), "ResourceNotDisabled", 409);
    await refused(() => client().send(new UpdateDistributionTenantCommand({ Id: t.DistributionTenant!.Id, IfMatch: "E000000000000", Enabled: false })), "PreconditionFailed", 412);
    await refused(() => client().send(new ListDistributionTenantsByCustomizationCommand({})), "InvalidArgument", 400);
  });

  it("a tenant holds its distribution (ResourceInUse) and its connection group (CannotDeleteEntityWhileInUse)", async () => {
    const created = await multiTenant();
    const d = created.Distribution!;
    const g = await client().send(new CreateConnectionGroupCommand({ Name: "mine" }));
    const t = await client().send(new CreateDistributionTenantCommand({ DistributionId: d.Id, Name: "held", Domains: [{ Domain: "h.example.com" }], ConnectionGroupId: g.ConnectionGroup!.Id, Parameters: [{ Name: "site", Value: "h" }] }));
    assert.equal(t.DistributionTenant!.ConnectionGroupId, g.ConnectionGroup!.Id);
    const gd = await client().send(new UpdateConnectionGroupCommand({ Id: g.ConnectionGroup!.Id, IfMatch: g.ETag, Enabled: false }));
    await until(() => client().send(new GetConnectionGroupCommand({ Identifier: g.ConnectionGroup!.Id })), (x) => x.ConnectionGroup!.Status === "Deployed");
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: g.ConnectionGroup!.Id, IfMatch: gd.ETag })), "CannotDeleteEntityWhileInUse", 409);
    const off = await client().send(new UpdateDistributionCommand({ Id: d.Id, IfMatch: created.ETag, DistributionConfig: { ...d.DistributionConfig!, Enabled: false } }));
    await until(() => client().send(new GetDistributionCommand({ Id: d.Id })), (x) => x.Distribution!.Status === "Deployed");
    await refused(() => client().send(new DeleteDistributionCommand({ Id: d.Id, IfMatch: off.ETag })), "ResourceInUse", 409);
  });
});

describe("monitoring subscriptions", () => {
  it("create (200), get, a second create (409), delete (200), then NoSuchMonitoringSubscription", async () => {
    const d = (await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }))).Distribution!;
    const sub = { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: "Enabled" as const } };
    const out = await client().send(new CreateMonitoringSubscriptionCommand({ DistributionId: d.Id, MonitoringSubscription: sub }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual((await client().send(new GetMonitoringSubscriptionCommand({ DistributionId: d.Id }))).MonitoringSubscription, sub);
    await refused(() => client().send(new CreateMonitoringSubscriptionCommand({ DistributionId: d.Id, MonitoringSubscription: sub })), "MonitoringSubscriptionAlreadyExists", 409);
    await client().send(new DeleteMonitoringSubscriptionCommand({ DistributionId: d.Id }));
    await refused(() => client().send(new GetMonitoringSubscriptionCommand({ DistributionId: d.Id })), "NoSuchMonitoringSubscription", 404);
    await refused(() => client().send(new GetMonitoringSubscriptionCommand({ DistributionId: "E0000000000000" })), "NoSuchDistribution", 404);
  });
});
