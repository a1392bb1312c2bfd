import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  type IAMClient,
  ListPoliciesGrantingServiceAccessCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique } from "./helpers.js";
import { trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

describe("ListPoliciesGrantingServiceAccess", () => {
  it("names the user's and its groups' inline and managed policies that allow each service", async () => {
    const user = unique("svc");
    const group = unique("svcg");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "s3read", PolicyDocument: policyDoc("s3:GetObject") }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "notiam", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }) }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }));
    const { PoliciesGrantingServiceAccess, IsTruncated } = await iam().send(
      new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, ServiceNamespaces: ["s3", "iam", "kms"] }),
    );
    assert.equal(IsTruncated, false);
    const byNs = Object.fromEntries(PoliciesGrantingServiceAccess!.map((e) => [e.ServiceNamespace, e.Policies]));
    assert.deepEqual(byNs.s3, [
      { PolicyName: "s3read", PolicyType: "INLINE", EntityType: "USER", EntityName: user },
      { PolicyName: "notiam", PolicyType: "INLINE", EntityType: "GROUP", EntityName: group },
    ]);
    assert.deepEqual(byNs.iam, [{ PolicyName: "IAMReadOnlyAccess", PolicyType: "MANAGED", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" }]);
    assert.deepEqual(byNs.kms, [{ PolicyName: "notiam", PolicyType: "INLINE", EntityType: "GROUP", EntityName: group }]);
  });

  it("reads a role's policies, and refuses unknown entities and malformed ARNs", async () => {
    const role = unique("svcr");
    await iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust() }));
    await iam().send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    const { PoliciesGrantingServiceAccess } = await iam().send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, ServiceNamespaces: ["cloudfront"] }));
    assert.deepEqual(PoliciesGrantingServiceAccess![0].Policies!.map((p) => p.PolicyName), ["AdministratorAccess"]);
    await expectError(iam().send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${ACCOUNT}:role/ghost`, ServiceNamespaces: ["s3"] })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new ListPoliciesGrantingServiceAccessCommand({ Arn: "arn:aws:s3:::bucket-name", ServiceNamespaces: ["s3"] })), "InvalidInput", 400);
  });
});
