/**
 * The resource browser's data (/_nubis/console/api/resources, /resource, /overview): every
 * declared kind lists what the SDK made, pages, filters, and a detail is the service's own Get
 * answer with its links both ways.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyGroupCommand,
  CreateKeyValueStoreCommand,
  CreateOriginAccessControlCommand,
  CreatePublicKeyCommand,
  GetDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  GetRoleCommand,
  IAMClient,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { CreateGrantCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CreateAnalysisCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateGroupCommand as QsCreateGroup,
  CreateGroupMembershipCommand,
  RegisterUserCommand,
} from "@aws-sdk/client-quicksight";
import { clientConfig, useServer } from "../harness.js";
import { distributionConfig, rsaPem } from "../cloudfront/fixtures.js";
import { sshKey } from "../iam/credentialFixtures.js";
import { quicksight, subscribe } from "../quicksight/fixtures.js";

const server = useServer();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(path: string, expected = 200): Promise<any> {
  const res = await fetch(`${server().endpoint}/_nubis/console/api/${path}`);
  assert.equal(res.status, expected, path);
  return res.json();
}
const rows = async (service: string, kind: string, extra = "") => api(`resources?service=${service}&kind=${kind}${extra}`);
const detail = async (service: string, kind: string, id: string, extra = "") => api(`resource?service=${service}&kind=${kind}&id=${encodeURIComponent(id)}${extra}`);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const linked = (d: any, direction: string, kind: string) => d.links.filter((l: any) => l.direction === direction && l.kind === kind).map((l: any) => l.id);

describe("console resource browser API", () => {
  let iam: IAMClient;
  let policyArn: string;
  before(async () => {
    iam = new IAMClient(clientConfig(server().endpoint));
    for (let i = 0; i < 55; i++) await iam.send(new CreateUserCommand({ UserName: `user-${String(i).padStart(2, "0")}` }));
    policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: "reader", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }] }) }))).Policy!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: "user-07", PolicyArn: policyArn }));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await iam.send(new CreateRoleCommand({ RoleName: "web", AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "web", PolicyArn: policyArn }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
  });

  it("pages a table in the service's order, and the filter reads on across pages", async () => {
    const first = await rows("iam", "users");
    assert.equal(first.rows.length, 50);
    assert.equal(first.rows[0].id, "user-00");
    assert.ok(first.next);
    const second = await rows("iam", "users", `&cursor=${encodeURIComponent(first.next)}`);
    assert.deepEqual(second.rows.map((r: { id: string }) => r.id), ["user-50", "user-51", "user-52", "user-53", "user-54"]);
    assert.equal(second.next, undefined);
    const filtered = await rows("iam", "users", "&filter=USER-5");
    assert.deepEqual(filtered.rows.map((r: { id: string }) => r.id), ["user-50", "user-51", "user-52", "user-53", "user-54"]);
    assert.deepEqual(first.columns, ["UserName", "UserId", "Path", "CreateDate"]);
  });

  it("IAM: a role as GetRole answers it, its attached policy and instance profile; the policy lists who uses it", async () => {
    const role = await detail("iam", "roles", "web");
    const got = await iam.send(new GetRoleCommand({ RoleName: "web" }));
    assert.equal(role.resource.Role.RoleId, got.Role!.RoleId);
    assert.deepEqual(linked(role, "references", "policies"), [policyArn]);
    assert.deepEqual(linked(role, "referencedBy", "instanceProfiles"), ["web-profile"]);
    const profile = await detail("iam", "instanceProfiles", "web-profile");
    assert.deepEqual(linked(profile, "references", "roles"), ["web"]);
    const policy = await detail("iam", "policies", policyArn);
    assert.equal(policy.resource.Policy.PolicyName, "reader");
    assert.deepEqual(linked(policy, "referencedBy", "users"), ["user-07"]);
    assert.deepEqual(linked(policy, "referencedBy", "roles"), ["web"]);
    assert.deepEqual((await rows("iam", "roles")).rows.map((r: { id: string }) => r.id), ["web"]);
  });

  it("IAM: virtual MFA devices and a user's SSH public keys (the MFA seed is never shown)", async () => {
    const serial = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "phone" }))).VirtualMFADevice!.SerialNumber!;
    const sshId = (await iam.send(new UploadSSHPublicKeyCommand({ UserName: "user-03", SSHPublicKeyBody: sshKey().pub }))).SSHPublicKey!.SSHPublicKeyId!;
    assert.deepEqual((await rows("iam", "mfaDevices")).rows.map((r: { id: string }) => r.id), [serial]);
    const device = await detail("iam", "mfaDevices", serial);
    assert.equal(device.resource.SerialNumber, serial);
    assert.doesNotMatch(JSON.stringify(device), /Base32StringSeed|QRCodePNG/);
    assert.deepEqual((await rows("iam", "sshPublicKeys")).rows.map((r: { id: string }) => r.id), [`user-03/${sshId}`]);
    const key = await detail("iam", "sshPublicKeys", `user-03/${sshId}`);
    assert.match(key.resource.SSHPublicKey.SSHPublicKeyBody, /^ssh-rsa /);
    assert.deepEqual(linked(key, "references", "users"), ["user-03"]);
    assert.deepEqual(linked(await detail("iam", "users", "user-03"), "referencedBy", "sshPublicKeys"), [`user-03/${sshId}`]);
  });

  it("CloudFront: a distribution references its trusted key group, which lists it back", async () => {
    const cf = new CloudFrontClient(clientConfig(server().endpoint));
    const keyId = (await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "res-1", Name: "k1", EncodedKey: rsaPem() } }))).PublicKey!.Id!;
    const groupId = (await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "g1", Items: [keyId] } }))).KeyGroup!.Id!;
    const config = distributionConfig({}, { TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: [groupId] } });
    const distId = (await cf.send(new CreateDistributionCommand({ DistributionConfig: config }))).Distribution!.Id!;
    const dist = await detail("cloudfront", "distributions", distId);
    assert.equal(dist.resource.Distribution.DomainName, (await cf.send(new GetDistributionCommand({ Id: distId }))).Distribution!.DomainName);
    assert.deepEqual(linked(dist, "references", "keyGroups"), [groupId]);
    const group = await detail("cloudfront", "keyGroups", groupId);
    assert.deepEqual(linked(group, "referencedBy", "distributions"), [distId]);
    assert.deepEqual(linked(group, "references", "publicKeys"), [keyId]);
    assert.ok((await rows("cloudfront", "distributions")).rows.some((r: { id: string }) => r.id === distId));
  });

  it("CloudFront: a custom cache policy lists the distributions that use it, and the distribution links back", async () => {
    const cf = new CloudFrontClient(clientConfig(server().endpoint));
    const params = { EnableAcceptEncodingGzip: true, HeadersConfig: { HeaderBehavior: "none" as const }, CookiesConfig: { CookieBehavior: "none" as const }, QueryStringsConfig: { QueryStringBehavior: "none" as const } };
    const policyId = (await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: { Name: "mine", Comment: "c", MinTTL: 1, ParametersInCacheKeyAndForwardedToOrigin: params } }))).CachePolicy!.Id!;
    const config = distributionConfig({}, { CachePolicyId: policyId, ForwardedValues: undefined, MinTTL: undefined });
    const distId = (await cf.send(new CreateDistributionCommand({ DistributionConfig: config }))).Distribution!.Id!;
    assert.deepEqual((await rows("cloudfront", "cachePolicies")).rows.map((r: { id: string }) => r.id), [policyId]);
    const policy = await detail("cloudfront", "cachePolicies", policyId);
    assert.equal(policy.resource.CachePolicy.CachePolicyConfig.Name, "mine");
    assert.deepEqual(linked(policy, "referencedBy", "distributions"), [distId]);
    assert.deepEqual(linked(await detail("cloudfront", "distributions", distId), "references", "cachePolicies"), [policyId]);
    assert.deepEqual((await rows("cloudfront", "responseHeadersPolicies")).rows, []);
  });

  it("CloudFront: origin access controls, functions and key value stores, each as its Get/Describe answers it", async () => {
    const cf = new CloudFrontClient(clientConfig(server().endpoint));
    const oacId = (await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "site", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }))).OriginAccessControl!.Id!;
    await cf.send(new CreateFunctionCommand({ Name: "rewrite", FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode("function handler(event) { return event.request; }") }));
    await cf.send(new CreateKeyValueStoreCommand({ Name: "kvs1", Comment: "first" }));
    assert.deepEqual((await rows("cloudfront", "originAccessControls")).rows.map((r: { id: string }) => r.id), [oacId]);
    assert.equal((await detail("cloudfront", "originAccessControls", oacId)).resource.OriginAccessControl.OriginAccessControlConfig.Name, "site");
    assert.deepEqual((await rows("cloudfront", "functions")).rows.map((r: { id: string }) => r.id), ["rewrite"]);
    assert.equal((await detail("cloudfront", "functions", "rewrite")).resource.FunctionSummary.Name, "rewrite");
    assert.deepEqual((await rows("cloudfront", "keyValueStores")).rows.map((r: { id: string }) => r.id), ["kvs1"]);
    assert.equal((await detail("cloudfront", "keyValueStores", "kvs1")).resource.KeyValueStore.Comment, "first");
  });

  it("QuickSight: users and groups per namespace, with their memberships", async () => {
    const qs = quicksight(server().endpoint);
    await subscribe(qs);
    const ns = { AwsAccountId: "000000000000", Namespace: "default" };
    await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "ana", Email: "ana@example.com", UserRole: "READER" }));
    await qs.send(new QsCreateGroup({ ...ns, GroupName: "analysts" }));
    await qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "ana" }));
    assert.deepEqual((await rows("quicksight", "namespaces")).rows.map((r: { id: string }) => r.id), ["default"]);
    assert.deepEqual((await rows("quicksight", "users")).rows.map((r: { id: string }) => r.id), ["default/ana"]);
    const user = await detail("quicksight", "users", "default/ana");
    assert.equal(user.resource.User.Email, "ana@example.com");
    assert.deepEqual(linked(user, "references", "groups"), ["default/analysts"]);
    assert.deepEqual(linked(await detail("quicksight", "groups", "default/analysts"), "referencedBy", "users"), ["default/ana"]);
  });

  it("QuickSight: an analysis references its data set, which references its data source", async () => {
    const qs = quicksight(server().endpoint);
    const A = { AwsAccountId: "000000000000" };
    const arn = (r: string) => `arn:aws:quicksight:us-east-1:000000000000:${r}`;
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "src", Name: "src", Type: "ATHENA", DataSourceParameters: { AthenaParameters: { WorkGroup: "primary" } } }));
    await qs.send(
      new CreateDataSetCommand({
        ...A,
        DataSetId: "orders",
        Name: "Orders",
        ImportMode: "DIRECT_QUERY",
        PhysicalTableMap: { t: { CustomSql: { DataSourceArn: arn("datasource/src"), Name: "q", SqlQuery: "select 1 as id", Columns: [{ Name: "id", Type: "INTEGER" }] } } },
      }),
    );
    const definition = { DataSetIdentifierDeclarations: [{ Identifier: "orders", DataSetArn: arn("dataset/orders") }], Sheets: [{ SheetId: "s1", Name: "Overview" }] };
    await qs.send(new CreateAnalysisCommand({ ...A, AnalysisId: "sales", Name: "Sales", Definition: definition }));
    assert.deepEqual((await rows("quicksight", "analyses")).rows.map((r: { id: string }) => r.id), ["sales"]);
    const analysis = await detail("quicksight", "analyses", "sales");
    assert.equal(analysis.resource.Analysis.Name, "Sales");
    assert.deepEqual(linked(analysis, "references", "dataSets"), ["orders"]);
    assert.deepEqual(linked(await detail("quicksight", "dataSets", "orders"), "references", "dataSources"), ["src"]);
    assert.equal((await detail("quicksight", "dataSources", "src")).resource.DataSource.Name, "src");
  });

  it("KMS: a key's grants, each pointing back at its key", async () => {
    const kms = new KMSClient(clientConfig(server().endpoint, "ap-northeast-1"));
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const grantId = (await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: "arn:aws:iam::000000000000:role/web", Operations: ["Decrypt"], Name: "web-decrypt" }))).GrantId!;
    const region = "&region=ap-northeast-1";
    assert.deepEqual((await rows("kms", "grants", region)).rows.map((r: { id: string }) => r.id), [`${keyId}/${grantId}`]);
    const grant = await detail("kms", "grants", `${keyId}/${grantId}`, region);
    assert.equal(grant.resource.Grant.Name, "web-decrypt");
    assert.deepEqual(linked(grant, "references", "keys"), [keyId]);
    assert.deepEqual(linked(await detail("kms", "keys", keyId, region), "referencedBy", "grants"), [`${keyId}/${grantId}`]);
  });

  it("the overview names the accounts and regions holding state", async () => {
    await new KMSClient(clientConfig(server().endpoint, "eu-west-1")).send(new CreateKeyCommand({}));
    await new KMSClient(clientConfig(server().endpoint, "us-east-1", { accessKeyId: "222222222222", secretAccessKey: "x" })).send(new CreateKeyCommand({}));
    const { scopes } = await api("overview");
    assert.deepEqual(
      scopes.filter((s: { services: string[] }) => s.services.includes("kms")),
      [
        { account: "000000000000", region: "ap-northeast-1", services: ["kms"] },
        { account: "000000000000", region: "eu-west-1", services: ["kms"] },
        { account: "222222222222", region: "us-east-1", services: ["kms"] },
      ],
    );
    assert.ok(scopes.some((s: { account: string; region?: string; services: string[] }) => s.account === "000000000000" && !s.region && s.services.includes("iam")));
    const keys = await rows("kms", "keys", "&account=222222222222&region=us-east-1");
    assert.equal(keys.rows.length, 1);
    assert.equal((await rows("kms", "keys", "&region=ap-south-1")).rows.length, 0);
  });

  it("refuses an unknown service or kind and answers a missing resource with the service's error", async () => {
    assert.match((await api("resources?service=nope&kind=users", 400)).error, /unknown service 'nope'/);
    assert.match((await api("resources?service=iam&kind=nope", 400)).error, /iam has no resource kind 'nope'/);
    const missing = await api("resource?service=iam&kind=users&id=nobody", 404);
    assert.equal(missing.code, "NoSuchEntity");
    assert.match((await api("resources?service=iam&kind=users&account=12", 400)).error, /invalid account/);
  });
});
