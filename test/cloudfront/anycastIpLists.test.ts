import assert from "node:assert/strict";
import { isIP } from "node:net";
import { beforeEach, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateAnycastIpListCommand,
  type CreateAnycastIpListRequest,
  CreateConnectionGroupCommand,
  DeleteAnycastIpListCommand,
  DeleteConnectionGroupCommand,
  GetAnycastIpListCommand,
  ListAnycastIpListsCommand,
  ListDistributionsByAnycastIpListIdCommand,
  UpdateAnycastIpListCommand,
  UpdateConnectionGroupCommand,
} from "@aws-sdk/client-cloudfront";
import { clientConfig, useServer } from "../harness.js";
import { ANYCAST_LIST_ID, cloudFront, ETAG, reset, storeState, unique, until, refusal } from "./fixtures.js";

const DELAY = 150;
const server = useServer({ cloudfrontDeployDelayMs: DELAY });
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const refused = refusal(() => storeState(server().store));

async function createList(input: Partial<CreateAnycastIpListRequest> = {}) {
  const out = await client().send(new CreateAnycastIpListCommand({ Name: unique("list"), IpCount: 3, ...input }));
  return { id: out.AnycastIpList!.Id!, etag: out.ETag!, list: out.AnycastIpList!, out };
}

const get = (id: string) => client().send(new GetAnycastIpListCommand({ Id: id }));
const families = (ips: string[]) => ips.map((ip) => isIP(ip));

describe("CreateAnycastIpList", () => {
  it("creates a list: 202, aip_ id, ARN without region, Deploying, ETag, 3 IPv4 addresses", async () => {
    const { out, list } = await createList({ Name: "edge-ips" });
    assert.equal(out.$metadata.httpStatusCode, 202);
    assert.match(list.Id!, ANYCAST_LIST_ID);
    assert.equal(list.Arn, `arn:aws:cloudfront::000000000000:anycast-ip-list/${list.Id}`);
    assert.match(out.ETag!, ETAG);
    assert.equal(list.Name, "edge-ips");
    assert.equal(list.Status, "Deploying");
    assert.equal(list.IpCount, 3);
    assert.equal(list.IpAddressType, "ipv4");
    assert.deepEqual(families(list.AnycastIps!), [4, 4, 4]);
    assert.equal(new Set(list.AnycastIps).size, 3);
    const wire = await (await fetch(`${server().endpoint}/2020-05-31/anycast-ip-list/${list.Id}`)).text();
    assert.match(wire, /<AnycastIps><AnycastIp>[0-9.]+<\/AnycastIp><AnycastIp>/);
  });

  it("allocates IpCount addresses of the requested type: 21 IPv4, IPv6, both for dualstack", async () => {
    assert.deepEqual(families((await createList({ IpCount: 21 })).list.AnycastIps!), Array(21).fill(4));
    assert.deepEqual(families((await createList({ IpAddressType: "ipv6" })).list.AnycastIps!), [6, 6, 6]);
    const dual = (await createList({ IpAddressType: "dualstack" })).list;
    assert.equal(dual.IpAddressType, "dualstack");
    assert.deepEqual(families(dual.AnycastIps!), [4, 4, 4, 6, 6, 6]);
  });

  it("refuses an IpCount other than 3 or 21 with InvalidArgument (400)", async () => {
    for (const count of [0, 1, 4, 20, 22]) await refused(() => createList({ IpCount: count }), "InvalidArgument", 400);
  });

  it("refuses a name outside [a-zA-Z0-9-_]{1,64} with InvalidArgument and a taken one with EntityAlreadyExists", async () => {
    for (const name of ["", "has space", "dot.ted", "n".repeat(65)]) await refused(() => createList({ Name: name }), "InvalidArgument", 400);
    await createList({ Name: "A-z_09" });
    await refused(() => createList({ Name: "A-z_09" }), "EntityAlreadyExists", 409);
  });

  it("refuses an unknown IpAddressType and bad IPAM CIDR configs with InvalidArgument", async () => {
    await refused(() => createList({ IpAddressType: "ipv5" as never }), "InvalidArgument", 400);
    const pool = "arn:aws:ec2::111122223333:ipam-pool/ipam-pool-0123456789abcdef0";
    await refused(() => createList({ IpamCidrConfigs: [{ Cidr: "10.0.0.0/33", IpamPoolArn: pool }] }), "InvalidArgument", 400);
    await refused(() => createList({ IpamCidrConfigs: [{ Cidr: "10.0.0.0/24", IpamPoolArn: "pool" }] }), "InvalidArgument", 400);
  });

  it("echoes IPAM CIDR configs as IpamConfig", async () => {
    const pool = "arn:aws:ec2::111122223333:ipam-pool/ipam-pool-0123456789abcdef0";
    const { list } = await createList({ IpamCidrConfigs: [{ Cidr: "203.0.113.0/24", IpamPoolArn: pool }] });
    assert.equal(list.IpamConfig!.Quantity, 1);
    assert.equal(list.IpamConfig!.IpamCidrConfigs![0].Cidr, "203.0.113.0/24");
    assert.equal(list.IpamConfig!.IpamCidrConfigs![0].IpamPoolArn, pool);
  });

  it("refuses invalid Tags with InvalidTagging (400)", async () => {
    await refused(() => createList({ Tags: { Items: [{ Key: "k".repeat(129) }] } }), "InvalidTagging", 400);
  });
});

describe("GetAnycastIpList / ListAnycastIpLists", () => {
  it("reads Deploying, then Deployed after the deploy delay, with the create ETag", async () => {
    const { id, etag } = await createList();
    assert.equal((await get(id)).AnycastIpList!.Status, "Deploying");
    const done = await until(() => get(id), (l) => l.AnycastIpList!.Status === "Deployed");
    assert.equal(done.ETag, etag);
  });

  it("answers EntityNotFound (404) for an unknown id and for another account's list", async () => {
    const { id } = await createList();
    await refused(() => get("aip_000000000000000000000000000"), "EntityNotFound", 404);
    const other = new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", { accessKeyId: "333333333333", secretAccessKey: "x" }));
    await refused(() => other.send(new GetAnycastIpListCommand({ Id: id })), "EntityNotFound", 404);
  });

  it("lists in Id order with Marker, NextMarker, MaxItems, IsTruncated and Quantity; summaries carry the ETag", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createList()).id);
    ids.sort();
    const first = (await client().send(new ListAnycastIpListsCommand({ MaxItems: 2 }))).AnycastIpLists!;
    assert.equal(first.Marker, "");
    assert.equal(first.MaxItems, 2);
    assert.equal(first.Quantity, 2);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextMarker, ids[1]);
    assert.deepEqual(first.Items!.map((l) => l.Id), ids.slice(0, 2));
    assert.equal(first.Items![0].ETag, (await get(ids[0])).ETag);
    assert.equal(first.Items![0].IpCount, 3);
    const second = (await client().send(new ListAnycastIpListsCommand({ MaxItems: 2, Marker: first.NextMarker }))).AnycastIpLists!;
    assert.equal(second.Marker, ids[1]);
    assert.equal(second.IsTruncated, false);
    assert.equal(second.NextMarker, undefined);
    assert.deepEqual(second.Items!.map((l) => l.Id), [ids[2]]);
  });

  it("answers an empty collection with all its required fields", async () => {
    const empty = (await client().send(new ListAnycastIpListsCommand({}))).AnycastIpLists!;
    assert.deepEqual({ ...empty }, { Marker: "", MaxItems: 100, IsTruncated: false, Quantity: 0 });
  });

  it("ListDistributionsByAnycastIpListId answers an empty list for an existing list, EntityNotFound otherwise", async () => {
    const { id } = await createList();
    const out = await client().send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: id }));
    assert.equal(out.DistributionList!.Quantity, 0);
    assert.equal(out.DistributionList!.IsTruncated, false);
    await refused(() => client().send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: "aip_000000000000000000000000000" })), "EntityNotFound", 404);
  });
});

describe("UpdateAnycastIpList", () => {
  it("changes the address type with If-Match: new ETag, Deploying, kept addresses of the kept family", async () => {
    const { id, etag, list } = await createList();
    await until(() => get(id), (l) => l.AnycastIpList!.Status === "Deployed");
    const out = await client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: etag, IpAddressType: "dualstack" }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.notEqual(out.ETag, etag);
    assert.equal(out.AnycastIpList!.Status, "Deploying");
    assert.equal(out.AnycastIpList!.IpAddressType, "dualstack");
    assert.deepEqual(out.AnycastIpList!.AnycastIps!.slice(0, 3), list.AnycastIps);
    assert.deepEqual(families(out.AnycastIpList!.AnycastIps!), [4, 4, 4, 6, 6, 6]);
    assert.equal(out.AnycastIpList!.Name, list.Name);
    assert.equal((await get(id)).ETag, out.ETag);
  });

  it("answers the If-Match errors and EntityNotFound with the state unchanged", async () => {
    const { id, etag } = await createList();
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: " " })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: "E0000000000000" })), "PreconditionFailed", 412);
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: "aip_000000000000000000000000000", IfMatch: etag })), "EntityNotFound", 404);
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: etag, IpAddressType: "both" as never })), "InvalidArgument", 400);
  });

  it("refuses going IPv4-only while a group using the list has IPv6 enabled", async () => {
    const { id, etag } = await createList({ IpAddressType: "dualstack" });
    await client().send(new CreateConnectionGroupCommand({ Name: "v6", Ipv6Enabled: true, AnycastIpListId: id }));
    await refused(() => client().send(new UpdateAnycastIpListCommand({ Id: id, IfMatch: etag, IpAddressType: "ipv4" })), "InvalidArgument", 400);
  });
});

describe("DeleteAnycastIpList", () => {
  it("answers CannotDeleteEntityWhileInUse (409) while a connection group uses the list, then deletes (204)", async () => {
    const { id, etag } = await createList();
    const group = await client().send(new CreateConnectionGroupCommand({ Name: "user", Ipv6Enabled: false, Enabled: false, AnycastIpListId: id }));
    await refused(() => client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: etag })), "CannotDeleteEntityWhileInUse", 409);
    const gid = group.ConnectionGroup!.Id!;
    // Moving the group off the list frees it.
    const detached = await client().send(new UpdateConnectionGroupCommand({ Id: gid, IfMatch: group.ETag, AnycastIpListId: "" }));
    const out = await client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: etag }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await refused(() => get(id), "EntityNotFound", 404);
    await until(
      () => client().send(new DeleteConnectionGroupCommand({ Id: gid, IfMatch: detached.ETag })).then(() => true, () => false),
      (ok) => ok,
    );
  });

  it("answers the If-Match errors and EntityNotFound with the state unchanged, and frees the name", async () => {
    const { id, etag } = await createList({ Name: "reuse" });
    await refused(() => client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: undefined })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: " " })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: "E0000000000000" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteAnycastIpListCommand({ Id: "aip_000000000000000000000000000", IfMatch: etag })), "EntityNotFound", 404);
    await client().send(new DeleteAnycastIpListCommand({ Id: id, IfMatch: etag }));
    assert.notEqual((await createList({ Name: "reuse" })).id, id);
  });
});

describe("deploy delay 0", () => {
  const instant = useServer({ cloudfrontDeployDelayMs: 0 });
  it("answers Deploying/InProgress from create and update, and Deployed from the next read", async () => {
    const c = cloudFront(instant().endpoint);
    const list = await c.send(new CreateAnycastIpListCommand({ Name: "now", IpCount: 3 }));
    assert.equal(list.AnycastIpList!.Status, "Deploying");
    assert.equal((await c.send(new GetAnycastIpListCommand({ Id: list.AnycastIpList!.Id }))).AnycastIpList!.Status, "Deployed");
    const group = await c.send(new CreateConnectionGroupCommand({ Name: "now", Enabled: false }));
    assert.equal(group.ConnectionGroup!.Status, "InProgress");
    // Deployed at once, so a disabled group can be deleted right away.
    const deleted = await c.send(new DeleteConnectionGroupCommand({ Id: group.ConnectionGroup!.Id, IfMatch: group.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });
});
