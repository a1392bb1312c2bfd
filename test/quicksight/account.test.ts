import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAccountCustomizationCommand,
  CreateAccountSubscriptionCommand,
  CreateNamespaceCommand,
  DeleteAccountCustomizationCommand,
  DeleteAccountSubscriptionCommand,
  DescribeAccountCustomizationCommand,
  DescribeAccountSettingsCommand,
  DescribeAccountSubscriptionCommand,
  DescribeIpRestrictionCommand,
  DescribeKeyRegistrationCommand,
  ListUsersCommand,
  RegisterUserCommand,
  UpdateAccountCustomizationCommand,
  UpdateAccountSettingsCommand,
  UpdateIpRestrictionCommand,
  UpdatePublicSharingSettingsCommand,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const A = { AwsAccountId: ACCOUNT };
const subscription = { ...A, AccountName: "nubis-test", AuthenticationMethod: "IAM_AND_QUICKSIGHT" as const, Edition: "ENTERPRISE" as const, NotificationEmail: "ops@example.com" };

describe("QuickSight account before a subscription", () => {
  it("answers the account-level and identity operations with 404, keeps key registration working", async () => {
    const qs = quicksight(server().endpoint);
    for (const call of [
      () => qs.send(new DescribeAccountSubscriptionCommand(A)),
      () => qs.send(new DescribeAccountSettingsCommand(A)),
      () => qs.send(new UpdateAccountSettingsCommand({ ...A, DefaultNamespace: "default" })),
      () => qs.send(new DeleteAccountSubscriptionCommand(A)),
      () => qs.send(new UpdatePublicSharingSettingsCommand({ ...A, PublicSharingEnabled: true })),
      () => qs.send(new DescribeIpRestrictionCommand(A)),
      () => qs.send(new DescribeAccountCustomizationCommand(A)),
    ]) {
      const error = await failure(call());
      assert.equal(error.name, "ResourceNotFoundException");
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.equal(error.message, `Account information for account ${ACCOUNT} is not found.`);
    }
    assert.equal((await qs.send(new DescribeKeyRegistrationCommand(A))).Status, 200);
  });
});

describe("QuickSight account subscription", () => {
  it("refuses bad subscriptions, changing nothing", async () => {
    const qs = quicksight(server().endpoint);
    const refused = refusal(async () => (await failure(qs.send(new DescribeAccountSubscriptionCommand(A)))).name);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, AccountName: "d-bad" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, Edition: "PLATINUM" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, AuthenticationMethod: "LDAP" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, Edition: "ENTERPRISE_AND_Q" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, AuthenticationMethod: "ACTIVE_DIRECTORY" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, NotificationEmail: "nobody" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountSubscriptionCommand({ ...subscription, AwsAccountId: "111122223333" })), "AccessDeniedException", 401);
  });

  it("subscribes in eu-west-1, which becomes the identity region, with termination protection on", async () => {
    const qs = quicksight(server().endpoint, "eu-west-1");
    const out = await qs.send(new CreateAccountSubscriptionCommand(subscription));
    assert.equal(out.Status, 200);
    assert.deepEqual(out.SignupResponse, { IAMUser: true, userLoginName: "root", accountName: "nubis-test", directoryType: "QUICKSIGHT" });
    const info = (await qs.send(new DescribeAccountSubscriptionCommand(A))).AccountInfo;
    assert.deepEqual(info, { AccountName: "nubis-test", Edition: "ENTERPRISE", NotificationEmail: "ops@example.com", AuthenticationType: "IAM_AND_QUICKSIGHT", AccountSubscriptionStatus: "ACCOUNT_CREATED" });
    const settings = (await qs.send(new DescribeAccountSettingsCommand(A))).AccountSettings;
    assert.deepEqual(settings, { AccountName: "nubis-test", Edition: "ENTERPRISE", DefaultNamespace: "default", NotificationEmail: "ops@example.com", PublicSharingEnabled: false, TerminationProtectionEnabled: true });
    const elsewhere = await failure(quicksight(server().endpoint).send(new DescribeAccountSettingsCommand(A)));
    assert.equal(elsewhere.name, "AccessDeniedException");
    assert.equal(elsewhere.$metadata.httpStatusCode, 401);
    assert.match(elsewhere.message, /^Operation is being called from endpoint us-east-1, but your identity region is eu-west-1\. Please use the eu-west-1 endpoint\.$/);
    const again = await failure(qs.send(new CreateAccountSubscriptionCommand(subscription)));
    assert.equal(again.name, "ResourceExistsException");
    assert.equal(again.$metadata.httpStatusCode, 409);
  });

  it("updates settings and public sharing; refuses a namespace that does not exist", async () => {
    const qs = quicksight(server().endpoint, "eu-west-1");
    const settings = async () => (await qs.send(new DescribeAccountSettingsCommand(A))).AccountSettings;
    const refused = refusal(settings);
    await refused(() => qs.send(new UpdateAccountSettingsCommand({ ...A, DefaultNamespace: "nope" })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new UpdateAccountSettingsCommand({ ...A, DefaultNamespace: "default", NotificationEmail: "x" })), "InvalidParameterValueException", 400);
    await qs.send(new UpdateAccountSettingsCommand({ ...A, DefaultNamespace: "default", NotificationEmail: "new@example.com" }));
    assert.equal((await settings())!.NotificationEmail, "new@example.com");
    assert.equal((await settings())!.TerminationProtectionEnabled, true);
    await qs.send(new UpdatePublicSharingSettingsCommand({ ...A, PublicSharingEnabled: true }));
    assert.equal((await settings())!.PublicSharingEnabled, true);
    await qs.send(new UpdatePublicSharingSettingsCommand(A));
    assert.equal((await settings())!.PublicSharingEnabled, false);
  });

  it("keeps IP restriction rules: replaces maps given, refuses bad keys and an empty enabled set", async () => {
    const qs = quicksight(server().endpoint, "eu-west-1");
    const rules = async () => body(await qs.send(new DescribeIpRestrictionCommand(A)));
    assert.deepEqual(await rules(), { AwsAccountId: ACCOUNT, IpRestrictionRuleMap: {}, VpcIdRestrictionRuleMap: {}, VpcEndpointIdRestrictionRuleMap: {}, Enabled: false, Status: 200 });
    const refused = refusal(rules);
    await refused(() => qs.send(new UpdateIpRestrictionCommand({ ...A, Enabled: true })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new UpdateIpRestrictionCommand({ ...A, IpRestrictionRuleMap: { "10.0.0.0/33": "x" } })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new UpdateIpRestrictionCommand({ ...A, VpcIdRestrictionRuleMap: { "vpx-1": "x" } })), "InvalidParameterValueException", 400);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`10.0.${i}.0/24`, "r"]));
    await refused(() => qs.send(new UpdateIpRestrictionCommand({ ...A, IpRestrictionRuleMap: many })), "LimitExceededException", 409);
    await qs.send(new UpdateIpRestrictionCommand({ ...A, IpRestrictionRuleMap: { "10.0.0.0/16": "office" }, Enabled: true }));
    await qs.send(new UpdateIpRestrictionCommand({ ...A, VpcIdRestrictionRuleMap: { "vpc-0abc": "vpc" } }));
    assert.deepEqual(await rules(), {
      AwsAccountId: ACCOUNT, IpRestrictionRuleMap: { "10.0.0.0/16": "office" }, VpcIdRestrictionRuleMap: { "vpc-0abc": "vpc" }, VpcEndpointIdRestrictionRuleMap: {}, Enabled: true, Status: 200,
    });
  });

  it("keeps account and namespace customizations, resolving the namespace's over the account's", async () => {
    const qs = quicksight(server().endpoint, "eu-west-1");
    const refused = refusal(async () => (await failure(qs.send(new DescribeAccountCustomizationCommand(A)))).name);
    await refused(() => qs.send(new CreateAccountCustomizationCommand({ ...A, AccountCustomization: { DefaultTheme: "arn:aws:quicksight::aws:theme/NOPE" } })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new CreateAccountCustomizationCommand({ ...A, Namespace: "nope", AccountCustomization: {} })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new UpdateAccountCustomizationCommand({ ...A, AccountCustomization: {} })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new DeleteAccountCustomizationCommand(A)), "ResourceNotFoundException", 404);
    const created = await qs.send(new CreateAccountCustomizationCommand({ ...A, AccountCustomization: { DefaultTheme: "arn:aws:quicksight::aws:theme/MIDNIGHT" }, Tags: [{ Key: "k", Value: "v" }] }));
    assert.equal(created.Arn, `arn:aws:quicksight:eu-west-1:${ACCOUNT}:customization/${ACCOUNT}`);
    const dup = await failure(qs.send(new CreateAccountCustomizationCommand({ ...A, AccountCustomization: {} })));
    assert.equal(dup.name, "ResourceExistsException");
    await qs.send(new CreateNamespaceCommand({ ...A, Namespace: "team", IdentityStore: "QUICKSIGHT" }));
    await qs.send(new CreateAccountCustomizationCommand({ ...A, Namespace: "team", AccountCustomization: { DefaultEmailCustomizationTemplate: "arn:aws:quicksight:eu-west-1:000000000000:email-customization-template/x" } }));
    const resolved = await qs.send(new DescribeAccountCustomizationCommand({ ...A, Namespace: "team", Resolved: true }));
    assert.deepEqual(resolved.AccountCustomization, { DefaultTheme: "arn:aws:quicksight::aws:theme/MIDNIGHT", DefaultEmailCustomizationTemplate: "arn:aws:quicksight:eu-west-1:000000000000:email-customization-template/x" });
    await qs.send(new UpdateAccountCustomizationCommand({ ...A, AccountCustomization: { DefaultTheme: "arn:aws:quicksight::aws:theme/SEASIDE" } }));
    assert.equal((await qs.send(new DescribeAccountCustomizationCommand(A))).AccountCustomization!.DefaultTheme, "arn:aws:quicksight::aws:theme/SEASIDE");
    const elsewhere = await failure(quicksight(server().endpoint).send(new DescribeAccountCustomizationCommand(A)));
    assert.equal(elsewhere.name, "AccessDeniedException");
    assert.equal(elsewhere.$metadata.httpStatusCode, 401);
    await qs.send(new DeleteAccountCustomizationCommand({ ...A, Namespace: "team" }));
    assert.equal((await failure(qs.send(new DescribeAccountCustomizationCommand({ ...A, Namespace: "team" })))).name, "ResourceNotFoundException");
  });

  it("refuses to unsubscribe under termination protection, then deletes everything it held", async () => {
    const qs = quicksight(server().endpoint, "eu-west-1");
    await qs.send(new RegisterUserCommand({ ...A, Namespace: "default", IdentityType: "QUICKSIGHT", UserName: "u", Email: "u@example.com", UserRole: "READER" }));
    const refused = refusal(async () => [body(await qs.send(new DescribeAccountSubscriptionCommand(A))), (await qs.send(new ListUsersCommand({ ...A, Namespace: "default" }))).UserList]);
    await refused(() => qs.send(new DeleteAccountSubscriptionCommand(A)), "PreconditionNotMetException", 400);
    await refused(() => quicksight(server().endpoint).send(new DeleteAccountSubscriptionCommand(A)), "AccessDeniedException", 401);
    await qs.send(new UpdateAccountSettingsCommand({ ...A, DefaultNamespace: "default", TerminationProtectionEnabled: false }));
    await qs.send(new DeleteAccountSubscriptionCommand(A));
    assert.equal((await failure(qs.send(new DescribeAccountSubscriptionCommand(A)))).$metadata.httpStatusCode, 404);
    assert.equal((await failure(qs.send(new DeleteAccountSubscriptionCommand(A)))).name, "ResourceNotFoundException");
    // A new subscription starts empty, in the region it is made in.
    await subscribe(quicksight(server().endpoint));
    assert.deepEqual((await quicksight(server().endpoint).send(new ListUsersCommand({ ...A, Namespace: "default" }))).UserList, []);
  });
});

describe("QuickSight STANDARD edition", () => {
  it("refuses Enterprise-only operations and public sharing", async () => {
    const account = "222233334444";
    const qs = quicksight(server().endpoint, "us-east-1", account);
    await subscribe(qs, account, "STANDARD");
    const ns = await failure(qs.send(new CreateNamespaceCommand({ AwsAccountId: account, Namespace: "x", IdentityStore: "QUICKSIGHT" })));
    assert.equal(ns.name, "UnsupportedUserEditionException");
    assert.equal(ns.$metadata.httpStatusCode, 403);
    const sharing = await failure(qs.send(new UpdatePublicSharingSettingsCommand({ AwsAccountId: account, PublicSharingEnabled: true })));
    assert.equal(sharing.name, "UnsupportedPricingPlanException");
    assert.equal(sharing.$metadata.httpStatusCode, 403);
  });
});
