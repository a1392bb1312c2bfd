import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListUsersCommand,
  paginateListGroups,
  PutGroupPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient, policyDoc, reset, walk } from "./helpers.js";

// Quotas raised so one user, group or set of keys can hold enough items for several pages.
const server = useServer({ quotas: { "iam.GroupsPerUser": 100, "iam.PoliciesPerGroup": 100, "iam.AccessKeysPerUser": 100 } });
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const N = 23;
const names = (prefix: string, n = N) => Array.from({ length: n }, (_, i) => `${prefix}-${String((i * 7) % n).padStart(2, "0")}`);
const sorted = (xs: string[]) => [...xs].sort();

/** Walks a listing at several page sizes; every walk gives exactly `expected`, in order, no repeats. */
async function checkWalks(expected: string[], list: (marker: string | undefined, maxItems: number | undefined) => Promise<{ items: string[]; IsTruncated?: boolean; Marker?: string }>) {
  for (const maxItems of [1, 2, 5, N - 1, N, N + 1, undefined]) {
    const { all, sizes } = await walk((marker) => list(marker, maxItems));
    assert.deepEqual(all, expected, `walk with MaxItems ${maxItems}`);
    assert.equal(new Set(all).size, all.length, "no duplicates");
    if (maxItems !== undefined) assert.ok(sizes.every((s) => s <= maxItems), "no page over MaxItems");
    const pages = maxItems === undefined ? 1 : Math.max(1, Math.ceil(expected.length / maxItems));
    assert.equal(sizes.length, pages, `page count with MaxItems ${maxItems}`);
  }
  const first = await list(undefined, 1);
  assert.equal(first.IsTruncated, expected.length > 1);
}

describe("pagination with Marker / MaxItems / IsTruncated", () => {
  it("ListGroups walks every group once, in name order, at any page size; PathPrefix applies across pages", async () => {
    await reset(server().endpoint);
    const groups = names("grp");
    for (const [i, GroupName] of groups.entries()) {
      await iam().send(new CreateGroupCommand({ GroupName, Path: i % 3 === 0 ? "/third/" : "/" }));
    }
    await checkWalks(sorted(groups), async (Marker, MaxItems) => {
      const out = await iam().send(new ListGroupsCommand({ Marker, MaxItems }));
      return { items: out.Groups!.map((g) => g.GroupName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    const thirds = sorted(groups.filter((_, i) => i % 3 === 0));
    const { all } = await walk(async (Marker) => {
      const out = await iam().send(new ListGroupsCommand({ Marker, MaxItems: 2, PathPrefix: "/third/" }));
      return { items: out.Groups!.map((g) => g.GroupName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    assert.deepEqual(all, thirds);
    // The SDK's own paginator follows the same markers.
    const viaPaginator: string[] = [];
    for await (const page of paginateListGroups({ client: iam(), pageSize: 4 }, {})) viaPaginator.push(...page.Groups!.map((g) => g.GroupName!));
    assert.deepEqual(viaPaginator, sorted(groups));
  });

  it("ListGroups neither skips nor repeats when groups are created or deleted between pages", async () => {
    await reset(server().endpoint);
    for (const GroupName of ["b", "d", "f", "h", "j"]) await iam().send(new CreateGroupCommand({ GroupName }));
    const page1 = await iam().send(new ListGroupsCommand({ MaxItems: 2 }));
    assert.deepEqual(page1.Groups!.map((g) => g.GroupName), ["b", "d"]);
    assert.equal(page1.IsTruncated, true);
    // Before the marker (not seen), right after it (seen), at the end (seen); one unseen group deleted.
    for (const GroupName of ["a", "c", "e", "k"]) await iam().send(new CreateGroupCommand({ GroupName }));
    await iam().send(new DeleteGroupCommand({ GroupName: "h" }));
    const rest = await walk(async (Marker) => {
      const out = await iam().send(new ListGroupsCommand({ Marker: Marker ?? page1.Marker, MaxItems: 2 }));
      return { items: out.Groups!.map((g) => g.GroupName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    assert.deepEqual(rest.all, ["e", "f", "j", "k"]);
    // Deleting the very group the marker points at does not break the walk.
    const page = await iam().send(new ListGroupsCommand({ MaxItems: 3 }));
    assert.deepEqual(page.Groups!.map((g) => g.GroupName), ["a", "b", "c"]);
    await iam().send(new DeleteGroupCommand({ GroupName: "c" }));
    const next = await iam().send(new ListGroupsCommand({ Marker: page.Marker, MaxItems: 3 }));
    assert.deepEqual(next.Groups!.map((g) => g.GroupName), ["d", "e", "f"]);
  });

  it("ListUsers walks every user once, in name order", async () => {
    const users = names("usr");
    for (const UserName of users) await iam().send(new CreateUserCommand({ UserName }));
    await checkWalks(sorted(users), async (Marker, MaxItems) => {
      const out = await iam().send(new ListUsersCommand({ Marker, MaxItems }));
      return { items: out.Users!.map((u) => u.UserName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
  });

  it("GetGroup pages its Users and repeats the Group on every page", async () => {
    await iam().send(new CreateGroupCommand({ GroupName: "big-group" }));
    const users = names("member");
    for (const UserName of users) {
      await iam().send(new CreateUserCommand({ UserName }));
      await iam().send(new AddUserToGroupCommand({ GroupName: "big-group", UserName }));
    }
    await checkWalks(sorted(users), async (Marker, MaxItems) => {
      const out = await iam().send(new GetGroupCommand({ GroupName: "big-group", Marker, MaxItems }));
      assert.equal(out.Group!.GroupName, "big-group");
      return { items: out.Users!.map((u) => u.UserName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    // A member added between pages after the marker shows up; one before it does not.
    const page1 = await iam().send(new GetGroupCommand({ GroupName: "big-group", MaxItems: 5 }));
    for (const UserName of ["member-00a", "member-99"]) {
      await iam().send(new CreateUserCommand({ UserName }));
      await iam().send(new AddUserToGroupCommand({ GroupName: "big-group", UserName }));
    }
    const rest = await walk(async (Marker) => {
      const out = await iam().send(new GetGroupCommand({ GroupName: "big-group", Marker: Marker ?? page1.Marker, MaxItems: 7 }));
      return { items: out.Users!.map((u) => u.UserName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    assert.deepEqual([...page1.Users!.map((u) => u.UserName!), ...rest.all], [...sorted(users), "member-99"]);
  });

  it("ListGroupsForUser walks every group of the user once, in name order", async () => {
    await iam().send(new CreateUserCommand({ UserName: "joiner" }));
    const groups = names("joined");
    for (const GroupName of groups) {
      await iam().send(new CreateGroupCommand({ GroupName }));
      await iam().send(new AddUserToGroupCommand({ GroupName, UserName: "joiner" }));
    }
    await checkWalks(sorted(groups), async (Marker, MaxItems) => {
      const out = await iam().send(new ListGroupsForUserCommand({ UserName: "joiner", Marker, MaxItems }));
      return { items: out.Groups!.map((g) => g.GroupName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
  });

  it("ListGroupPolicies walks every inline policy name once, in order", async () => {
    await iam().send(new CreateGroupCommand({ GroupName: "inline-holder" }));
    const policies = names("inline");
    for (const PolicyName of policies) {
      await iam().send(new PutGroupPolicyCommand({ GroupName: "inline-holder", PolicyName, PolicyDocument: policyDoc() }));
    }
    await checkWalks(sorted(policies), async (Marker, MaxItems) => {
      const out = await iam().send(new ListGroupPoliciesCommand({ GroupName: "inline-holder", Marker, MaxItems }));
      return { items: out.PolicyNames!, IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
  });

  it("ListPolicies and ListAttachedGroupPolicies walk every policy once, in name order", async () => {
    await iam().send(new CreateGroupCommand({ GroupName: "attach-holder" }));
    const policies = names("managed");
    for (const PolicyName of policies) {
      const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName, PolicyDocument: policyDoc() }));
      await iam().send(new AttachGroupPolicyCommand({ GroupName: "attach-holder", PolicyArn: Policy!.Arn }));
    }
    await checkWalks(sorted(policies), async (Marker, MaxItems) => {
      const out = await iam().send(new ListPoliciesCommand({ Scope: "Local", Marker, MaxItems }));
      return { items: out.Policies!.map((p) => p.PolicyName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
    await checkWalks(sorted(policies), async (Marker, MaxItems) => {
      const out = await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: "attach-holder", Marker, MaxItems }));
      return { items: out.AttachedPolicies!.map((p) => p.PolicyName!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
  });

  it("ListAccessKeys walks every key of the user once", async () => {
    await iam().send(new CreateUserCommand({ UserName: "many-keys" }));
    const keys: string[] = [];
    for (let i = 0; i < N; i++) keys.push((await iam().send(new CreateAccessKeyCommand({ UserName: "many-keys" }))).AccessKey!.AccessKeyId!);
    await checkWalks(sorted(keys), async (Marker, MaxItems) => {
      const out = await iam().send(new ListAccessKeysCommand({ UserName: "many-keys", Marker, MaxItems }));
      assert.ok(out.AccessKeyMetadata!.every((k) => k.UserName === "many-keys"));
      return { items: out.AccessKeyMetadata!.map((k) => k.AccessKeyId!), IsTruncated: out.IsTruncated, Marker: out.Marker };
    });
  });

  it("answers ValidationError (400) for a Marker another listing issued (iam-sts §12, as ListVirtualMFADevices answers), and for MaxItems 0 or 1001", async () => {
    const users = await iam().send(new ListUsersCommand({ MaxItems: 1 }));
    assert.equal(users.IsTruncated, true);
    await expectError(iam().send(new ListGroupsCommand({ Marker: users.Marker })), "ValidationError", 400, "Invalid Marker.");
    await expectError(iam().send(new ListGroupsCommand({ Marker: "not-a-marker" })), "ValidationError", 400, "Invalid Marker.");
    const listings: [string, Promise<unknown>, Promise<unknown>][] = [
      ["ListUsers", iam().send(new ListUsersCommand({ MaxItems: 0 })), iam().send(new ListUsersCommand({ MaxItems: 1001 }))],
      ["ListGroupsForUser", iam().send(new ListGroupsForUserCommand({ UserName: "joiner", MaxItems: 0 })), iam().send(new ListGroupsForUserCommand({ UserName: "joiner", MaxItems: 1001 }))],
      ["ListGroupPolicies", iam().send(new ListGroupPoliciesCommand({ GroupName: "inline-holder", MaxItems: 0 })), iam().send(new ListGroupPoliciesCommand({ GroupName: "inline-holder", MaxItems: 1001 }))],
      ["ListAttachedGroupPolicies", iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: "attach-holder", MaxItems: 0 })), iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: "attach-holder", MaxItems: 1001 }))],
      ["ListPolicies", iam().send(new ListPoliciesCommand({ MaxItems: 0 })), iam().send(new ListPoliciesCommand({ MaxItems: 1001 }))],
      ["ListAccessKeys", iam().send(new ListAccessKeysCommand({ UserName: "many-keys", MaxItems: 0 })), iam().send(new ListAccessKeysCommand({ UserName: "many-keys", MaxItems: 1001 }))],
    ];
    for (const [, zero, tooMany] of listings) {
      await expectError(zero, "ValidationError", 400, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
      await expectError(tooMany, "ValidationError", 400, "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000");
    }
  });

  it("defaults MaxItems to 100", async () => {
    await reset(server().endpoint);
    for (let i = 0; i < 101; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, 101 - i) }, (_, j) => iam().send(new CreateUserCommand({ UserName: `default-${String(i + j).padStart(3, "0")}` }))));
    }
    const first = await iam().send(new ListUsersCommand({}));
    assert.equal(first.Users!.length, 100);
    assert.equal(first.IsTruncated, true);
    const second = await iam().send(new ListUsersCommand({ Marker: first.Marker }));
    assert.deepEqual(second.Users!.map((u) => u.UserName), ["default-100"]);
    assert.equal(second.IsTruncated, false);
    assert.equal(second.Marker, undefined);
  });
});
