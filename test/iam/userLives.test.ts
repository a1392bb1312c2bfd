/** Terraform-like lives through boto3 and the AWS CLI: users with every credential, OIDC providers, account settings. */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { certificate, sshKey } from "./credentialFixtures.js";

const server = useServer();

describe("aws_iam_user with force_destroy, through boto3", { skip: boto3Missing }, () => {
  it("holds every credential kind, refuses DeleteUser, then is destroyed in Terraform's order", async () => {
    const fixtures = JSON.stringify({ ssh: sshKey().pub, cert: certificate({ ec: true }).body });
    const out = await boto3(
      server().endpoint,
      `
import boto3, json, os, time, hmac, hashlib, struct, base64
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"])
f = json.loads(${JSON.stringify(fixtures)})
name = "tf-user"

def totp(seed, step):
    h = hmac.new(base64.b32decode(seed), struct.pack(">Q", step), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000)

# apply
iam.create_user(UserName=name, Path="/tf/", Tags=[{"Key": "managed-by", "Value": "terraform"}])
iam.get_user(UserName=name)
iam.create_group(GroupName="tf-group")
iam.add_user_to_group(GroupName="tf-group", UserName=name)
iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
iam.create_login_profile(UserName=name, Password="Terraform-Gen3rated!", PasswordResetRequired=True)
iam.create_access_key(UserName=name)
iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=f["ssh"])
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName=name + "-mfa")["VirtualMFADevice"]
seed = mfa["Base32StringSeed"].decode()
step = int(time.time() // 30)
iam.enable_mfa_device(UserName=name, SerialNumber=mfa["SerialNumber"], AuthenticationCode1=totp(seed, step), AuthenticationCode2=totp(seed, step + 1))
iam.upload_signing_certificate(UserName=name, CertificateBody=f["cert"])
iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")

refusals = []
try:
    iam.delete_user(UserName=name)
except iam.exceptions.DeleteConflictException as e:
    refusals.append(e.response["Error"]["Message"])

# destroy with force_destroy = true
for g in iam.list_groups_for_user(UserName=name)["Groups"]:
    iam.remove_user_from_group(GroupName=g["GroupName"], UserName=name)
for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
    iam.delete_user_policy(UserName=name, PolicyName=p)
for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
    iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
    iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
for k in iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"]:
    iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=k["SSHPublicKeyId"])
for page in iam.get_paginator("list_virtual_mfa_devices").paginate():
    for d in page["VirtualMFADevices"]:
        if d.get("User", {}).get("UserName") == name:
            iam.deactivate_mfa_device(UserName=name, SerialNumber=d["SerialNumber"])
            iam.delete_virtual_mfa_device(SerialNumber=d["SerialNumber"])
for d in iam.list_mfa_devices(UserName=name)["MFADevices"]:
    iam.deactivate_mfa_device(UserName=name, SerialNumber=d["SerialNumber"])
iam.delete_login_profile(UserName=name)
for c in iam.list_signing_certificates(UserName=name)["Certificates"]:
    iam.delete_signing_certificate(UserName=name, CertificateId=c["CertificateId"])
for c in iam.list_service_specific_credentials(UserName=name)["ServiceSpecificCredentials"]:
    iam.delete_service_specific_credential(UserName=name, ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
iam.delete_user(UserName=name)

gone = None
try:
    iam.get_user(UserName=name)
except iam.exceptions.NoSuchEntityException as e:
    gone = e.response["Error"]["Code"]
print(json.dumps({"refusals": refusals, "gone": gone, "mfa": len(iam.list_virtual_mfa_devices()["VirtualMFADevices"])}))
`,
    );
    assert.deepEqual(out.refusals, ["Cannot delete entity, must remove users from group first."]);
    assert.equal(out.gone, "NoSuchEntity");
    assert.equal(out.mfa, 0, "the virtual device went with the user");
  });
});

describe("an audit script through boto3", { skip: boto3Missing }, () => {
  it("waits for the credential report, reads the CSV, the summary and every page of the authorization details", async () => {
    const out = await boto3(
      server().endpoint,
      `
import boto3, csv, io, json, os, time
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"])
for i in range(3):
    iam.create_user(UserName="audit-%d" % i)
iam.create_access_key(UserName="audit-0")
while iam.generate_credential_report()["State"] != "COMPLETE":
    time.sleep(0.1)
report = iam.get_credential_report()
rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
summary = iam.get_account_summary()["SummaryMap"]
users = []
for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=["User"], PaginationConfig={"PageSize": 2}):
    users += [u["UserName"] for u in page["UserDetailList"]]
for i in range(3):
    for k in iam.list_access_keys(UserName="audit-%d" % i)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName="audit-%d" % i, AccessKeyId=k["AccessKeyId"])
    iam.delete_user(UserName="audit-%d" % i)
print(json.dumps({
    "format": report["ReportFormat"],
    "rows": [[r["user"], r["access_key_1_active"]] for r in rows],
    "users": summary["Users"],
    "details": users,
}))
`,
    );
    assert.equal(out.format, "text/csv");
    assert.deepEqual(out.rows.slice(0, 2), [["<root_account>", "false"], ["audit-0", "true"]]);
    assert.ok(out.users >= 3);
    for (const name of ["audit-0", "audit-1", "audit-2"]) assert.ok(out.details.includes(name));
  });
});

describe("credential lives through the AWS CLI", { skip: awsCliMissing }, () => {
  const cli = async (...args: string[]) => {
    const r = await aws(server().endpoint, ...args);
    assert.equal(r.code, 0, `aws ${args.join(" ")}: ${r.stderr}`);
    return r.stdout ? r.json() : undefined;
  };

  it("aws_iam_openid_connect_provider: create, read, update thumbprints and client ids, tag, destroy", async () => {
    const url = "https://token.actions.githubusercontent.com";
    const arn = (await cli("iam", "create-open-id-connect-provider", "--url", url, "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", "6938fd4d98bab03faadb97b34396831e3780aea1"))
      .OpenIDConnectProviderArn;
    assert.equal(arn, "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com");
    const read = await cli("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
    assert.equal(read.Url, "token.actions.githubusercontent.com");
    await cli("iam", "update-open-id-connect-provider-thumbprint", "--open-id-connect-provider-arn", arn, "--thumbprint-list", "1c58a3a8518e8759bf075b76b750d4f2df264fcd");
    await cli("iam", "add-client-id-to-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--client-id", "my-app");
    await cli("iam", "tag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tags", "Key=env,Value=ci");
    const after = await cli("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
    assert.deepEqual(after.ClientIDList, ["sts.amazonaws.com", "my-app"]);
    assert.deepEqual(after.ThumbprintList, ["1c58a3a8518e8759bf075b76b750d4f2df264fcd"]);
    assert.deepEqual(after.Tags, [{ Key: "env", Value: "ci" }]);
    await cli("iam", "remove-client-id-from-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--client-id", "my-app");
    await cli("iam", "untag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tag-keys", "env");
    await cli("iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
    assert.deepEqual((await cli("iam", "list-open-id-connect-providers")).OpenIDConnectProviderList, []);
    const missing = await aws(server().endpoint, "iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NoSuchEntity/);
  });

  it("aws_iam_account_password_policy and aws_iam_account_alias: set, read, change, remove", async () => {
    await cli("iam", "update-account-password-policy", "--minimum-password-length", "16", "--require-symbols", "--require-numbers", "--max-password-age", "90", "--password-reuse-prevention", "3");
    const policy = (await cli("iam", "get-account-password-policy")).PasswordPolicy;
    assert.equal(policy.MinimumPasswordLength, 16);
    assert.equal(policy.ExpirePasswords, true);
    assert.equal(policy.PasswordReusePrevention, 3);
    await cli("iam", "update-account-password-policy", "--minimum-password-length", "12", "--allow-users-to-change-password");
    const changed = (await cli("iam", "get-account-password-policy")).PasswordPolicy;
    assert.equal(changed.RequireSymbols, false, "left out: back to the default");
    assert.equal(changed.AllowUsersToChangePassword, true);
    assert.equal(changed.ExpirePasswords, false);
    await cli("iam", "delete-account-password-policy");
    const none = await aws(server().endpoint, "iam", "get-account-password-policy");
    assert.match(none.stderr, /NoSuchEntity/);

    await cli("iam", "create-account-alias", "--account-alias", "nubis-test");
    assert.deepEqual((await cli("iam", "list-account-aliases")).AccountAliases, ["nubis-test"]);
    await cli("iam", "delete-account-alias", "--account-alias", "nubis-test");
    assert.deepEqual((await cli("iam", "list-account-aliases")).AccountAliases, []);
  });

  it("aws_iam_user_login_profile and aws_iam_user_ssh_key: create, read, update, destroy", async () => {
    await cli("iam", "create-user", "--user-name", "cli-user");
    const created = (await cli("iam", "create-login-profile", "--user-name", "cli-user", "--password", "Cli-Passw0rd!", "--password-reset-required")).LoginProfile;
    assert.equal(created.PasswordResetRequired, true);
    assert.equal((await cli("iam", "get-login-profile", "--user-name", "cli-user")).LoginProfile.UserName, "cli-user");
    await cli("iam", "update-login-profile", "--user-name", "cli-user", "--no-password-reset-required");
    assert.equal((await cli("iam", "get-login-profile", "--user-name", "cli-user")).LoginProfile.PasswordResetRequired, false);
    const key = sshKey();
    const uploaded = (await cli("iam", "upload-ssh-public-key", "--user-name", "cli-user", "--ssh-public-key-body", key.pub)).SSHPublicKey;
    assert.equal(uploaded.Fingerprint, key.md5);
    const got = (await cli("iam", "get-ssh-public-key", "--user-name", "cli-user", "--ssh-public-key-id", uploaded.SSHPublicKeyId, "--encoding", "SSH")).SSHPublicKey;
    assert.equal(got.SSHPublicKeyBody, key.pub);
    await cli("iam", "update-ssh-public-key", "--user-name", "cli-user", "--ssh-public-key-id", uploaded.SSHPublicKeyId, "--status", "Inactive");
    await cli("iam", "delete-ssh-public-key", "--user-name", "cli-user", "--ssh-public-key-id", uploaded.SSHPublicKeyId);
    await cli("iam", "delete-login-profile", "--user-name", "cli-user");
    await cli("iam", "delete-user", "--user-name", "cli-user");
  });

  it("aws_iam_virtual_mfa_device: the CLI writes the QR code and the seed to files; enable, list, deactivate, delete", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nubis-mfa-"));
    try {
      const png = join(dir, "qr.png");
      const created = await cli("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "cli-token", "--outfile", png, "--bootstrap-method", "QRCodePNG");
      const serial = created.VirtualMFADevice.SerialNumber;
      assert.equal(serial, "arn:aws:iam::000000000000:mfa/cli-token");
      assert.deepEqual([...readFileSync(png).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(""), "PNG");
      const seedFile = join(dir, "seed.txt");
      await cli("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "cli-token-2", "--outfile", seedFile, "--bootstrap-method", "Base32StringSeed");
      const seed = readFileSync(seedFile, "utf8").trim();
      assert.match(seed, /^[A-Z2-7]{64}$/);
      await cli("iam", "create-user", "--user-name", "mfa-cli-user");
      const step = Math.floor(Date.now() / 30_000);
      await cli("iam", "enable-mfa-device", "--user-name", "mfa-cli-user", "--serial-number", "arn:aws:iam::000000000000:mfa/cli-token-2", "--authentication-code1", totp(seed, step), "--authentication-code2", totp(seed, step + 1));
      const assigned = (await cli("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned")).VirtualMFADevices;
      assert.deepEqual(assigned.map((d: { SerialNumber: string; User: { UserName: string } }) => [d.SerialNumber, d.User.UserName]), [["arn:aws:iam::000000000000:mfa/cli-token-2", "mfa-cli-user"]]);
      await cli("iam", "deactivate-mfa-device", "--user-name", "mfa-cli-user", "--serial-number", "arn:aws:iam::000000000000:mfa/cli-token-2");
      for (const s of [serial, "arn:aws:iam::000000000000:mfa/cli-token-2"]) await cli("iam", "delete-virtual-mfa-device", "--serial-number", s);
      await cli("iam", "delete-user", "--user-name", "mfa-cli-user");
      assert.deepEqual((await cli("iam", "list-virtual-mfa-devices")).VirtualMFADevices, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** RFC 6238, for the CLI's codes. */
function totp(seed: string, step: number) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of seed) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)))).update(counter).digest();
  return String((h.readUInt32BE(h[19] & 15) & 0x7fffffff) % 1e6).padStart(6, "0");
}
