import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
  ListInstanceProfileTagsCommand,
  ListPolicyTagsCommand,
  ListRoleTagsCommand,
  ListUserTagsCommand,
  TagInstanceProfileCommand,
  TagPolicyCommand,
  TagRoleCommand,
  TagUserCommand,
  UntagInstanceProfileCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
  UntagUserCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique, validation } from "./helpers.js";
import { trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

/** One taggable kind as the tests drive it: create, tag, untag, list, and read its tags back. */
interface Kind {
  name: string;
  create(tags?: Array<{ Key: string; Value: string }>): Promise<string>;
  tag(id: string, tags: Array<{ Key: string; Value: string }>): Promise<unknown>;
  untag(id: string, keys: string[]): Promise<unknown>;
  list(id: string, marker?: string, maxItems?: number): Promise<{ Tags?: Array<{ Key?: string; Value?: string }>; IsTruncated?: boolean; Marker?: string }>;
  /** The tags as the kind's Get returns them (undefined when none). */
  read(id: string): Promise<Array<{ Key?: string; Value?: string }> | undefined>;
  missing: { id: string; code: string; message: string };
}

const userKind = (iam: () => IAMClient): Kind => ({
  name: "user",
  create: async (Tags) => {
    const name = unique("tagged");
    await iam().send(new CreateUserCommand({ UserName: name, Tags }));
    return name;
  },
  tag: (id, Tags) => iam().send(new TagUserCommand({ UserName: id, Tags })),
  untag: (id, TagKeys) => iam().send(new UntagUserCommand({ UserName: id, TagKeys })),
  list: (id, Marker, MaxItems) => iam().send(new ListUserTagsCommand({ UserName: id, Marker, MaxItems })),
  read: async (id) => (await iam().send(new GetUserCommand({ UserName: id }))).User!.Tags,
  missing: { id: "nobody", code: "NoSuchEntity", message: "The user with name nobody cannot be found." },
});

/** The rules of §6, the same for every kind. */
function tagRules(kind: () => Kind) {
  describe(`tags of a ${kind().name}`, () => {
    it("tags, overwrites a key in any case keeping the newest case, lists sorted by key", async () => {
      const id = await kind().create([{ Key: "team", Value: "a" }]);
      await kind().tag(id, [{ Key: "Zeta", Value: "z" }, { Key: "TEAM", Value: "b" }, { Key: "alpha", Value: "" }]);
      assert.deepEqual(await kind().read(id), [{ Key: "TEAM", Value: "b" }, { Key: "Zeta", Value: "z" }, { Key: "alpha", Value: "" }]);
      const listed = await kind().list(id);
      assert.deepEqual(listed.Tags, [{ Key: "alpha", Value: "" }, { Key: "TEAM", Value: "b" }, { Key: "Zeta", Value: "z" }]);
      assert.equal(listed.IsTruncated, false);
      assert.equal(listed.Marker, undefined);
    });

    it("untags keys in any case, ignores keys not present, and the entity then has no Tags", async () => {
      const id = await kind().create([{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }]);
      await kind().untag(id, ["A", "nothere"]);
      assert.deepEqual((await kind().list(id)).Tags, [{ Key: "b", Value: "2" }]);
      await kind().untag(id, ["b"]);
      assert.deepEqual((await kind().list(id)).Tags, []);
      assert.equal(await kind().read(id), undefined);
    });

    it("pages ListXTags with Marker/MaxItems", async () => {
      const tags = Array.from({ length: 5 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
      const id = await kind().create(tags);
      const first = await kind().list(id, undefined, 2);
      assert.deepEqual(first.Tags, tags.slice(0, 2));
      assert.equal(first.IsTruncated, true);
      const second = await kind().list(id, first.Marker, 10);
      assert.deepEqual(second.Tags, tags.slice(2));
      assert.equal(second.IsTruncated, false);
      await expectError(kind().list(id, "bogus"), "ValidationError", 400, "Invalid Marker.");
    });

    it("refuses more than 50 in all (LimitExceeded 409) and changes nothing", async () => {
      const id = await kind().create(Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: "" })));
      await expectError(kind().tag(id, [{ Key: "x", Value: "" }, { Key: "y", Value: "" }]), "LimitExceeded", 409, "The number of tags has reached the maximum limit.");
      assert.equal((await kind().read(id))!.length, 49);
      await kind().tag(id, [{ Key: "K0", Value: "replaced" }, { Key: "x", Value: "" }]);
      assert.equal((await kind().read(id))!.length, 50);
    });

    it("refuses more than 50 in one request with ValidationError", async () => {
      const id = await kind().create();
      const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "" }));
      await expectError(kind().tag(id, many), "ValidationError", 400, /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/);
      assert.equal(await kind().read(id), undefined);
    });

    it("refuses keys differing only in case, the aws: prefix, bad keys and values, all or nothing", async () => {
      const id = await kind().create([{ Key: "keep", Value: "1" }]);
      const before = await kind().read(id);
      await expectError(kind().tag(id, [{ Key: "new", Value: "" }, { Key: "Dup", Value: "1" }, { Key: "dup", Value: "2" }]), "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      await expectError(kind().tag(id, [{ Key: "AWS:x", Value: "1" }]), "InvalidInput", 400, "Tag keys starting with 'aws:' are reserved for internal use.");
      await expectError(kind().untag(id, ["aws:x"]), "InvalidInput", 400);
      await expectError(kind().tag(id, [{ Key: "a#", Value: "1" }]), "ValidationError", 400,
        validation("a#", "tags.1.member.key", "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"));
      await expectError(kind().tag(id, [{ Key: "k".repeat(129), Value: "1" }]), "ValidationError", 400,
        validation("k".repeat(129), "tags.1.member.key", "Member must have length less than or equal to 128"));
      await expectError(kind().tag(id, [{ Key: "k", Value: "v".repeat(257) }]), "ValidationError", 400,
        validation("v".repeat(257), "tags.1.member.value", "Member must have length less than or equal to 256"));
      await expectError(kind().untag(id, ["k".repeat(129)]), "ValidationError", 400,
        validation("k".repeat(129), "tagKeys.1.member", "Member must have length less than or equal to 128"));
      assert.deepEqual(await kind().read(id), before);
    });

    it("answers the kind's NoSuchEntity for an unknown entity", async () => {
      const { id, code, message } = kind().missing;
      await expectError(kind().tag(id, [{ Key: "a", Value: "b" }]), code, 404, message);
      await expectError(kind().untag(id, ["a"]), code, 404, message);
      await expectError(kind().list(id), code, 404, message);
    });
  });
}

const roleKind = (): Kind => ({
  name: "role",
  create: async (Tags) => {
    const name = unique("taggedRole");
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(), Tags }));
    return name;
  },
  tag: (id, Tags) => iam().send(new TagRoleCommand({ RoleName: id, Tags })),
  untag: (id, TagKeys) => iam().send(new UntagRoleCommand({ RoleName: id, TagKeys })),
  list: (id, Marker, MaxItems) => iam().send(new ListRoleTagsCommand({ RoleName: id, Marker, MaxItems })),
  read: async (id) => (await iam().send(new GetRoleCommand({ RoleName: id }))).Role!.Tags,
  missing: { id: "nobody", code: "NoSuchEntity", message: "The role with name nobody cannot be found." },
});

/** GetPolicy always carries Tags (an empty list when none): read maps [] to undefined like the others. */
const policyKind = (): Kind => ({
  name: "policy",
  create: async (Tags) => (await iam().send(new CreatePolicyCommand({ PolicyName: unique("taggedPolicy"), PolicyDocument: policyDoc(), Tags }))).Policy!.Arn!,
  tag: (id, Tags) => iam().send(new TagPolicyCommand({ PolicyArn: id, Tags })),
  untag: (id, TagKeys) => iam().send(new UntagPolicyCommand({ PolicyArn: id, TagKeys })),
  list: (id, Marker, MaxItems) => iam().send(new ListPolicyTagsCommand({ PolicyArn: id, Marker, MaxItems })),
  read: async (id) => {
    const tags = (await iam().send(new GetPolicyCommand({ PolicyArn: id }))).Policy!.Tags!;
    return tags.length ? tags : undefined;
  },
  missing: {
    id: `arn:aws:iam::${ACCOUNT}:policy/nobody`,
    code: "NoSuchEntity",
    message: `Policy arn:aws:iam::${ACCOUNT}:policy/nobody does not exist or is not attachable.`,
  },
});

const profileKind = (): Kind => ({
  name: "instance profile",
  create: async (Tags) => {
    const name = unique("taggedProfile");
    await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags }));
    return name;
  },
  tag: (id, Tags) => iam().send(new TagInstanceProfileCommand({ InstanceProfileName: id, Tags })),
  untag: (id, TagKeys) => iam().send(new UntagInstanceProfileCommand({ InstanceProfileName: id, TagKeys })),
  list: (id, Marker, MaxItems) => iam().send(new ListInstanceProfileTagsCommand({ InstanceProfileName: id, Marker, MaxItems })),
  read: async (id) => (await iam().send(new GetInstanceProfileCommand({ InstanceProfileName: id }))).InstanceProfile!.Tags,
  missing: { id: "nobody", code: "NoSuchEntity", message: "Instance Profile nobody cannot be found." },
});

tagRules(() => userKind(iam));
tagRules(roleKind);
tagRules(policyKind);
tagRules(profileKind);
