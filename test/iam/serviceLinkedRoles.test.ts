import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  type IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleDescriptionCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique } from "./helpers.js";
import { roleState, trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

describe("service-linked roles", () => {
  it("creates AWSServiceRoleFor… under /aws-service-role/{service}/ trusting the service; a second is refused", async () => {
    const { Role } = await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com", Description: "scaling" }));
    assert.equal(Role!.RoleName, "AWSServiceRoleForAutoScaling");
    assert.equal(Role!.Path, "/aws-service-role/autoscaling.amazonaws.com/");
    assert.equal(Role!.Arn, `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`);
    const trustDoc = JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!));
    assert.deepEqual(trustDoc.Statement[0].Principal, { Service: ["autoscaling.amazonaws.com"] });
    await expectError(iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com" })), "InvalidInput", 400,
      "Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix.");
    const suffixed = await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com", CustomSuffix: "mine" }));
    assert.equal(suffixed.Role!.RoleName, "AWSServiceRoleForAutoScaling_mine");
    const derived = await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "lambda.amazonaws.com" }));
    assert.equal(derived.Role!.RoleName, "AWSServiceRoleForLambda");
    await expectError(iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "not-a-service" })), "InvalidInput", 400);
  });

  it("is protected: only its description changes; DeleteRole and policy changes are UnmodifiableEntity", async () => {
    const { Role } = await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "ecs.amazonaws.com" }));
    const name = Role!.RoleName!;
    const message = `Cannot perform the operation on the protected role '${name}' - this role is only modifiable by AWS`;
    const before = await roleState(iam(), name);
    await expectError(iam().send(new DeleteRoleCommand({ RoleName: name })), "UnmodifiableEntity", 400, message);
    await expectError(iam().send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: policyDoc() })), "UnmodifiableEntity", 400, message);
    await expectError(iam().send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })), "UnmodifiableEntity", 400, message);
    await expectError(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trust() })), "UnmodifiableEntity", 400, message);
    await expectError(iam().send(new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess" })), "UnmodifiableEntity", 400, message);
    assert.deepEqual(await roleState(iam(), name), before);
    const updated = await iam().send(new UpdateRoleDescriptionCommand({ RoleName: name, Description: "mine" }));
    assert.equal(updated.Role!.Description, "mine");
  });

  it("deletes through a task whose status is SUCCEEDED; then the role is gone", async () => {
    const { Role } = await iam().send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "elasticloadbalancing.amazonaws.com" }));
    const { DeletionTaskId } = await iam().send(new DeleteServiceLinkedRoleCommand({ RoleName: Role!.RoleName }));
    assert.match(DeletionTaskId!, /^task\/aws-service-role\/elasticloadbalancing\.amazonaws\.com\/AWSServiceRoleForElasticLoadBalancing\/[0-9a-f-]{36}$/);
    const status = await iam().send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }));
    assert.equal(status.Status, "SUCCEEDED");
    assert.equal(status.Reason, undefined);
    await expectError(iam().send(new GetRoleCommand({ RoleName: Role!.RoleName })), "NoSuchEntity", 404);
    await expectError(iam().send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: DeletionTaskId + "x" })), "NoSuchEntity", 404);
    await expectError(iam().send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: "nonsense" })), "InvalidInput", 400);
  });

  it("DeleteServiceLinkedRole refuses an ordinary role and an unknown one", async () => {
    const name = unique("plain");
    await iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }));
    await expectError(iam().send(new DeleteServiceLinkedRoleCommand({ RoleName: name })), "InvalidInput", 400);
    await expectError(iam().send(new DeleteServiceLinkedRoleCommand({ RoleName: "ghost" })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    assert.ok((await iam().send(new GetRoleCommand({ RoleName: name }))).Role);
  });
});
