/** A Marker IAM did not issue: `ValidationError` 400 "Invalid Marker." on every list (spec iam-sts §12). */
import { describe, it } from "node:test";
import {
  CreateAccountAliasCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListServerCertificatesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
} from "@aws-sdk/client-iam";
import assert from "node:assert/strict";
import { useServer } from "../harness.js";
import { expectError, iamClient, policyDoc, unique } from "./helpers.js";

const server = useServer();

describe("unknown markers", () => {
  it("every list answers ValidationError 400 Invalid Marker.", async () => {
    const iam = iamClient(server().endpoint);
    const role = unique("marked");
    const user = unique("marked-user");
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: user }));
    const policy = (await iam.send(new CreatePolicyCommand({ PolicyName: unique("marked-policy"), PolicyDocument: policyDoc() }))).Policy!;
    const Marker = "bm90LWEtbWFya2Vy";
    const lists = [
      new ListUsersCommand({ Marker }),
      new ListGroupsCommand({ Marker }),
      new ListRolesCommand({ Marker }),
      new ListPoliciesCommand({ Marker }),
      new ListPoliciesCommand({ Marker: "aws:9999" }),
      new ListPolicyVersionsCommand({ PolicyArn: policy.Arn, Marker }),
      new ListPolicyTagsCommand({ PolicyArn: policy.Arn, Marker }),
      new ListRoleTagsCommand({ RoleName: role, Marker }),
      new ListAttachedRolePoliciesCommand({ RoleName: role, Marker }),
      new ListInstanceProfilesCommand({ Marker }),
      new ListEntitiesForPolicyCommand({ PolicyArn: policy.Arn, Marker }),
      new ListAccessKeysCommand({ UserName: user, Marker }),
      new ListServerCertificatesCommand({ Marker }),
      new ListVirtualMFADevicesCommand({ Marker }),
      new GetAccountAuthorizationDetailsCommand({ Marker }),
      new ListAccountAliasesCommand({ Marker }),
    ];
    for (const command of lists) await expectError(iam.send(command as never), "ValidationError", 400, "Invalid Marker.");
  });

  it("ListAccountAliases issues no marker (one alias at most), so any Marker is unknown", async () => {
    const iam = iamClient(server().endpoint);
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: "marker-test-alias" }));
    const page = await iam.send(new ListAccountAliasesCommand({ MaxItems: 1 }));
    assert.deepEqual([page.AccountAliases, page.IsTruncated, page.Marker], [["marker-test-alias"], false, undefined]);
    await expectError(iam.send(new ListAccountAliasesCommand({ Marker: "x" })), "ValidationError", 400, "Invalid Marker.");
  });
});
