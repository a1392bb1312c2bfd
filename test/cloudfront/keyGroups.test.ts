import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateKeyGroupCommand,
  DeleteKeyGroupCommand,
  DeletePublicKeyCommand,
  GetKeyGroupCommand,
  GetKeyGroupConfigCommand,
  GetPublicKeyCommand,
  ListDistributionsByKeyGroupCommand,
  ListKeyGroupsCommand,
  UpdateKeyGroupCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, createGroup, createKey, ETAG, reset, snapshot, UUID, refusal } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const refused = refusal(() => snapshot(client()));

const keys = async (n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await createKey(client())).id);
  return out;
};

describe("CreateKeyGroup", () => {
  it("creates a group: 201, UUID id, ETag, Location, LastModifiedTime", async () => {
    const [k1, k2] = await keys(2);
    const out = await client().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "signers", Items: [k1, k2], Comment: "two keys" } }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(out.KeyGroup!.Id!, UUID);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/key-group/${out.KeyGroup!.Id}`);
    assert.ok(out.KeyGroup!.LastModifiedTime instanceof Date);
    assert.deepEqual(out.KeyGroup!.KeyGroupConfig, { Name: "signers", Items: [k1, k2], Comment: "two keys" });
  });

  it("writes Items as <Items><PublicKey>…</PublicKey></Items> with no Quantity", async () => {
    const [k1] = await keys(1);
    const { id } = await createGroup(client(), [k1], "wire");
    const body = await (await fetch(`${server().endpoint}/2020-05-31/key-group/${id}/config`)).text();
    assert.match(body, new RegExp(`<KeyGroupConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Name>wire</Name><Items><PublicKey>${k1}</PublicKey></Items></KeyGroupConfig>$`));
  });

  it("refuses a taken name with KeyGroupAlreadyExists (409)", async () => {
    const [k1] = await keys(1);
    await createGroup(client(), [k1], "taken");
    await refused(() => createGroup(client(), [k1], "taken"), "KeyGroupAlreadyExists", 409);
  });

  it("refuses empty Items, duplicate Items and a Comment over 128 characters with InvalidArgument", async () => {
    const [k1] = await keys(1);
    await refused(() => createGroup(client(), []), "InvalidArgument", 400);
    await refused(() => createGroup(client(), [k1, k1]), "InvalidArgument", 400);
    await refused(() => createGroup(client(), [k1], "long", "c".repeat(129)), "InvalidArgument", 400);
  });

  it("answers NoSuchPublicKey (404) when Items names a key the account does not have", async () => {
    const [k1] = await keys(1);
    await refused(() => createGroup(client(), [k1, "KNOTAREALKEY00"]), "NoSuchPublicKey", 404);
  });

  it("answers TooManyPublicKeysInKeyGroup past 5 keys and TooManyKeyGroups past 10 groups", async () => {
    const ids = await keys(6);
    await refused(() => createGroup(client(), ids), "TooManyPublicKeysInKeyGroup", 400);
    for (let i = 0; i < 10; i++) await createGroup(client(), [ids[0]]);
    await refused(() => createGroup(client(), [ids[1]]), "TooManyKeyGroups", 400);
  });
});

describe("GetKeyGroup / GetKeyGroupConfig / ListDistributionsByKeyGroup", () => {
  it("return the group and its config with the create ETag; reads issue no new ETag", async () => {
    const [k1] = await keys(1);
    const { id, etag, out } = await createGroup(client(), [k1], "g", "c");
    const got = await client().send(new GetKeyGroupCommand({ Id: id }));
    assert.equal(got.ETag, etag);
    assert.deepEqual(got.KeyGroup, out.KeyGroup);
    const config = await client().send(new GetKeyGroupConfigCommand({ Id: id }));
    assert.equal(config.ETag, etag);
    assert.deepEqual(config.KeyGroupConfig, out.KeyGroup!.KeyGroupConfig);
  });

  it("answer NoSuchResource (404) for an unknown id", async () => {
    const unknown = "00000000-0000-0000-0000-000000000000";
    await refused(() => client().send(new GetKeyGroupCommand({ Id: unknown })), "NoSuchResource", 404);
    await refused(() => client().send(new GetKeyGroupConfigCommand({ Id: unknown })), "NoSuchResource", 404);
    await refused(() => client().send(new ListDistributionsByKeyGroupCommand({ KeyGroupId: unknown })), "NoSuchResource", 404);
  });

  it("ListDistributionsByKeyGroup answers an empty list for an existing group", async () => {
    const [k1] = await keys(1);
    const { id } = await createGroup(client(), [k1]);
    const out = await client().send(new ListDistributionsByKeyGroupCommand({ KeyGroupId: id }));
    assert.equal(out.DistributionIdList!.Quantity, 0);
    assert.equal(out.DistributionIdList!.IsTruncated, false);
    assert.equal(out.DistributionIdList!.MaxItems, 100);
  });
});

describe("UpdateKeyGroup", () => {
  it("follows the seed: get the group and its ETag, change Items locally, send the whole config with If-Match", async () => {
    const [k1, k2, k3] = await keys(3);
    const { id, out } = await createGroup(client(), [k1, k2], "seed", "keep me");
    const current = await client().send(new GetKeyGroupCommand({ Id: id }));
    const config = current.KeyGroup!.KeyGroupConfig!;
    config.Items = [...config.Items!.filter((k) => k !== k1), k3];
    const updated = await client().send(new UpdateKeyGroupCommand({ Id: id, IfMatch: current.ETag, KeyGroupConfig: config }));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    assert.match(updated.ETag!, ETAG);
    assert.notEqual(updated.ETag, current.ETag);
    assert.deepEqual(updated.KeyGroup!.KeyGroupConfig, { Name: "seed", Items: [k2, k3], Comment: "keep me" });
    assert.ok(updated.KeyGroup!.LastModifiedTime!.getTime() >= out.KeyGroup!.LastModifiedTime!.getTime(), "LastModifiedTime bumped");
    const after = await client().send(new GetKeyGroupCommand({ Id: id }));
    assert.equal(after.ETag, updated.ETag);
    assert.deepEqual(after.KeyGroup, updated.KeyGroup);
    // k1 left the group, so it can be deleted now; k2 is still held.
    const k1Now = await client().send(new GetPublicKeyCommand({ Id: k1 }));
    await client().send(new DeletePublicKeyCommand({ Id: k1, IfMatch: k1Now.ETag }));
  });

  it("replaces the whole config: a Comment left out is removed", async () => {
    const [k1] = await keys(1);
    const { id, etag } = await createGroup(client(), [k1], "g", "old comment");
    const updated = await client().send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: "g2", Items: [k1] } }));
    assert.deepEqual(updated.KeyGroup!.KeyGroupConfig, { Name: "g2", Items: [k1] });
    await createGroup(client(), [k1], "g"); // the old name is free again
  });

  it("answers InvalidIfMatchVersion without If-Match and PreconditionFailed with a stale ETag", async () => {
    const [k1, k2] = await keys(2);
    const { id, etag } = await createGroup(client(), [k1]);
    const config = { Name: "x", Items: [k2] };
    await refused(() => client().send(new UpdateKeyGroupCommand({ Id: id, KeyGroupConfig: config })), "InvalidIfMatchVersion", 400);
    await client().send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: config }));
    await refused(() => client().send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: "y", Items: [k1] } })), "PreconditionFailed", 412);
  });

  it("refuses a name used by another group, unknown keys, too many keys, empty Items and unknown ids", async () => {
    const ids = await keys(6);
    await createGroup(client(), [ids[0]], "other");
    const { id, etag } = await createGroup(client(), [ids[0]], "mine");
    const update = (config: { Name: string; Items: string[]; Comment?: string }, groupId = id) =>
      client().send(new UpdateKeyGroupCommand({ Id: groupId, IfMatch: etag, KeyGroupConfig: config }));
    await refused(() => update({ Name: "other", Items: [ids[0]] }), "KeyGroupAlreadyExists", 409);
    await refused(() => update({ Name: "mine", Items: ["KNOTAREALKEY00"] }), "NoSuchPublicKey", 404);
    await refused(() => update({ Name: "mine", Items: ids }), "TooManyPublicKeysInKeyGroup", 400);
    await refused(() => update({ Name: "mine", Items: [] }), "InvalidArgument", 400);
    await refused(() => update({ Name: "mine", Items: [ids[0]], Comment: "c".repeat(129) }), "InvalidArgument", 400);
    await refused(() => update({ Name: "mine", Items: [ids[0]] }, "00000000-0000-0000-0000-000000000000"), "NoSuchResource", 404);
  });

  it("is an atomic compare-and-set: of 50 concurrent updates with the same If-Match exactly one wins", async () => {
    const ids = await keys(5);
    const { id, etag } = await createGroup(client(), [ids[0]], "race");
    const c = client();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        c.send(new UpdateKeyGroupCommand({ Id: id, IfMatch: etag, KeyGroupConfig: { Name: "race", Items: [ids[i % 5]], Comment: `writer ${i}` } })),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, out: r.value }] : []));
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(won.length, 1, "exactly one update succeeds");
    for (const r of lost) {
      assert.equal(r.reason.name, "PreconditionFailed");
      assert.equal(r.reason.$metadata.httpStatusCode, 412);
    }
    const stored = await c.send(new GetKeyGroupCommand({ Id: id }));
    assert.equal(stored.ETag, won[0].out.ETag);
    assert.equal(stored.KeyGroup!.KeyGroupConfig!.Comment, `writer ${won[0].i}`);
    assert.deepEqual(stored.KeyGroup!.KeyGroupConfig!.Items, [ids[won[0].i % 5]]);
  });
});

describe("DeleteKeyGroup", () => {
  it("deletes with the current ETag (204) and releases its keys and name", async () => {
    const [k1] = await keys(1);
    const { id, etag } = await createGroup(client(), [k1], "bye");
    const out = await client().send(new DeleteKeyGroupCommand({ Id: id, IfMatch: etag }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetKeyGroupCommand({ Id: id })), "NoSuchResource", 404);
    const key = await client().send(new GetPublicKeyCommand({ Id: k1 }));
    await client().send(new DeletePublicKeyCommand({ Id: k1, IfMatch: key.ETag }));
  });

  it("needs If-Match, the current ETag and an existing id", async () => {
    const [k1] = await keys(1);
    const { id, etag } = await createGroup(client(), [k1]);
    await refused(() => client().send(new DeleteKeyGroupCommand({ Id: id })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeleteKeyGroupCommand({ Id: id, IfMatch: "E0000000000000" })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteKeyGroupCommand({ Id: "00000000-0000-0000-0000-000000000000", IfMatch: etag })), "NoSuchResource", 404);
  });
});

describe("ListKeyGroups", () => {
  it("answers an empty account with Quantity 0 and no Items", async () => {
    const list = (await client().send(new ListKeyGroupsCommand({}))).KeyGroupList!;
    assert.equal(list.Quantity, 0);
    assert.equal(list.MaxItems, 100);
    assert.equal(list.Items, undefined);
  });

  it("pages with Marker / MaxItems / NextMarker and never skips or repeats a group when others are inserted", async () => {
    const [k1] = await keys(1);
    const created = new Set<string>();
    for (let i = 0; i < 6; i++) created.add((await createGroup(client(), [k1])).id);
    const seen: string[] = [];
    let marker: string | undefined;
    let first = true;
    do {
      const page = (await client().send(new ListKeyGroupsCommand({ Marker: marker, MaxItems: 4 }))).KeyGroupList!;
      assert.equal(page.Quantity, page.Items?.length ?? 0);
      assert.ok(page.Quantity! <= 4);
      seen.push(...(page.Items ?? []).map((s) => s.KeyGroup!.Id!));
      if (first) for (let i = 0; i < 3; i++) await createGroup(client(), [k1]);
      first = false;
      marker = page.NextMarker;
    } while (marker);
    assert.equal(new Set(seen).size, seen.length);
    for (const id of created) assert.ok(seen.includes(id));
    assert.deepEqual(seen, [...seen].sort());
  });
});
