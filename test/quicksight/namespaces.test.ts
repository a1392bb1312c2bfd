import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAnalysisCommand,
  CreateDataSourceCommand,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateIAMPolicyAssignmentCommand,
  CreateNamespaceCommand,
  DeleteGroupCommand,
  DeleteIAMPolicyAssignmentCommand,
  DeleteNamespaceCommand,
  DeleteUserCommand,
  DescribeAccountSubscriptionCommand,
  DescribeDataSourceCommand,
  DescribeIAMPolicyAssignmentCommand,
  DescribeNamespaceCommand,
  ListIAMPolicyAssignmentsCommand,
  ListIAMPolicyAssignmentsForUserCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  ListUsersCommand,
  RegisterUserCommand,
  UpdateDataSourceCommand,
  UpdateIAMPolicyAssignmentCommand,
} from "@aws-sdk/client-quicksight";
import { CreatePolicyCommand } from "@aws-sdk/client-iam";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, iam, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer({ quotas: { "quicksight.NamespacesPerAccount": 3 } });
const slow = useServer({ quicksightDelayMs: 3_600_000 });
const A = { AwsAccountId: ACCOUNT };

describe("QuickSight namespaces", () => {
  it("has the default namespace once subscribed; creates CREATING, then CREATED", async () => {
    const qs = quicksight(server().endpoint);
    await subscribe(qs);
    const list = await qs.send(new ListNamespacesCommand(A));
    assert.deepEqual(list.Namespaces, [
      { Name: "default", Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:namespace/default`, CapacityRegion: "us-east-1", CreationStatus: "CREATED", IdentityStore: "QUICKSIGHT" },
    ]);
    const created = await qs.send(new CreateNamespaceCommand({ ...A, Namespace: "sales", IdentityStore: "QUICKSIGHT", Tags: [{ Key: "t", Value: "1" }] }));
    assert.equal(created.CreationStatus, "CREATING");
    assert.equal(created.Arn, `arn:aws:quicksight:us-east-1:${ACCOUNT}:namespace/sales`);
    assert.equal((await qs.send(new DescribeNamespaceCommand({ ...A, Namespace: "sales" }))).Namespace!.CreationStatus, "CREATED");
    assert.deepEqual((await qs.send(new ListTagsForResourceCommand({ ResourceArn: created.Arn }))).Tags, [{ Key: "t", Value: "1" }]);
  });

  it("refuses bad names, duplicates, the quota and the default namespace's deletion", async () => {
    const qs = quicksight(server().endpoint);
    const refused = refusal(async () => body(await qs.send(new ListNamespacesCommand(A))));
    await refused(() => qs.send(new CreateNamespaceCommand({ ...A, Namespace: "bad name", IdentityStore: "QUICKSIGHT" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateNamespaceCommand({ ...A, Namespace: "x", IdentityStore: "LDAP" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateNamespaceCommand({ ...A, Namespace: "sales", IdentityStore: "QUICKSIGHT" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new DeleteNamespaceCommand({ ...A, Namespace: "default" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new DeleteNamespaceCommand({ ...A, Namespace: "nope" })), "ResourceNotFoundException", 404);
    await qs.send(new CreateNamespaceCommand({ ...A, Namespace: "third", IdentityStore: "QUICKSIGHT" }));
    const quota = await refused(() => qs.send(new CreateNamespaceCommand({ ...A, Namespace: "fourth", IdentityStore: "QUICKSIGHT" })), "LimitExceededException", 409);
    assert.match(quota.message, /3 namespaces/);
  });

  it("deletes a namespace with its users and groups; then it is gone", async () => {
    const qs = quicksight(server().endpoint);
    const ns = { ...A, Namespace: "third" };
    await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "u", Email: "u@example.com", UserRole: "READER" }));
    await qs.send(new CreateGroupCommand({ ...ns, GroupName: "g" }));
    await qs.send(new DeleteNamespaceCommand(ns));
    const gone = await failure(qs.send(new DescribeNamespaceCommand(ns)));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.message, `Namespace third not found in account ${ACCOUNT}.`);
    await qs.send(new CreateNamespaceCommand({ ...ns, IdentityStore: "QUICKSIGHT" }));
    assert.deepEqual((await qs.send(new ListUsersCommand(ns))).UserList, []);
  });
});

describe("QuickSight in-progress statuses with a delay (quicksightDelayMs)", () => {
  it("reads SIGNUP_ATTEMPT_IN_PROGRESS, CREATING, CREATION_IN_PROGRESS until the delay is over", async () => {
    const qs = quicksight(slow().endpoint);
    await subscribe(qs);
    assert.equal((await qs.send(new DescribeAccountSubscriptionCommand(A))).AccountInfo!.AccountSubscriptionStatus, "SIGNUP_ATTEMPT_IN_PROGRESS");
    await qs.send(new CreateNamespaceCommand({ ...A, Namespace: "slow", IdentityStore: "QUICKSIGHT" }));
    assert.equal((await qs.send(new DescribeNamespaceCommand({ ...A, Namespace: "slow" }))).Namespace!.CreationStatus, "CREATING");
    const early = await failure(qs.send(new CreateGroupCommand({ ...A, Namespace: "slow", GroupName: "g" })));
    assert.equal(early.name, "PreconditionNotMetException");
    assert.equal(early.$metadata.httpStatusCode, 400);
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "d", Name: "d", Type: "ATHENA", DataSourceParameters: { AthenaParameters: { WorkGroup: "primary" } } }));
    assert.equal((await qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "d" }))).DataSource!.Status, "CREATION_IN_PROGRESS");
    await qs.send(new UpdateDataSourceCommand({ ...A, DataSourceId: "d", Name: "d2" }));
    assert.equal((await qs.send(new DescribeDataSourceCommand({ ...A, DataSourceId: "d" }))).DataSource!.Status, "UPDATE_IN_PROGRESS");
    await qs.send(new DeleteNamespaceCommand({ ...A, Namespace: "slow" }));
    assert.equal((await qs.send(new DescribeNamespaceCommand({ ...A, Namespace: "slow" }))).Namespace!.CreationStatus, "DELETING");
  });
});

describe("QuickSight IAM policy assignments", () => {
  it("assigns an existing IAM policy to users and groups; lists what a user gets", async () => {
    const qs = quicksight(server().endpoint);
    const ns = { ...A, Namespace: "default" };
    const policy = (await iam(server().endpoint).send(new CreatePolicyCommand({ PolicyName: "qs", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }))).Policy!;
    await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "ann", Email: "a@example.com", UserRole: "AUTHOR" }));
    await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "ben", Email: "b@example.com", UserRole: "AUTHOR" }));
    await qs.send(new CreateGroupCommand({ ...ns, GroupName: "bi" }));
    await qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "bi", MemberName: "ben" }));
    const refused = refusal(async () => body(await qs.send(new ListIAMPolicyAssignmentsCommand(ns))));
    await refused(() => qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "has space", AssignmentStatus: "ENABLED", PolicyArn: policy.Arn })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1", AssignmentStatus: "ENABLED", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none` })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1", AssignmentStatus: "ON" as never, PolicyArn: policy.Arn })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1", AssignmentStatus: "ENABLED" })), "InvalidParameterValueException", 400);
    const created = await qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1", AssignmentStatus: "ENABLED", PolicyArn: policy.Arn, Identities: { user: ["ann"], group: ["bi"] } }));
    assert.match(created.AssignmentId!, /^[0-9a-f-]{36}$/);
    await qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "draft", AssignmentStatus: "DRAFT" }));
    await refused(() => qs.send(new CreateIAMPolicyAssignmentCommand({ ...ns, Namespace: "sales", AssignmentName: "a1", AssignmentStatus: "DRAFT" })), "ResourceExistsException", 409);
    const described = (await qs.send(new DescribeIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1" }))).IAMPolicyAssignment!;
    assert.deepEqual(described, { AwsAccountId: ACCOUNT, AssignmentId: created.AssignmentId, AssignmentName: "a1", PolicyArn: policy.Arn, Identities: { user: ["ann"], group: ["bi"] }, AssignmentStatus: "ENABLED" });
    assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsCommand({ ...ns, AssignmentStatus: "DRAFT" }))).IAMPolicyAssignments, [{ AssignmentName: "draft", AssignmentStatus: "DRAFT" }]);
    assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...ns, UserName: "ben" }))).ActiveAssignments, [{ AssignmentName: "a1", PolicyArn: policy.Arn }]);
    await qs.send(new DeleteGroupCommand({ ...ns, GroupName: "bi" }));
    assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...ns, UserName: "ben" }))).ActiveAssignments, []);
    await qs.send(new UpdateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1", AssignmentStatus: "DISABLED" }));
    assert.deepEqual((await qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...ns, UserName: "ann" }))).ActiveAssignments, []);
    await qs.send(new DeleteUserCommand({ ...ns, UserName: "ann" }));
    assert.deepEqual((await qs.send(new DescribeIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1" }))).IAMPolicyAssignment!.Identities, { user: [], group: [] });
    await qs.send(new DeleteIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1" }));
    await refused(() => qs.send(new DeleteIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "a1" })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new ListIAMPolicyAssignmentsForUserCommand({ ...ns, UserName: "nobody" })), "ResourceNotFoundException", 404);
  });
});

describe("QuickSight analyses need Enterprise and a subscription", () => {
  it("answers UnsupportedUserEditionException for an account never subscribed", async () => {
    const account = "333344445555";
    const error = await failure(quicksight(server().endpoint, "us-east-1", account).send(new CreateAnalysisCommand({ AwsAccountId: account, AnalysisId: "a", Name: "a", Definition: { DataSetIdentifierDeclarations: [] } })));
    assert.equal(error.name, "UnsupportedUserEditionException");
    assert.equal(error.$metadata.httpStatusCode, 403);
  });
});
