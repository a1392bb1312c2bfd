/**
 * Each service checks the rows of its own tables in a snapshot (issue 11 item 6): a rich state
 * exported and posted back is accepted; one corrupted row of any table is refused naming the
 * table, the row and the reason, and nothing changes.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as I from "@aws-sdk/client-iam";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import * as Q from "@aws-sdk/client-quicksight";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetWebIdentityTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { startServer } from "../../src/index.js";
import { iam as iamDefinition } from "../../src/services/iam/index.js";
import { quicksight as quicksightDefinition } from "../../src/services/quicksight/definition.js";
import { sts as stsDefinition } from "../../src/services/sts/definition.js";
import { certificate, sshKey } from "../iam/credentialFixtures.js";
import { clientConfig, useServer } from "../harness.js";

const ACCOUNT = "000000000000";
const doc = (tables: Record<string, unknown>) => JSON.stringify({ format: "nubis-state", version: 1, exportedAt: "2026-01-01T00:00:00.000Z", tables });
const state = async (endpoint: string) => (await (await fetch(`${endpoint}/_nubis/state`)).json()) as { tables: Record<string, Array<[string, unknown]>> };
const post = (endpoint: string, body: string) => fetch(`${endpoint}/_nubis/state`, { method: "POST", body });

/** RFC 6238 from the seed, for EnableMFADevice. */
function totp(seed: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of seed) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)))).update(counter).digest();
  return String((h.readUInt32BE(h[19] & 15) & 0x7fffffff) % 1e6).padStart(6, "0");
}

const samlMetadata = () => {
  const der = certificate({ ec: true }).body.replace(/-----[A-Z ]+-----|\s/g, "");
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata" validUntil="2040-01-01T00:00:00Z">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
};

const policy = (action = "s3:GetObject") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] });

/** One of every IAM and STS resource kind, as the SDK makes them. */
async function richIam(endpoint: string) {
  const iam = new I.IAMClient(clientConfig(endpoint));
  const managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  await iam.send(new I.CreateGroupCommand({ GroupName: "devs" }));
  await iam.send(new I.CreateUserCommand({ UserName: "ann", Tags: [{ Key: "team", Value: "a" }] }));
  await iam.send(new I.PutUserPermissionsBoundaryCommand({ UserName: "ann", PermissionsBoundary: managed }));
  await iam.send(new I.AddUserToGroupCommand({ GroupName: "devs", UserName: "ann" }));
  await iam.send(new I.PutGroupPolicyCommand({ GroupName: "devs", PolicyName: "g", PolicyDocument: policy() }));
  await iam.send(new I.PutUserPolicyCommand({ UserName: "ann", PolicyName: "u", PolicyDocument: policy() }));
  const { Policy } = await iam.send(new I.CreatePolicyCommand({ PolicyName: "mine", PolicyDocument: policy(), Tags: [{ Key: "k", Value: "v" }] }));
  await iam.send(new I.CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn, PolicyDocument: policy("s3:PutObject"), SetAsDefault: true }));
  await iam.send(new I.AttachGroupPolicyCommand({ GroupName: "devs", PolicyArn: Policy!.Arn }));
  await iam.send(new I.AttachUserPolicyCommand({ UserName: "ann", PolicyArn: managed }));
  const { AccessKey } = await iam.send(new I.CreateAccessKeyCommand({ UserName: "ann" }));
  await iam.send(new I.CreateRoleCommand({ RoleName: "app", AssumeRolePolicyDocument: trust, Tags: [{ Key: "k", Value: "v" }] }));
  await iam.send(new I.PutRolePolicyCommand({ RoleName: "app", PolicyName: "r", PolicyDocument: policy() }));
  await iam.send(new I.AttachRolePolicyCommand({ RoleName: "app", PolicyArn: Policy!.Arn }));
  await iam.send(new I.CreateInstanceProfileCommand({ InstanceProfileName: "web" }));
  await iam.send(new I.AddRoleToInstanceProfileCommand({ InstanceProfileName: "web", RoleName: "app" }));
  const slr = await iam.send(new I.CreateServiceLinkedRoleCommand({ AWSServiceName: "elasticbeanstalk.amazonaws.com" }));
  await iam.send(new I.DeleteServiceLinkedRoleCommand({ RoleName: slr.Role!.RoleName }));
  await iam.send(new I.CreateLoginProfileCommand({ UserName: "ann", Password: "Sup3r-secret-pw!" }));
  await iam.send(new I.UploadSSHPublicKeyCommand({ UserName: "ann", SSHPublicKeyBody: sshKey().pub }));
  await iam.send(new I.UploadSigningCertificateCommand({ UserName: "ann", CertificateBody: certificate().body }));
  await iam.send(new I.CreateServiceSpecificCredentialCommand({ UserName: "ann", ServiceName: "codecommit.amazonaws.com" }));
  const { VirtualMFADevice } = await iam.send(new I.CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "token" }));
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString();
  const step = Math.floor(Date.now() / 30_000);
  await iam.send(new I.EnableMFADeviceCommand({ UserName: "ann", SerialNumber: VirtualMFADevice!.SerialNumber, AuthenticationCode1: totp(seed, step), AuthenticationCode2: totp(seed, step + 1) }));
  const cert = certificate();
  await iam.send(new I.UploadServerCertificateCommand({ ServerCertificateName: "site", CertificateBody: cert.body, PrivateKey: cert.key }));
  await iam.send(new I.CreateOpenIDConnectProviderCommand({ Url: "https://oidc.example.com", ClientIDList: ["app"], ThumbprintList: ["a".repeat(40)] }));
  await iam.send(new I.CreateSAMLProviderCommand({ Name: "okta", SAMLMetadataDocument: samlMetadata() }));
  await iam.send(new I.CreateAccountAliasCommand({ AccountAlias: "nubis-rows" }));
  await iam.send(new I.UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12 }));
  await iam.send(new I.GenerateCredentialReportCommand({}));
  await iam.send(new I.SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: "v2Token" }));
  await iam.send(new I.EnableOutboundWebIdentityFederationCommand({}));
  // STS: a session (sts.sessions), a signing key (sts.tokenKeys), and a key's last use.
  const user = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const sts = new STSClient(clientConfig(endpoint, "us-east-1", user));
  await sts.send(new GetCallerIdentityCommand({}));
  await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/app`, RoleSessionName: "snap" }));
  await sts.send(new GetWebIdentityTokenCommand({ Audience: ["https://api.example.test"], SigningAlgorithm: "RS256" }));
}

/** One of every QuickSight resource kind. */
async function richQuickSight(endpoint: string) {
  const qs = new Q.QuickSightClient(clientConfig(endpoint));
  const A = { AwsAccountId: ACCOUNT };
  const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
  await qs.send(new Q.CreateAccountSubscriptionCommand({ ...A, AccountName: "rows", AuthenticationMethod: "IAM_AND_QUICKSIGHT", Edition: "ENTERPRISE", NotificationEmail: "a@example.com" }));
  const key = (await new KMSClient(clientConfig(endpoint)).send(new CreateKeyCommand({}))).KeyMetadata!;
  await qs.send(new Q.UpdateKeyRegistrationCommand({ ...A, KeyRegistration: [{ KeyArn: key.Arn, DefaultKey: true }] }));
  await qs.send(new Q.UpdateIpRestrictionCommand({ ...A, Enabled: true, IpRestrictionRuleMap: { "10.0.0.0/8": "office" } }));
  await qs.send(new Q.CreateAccountCustomizationCommand({ ...A, AccountCustomization: { DefaultTheme: "arn:aws:quicksight::aws:theme/MIDNIGHT" } }));
  const ns = { ...A, Namespace: "default" };
  await qs.send(new Q.RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "ann", Email: "a@example.com", UserRole: "AUTHOR" }));
  await qs.send(new Q.CreateGroupCommand({ ...ns, GroupName: "bi" }));
  await qs.send(new Q.CreateGroupMembershipCommand({ ...ns, GroupName: "bi", MemberName: "ann" }));
  await qs.send(new Q.CreateIAMPolicyAssignmentCommand({ ...ns, AssignmentName: "draft", AssignmentStatus: "DRAFT" }));
  await qs.send(new Q.CreateDataSourceCommand({ ...A, DataSourceId: "s", Name: "s", Type: "ATHENA", DataSourceParameters: { AthenaParameters: {} } }));
  await qs.send(
    new Q.CreateDataSetCommand({ ...A, DataSetId: "d", Name: "d", ImportMode: "SPICE", PhysicalTableMap: { t: { RelationalTable: { DataSourceArn: arn("datasource/s"), Name: "t", InputColumns: [{ Name: "c", Type: "STRING" }] } } } }),
  );
  await qs.send(new Q.CreateIngestionCommand({ ...A, DataSetId: "d", IngestionId: "r1" }));
  const definition = { DataSetIdentifierDeclarations: [{ Identifier: "d", DataSetArn: arn("dataset/d") }] };
  await qs.send(new Q.CreateAnalysisCommand({ ...A, AnalysisId: "a", Name: "a", Definition: definition }));
  await qs.send(new Q.CreateDashboardCommand({ ...A, DashboardId: "x", Name: "x", Definition: definition }));
  await qs.send(new Q.CreateTemplateCommand({ ...A, TemplateId: "tpl", Name: "Tpl", Definition: { DataSetConfigurations: [{ Placeholder: "orders" }], Sheets: [{ SheetId: "s1", Name: "Overview" }] } }));
  await qs.send(new Q.CreateTemplateAliasCommand({ ...A, TemplateId: "tpl", AliasName: "prod", TemplateVersionNumber: 1 }));
  await qs.send(new Q.CreateThemeCommand({ ...A, ThemeId: "th", Name: "Brand", BaseThemeId: "CLASSIC", Configuration: { UIColorPalette: { PrimaryForeground: "#111111" } } }));
  await qs.send(new Q.CreateFolderCommand({ ...A, FolderId: "root", Name: "Root" }));
  await qs.send(new Q.CreateFolderMembershipCommand({ ...A, FolderId: "root", MemberId: "d", MemberType: "DATASET" }));
  await qs.send(new Q.CreateNamespaceCommand({ ...A, Namespace: "team", IdentityStore: "QUICKSIGHT" }));
}


const SERVICES = [iamDefinition, stsDefinition, quicksightDefinition];
const refusedWith = async (endpoint: string, tables: Record<string, unknown>, reason: RegExp) => {
  const before = await state(endpoint);
  const res = await post(endpoint, doc(tables));
  assert.equal(res.status, 400);
  const { error } = (await res.json()) as { error: string };
  assert.match(error, /^state document refused, nothing changed: /);
  assert.match(error, reason);
  assert.deepEqual((await state(endpoint)).tables, before.tables, "nothing changed");
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("a rich state of IAM, STS and QuickSight", () => {
  const server = useServer();
  let rich: Record<string, Array<[string, unknown]>> = {};
  before(async () => {
    await richIam(server().endpoint);
    await richQuickSight(server().endpoint);
    rich = (await state(server().endpoint)).tables;
  });

  it("holds a row in every table the three services declare (so the round trip covers them all)", () => {
    for (const def of SERVICES) {
      for (const family of Object.keys(def.tables!)) assert.ok(rich[`${def.name}.${family}`]?.length, `${def.name}.${family} has rows`);
    }
    for (const table of Object.keys(rich).filter((t) => /^(iam|sts|quicksight)\./.test(t))) {
      const [service, family] = table.split(".");
      assert.ok(Object.hasOwn(SERVICES.find((d) => d.name === service)!.tables!, family), `${table} is declared`);
    }
  });

  it("is accepted back whole, and reads the same after", async () => {
    const { endpoint } = server();
    const res = await post(endpoint, doc(rich));
    assert.equal(res.status, 200, await res.text());
    assert.deepEqual((await state(endpoint)).tables, rich);
    const users = await new I.IAMClient(clientConfig(endpoint)).send(new I.ListUsersCommand({}));
    assert.deepEqual(users.Users!.map((u) => u.UserName), ["ann"]);
  });

  it("is refused when any one row of any table has the wrong shape, naming table, row and reason", async () => {
    const { endpoint } = server();
    for (const [table, rows] of Object.entries(rich).filter(([t]) => /^(iam|sts|quicksight)\./.test(t))) {
      const [key, value] = rows[rows.length - 1];
      // A record becomes a number, a scalar a record: neither is what the service writes.
      const wrong = typeof value === "object" ? 5 : {};
      const corrupted = { ...rich, [table]: [...rows.slice(0, -1), [key, wrong]] };
      const why = typeof value === "object" ? /the value must be (a record|an object), not number/ : /the value must be an? (string|number), not object/;
      await refusedWith(endpoint, corrupted, new RegExp(`table "${escape(table)}", row ${rows.length} \\(key "${escape(JSON.stringify(key).slice(1, 81).replace(/"$/, ""))}[^)]*\\): ${why.source}`));
    }
  });

  it("is refused when a record lacks a member or holds one of the wrong type", async () => {
    const { endpoint } = server();
    const [[key, user]] = rich["iam.users"] as Array<[string, Record<string, unknown>]>;
    const { UserId: _, ...noId } = user;
    await refusedWith(endpoint, { "iam.users": [[key, noId]] }, /table "iam\.users", row 1 \(key "000000000000\/ann"\): the record lacks UserId/);
    await refusedWith(endpoint, { "iam.users": [[key, { ...user, Tags: [{ Key: "k", Value: 1 }] }]] }, /row 1 \(key "000000000000\/ann"\): Tags\[0\]\.Value must be a string, not number/);
    const [[skey, session]] = rich["sts.sessions"] as Array<[string, Record<string, unknown>]>;
    await refusedWith(endpoint, { "sts.sessions": [[skey, { ...session, principal: { type: "user" } }]] }, /table "sts\.sessions", row 1 .*: the record lacks principal\.account|principal lacks account/);
  });

  it("is refused when a key is not of the table's form", async () => {
    const { endpoint } = server();
    const [[, user]] = rich["iam.users"];
    await refusedWith(endpoint, { "iam.users": [["ann", user]] }, /table "iam\.users", row 1 \(key "ann"\): the key is not of the form \{account\}\/\*/);
    await refusedWith(endpoint, { "iam.users": [["000000000000/a/b", user]] }, /row 1 \(key "000000000000\/a\/b"\): the key is not of the form/);
    const [[, ds]] = rich["quicksight.dataSources"];
    await refusedWith(endpoint, { "quicksight.dataSources": [["000000000000/s", ds]] }, /table "quicksight\.dataSources", row 1 \(key "000000000000\/s"\): the key is not of the form \{account\}\/\{region\}\/\*/);
    await refusedWith(endpoint, { "iam.account": [["000000000000/nonsense", "x"]] }, /table "iam\.account", row 1 .*: the key is not of the form \{account\}\/alias or/);
    await refusedWith(endpoint, { "sts.nonsense": [] }, /table "sts\.nonsense": sts keeps no such table/);
  });
});

describe("the issue's examples in iam.users", () => {
  const server = useServer();
  for (const [value, reason] of [[null, /the value is null/], [5, /the value must be a record, not number/]] as const) {
    it(`refuses ["000000000000/x", ${value}], and ListUsers still answers`, async () => {
      const { endpoint } = server();
      const iam = new I.IAMClient(clientConfig(endpoint));
      await iam.send(new I.CreateUserCommand({ UserName: `stays${value}` }));
      await refusedWith(endpoint, { "iam.users": [["000000000000/x", value]] }, new RegExp(`table "iam\\.users", row 1 \\(key "000000000000/x"\\): ${reason.source}`));
      assert.ok((await iam.send(new I.ListUsersCommand({}))).Users!.some((u) => u.UserName === `stays${value}`));
    });
  }
});

describe("--init-state with a row of the wrong shape", () => {
  const dir = mkdtempSync(join(tmpdir(), "nubis-rows-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "bad.json");
  writeFileSync(file, doc({ "iam.users": [["000000000000/x", 5]] }));

  it("is refused before the server starts, naming file, table, row and reason", async () => {
    await assert.rejects(startServer({ port: 0, initState: file }), new RegExp(`state file ${escape(file)} refused: table "iam\\.users", row 1 \\(key "000000000000/x"\\): the value must be a record, not number`));
  });

  it("makes the CLI exit with a one-line reason", () => {
    const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", cli, "--port", "0", "--quiet", "--init-state", file], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^nubis: .*refused: table "iam\.users", row 1 \(key "000000000000\/x"\): the value must be a record, not number\n$/);
  });
});
