import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique, validation } from "./helpers.js";
import { ROLE_ID, roleState, trust, trustStatement } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const newRole = async (extra: Partial<ConstructorParameters<typeof CreateRoleCommand>[0]> = {}) => {
  const RoleName = unique("role");
  const { Role } = await iam().send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust(), ...extra }));
  return Role!;
};

describe("CreateRole / GetRole / ListRoles", () => {
  it("creates a role with an AROA id, AWS's ARN, the trust policy URL-encoded as sent, and MaxSessionDuration 3600", async () => {
    const doc = trust().replace("{", "{ ");
    const name = unique("app");
    const { Role } = await iam().send(new CreateRoleCommand({ RoleName: name, Path: "/app/", AssumeRolePolicyDocument: doc, Tags: [{ Key: "env", Value: "dev" }] }));
    assert.match(Role!.RoleId!, ROLE_ID);
    assert.equal(Role!.Arn, `arn:aws:iam::${ACCOUNT}:role/app/${name}`);
    assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), doc);
    assert.equal(Role!.MaxSessionDuration, 3600);
    assert.deepEqual(Role!.Tags, [{ Key: "env", Value: "dev" }]);
    assert.equal(Role!.Description, undefined);
    assert.equal(Role!.RoleLastUsed, undefined);
    assert.equal(Role!.CreateDate!.getUTCMilliseconds(), 0);
    const got = (await iam().send(new GetRoleCommand({ RoleName: name }))).Role!;
    assert.deepEqual(got, { ...Role, RoleLastUsed: {} });
  });

  it("ListRoles pages by name, filters by PathPrefix, and omits Tags, PermissionsBoundary and RoleLastUsed", async () => {
    const tag = unique("lr");
    const policy = (await iam().send(new CreatePolicyCommand({ PolicyName: unique("pb"), PolicyDocument: policyDoc() }))).Policy!;
    for (const [n, path] of [["c", "/x/"], ["a", "/x/y/"], ["b", "/"]]) {
      await iam().send(new CreateRoleCommand({ RoleName: `${tag}-${n}`, Path: path, AssumeRolePolicyDocument: trust(), Description: "d", Tags: [{ Key: "k", Value: "v" }], PermissionsBoundary: policy.Arn }));
    }
    const all = (await iam().send(new ListRolesCommand({ MaxItems: 1000 }))).Roles!.filter((r) => r.RoleName!.startsWith(tag));
    assert.deepEqual(all.map((r) => r.RoleName), [`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    for (const r of all) {
      assert.equal(r.Tags, undefined);
      assert.equal(r.PermissionsBoundary, undefined);
      assert.equal(r.RoleLastUsed, undefined);
      assert.equal(r.Description, "d");
      assert.equal(r.MaxSessionDuration, 3600);
    }
    const underX = (await iam().send(new ListRolesCommand({ PathPrefix: "/x/" }))).Roles!.filter((r) => r.RoleName!.startsWith(tag));
    assert.deepEqual(underX.map((r) => r.RoleName), [`${tag}-a`, `${tag}-c`]);
    const first = await iam().send(new ListRolesCommand({ MaxItems: 1 }));
    assert.equal(first.IsTruncated, true);
    const second = await iam().send(new ListRolesCommand({ MaxItems: 1, Marker: first.Marker }));
    assert.notEqual(second.Roles![0].RoleName, first.Roles![0].RoleName);
    const got = (await iam().send(new GetRoleCommand({ RoleName: `${tag}-a` }))).Role!;
    assert.deepEqual(got.PermissionsBoundary, { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: policy.Arn });
  });

  it("refuses a taken name in any case (EntityAlreadyExists 409), keeping the original", async () => {
    const role = await newRole();
    for (const again of [role.RoleName!, role.RoleName!.toUpperCase()]) {
      await expectError(iam().send(new CreateRoleCommand({ RoleName: again, AssumeRolePolicyDocument: trust("lambda.amazonaws.com") })), "EntityAlreadyExists", 409, `Role with name ${again} already exists.`);
    }
    assert.deepEqual((await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role, { ...role, RoleLastUsed: {} });
    await expectError(iam().send(new GetRoleCommand({ RoleName: role.RoleName!.toUpperCase() })), "NoSuchEntity", 404, `The role with name ${role.RoleName!.toUpperCase()} cannot be found.`);
  });

  it("validates the name, path, description, MaxSessionDuration and boundary, creating nothing", async () => {
    const name = unique("bad");
    const cases: Array<[Partial<ConstructorParameters<typeof CreateRoleCommand>[0]>, string, number, string | RegExp]> = [
      [{ RoleName: "a#b" }, "ValidationError", 400, validation("a#b", "roleName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+")],
      [{ RoleName: "r".repeat(65) }, "ValidationError", 400, validation("r".repeat(65), "roleName", "Member must have length less than or equal to 64")],
      [{ Path: "nope" }, "ValidationError", 400, /at 'path' failed to satisfy constraint/],
      [{ MaxSessionDuration: 43201 }, "ValidationError", 400, validation(43201, "maxSessionDuration", "Member must have value less than or equal to 43200")],
      [{ Description: "x".repeat(1001) }, "ValidationError", 400, /at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000/],
      [{ PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/ghost` }, "NoSuchEntity", 404, `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/ghost does not exist or is not attachable.`],
      [{ Tags: [{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }] }, "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive."],
    ];
    for (const [extra, code, status, message] of cases) {
      await expectError(iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(), ...extra })), code, status, message);
    }
    await expectError(iam().send(new GetRoleCommand({ RoleName: name })), "NoSuchEntity", 404);
  });
});

describe("trust policies", () => {
  it("refuses bad trust policies with MalformedPolicyDocument and AWS's messages", async () => {
    const name = unique("trust");
    const cases: Array<[string, string]> = [
      ["not json", "Syntax errors in policy."],
      [trustStatement({ Effect: "Allow", Action: "sts:AssumeRole" }), "Missing required field Principal"],
      [trustStatement({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }), "Has prohibited field Resource."],
      [trustStatement({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "s3:GetObject" }),
        "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"],
      [trustStatement({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ghost` }, Action: "sts:AssumeRole" }),
        `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCOUNT}:user/ghost"`],
      [trustStatement({ Effect: "Allow", Principal: { Nobody: "x" }, Action: "sts:AssumeRole" }), "Syntax errors in policy."],
    ];
    for (const [doc, message] of cases) {
      await expectError(iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc })), "MalformedPolicyDocument", 400, message);
    }
    await expectError(iam().send(new GetRoleCommand({ RoleName: name })), "NoSuchEntity", 404);
  });

  it("accepts existing users and roles, accounts, *, and the session actions; refuses a trust policy over 2,048 characters", async () => {
    const user = unique("truster");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const other = await newRole();
    const principals = { AWS: [`arn:aws:iam::${ACCOUNT}:user/${user}`, other.Arn!, "123456789012", "arn:aws:iam::111122223333:root", "*"] };
    const role = await newRole({ AssumeRolePolicyDocument: trustStatement({ Effect: "Allow", Principal: principals, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }) });
    assert.ok(role.RoleId);
    const big = trust("ec2.amazonaws.com", { Condition: { StringEquals: { "sts:ExternalId": "x".repeat(2048) } } });
    await expectError(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: role.RoleName, PolicyDocument: big })), "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048");
    const before = await roleState(iam(), role.RoleName!);
    await expectError(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: role.RoleName, PolicyDocument: "{}" })), "MalformedPolicyDocument", 400, "Syntax errors in policy.");
    assert.deepEqual(await roleState(iam(), role.RoleName!), before);
    const next = trust("lambda.amazonaws.com");
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: role.RoleName, PolicyDocument: next }));
    assert.equal(decodeURIComponent((await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role!.AssumeRolePolicyDocument!), next);
    await expectError(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: "ghost", PolicyDocument: next })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
  });
});

describe("deleted principals in trust policies", () => {
  it("rewrites a deleted user or role to its unique id, keeping the rest of the text", async () => {
    const user = unique("trusted");
    const { User } = await iam().send(new CreateUserCommand({ UserName: user, Path: "/people/" }));
    const other = await newRole();
    const doc = trustStatement({ Effect: "Allow", Principal: { AWS: [User!.Arn, other.Arn] }, Action: "sts:AssumeRole" }).replace("{", "{  ");
    const role = await newRole({ AssumeRolePolicyDocument: doc });
    await iam().send(new DeleteUserCommand({ UserName: user }));
    await iam().send(new DeleteRoleCommand({ RoleName: other.RoleName }));
    const rewritten = decodeURIComponent((await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role!.AssumeRolePolicyDocument!);
    assert.equal(rewritten, doc.replace(User!.Arn!, User!.UserId!).replace(other.Arn!, other.RoleId!));
    // A user of the same name created later is not trusted, and the rewritten document can be sent back as is.
    await iam().send(new CreateUserCommand({ UserName: user, Path: "/people/" }));
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: role.RoleName, PolicyDocument: rewritten }));
    assert.ok(!decodeURIComponent((await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role!.AssumeRolePolicyDocument!).includes(User!.Arn!));
  });
});

describe("UpdateRole / UpdateRoleDescription", () => {
  it("changes the description and MaxSessionDuration; UpdateRoleDescription returns the whole role", async () => {
    const role = await newRole({ Description: "first" });
    await iam().send(new UpdateRoleCommand({ RoleName: role.RoleName, MaxSessionDuration: 43200 }));
    let got = (await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role!;
    assert.equal(got.MaxSessionDuration, 43200);
    assert.equal(got.Description, "first");
    const { Role } = await iam().send(new UpdateRoleDescriptionCommand({ RoleName: role.RoleName, Description: "second" }));
    assert.equal(Role!.Description, "second");
    assert.equal(Role!.MaxSessionDuration, 43200);
    await iam().send(new UpdateRoleCommand({ RoleName: role.RoleName, Description: "" }));
    got = (await iam().send(new GetRoleCommand({ RoleName: role.RoleName }))).Role!;
    assert.equal(got.Description, undefined);
    const before = await roleState(iam(), role.RoleName!);
    await expectError(iam().send(new UpdateRoleCommand({ RoleName: role.RoleName, MaxSessionDuration: 50000 })), "ValidationError", 400,
      validation(50000, "maxSessionDuration", "Member must have value less than or equal to 43200"));
    await expectError(iam().send(new UpdateRoleCommand({ RoleName: "ghost", Description: "x" })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new UpdateRoleDescriptionCommand({ RoleName: "ghost", Description: "x" })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new UpdateRoleDescriptionCommand({ RoleName: role.RoleName, Description: "x".repeat(1001) })), "ValidationError", 400);
    assert.deepEqual(await roleState(iam(), role.RoleName!), before);
  });
});

describe("role policies", () => {
  it("puts, gets (URL-encoded), lists and deletes inline policies; errors change nothing", async () => {
    const role = await newRole();
    const doc = policyDoc("s3:GetObject", "s3:PutObject");
    await iam().send(new PutRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "b", PolicyDocument: doc }));
    await iam().send(new PutRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "a", PolicyDocument: doc }));
    const got = await iam().send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "a" }));
    assert.equal(got.RoleName, role.RoleName);
    assert.equal(decodeURIComponent(got.PolicyDocument!), doc);
    assert.deepEqual((await iam().send(new ListRolePoliciesCommand({ RoleName: role.RoleName }))).PolicyNames, ["a", "b"]);
    const before = await roleState(iam(), role.RoleName!);
    await expectError(iam().send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "zz" })), "NoSuchEntity", 404, "The role policy with name zz cannot be found.");
    await expectError(iam().send(new PutRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "c", PolicyDocument: "{" })), "MalformedPolicyDocument", 400, "Syntax errors in policy.");
    const huge = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
    await expectError(iam().send(new PutRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "c", PolicyDocument: huge })), "LimitExceeded", 409, `Maximum policy size of 10240 bytes exceeded for role ${role.RoleName}`);
    await expectError(iam().send(new DeleteRoleCommand({ RoleName: role.RoleName })), "DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
    assert.deepEqual(await roleState(iam(), role.RoleName!), before);
    await iam().send(new DeleteRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "a" }));
    await iam().send(new DeleteRolePolicyCommand({ RoleName: role.RoleName, PolicyName: "b" }));
    await iam().send(new DeleteRoleCommand({ RoleName: role.RoleName }));
    await expectError(iam().send(new GetRoleCommand({ RoleName: role.RoleName })), "NoSuchEntity", 404);
  });

  it("attaches, lists, counts and detaches managed policies; ListEntitiesForPolicy names the role", async () => {
    const role = await newRole();
    const policy = (await iam().send(new CreatePolicyCommand({ PolicyName: unique("rp"), PolicyDocument: policyDoc() }))).Policy!;
    await iam().send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: policy.Arn }));
    await iam().send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: policy.Arn }));
    await iam().send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    assert.deepEqual((await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }))).AttachedPolicies!.map((p) => p.PolicyName), ["AdministratorAccess", policy.PolicyName]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 1);
    const entities = await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: policy.Arn }));
    assert.deepEqual(entities.PolicyRoles, [{ RoleName: role.RoleName, RoleId: role.RoleId }]);
    assert.deepEqual(entities.PolicyUsers, []);
    assert.deepEqual(entities.PolicyGroups, []);
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: policy.Arn, EntityFilter: "User" }))).PolicyRoles, []);
    const before = await roleState(iam(), role.RoleName!);
    await expectError(iam().send(new DeleteRoleCommand({ RoleName: role.RoleName })), "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.");
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: policy.Arn })), "DeleteConflict", 409, "Cannot delete a policy attached to entities.");
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/ghost`;
    await expectError(iam().send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: ghost })), "NoSuchEntity", 404, `Policy ${ghost} does not exist or is not attachable.`);
    await expectError(iam().send(new DetachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: ghost })), "NoSuchEntity", 404, `Policy ${ghost} was not found.`);
    assert.deepEqual(await roleState(iam(), role.RoleName!), before);
    await iam().send(new DetachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: policy.Arn }));
    await iam().send(new DetachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 0);
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: policy.Arn }))).PolicyRoles, []);
    await iam().send(new DeleteRoleCommand({ RoleName: role.RoleName }));
  });

  it("refuses an eleventh attached policy (PoliciesPerRole)", async () => {
    const role = await newRole();
    for (let i = 0; i < 11; i++) {
      const p = (await iam().send(new CreatePolicyCommand({ PolicyName: unique("q"), PolicyDocument: policyDoc() }))).Policy!;
      const attach = iam().send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: p.Arn }));
      if (i < 10) await attach;
      else await expectError(attach, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10");
    }
    assert.equal((await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }))).AttachedPolicies!.length, 10);
  });

  it("answers NoSuchEntity for an unknown role on every policy call", async () => {
    const message = "The role with name ghost cannot be found.";
    await expectError(iam().send(new PutRolePolicyCommand({ RoleName: "ghost", PolicyName: "p", PolicyDocument: policyDoc() })), "NoSuchEntity", 404, message);
    await expectError(iam().send(new ListRolePoliciesCommand({ RoleName: "ghost" })), "NoSuchEntity", 404, message);
    await expectError(iam().send(new ListAttachedRolePoliciesCommand({ RoleName: "ghost" })), "NoSuchEntity", 404, message);
    await expectError(iam().send(new DeleteRoleCommand({ RoleName: "ghost" })), "NoSuchEntity", 404, message);
  });
});
