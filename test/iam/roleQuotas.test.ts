import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  type IAMClient,
  ListInstanceProfilesCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient } from "./helpers.js";
import { trust } from "./roleFixtures.js";

/** Account quotas of roles and instance profiles, lowered with `--quota iam.<Name>=N`. */
const server = useServer({ quotas: { "iam.RolesPerAccount": 2, "iam.InstanceProfilesPerAccount": 1, "iam.ACLSizePerRole": 4096 } });
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

describe("role and instance-profile quotas", () => {
  it("refuses a role past RolesPerAccount (service-linked ones count too), creating nothing", async () => {
    await iam().send(new CreateRoleCommand({ RoleName: "q1", AssumeRolePolicyDocument: trust() }));
    await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com" }));
    await expectError(iam().send(new CreateRoleCommand({ RoleName: "q3", AssumeRolePolicyDocument: trust() })), "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 2");
    await expectError(iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "ecs.amazonaws.com" })), "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 2");
    assert.equal((await iam().send(new ListRolesCommand({}))).Roles!.length, 2);
  });

  it("refuses an instance profile past InstanceProfilesPerAccount", async () => {
    await iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: "p1" }));
    await expectError(iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: "p2" })), "LimitExceeded", 409, "Cannot exceed quota for InstanceProfilesPerAccount: 1");
    assert.deepEqual((await iam().send(new ListInstanceProfilesCommand({}))).InstanceProfiles!.map((p) => p.InstanceProfileName), ["p1"]);
  });

  it("a raised ACLSizePerRole takes trust policies up to it", async () => {
    const big = trust("ec2.amazonaws.com", { Condition: { StringEquals: { "sts:ExternalId": "x".repeat(3000) } } });
    await expectError(iam().send(new CreateRoleCommand({ RoleName: "q1", AssumeRolePolicyDocument: big })), "EntityAlreadyExists", 409);
    const huge = trust("ec2.amazonaws.com", { Condition: { StringEquals: { "sts:ExternalId": "x".repeat(5000) } } });
    await expectError(iam().send(new CreateRoleCommand({ RoleName: "q9", AssumeRolePolicyDocument: huge })), "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 4096");
  });
});
