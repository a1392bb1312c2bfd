/** --auth iam: the credential, provider and account operations are checked on the resources they name. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  ListSSHPublicKeysCommand,
  PutUserPolicyCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { sshKey } from "./credentialFixtures.js";
import { expectError, iamClient, unique } from "./helpers.js";

const server = useServer({ auth: "iam" });

/** A user allowed `actions` on `resource`, and a client signed with its key. */
async function caller(statements: Array<{ Action: string[]; Resource: string }>) {
  const root = iamClient(server().endpoint);
  const name = unique("limited");
  await root.send(new CreateUserCommand({ UserName: name }));
  if (statements.length) {
    await root.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: "p",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) }),
      }),
    );
  }
  const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { name, key, iam: iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!) };
}

describe("authorization of credential operations", () => {
  it("lets a user manage its own SSH keys with ${aws:username}, and nobody else's", async () => {
    const self = await caller([{ Action: ["iam:UploadSSHPublicKey", "iam:ListSSHPublicKeys"], Resource: "arn:aws:iam::000000000000:user/${aws:username}" }]);
    const other = await caller([]);
    await self.iam.send(new UploadSSHPublicKeyCommand({ UserName: self.name, SSHPublicKeyBody: sshKey().pub }));
    assert.equal((await self.iam.send(new ListSSHPublicKeysCommand({}))).SSHPublicKeys!.length, 1, "without UserName: the caller's own");
    await expectError(
      self.iam.send(new UploadSSHPublicKeyCommand({ UserName: other.name, SSHPublicKeyBody: sshKey().pub })),
      "AccessDenied",
      403,
      `User: arn:aws:iam::000000000000:user/${self.name} is not authorized to perform: iam:UploadSSHPublicKey on resource: arn:aws:iam::000000000000:user/${other.name} because no identity-based policy allows the iam:UploadSSHPublicKey action`,
    );
  });

  it("checks MFA devices, providers and account calls on their own ARNs, and tags on a create", async () => {
    const c = await caller([
      { Action: ["iam:CreateVirtualMFADevice"], Resource: "arn:aws:iam::000000000000:mfa/allowed-*" },
      { Action: ["iam:GetAccountSummary"], Resource: "*" },
    ]);
    await c.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: unique("allowed-") }));
    await expectError(c.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: unique("other-") })), "AccessDenied", 403);
    await expectError(
      c.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: unique("allowed-"), Tags: [{ Key: "a", Value: "b" }] })),
      "AccessDenied",
      403,
      /iam:TagMFADevice/,
    );
    await c.iam.send(new GetAccountSummaryCommand({}));
    await expectError(
      c.iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://oidc.example.com" })),
      "AccessDenied",
      403,
      /iam:CreateOpenIDConnectProvider on resource: arn:aws:iam::000000000000:oidc-provider\/oidc\.example\.com/,
    );
    // A key's last use is read on its owner's ARN.
    await expectError(c.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: c.key.AccessKeyId })), "AccessDenied", 403, new RegExp(`user/${c.name} because`));
  });
});
