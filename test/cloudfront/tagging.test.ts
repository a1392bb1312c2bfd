import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateAnycastIpListCommand,
  CreateConnectionGroupCommand,
  ListTagsForResourceCommand,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudfront";
import { taggable } from "../../src/services/cloudfront/tagging.js";
import { clientConfig, useServer } from "../harness.js";
import { cloudFront, createGroup as createKeyGroup, createKey, reset, storeState, unique, refusal } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const refused = refusal(() => storeState(server().store));

const groupArn = async (tags?: Tag[]) =>
  (await client().send(new CreateConnectionGroupCommand({ Name: unique("cg"), Tags: tags ? { Items: tags } : undefined }))).ConnectionGroup!.Arn!;
const listArn = async (tags?: Tag[]) =>
  (await client().send(new CreateAnycastIpListCommand({ Name: unique("l"), IpCount: 3, Tags: tags ? { Items: tags } : undefined }))).AnycastIpList!.Arn!;

const tag = (Resource: string, items: Tag[]) => client().send(new TagResourceCommand({ Resource, Tags: { Items: items } }));
const untag = (Resource: string, keys: string[]) => client().send(new UntagResourceCommand({ Resource, TagKeys: { Items: keys } }));
const tagsOf = async (Resource: string) => (await client().send(new ListTagsForResourceCommand({ Resource }))).Tags!.Items ?? [];

describe("TagResource / UntagResource / ListTagsForResource", () => {
  for (const [kind, arnOf] of [["connection group", groupArn], ["anycast IP list", listArn]] as const) {
    it(`tags, retags and untags a ${kind}: 204s, overwrite in place, absent key ignored`, async () => {
      const arn = await arnOf([{ Key: "env", Value: "dev" }]);
      assert.deepEqual(await tagsOf(arn), [{ Key: "env", Value: "dev" }]);
      const tagged = await tag(arn, [{ Key: "team", Value: "edge" }, { Key: "env", Value: "prod" }]);
      assert.equal(tagged.$metadata.httpStatusCode, 204);
      assert.deepEqual(await tagsOf(arn), [{ Key: "env", Value: "prod" }, { Key: "team", Value: "edge" }]);
      const untagged = await untag(arn, ["env", "never-set"]);
      assert.equal(untagged.$metadata.httpStatusCode, 204);
      assert.deepEqual(await tagsOf(arn), [{ Key: "team", Value: "edge" }]);
      await untag(arn, ["team"]);
      assert.deepEqual(await tagsOf(arn), []);
    });
  }

  it("takes an empty Tags or TagKeys as a no-op (204, nothing stored)", async () => {
    const arn = await groupArn();
    const before = await storeState(server().store);
    assert.equal((await client().send(new TagResourceCommand({ Resource: arn, Tags: {} }))).$metadata.httpStatusCode, 204);
    assert.equal((await client().send(new UntagResourceCommand({ Resource: arn, TagKeys: {} }))).$metadata.httpStatusCode, 204);
    assert.deepEqual(await storeState(server().store), before);
    assert.deepEqual(await tagsOf(arn), []);
  });

  it("accepts the model's character set (letters of any script, numbers, spaces, _ . : / = + - @), 128-char keys, 256-char values and empty values", async () => {
    const arn = await groupArn();
    const items = [
      { Key: "Ünïcode 名前", Value: "värde 値" },
      { Key: "a_b.c:d/e=f+g-h@i", Value: "" },
      { Key: "k".repeat(128), Value: "v".repeat(256) },
      { Key: "no-value" },
    ];
    await tag(arn, items);
    assert.deepEqual(await tagsOf(arn), items);
  });

  it("goes up to 50 tags; one more is InvalidTagging (400), on TagResource as on create", async () => {
    const arn = await groupArn();
    await tag(arn, Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" })));
    await refused(() => tag(arn, [{ Key: "one-more", Value: "v" }]), "InvalidTagging", 400);
    // Overwriting an existing key adds none.
    await tag(arn, [{ Key: "k0", Value: "new" }]);
    assert.equal((await tagsOf(arn)).length, 50);
    await refused(() => listArn(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` }))), "InvalidTagging", 400);
  });

  it("refuses keys and values outside the rules with InvalidTagging (400)", async () => {
    const arn = await groupArn([{ Key: "keep", Value: "me" }]);
    for (const items of [
      [{ Key: "" }],
      [{ Key: "k".repeat(129) }],
      [{ Key: "bad!" }],
      [{ Key: "ok", Value: "v".repeat(257) }],
      [{ Key: "ok", Value: "semi;colon" }],
      [{ Key: "dup", Value: "1" }, { Key: "dup", Value: "2" }],
    ]) {
      await refused(() => tag(arn, items), "InvalidTagging", 400);
    }
    await refused(() => untag(arn, ["bad#key"]), "InvalidTagging", 400);
    assert.deepEqual(await tagsOf(arn), [{ Key: "keep", Value: "me" }]);
  });

  it("answers InvalidArgument (400) for a malformed ARN", async () => {
    for (const arn of ["not-an-arn", "arn:aws:s3:::bucket", "arn:aws:cloudfront:us-east-1:000000000000:connection-group/x", "arn:aws:cloudfront::acct:connection-group/x"]) {
      await refused(() => client().send(new ListTagsForResourceCommand({ Resource: arn })), "InvalidArgument", 400);
      await refused(() => tag(arn, [{ Key: "k" }]), "InvalidArgument", 400);
      await refused(() => untag(arn, ["k"]), "InvalidArgument", 400);
    }
  });

  it("answers NoSuchResource (404) for an ARN that names nothing taggable of the caller's account", async () => {
    const arn = await groupArn();
    const key = await createKey(client());
    const keyGroup = await createKeyGroup(client(), [key.id]);
    for (const missing of [
      arn.replace(/cg_\w+$/, "cg_000000000000000000000000000"),
      arn.replace("000000000000", "444444444444"),
      arn.replace("arn:aws:", "arn:aws-cn:"),
      "arn:aws:cloudfront::000000000000:anycast-ip-list/aip_000000000000000000000000000",
      "arn:aws:cloudfront::000000000000:distribution/E1EXAMPLE",
      `arn:aws:cloudfront::000000000000:key-group/${keyGroup.id}`,
      "arn:aws:cloudfront::000000000000:connection-group",
    ]) {
      await refused(() => client().send(new ListTagsForResourceCommand({ Resource: missing })), "NoSuchResource", 404);
      await refused(() => tag(missing, [{ Key: "k" }]), "NoSuchResource", 404);
      await refused(() => untag(missing, ["k"]), "NoSuchResource", 404);
    }
    const other = new CloudFrontClient(clientConfig(server().endpoint, "us-east-1", { accessKeyId: "444444444444", secretAccessKey: "x" }));
    await refused(() => other.send(new ListTagsForResourceCommand({ Resource: arn })), "NoSuchResource", 404);
  });

  it("dispatches on the Operation query value, on the wire", async () => {
    const arn = await groupArn();
    const ns = 'xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"';
    const at = (q: string) => `${server().endpoint}/2020-05-31/tagging?${q}&Resource=${encodeURIComponent(arn)}`;
    const tagged = await fetch(at("Operation=Tag"), { method: "POST", body: `<Tags ${ns}><Items><Tag><Key>a</Key><Value>1</Value></Tag></Items></Tags>` });
    assert.equal(tagged.status, 204);
    assert.equal(await tagged.text(), "");
    const listed = await fetch(at("x=1"));
    assert.equal(listed.status, 200);
    assert.match(await listed.text(), new RegExp(`<Tags ${ns}><Items><Tag><Key>a</Key><Value>1</Value></Tag></Items></Tags>$`));
    const untagged = await fetch(at("Operation=Untag"), { method: "POST", body: `<TagKeys ${ns}><Items><Key>a</Key></Items></TagKeys>` });
    assert.equal(untagged.status, 204);
    assert.deepEqual(await tagsOf(arn), []);
  });

  it("tags any kind registered with taggable(): the mechanism is not tied to the two families", async () => {
    // A kind registered in this process (the server runs in it): resources named `demo/<id>`
    // exist when the id starts with "yes".
    taggable({ type: "demo-kind", exists: async (_tx, _account, id) => id.startsWith("yes") });
    const arn = "arn:aws:cloudfront::000000000000:demo-kind/yes-1";
    await tag(arn, [{ Key: "plugged", Value: "in" }]);
    assert.deepEqual(await tagsOf(arn), [{ Key: "plugged", Value: "in" }]);
    await refused(() => tag("arn:aws:cloudfront::000000000000:demo-kind/no-1", [{ Key: "k" }]), "NoSuchResource", 404);
  });
});
