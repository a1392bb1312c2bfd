import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsResponse,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetUserCommand,
  AddUserToGroupCommand,
  type IAMClient,
  ListAccountAliasesCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, stsClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));
/** Another account, for what must start from a blank state. */
const other = (account: string) => iamClient(server().endpoint, account);

describe("account aliases", () => {
  it("creates, lists and deletes the one alias of an account", async () => {
    const c = other("111111111111");
    await c.send(new CreateAccountAliasCommand({ AccountAlias: "my-company" }));
    await c.send(new CreateAccountAliasCommand({ AccountAlias: "my-company" })); // again: no change
    assert.deepEqual((await c.send(new ListAccountAliasesCommand({}))).AccountAliases, ["my-company"]);
    await expectError(c.send(new CreateAccountAliasCommand({ AccountAlias: "second-one" })), "LimitExceeded", 409, "Cannot exceed quota for AccountAliasesPerAccount: 1");
    await expectError(other("222222222222").send(new CreateAccountAliasCommand({ AccountAlias: "my-company" })), "EntityAlreadyExists", 409, "The account alias my-company already exists.");
    await expectError(c.send(new DeleteAccountAliasCommand({ AccountAlias: "not-mine" })), "NoSuchEntity", 404, "The account alias not-mine cannot be found.");
    assert.deepEqual((await c.send(new ListAccountAliasesCommand({}))).AccountAliases, ["my-company"]);
    await c.send(new DeleteAccountAliasCommand({ AccountAlias: "my-company" }));
    const after = await c.send(new ListAccountAliasesCommand({}));
    assert.deepEqual(after.AccountAliases, []);
    assert.equal(after.IsTruncated, false);
    // The name is free again for anyone.
    await other("222222222222").send(new CreateAccountAliasCommand({ AccountAlias: "my-company" }));
  });

  it("refuses an alias that breaks the pattern with ValidationError", async () => {
    const c = other("333333333333");
    for (const alias of ["UPPER", "double--dash", "-start", "ab"]) {
      await expectError(c.send(new CreateAccountAliasCommand({ AccountAlias: alias })), "ValidationError", 400);
    }
    assert.deepEqual((await c.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
  });
});

describe("account password policy", () => {
  it("answers NoSuchEntity (404) when none is set", async () => {
    const c = other("444444444444");
    const text = "The Password Policy with domain name 444444444444 cannot be found.";
    await expectError(c.send(new GetAccountPasswordPolicyCommand({})), "NoSuchEntity", 404, text);
    await expectError(c.send(new DeleteAccountPasswordPolicyCommand({})), "NoSuchEntity", 404, text);
  });

  it("sets a policy; members left out of an update go back to their defaults", async () => {
    const c = other("555555555555");
    await c.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireSymbols: true, MaxPasswordAge: 90, PasswordReusePrevention: 5, HardExpiry: false }));
    assert.deepEqual((await c.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 5,
      HardExpiry: false,
    });
    await c.send(new UpdateAccountPasswordPolicyCommand({ RequireNumbers: true }));
    assert.deepEqual((await c.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
      MinimumPasswordLength: 6,
      RequireSymbols: false,
      RequireNumbers: true,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: false,
    });
    await c.send(new DeleteAccountPasswordPolicyCommand({}));
    await expectError(c.send(new GetAccountPasswordPolicyCommand({})), "NoSuchEntity", 404);
  });

  it("refuses out-of-range values with ValidationError and keeps the policy", async () => {
    const c = other("666666666666");
    await c.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 10 }));
    await expectError(
      c.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 5 })),
      "ValidationError",
      400,
      "1 validation error detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
    await expectError(c.send(new UpdateAccountPasswordPolicyCommand({ MaxPasswordAge: 2000 })), "ValidationError", 400);
    await expectError(c.send(new UpdateAccountPasswordPolicyCommand({ PasswordReusePrevention: 25 })), "ValidationError", 400);
    assert.equal((await c.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy!.MinimumPasswordLength, 10);
  });
});

describe("GetAccountSummary", () => {
  it("returns every key, counting what exists", async () => {
    const c = other("777777777777");
    const before = (await c.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    for (const k of ["Users", "Groups", "Roles", "Policies", "InstanceProfiles", "ServerCertificates", "MFADevices", "MFADevicesInUse", "Providers", "PolicyVersionsInUse"]) {
      assert.equal(before[k as keyof typeof before], 0, k);
    }
    assert.equal(before.UsersQuota, 5000);
    assert.equal(before.GroupsQuota, 300);
    assert.equal(before.RolesQuota, 1000);
    assert.equal(before.ServerCertificatesQuota, 20);
    assert.equal(before.AccessKeysPerUserQuota, 2);
    assert.equal(before.SigningCertificatesPerUserQuota, 2);
    assert.equal(before.PolicySizeQuota, 6144);
    assert.equal(before.VersionsPerPolicyQuota, 5);
    assert.equal(before.GlobalEndpointTokenVersion, 1);
    // Every key of the model's SummaryKeyType.
    assert.deepEqual(Object.keys(before).sort(), ["AccessKeysPerUserQuota", "AccountAccessKeysPresent", "AccountMFAEnabled", "AccountPasswordPresent", "AccountSigningCertificatesPresent", "AssumeRolePolicySizeQuota", "AttachedPoliciesPerGroupQuota", "AttachedPoliciesPerRoleQuota", "AttachedPoliciesPerUserQuota", "GlobalEndpointTokenVersion", "GroupPolicySizeQuota", "Groups", "GroupsPerUserQuota", "GroupsQuota", "InstanceProfiles", "InstanceProfilesQuota", "MFADevices", "MFADevicesInUse", "Policies", "PoliciesQuota", "PolicySizeQuota", "PolicyVersionsInUse", "PolicyVersionsInUseQuota", "Providers", "RolePolicySizeQuota", "Roles", "RolesQuota", "ServerCertificates", "ServerCertificatesQuota", "SigningCertificatesPerUserQuota", "UserPolicySizeQuota", "Users", "UsersQuota", "VersionsPerPolicyQuota"]);

    await c.send(new CreateUserCommand({ UserName: "a" }));
    await c.send(new CreateUserCommand({ UserName: "b" }));
    await c.send(new CreateGroupCommand({ GroupName: "g" }));
    const arn = (await c.send(new CreatePolicyCommand({ PolicyName: "p", PolicyDocument: policyDoc() }))).Policy!.Arn!;
    await c.send(new AttachUserPolicyCommand({ UserName: "a", PolicyArn: arn }));
    await c.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "m" }));
    const after = (await c.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    assert.equal(after.Users, 2);
    assert.equal(after.Groups, 1);
    assert.equal(after.Policies, 1);
    assert.equal(after.PolicyVersionsInUse, 1);
    assert.equal(after.MFADevices, 1);
    assert.equal(after.MFADevicesInUse, 0);
  });
});

describe("GetAccountAuthorizationDetails", () => {
  const all = async (c: IAMClient, input: { Filter?: string[]; MaxItems?: number } = {}) => {
    const merged: Required<Pick<GetAccountAuthorizationDetailsResponse, "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies">> = {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    };
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await c.send(new GetAccountAuthorizationDetailsCommand({ ...(input as object), Marker }));
      const n = page.UserDetailList!.length + page.GroupDetailList!.length + page.RoleDetailList!.length + page.Policies!.length;
      if (input.MaxItems) assert.ok(n <= input.MaxItems);
      for (const k of Object.keys(merged) as Array<keyof typeof merged>) merged[k].push(...(page[k] as never[]));
      Marker = page.IsTruncated ? page.Marker : undefined;
      pages++;
    } while (Marker);
    return { ...merged, pages };
  };

  it("lists users with their inline, attached and group policies, groups and customer policies with versions", async () => {
    const c = other("888888888888");
    await c.send(new CreateUserCommand({ UserName: "alice", Tags: [{ Key: "team", Value: "a" }] }));
    await c.send(new CreateGroupCommand({ GroupName: "devs" }));
    await c.send(new AddUserToGroupCommand({ UserName: "alice", GroupName: "devs" }));
    const doc = policyDoc("s3:GetObject");
    await c.send(new PutUserPolicyCommand({ UserName: "alice", PolicyName: "inline", PolicyDocument: doc }));
    const arn = (await c.send(new CreatePolicyCommand({ PolicyName: "managed", PolicyDocument: doc }))).Policy!.Arn!;
    await c.send(new AttachUserPolicyCommand({ UserName: "alice", PolicyArn: arn }));
    await c.send(new AttachUserPolicyCommand({ UserName: "alice", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));

    const details = await all(c);
    const [u] = details.UserDetailList;
    assert.equal(u.UserName, "alice");
    assert.equal(u.Arn, "arn:aws:iam::888888888888:user/alice");
    assert.deepEqual(u.GroupList, ["devs"]);
    assert.deepEqual(u.UserPolicyList!.map((p) => [p.PolicyName, decodeURIComponent(p.PolicyDocument!)]), [["inline", doc]]);
    assert.deepEqual(u.AttachedManagedPolicies!.map((p) => p.PolicyArn).sort(), ["arn:aws:iam::888888888888:policy/managed", "arn:aws:iam::aws:policy/AdministratorAccess"]);
    assert.deepEqual(u.Tags, [{ Key: "team", Value: "a" }]);
    assert.deepEqual(details.GroupDetailList.map((g) => g.GroupName), ["devs"]);
    const local = details.Policies.find((p) => p.Arn === arn)!;
    assert.equal(local.AttachmentCount, 1);
    assert.equal(local.DefaultVersionId, "v1");
    assert.deepEqual(local.PolicyVersionList!.map((v) => [v.VersionId, v.IsDefaultVersion, decodeURIComponent(v.Document!)]), [["v1", true, doc]]);
    const aws = details.Policies.find((p) => p.PolicyName === "AdministratorAccess")!;
    assert.equal(aws.AttachmentCount, 1);

    const onlyPolicies = await all(c, { Filter: ["LocalManagedPolicy"] });
    assert.deepEqual(onlyPolicies.Policies.map((p) => p.PolicyName), ["managed"]);
    assert.deepEqual(onlyPolicies.UserDetailList, []);
  });

  it("lists roles with their trust policy, inline and attached policies and instance profiles", async () => {
    const c = other("161616161616");
    const m = await import("@aws-sdk/client-iam");
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await c.send(new m.CreateRoleCommand({ RoleName: "web", AssumeRolePolicyDocument: trust, Tags: [{ Key: "app", Value: "web" }] }));
    await c.send(new m.PutRolePolicyCommand({ RoleName: "web", PolicyName: "logs", PolicyDocument: policyDoc("logs:PutLogEvents") }));
    await c.send(new m.AttachRolePolicyCommand({ RoleName: "web", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    await c.send(new m.CreateInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
    await c.send(new m.AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
    const [role] = (await all(c, { Filter: ["Role"] })).RoleDetailList;
    assert.equal(role.RoleName, "web");
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), trust);
    assert.deepEqual(role.RolePolicyList!.map((p) => p.PolicyName), ["logs"]);
    assert.deepEqual(role.AttachedManagedPolicies!.map((p) => p.PolicyName), ["AdministratorAccess"]);
    assert.deepEqual(role.InstanceProfileList!.map((p) => [p.InstanceProfileName, p.Roles!.map((r) => r.RoleName)]), [["web-profile", ["web"]]]);
    assert.deepEqual(role.Tags, [{ Key: "app", Value: "web" }]);
    const summary = (await c.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    assert.equal(summary.Roles, 1);
    assert.equal(summary.InstanceProfiles, 1);
  });

  it("pages over all sections together with MaxItems", async () => {
    const c = other("999999999999");
    for (let i = 0; i < 4; i++) await c.send(new CreateUserCommand({ UserName: `u${i}` }));
    for (let i = 0; i < 3; i++) await c.send(new CreateGroupCommand({ GroupName: `g${i}` }));
    const whole = await all(c);
    const paged = await all(c, { MaxItems: 2 });
    assert.equal(paged.pages, 4);
    assert.deepEqual(paged.UserDetailList.map((u) => u.UserName), whole.UserDetailList.map((u) => u.UserName));
    assert.deepEqual(paged.GroupDetailList.map((g) => g.GroupName), ["g0", "g1", "g2"]);
    await expectError(c.send(new GetAccountAuthorizationDetailsCommand({ Marker: "garbage" })), "ValidationError", 400, "Invalid Marker.");
    await expectError(c.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Nope" as never] })), "ValidationError", 400);
  });
});

describe("credential report", () => {
  it("answers ReportNotPresent (410) before the first generation, then a CSV in AWS's columns", async () => {
    const c = other("121212121212");
    const missing = (await failure(c.send(new GetCredentialReportCommand({})))) as Error & { Code?: string; $metadata: { httpStatusCode?: number } };
    assert.equal(missing.Code, "ReportNotPresent");
    assert.equal(missing.$metadata.httpStatusCode, 410);
    await c.send(new CreateUserCommand({ UserName: "bob" }));
    await c.send(new CreateLoginProfileCommand({ UserName: "bob", Password: "Str0ng-Passw0rd" }));
    const key = (await c.send(new CreateAccessKeyCommand({ UserName: "bob" }))).AccessKey!;
    const first = await c.send(new GenerateCredentialReportCommand({}));
    assert.equal(first.State, "STARTED");
    assert.equal(first.Description, "No report exists. Starting a new report generation task");
    assert.equal((await c.send(new GenerateCredentialReportCommand({}))).State, "COMPLETE");
    const report = await c.send(new GetCredentialReportCommand({}));
    assert.equal(report.ReportFormat, "text/csv");
    assert.ok(report.GeneratedTime instanceof Date);
    const lines = Buffer.from(report.Content!).toString("utf8").trimEnd().split("\n");
    assert.equal(
      lines[0],
      "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated",
    );
    assert.match(lines[1], /^<root_account>,arn:aws:iam::121212121212:root,/);
    const bob = Object.fromEntries(lines[0].split(",").map((col, i) => [col, lines[2].split(",")[i]]));
    assert.equal(bob.user, "bob");
    assert.equal(bob.arn, "arn:aws:iam::121212121212:user/bob");
    assert.match(bob.user_creation_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(bob.password_enabled, "true");
    assert.equal(bob.password_last_used, "no_information");
    assert.equal(bob.mfa_active, "false");
    assert.equal(bob.access_key_1_active, "true");
    assert.equal(bob.access_key_1_last_rotated, key.CreateDate!.toISOString().replace(".000Z", "+00:00"));
    assert.equal(bob.access_key_1_last_used_date, "N/A");
    assert.equal(bob.access_key_2_active, "false");
    assert.equal(bob.cert_1_active, "false");

    // A change makes the next generation a new report.
    await c.send(new UpdateAccessKeyCommand({ UserName: "bob", AccessKeyId: key.AccessKeyId, Status: "Inactive" }));
    assert.equal((await c.send(new GenerateCredentialReportCommand({}))).State, "STARTED");
    const again = Buffer.from((await c.send(new GetCredentialReportCommand({}))).Content!).toString("utf8").split("\n");
    assert.equal(again[2].split(",")[8], "false");
  });
});

describe("GetAccessKeyLastUsed", () => {
  it("reads N/A for a key never used, then the service, region and minute of its last signed request", async () => {
    const name = unique("caller");
    await iam().send(new CreateUserCommand({ UserName: name }));
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const never = await iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    assert.equal(never.UserName, name);
    assert.deepEqual(never.AccessKeyLastUsed, { ServiceName: "N/A", Region: "N/A" });

    await iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!).send(new GetUserCommand({}));
    const used = (await iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }))).AccessKeyLastUsed!;
    assert.equal(used.ServiceName, "iam");
    assert.equal(used.Region, "us-east-1");
    assert.equal(used.LastUsedDate!.getUTCSeconds(), 0, "to the minute");
    assert.ok(Math.abs(used.LastUsedDate!.getTime() - Date.now()) < 120_000);

    await stsClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!).send(new GetCallerIdentityCommand({}));
    assert.equal((await iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }))).AccessKeyLastUsed!.ServiceName, "sts");

    await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: key.AccessKeyId }));
    await expectError(
      iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })),
      "NoSuchEntity",
      404,
      `The Access Key with id ${key.AccessKeyId} cannot be found.`,
    );
  });

  it("does not answer for another account's key", async () => {
    const c = other("131313131313");
    await c.send(new CreateUserCommand({ UserName: "x" }));
    const key = (await c.send(new CreateAccessKeyCommand({ UserName: "x" }))).AccessKey!;
    await expectError(iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })), "NoSuchEntity", 404);
    assert.equal((await c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }))).UserName, "x");
    assert.equal(ACCOUNT, "000000000000");
  });
});

describe("STS preferences and outbound web identity federation", () => {
  it("sets the global endpoint token version, shown by GetAccountSummary", async () => {
    const c = other("141414141414");
    const { SetSecurityTokenServicePreferencesCommand } = await import("@aws-sdk/client-iam");
    await c.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: "v2Token" }));
    assert.equal((await c.send(new GetAccountSummaryCommand({}))).SummaryMap!.GlobalEndpointTokenVersion, 2);
    await c.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: "v1Token" }));
    assert.equal((await c.send(new GetAccountSummaryCommand({}))).SummaryMap!.GlobalEndpointTokenVersion, 1);
    await expectError(c.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: "v3Token" as never })), "ValidationError", 400);
  });

  it("enables federation once (FeatureEnabled 409 again), keeps the issuer across disable, refuses a second disable (FeatureDisabled 404)", async () => {
    const c = other("151515151515");
    const m = await import("@aws-sdk/client-iam");
    await expectError(c.send(new m.GetOutboundWebIdentityFederationInfoCommand({})), "FeatureDisabled", 404);
    const { IssuerIdentifier } = await c.send(new m.EnableOutboundWebIdentityFederationCommand({}));
    assert.match(IssuerIdentifier!, /^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    await expectError(c.send(new m.EnableOutboundWebIdentityFederationCommand({})), "FeatureEnabled", 409);
    assert.deepEqual(await c.send(new m.GetOutboundWebIdentityFederationInfoCommand({})).then((r) => [r.IssuerIdentifier, r.JwtVendingEnabled]), [IssuerIdentifier, true]);
    await c.send(new m.DisableOutboundWebIdentityFederationCommand({}));
    await expectError(c.send(new m.DisableOutboundWebIdentityFederationCommand({})), "FeatureDisabled", 404);
    assert.equal((await c.send(new m.GetOutboundWebIdentityFederationInfoCommand({}))).JwtVendingEnabled, false);
    assert.equal((await c.send(new m.EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier, IssuerIdentifier);
  });
});

describe("credential report expiry", () => {
  it("answers ReportExpired (410) for a report older than 4 hours, and generates a new one", async () => {
    const c = other("171717171717");
    await c.send(new GenerateCredentialReportCommand({}));
    // Age the stored report through a state snapshot (times are data).
    const state = (await (await fetch(`${server().endpoint}/_nubis/state`)).json()) as { tables: Record<string, Array<[string, { GeneratedTime?: string }]>> };
    const row = state.tables["iam.account"].find(([key]) => key === "171717171717/credentialReport")!;
    row[1].GeneratedTime = new Date(Date.now() - 5 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const loaded = await fetch(`${server().endpoint}/_nubis/state`, { method: "POST", body: JSON.stringify(state) });
    assert.equal(loaded.status, 200);
    const expired = (await failure(c.send(new GetCredentialReportCommand({})))) as Error & { Code?: string; $metadata: { httpStatusCode?: number } };
    assert.equal(expired.Code, "ReportExpired");
    assert.equal(expired.$metadata.httpStatusCode, 410);
    assert.equal((await c.send(new GenerateCredentialReportCommand({}))).State, "STARTED");
    assert.equal((await c.send(new GetCredentialReportCommand({}))).ReportFormat, "text/csv");
  });
});
