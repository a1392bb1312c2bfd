import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  GetInstanceProfileCommand,
  type IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  RemoveRoleFromInstanceProfileCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique, validation } from "./helpers.js";
import { PROFILE_ID, roleState, trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const newRole = async () => (await iam().send(new CreateRoleCommand({ RoleName: unique("iprole"), AssumeRolePolicyDocument: trust(), Tags: [{ Key: "t", Value: "v" }] }))).Role!;
const newProfile = async (Path?: string) =>
  (await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: unique("profile"), Path }))).InstanceProfile!;
const getProfile = async (InstanceProfileName: string) => (await iam().send(new GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile!;

describe("instance profiles", () => {
  it("creates a profile with an AIPA id, AWS's ARN and no roles; tags only when given", async () => {
    const name = unique("web");
    const { InstanceProfile } = await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: "/app/", Tags: [{ Key: "a", Value: "b" }] }));
    assert.match(InstanceProfile!.InstanceProfileId!, PROFILE_ID);
    assert.equal(InstanceProfile!.Arn, `arn:aws:iam::${ACCOUNT}:instance-profile/app/${name}`);
    assert.deepEqual(InstanceProfile!.Roles, []);
    assert.deepEqual(InstanceProfile!.Tags, [{ Key: "a", Value: "b" }]);
    assert.deepEqual(await getProfile(name), InstanceProfile);
    assert.equal((await newProfile()).Tags, undefined);
  });

  it("holds one role at most, shown as ListRoles shows it; ListInstanceProfilesForRole lists every profile of a role", async () => {
    const role = await newRole();
    const [p1, p2] = [await newProfile(), await newProfile("/x/")];
    await iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p1.InstanceProfileName, RoleName: role.RoleName }));
    await iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p2.InstanceProfileName, RoleName: role.RoleName }));
    const got = await getProfile(p1.InstanceProfileName!);
    assert.equal(got.Roles!.length, 1);
    assert.equal(got.Roles![0].RoleName, role.RoleName);
    assert.equal(got.Roles![0].Arn, role.Arn);
    assert.ok(got.Roles![0].AssumeRolePolicyDocument);
    assert.equal(got.Roles![0].Tags, undefined);
    assert.equal(got.Roles![0].RoleLastUsed, undefined);
    const forRole = await iam().send(new ListInstanceProfilesForRoleCommand({ RoleName: role.RoleName }));
    assert.deepEqual(forRole.InstanceProfiles!.map((p) => p.InstanceProfileName).sort(), [p1.InstanceProfileName, p2.InstanceProfileName].sort());
    const listed = (await iam().send(new ListInstanceProfilesCommand({ PathPrefix: "/x/" }))).InstanceProfiles!.map((p) => p.InstanceProfileName);
    assert.ok(listed.includes(p2.InstanceProfileName) && !listed.includes(p1.InstanceProfileName));

    const other = await newRole();
    const before = await getProfile(p1.InstanceProfileName!);
    for (const r of [other.RoleName, role.RoleName]) {
      await expectError(iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p1.InstanceProfileName, RoleName: r })), "LimitExceeded", 409,
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
    }
    await expectError(iam().send(new DeleteInstanceProfileCommand({ InstanceProfileName: p1.InstanceProfileName })), "DeleteConflict", 409,
      "Cannot delete entity, must remove roles from instance profile first.");
    const roleBefore = await roleState(iam(), role.RoleName!);
    await expectError(iam().send(new DeleteRoleCommand({ RoleName: role.RoleName })), "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.");
    await expectError(iam().send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: p1.InstanceProfileName, RoleName: other.RoleName })), "NoSuchEntity", 404);
    assert.deepEqual(await getProfile(p1.InstanceProfileName!), before);
    assert.deepEqual(await roleState(iam(), role.RoleName!), roleBefore);

    // Terraform's order: remove the role from each profile, delete the profiles, then the role.
    for (const p of [p1, p2]) {
      await iam().send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName, RoleName: role.RoleName }));
      await iam().send(new DeleteInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName }));
    }
    assert.deepEqual((await iam().send(new ListInstanceProfilesForRoleCommand({ RoleName: role.RoleName }))).InstanceProfiles, []);
    await iam().send(new DeleteRoleCommand({ RoleName: role.RoleName }));
    await expectError(iam().send(new GetInstanceProfileCommand({ InstanceProfileName: p1.InstanceProfileName })), "NoSuchEntity", 404, `Instance Profile ${p1.InstanceProfileName} cannot be found.`);
  });

  it("refuses duplicates in any case, unknown profiles and roles, bad names; nothing changes", async () => {
    const p = await newProfile();
    await expectError(iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName!.toUpperCase() })), "EntityAlreadyExists", 409,
      `Instance Profile ${p.InstanceProfileName!.toUpperCase()} already exists.`);
    await expectError(iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p.InstanceProfileName, RoleName: "ghost" })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "ghost", RoleName: "ghost" })), "NoSuchEntity", 404, "Instance Profile ghost cannot be found.");
    await expectError(iam().send(new DeleteInstanceProfileCommand({ InstanceProfileName: "ghost" })), "NoSuchEntity", 404, "Instance Profile ghost cannot be found.");
    await expectError(iam().send(new ListInstanceProfilesForRoleCommand({ RoleName: "ghost" })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: "a b" })), "ValidationError", 400,
      validation("a b", "instanceProfileName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"));
    assert.deepEqual(await getProfile(p.InstanceProfileName!), p);
    await expectError(iam().send(new GetInstanceProfileCommand({ InstanceProfileName: "a b" })), "ValidationError", 400);
  });

  it("pages ListInstanceProfiles by name", async () => {
    const tag = unique("pg");
    for (const n of ["c", "a", "b"]) await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: `${tag}${n}`, Path: `/${tag}/` }));
    const first = await iam().send(new ListInstanceProfilesCommand({ PathPrefix: `/${tag}/`, MaxItems: 2 }));
    assert.deepEqual(first.InstanceProfiles!.map((p) => p.InstanceProfileName), [`${tag}a`, `${tag}b`]);
    assert.equal(first.IsTruncated, true);
    const second = await iam().send(new ListInstanceProfilesCommand({ PathPrefix: `/${tag}/`, Marker: first.Marker }));
    assert.deepEqual(second.InstanceProfiles!.map((p) => p.InstanceProfileName), [`${tag}c`]);
    assert.equal(second.IsTruncated, false);
  });
});
