import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateAnycastIpListCommand,
  CreateConnectionGroupCommand,
  type CreateConnectionGroupRequest,
  DeleteAnycastIpListCommand,
  DeleteConnectionGroupCommand,
  GetAnycastIpListCommand,
  GetConnectionGroupByRoutingEndpointCommand,
  GetConnectionGroupCommand,
  ListConnectionGroupsCommand,
  ListTagsForResourceCommand,
  UpdateConnectionGroupCommand,
} from "@aws-sdk/client-cloudfront";
import { clientConfig, useServer } from "../harness.js";
import { CONNECTION_GROUP_ID, cloudFront, ETAG, ISO_MILLIS, reset, ROUTING_ENDPOINT, storeState, unique, until, refusal } from "./fixtures.js";

// A short deployment so the tests can watch InProgress turn into Deployed.
const DELAY = 150;
const server = useServer({ cloudfrontDeployDelayMs: DELAY });
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const refused = refusal(() => storeState(server().store));

async function createList(c: CloudFrontClient = client(), type?: "ipv4" | "ipv6" | "dualstack") {
  const out = await c.send(new CreateAnycastIpListCommand({ Name: unique("list"), IpCount: 3, IpAddressType: type }));
  return { id: out.AnycastIpList!.Id!, etag: out.ETag! };
}

async function createGroup(input: Partial<CreateConnectionGroupRequest> = {}, c: CloudFrontClient = client()) {
  const out = await c.send(new CreateConnectionGroupCommand({ Name: unique("cg"), ...input }));
  return { id: out.ConnectionGroup!.Id!, etag: out.ETag!, group: out.ConnectionGroup!, out };
}

/** If-Match is required in the model (botocore and the AWS CLI refuse to send without it); a raw or JS SDK call without it gets CloudFront's answer. */
const MISSING_IF_MATCH = "InvalidIfMatchVersion";

const get = (identifier: string) => client().send(new GetConnectionGroupCommand({ Identifier: identifier }));
const deployed = (id: string) => until(() => get(id), (g) => g.ConnectionGroup!.Status === "Deployed");

describe("CreateConnectionGroup", () => {
  it("creates a group: 201, cg_ id, ARN without region, routing endpoint, defaults, InProgress, ETag, Tags echoed", async () => {
    const out = await client().send(new CreateConnectionGroupCommand({ Name: "first", Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const g = out.ConnectionGroup!;
    assert.match(g.Id!, CONNECTION_GROUP_ID);
    assert.equal(g.Arn, `arn:aws:cloudfront::000000000000:connection-group/${g.Id}`);
    assert.match(g.RoutingEndpoint!, ROUTING_ENDPOINT);
    assert.match(out.ETag!, ETAG);
    assert.equal(g.Name, "first");
    assert.equal(g.Ipv6Enabled, true, "Ipv6Enabled defaults to true");
    assert.equal(g.Enabled, true);
    assert.equal(g.IsDefault, false);
    assert.equal(g.Status, "InProgress");
    assert.equal(g.AnycastIpListId, undefined);
    assert.deepEqual(g.Tags, { Items: [{ Key: "team", Value: "edge" }] });
    assert.equal(g.CreatedTime!.getTime(), g.LastModifiedTime!.getTime());
    const wire = await (await fetch(`${server().endpoint}/2020-05-31/connection-group/${g.Id}`)).text();
    assert.match(wire, /<ConnectionGroup xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/">/);
    assert.match(wire.match(/<CreatedTime>([^<]+)</)![1], ISO_MILLIS);
  });

  it("honours Ipv6Enabled and Enabled, and links an anycast list when IPv6 is off", async () => {
    const list = await createList();
    const { group } = await createGroup({ Ipv6Enabled: false, Enabled: false, AnycastIpListId: list.id });
    assert.equal(group.Ipv6Enabled, false);
    assert.equal(group.Enabled, false);
    assert.equal(group.AnycastIpListId, list.id);
    assert.equal(group.Tags, undefined, "no Tags element when none were sent");
  });

  it("gives each group its own routing endpoint", async () => {
    const endpoints = new Set<string>();
    for (let i = 0; i < 5; i++) endpoints.add((await createGroup()).group.RoutingEndpoint!);
    assert.equal(endpoints.size, 5);
  });

  it("refuses a taken name with EntityAlreadyExists (409)", async () => {
    await createGroup({ Name: "taken" });
    await refused(() => createGroup({ Name: "taken" }), "EntityAlreadyExists", 409);
  });

  it("refuses an empty or over-long name with InvalidArgument (400)", async () => {
    await refused(() => createGroup({ Name: "" }), "InvalidArgument", 400);
    await refused(() => createGroup({ Name: "n".repeat(129) }), "InvalidArgument", 400);
  });

  it("answers EntityNotFound (404) for an AnycastIpListId the account does not have", async () => {
    await refused(() => createGroup({ Ipv6Enabled: false, AnycastIpListId: "aip_000000000000000000000000000" }), "EntityNotFound", 404);
    const other = new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", { accessKeyId: "111111111111", secretAccessKey: "x" }));
    const theirs = await createList(other);
    await refused(() => createGroup({ Ipv6Enabled: false, AnycastIpListId: theirs.id }), "EntityNotFound", 404);
  });

  it("refuses IPv6 with an IPv4-only anycast list (InvalidArgument) and accepts it with a dualstack list", async () => {
    const v4 = await createList();
    await refused(() => createGroup({ AnycastIpListId: v4.id }), "InvalidArgument", 400);
    const dual = await createList(client(), "dualstack");
    const { group } = await createGroup({ Ipv6Enabled: true, AnycastIpListId: dual.id });
    assert.equal(group.AnycastIpListId, dual.id);
  });

  it("refuses invalid Tags with InvalidTagging (400)", async () => {
    await refused(() => createGroup({ Tags: { Items: [{ Key: "bad!", Value: "v" }] } }), "InvalidTagging", 400);
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await refused(() => createGroup({ Tags: { Items: many } }), "InvalidTagging", 400);
  });

  it("allows 5 groups per anycast list, then EntityLimitExceeded (400)", async () => {
    const list = await createList();
    for (let i = 0; i < 5; i++) await createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id });
    await refused(() => createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id }), "EntityLimitExceeded", 400);
  });

  it("allows 100 groups per account, then EntityLimitExceeded (400)", async () => {
    await Promise.all(Array.from({ length: 100 }, () => createGroup()));
    await refused(() => createGroup(), "EntityLimitExceeded", 400);
  });
});

describe("GetConnectionGroup / GetConnectionGroupByRoutingEndpoint", () => {
  it("finds a group by Id, Name, ARN (percent-encoded in the path) and routing endpoint, with the same ETag", async () => {
    const { id, etag, group } = await createGroup({ Name: "lookup" });
    for (const identifier of [id, "lookup", group.Arn!]) {
      const got = await get(identifier);
      assert.equal(got.ConnectionGroup!.Id, id, identifier);
      assert.equal(got.ETag, etag);
    }
    const raw = await fetch(`${server().endpoint}/2020-05-31/connection-group/${encodeURIComponent(group.Arn!)}`);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get("etag"), etag);
    const byEndpoint = await client().send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: group.RoutingEndpoint }));
    assert.equal(byEndpoint.ConnectionGroup!.Id, id);
    assert.equal(byEndpoint.ETag, etag);
    assert.equal(byEndpoint.ConnectionGroup!.Tags, undefined, "Get shows no Tags (ListTagsForResource does)");
  });

  it("reads InProgress after a change, then Deployed once the deploy delay has passed; the ETag stays", async () => {
    const { id, etag } = await createGroup();
    const first = await get(id);
    assert.equal(first.ConnectionGroup!.Status, "InProgress");
    await new Promise((r) => setTimeout(r, DELAY + 20));
    const later = await get(id);
    assert.equal(later.ConnectionGroup!.Status, "Deployed");
    assert.equal(later.ETag, etag, "deploying issues no new ETag");
  });

  it("answers EntityNotFound (404) for an unknown id, name, ARN, other account's group and routing endpoint", async () => {
    const { group } = await createGroup();
    const other = new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", { accessKeyId: "222222222222", secretAccessKey: "x" }));
    await refused(() => get("cg_000000000000000000000000000"), "EntityNotFound", 404);
    await refused(() => get("no-such-name"), "EntityNotFound", 404);
    await refused(() => get(group.Arn!.replace(group.Id!, "cg_000000000000000000000000000")), "EntityNotFound", 404);
    await refused(() => other.send(new GetConnectionGroupCommand({ Identifier: group.Id })), "EntityNotFound", 404);
    await refused(() => other.send(new GetConnectionGroupCommand({ Identifier: group.Arn })), "EntityNotFound", 404);
    await refused(() => client().send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: "dnothere00000.cloudfront.net" })), "EntityNotFound", 404);
    await refused(() => other.send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: group.RoutingEndpoint })), "EntityNotFound", 404);
  });
});

describe("UpdateConnectionGroup", () => {
  it("follows the seed: new ETag, InProgress, LastModifiedTime bumped; unsent members keep their value", async () => {
    const list = await createList();
    const { id, etag, group } = await createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id });
    await deployed(id);
    await new Promise((r) => setTimeout(r, 5));
    const out = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, Enabled: false }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.ETag!, ETAG);
    assert.notEqual(out.ETag, etag);
    const g = out.ConnectionGroup!;
    assert.equal(g.Status, "InProgress");
    assert.equal(g.Enabled, false);
    assert.equal(g.Ipv6Enabled, false);
    assert.equal(g.AnycastIpListId, list.id);
    assert.equal(g.Name, group.Name);
    assert.equal(g.RoutingEndpoint, group.RoutingEndpoint);
    assert.equal(g.CreatedTime!.getTime(), group.CreatedTime!.getTime());
    assert.ok(g.LastModifiedTime! > group.LastModifiedTime!);
    const got = await get(id);
    assert.equal(got.ETag, out.ETag);
    assert.equal(got.ConnectionGroup!.Status, "InProgress");
    assert.equal((await deployed(id)).ETag, out.ETag);
  });

  it("issues a new ETag even when nothing changes", async () => {
    const { id, etag } = await createGroup();
    const out = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag }));
    assert.notEqual(out.ETag, etag);
  });

  it("moves a group between anycast lists and detaches it with an empty AnycastIpListId", async () => {
    const [a, b] = [await createList(), await createList()];
    const { id, etag } = await createGroup({ Ipv6Enabled: false, AnycastIpListId: a.id });
    const moved = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, AnycastIpListId: b.id }));
    assert.equal(moved.ConnectionGroup!.AnycastIpListId, b.id);
    const byList = async (listId: string) =>
      ((await client().send(new ListConnectionGroupsCommand({ AssociationFilter: { AnycastIpListId: listId } }))).ConnectionGroups ?? []).map((g) => g.Id);
    assert.deepEqual(await byList(a.id), []);
    assert.deepEqual(await byList(b.id), [id]);
    const detached = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: moved.ETag, AnycastIpListId: "" }));
    assert.equal(detached.ConnectionGroup!.AnycastIpListId, undefined);
    assert.deepEqual(await byList(b.id), []);
    // Detached, the list can be deleted.
    const list = await client().send(new GetAnycastIpListCommand({ Id: b.id }));
    await client().send(new DeleteAnycastIpListCommand({ Id: b.id, IfMatch: list.ETag }));
  });

  it("answers InvalidIfMatchVersion (400) without If-Match and PreconditionFailed (412) for a stale one", async () => {
    const { id, etag } = await createGroup();
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: undefined, Enabled: false })), MISSING_IF_MATCH, 400);
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: " ", Enabled: false })), "InvalidIfMatchVersion", 400);
    const { ETag: current } = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag }));
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, Enabled: false })), "PreconditionFailed", 412);
    assert.equal((await get(id)).ETag, current);
  });

  it("answers EntityNotFound (404) for an unknown group or anycast list", async () => {
    const { id, etag } = await createGroup({ Ipv6Enabled: false });
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: "cg_000000000000000000000000000", IfMatch: etag })), "EntityNotFound", 404);
    await refused(
      () => client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, AnycastIpListId: "aip_000000000000000000000000000" })),
      "EntityNotFound",
      404,
    );
  });

  it("refuses enabling IPv6 on a group with an IPv4 list, and a sixth group on a list (EntityLimitExceeded)", async () => {
    const list = await createList();
    const groups: Array<{ id: string; etag: string }> = [];
    for (let i = 0; i < 5; i++) groups.push(await createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id }));
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: groups[0].id, IfMatch: groups[0].etag, Ipv6Enabled: true })), "InvalidArgument", 400);
    const sixth = await createGroup({ Ipv6Enabled: false });
    await refused(() => client().send(new UpdateConnectionGroupCommand({ Id: sixth.id, IfMatch: sixth.etag, AnycastIpListId: list.id })), "EntityLimitExceeded", 400);
    // A group already on the list can be updated: it takes no new place.
    const again = await client().send(new UpdateConnectionGroupCommand({ Id: groups[1].id, IfMatch: groups[1].etag, AnycastIpListId: list.id, Enabled: false }));
    assert.equal(again.ConnectionGroup!.Enabled, false);
  });

  it("lets exactly one of 20 racing updates with the same If-Match win", async () => {
    const { id, etag } = await createGroup();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, Enabled: i % 2 === 0 }))),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === "rejected") assert.equal((r.reason as Error).name, "PreconditionFailed");
    assert.equal((await get(id)).ETag, (won[0] as PromiseFulfilledResult<{ ETag?: string }>).value.ETag);
  });
});

describe("DeleteConnectionGroup", () => {
  it("answers ResourceNotDisabled (409) while enabled, and while the disabling is still deploying", async () => {
    const { id, etag } = await createGroup();
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: etag })), "ResourceNotDisabled", 409);
    const disabled = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: etag, Enabled: false }));
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: disabled.ETag })), "ResourceNotDisabled", 409);
    await deployed(id);
    const out = await client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: disabled.ETag }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await refused(() => get(id), "EntityNotFound", 404);
  });

  it("answers InvalidIfMatchVersion (400), PreconditionFailed (412) and EntityNotFound (404)", async () => {
    const { id, etag } = await createGroup({ Enabled: false });
    await deployed(id);
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: undefined })), MISSING_IF_MATCH, 400);
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: " " })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: "E0000000000000" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteConnectionGroupCommand({ Id: "cg_000000000000000000000000000", IfMatch: etag })), "EntityNotFound", 404);
  });

  it("frees the name, the routing endpoint, the list's place and the tags", async () => {
    const list = await createList();
    const { id, etag, group } = await createGroup({ Name: "gone", Enabled: false, Ipv6Enabled: false, AnycastIpListId: list.id, Tags: { Items: [{ Key: "k" }] } });
    await deployed(id);
    await client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: etag }));
    await refused(() => client().send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: group.RoutingEndpoint })), "EntityNotFound", 404);
    await refused(() => client().send(new ListTagsForResourceCommand({ Resource: group.Arn })), "NoSuchResource", 404);
    const state = await storeState(server().store);
    assert.deepEqual(state["cloudfront.tags"] ?? [], []);
    assert.deepEqual(state["cloudfront.anycastIpListUsage"] ?? [], []);
    const again = await createGroup({ Name: "gone" });
    assert.notEqual(again.id, id);
  });
});

describe("ListConnectionGroups", () => {
  it("pages in Id order with Marker/MaxItems; summaries carry the ETag and status", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createGroup()).id);
    ids.sort();
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client().send(new ListConnectionGroupsCommand({ MaxItems: 2, Marker: marker }));
      for (const s of page.ConnectionGroups ?? []) {
        seen.push(s.Id!);
        assert.equal(s.ETag, (await get(s.Id!)).ETag);
        assert.ok(s.Status === "InProgress" || s.Status === "Deployed");
        assert.match(s.RoutingEndpoint!, ROUTING_ENDPOINT);
        assert.equal(s.IsDefault, false);
      }
      marker = page.NextMarker;
      pages++;
    } while (marker);
    assert.deepEqual(seen, ids);
    assert.equal(pages, 3);
  });

  it("answers an empty page for no groups, and filters by AnycastIpListId", async () => {
    const empty = await client().send(new ListConnectionGroupsCommand({}));
    assert.equal(empty.ConnectionGroups, undefined);
    assert.equal(empty.NextMarker, undefined);
    const list = await createList();
    const linked = [(await createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id })).id, (await createGroup({ Ipv6Enabled: false, AnycastIpListId: list.id })).id].sort();
    await createGroup();
    const first = await client().send(new ListConnectionGroupsCommand({ AssociationFilter: { AnycastIpListId: list.id }, MaxItems: 1 }));
    assert.deepEqual(first.ConnectionGroups!.map((g) => g.Id), [linked[0]]);
    assert.equal(first.ConnectionGroups![0].AnycastIpListId, list.id);
    const second = await client().send(new ListConnectionGroupsCommand({ AssociationFilter: { AnycastIpListId: list.id }, MaxItems: 1, Marker: first.NextMarker }));
    assert.deepEqual(second.ConnectionGroups!.map((g) => g.Id), [linked[1]]);
    assert.equal(second.NextMarker, undefined);
  });

  it("answers EntityNotFound for an unknown list in the filter and InvalidArgument for MaxItems 0", async () => {
    await refused(() => client().send(new ListConnectionGroupsCommand({ AssociationFilter: { AnycastIpListId: "aip_000000000000000000000000000" } })), "EntityNotFound", 404);
    await refused(() => client().send(new ListConnectionGroupsCommand({ MaxItems: 0 })), "InvalidArgument", 400);
  });

  it("is a POST to /connection-groups with a ListConnectionGroupsRequest body", async () => {
    const { id } = await createGroup();
    const res = await fetch(`${server().endpoint}/2020-05-31/connection-groups`, {
      method: "POST",
      body: '<ListConnectionGroupsRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><MaxItems>10</MaxItems></ListConnectionGroupsRequest>',
    });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, new RegExp(`<ConnectionGroups><ConnectionGroupSummary><Id>${id}</Id>`));
  });
});

describe("Terraform-style life of a connection group", () => {
  it("creates with an anycast list, updates with If-Match, waits for Deployed, disables, waits, deletes", async () => {
    // aws_cloudfront_anycast_ip_list: create, wait for Deployed.
    const created = await client().send(new CreateAnycastIpListCommand({ Name: "tf-list", IpCount: 3 }));
    assert.equal(created.AnycastIpList!.Status, "Deploying");
    const listId = created.AnycastIpList!.Id!;
    await until(() => client().send(new GetAnycastIpListCommand({ Id: listId })), (l) => l.AnycastIpList!.Status === "Deployed");

    // aws_cloudfront_connection_group: create, wait for Deployed.
    const group = await client().send(
      new CreateConnectionGroupCommand({ Name: "tf-group", Enabled: true, Ipv6Enabled: false, AnycastIpListId: listId, Tags: { Items: [{ Key: "Name", Value: "tf-group" }] } }),
    );
    const id = group.ConnectionGroup!.Id!;
    let read = await deployed(id);
    assert.equal(read.ConnectionGroup!.AnycastIpListId, listId);
    const tags = await client().send(new ListTagsForResourceCommand({ Resource: read.ConnectionGroup!.Arn }));
    assert.deepEqual(tags.Tags!.Items, [{ Key: "Name", Value: "tf-group" }]);

    // Update: read the ETag, send the whole desired state with If-Match, wait for Deployed.
    const updated = await client().send(
      new UpdateConnectionGroupCommand({ Id: id, IfMatch: read.ETag, Enabled: true, Ipv6Enabled: false, AnycastIpListId: listId }),
    );
    assert.equal(updated.ConnectionGroup!.Status, "InProgress");
    read = await deployed(id);
    assert.equal(read.ETag, updated.ETag);

    // Destroy: disable, wait for Deployed, delete with the latest ETag.
    const disabled = await client().send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: read.ETag, Enabled: false, Ipv6Enabled: false, AnycastIpListId: listId }));
    assert.equal(disabled.ConnectionGroup!.Enabled, false);
    read = await deployed(id);
    const deleted = await client().send(new DeleteConnectionGroupCommand({ Id: id, IfMatch: read.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await refused(() => get(id), "EntityNotFound", 404);

    // The list is free again and can be destroyed.
    const list = await client().send(new GetAnycastIpListCommand({ Id: listId }));
    assert.equal((await client().send(new DeleteAnycastIpListCommand({ Id: listId, IfMatch: list.ETag }))).$metadata.httpStatusCode, 204);
  });
});
