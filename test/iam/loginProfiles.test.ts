import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  DeleteAccessKeyCommand,
  CreateUserCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function user() {
  const name = unique("console");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const profile = async (name: string) => (await iam().send(new GetLoginProfileCommand({ UserName: name }))).LoginProfile;

describe("login profiles", { concurrency: false }, () => {
  it("creates, reads, updates and deletes a console password; the password is never returned", async () => {
    const name = await user();
    const { LoginProfile } = await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd", PasswordResetRequired: true }));
    assert.deepEqual(Object.keys(LoginProfile!).sort(), ["CreateDate", "PasswordResetRequired", "UserName"]);
    assert.equal(LoginProfile!.UserName, name);
    assert.equal(LoginProfile!.PasswordResetRequired, true);
    assert.equal(LoginProfile!.CreateDate!.getUTCMilliseconds(), 0);
    assert.deepEqual(await profile(name), LoginProfile);

    await iam().send(new UpdateLoginProfileCommand({ UserName: name, PasswordResetRequired: false }));
    assert.equal((await profile(name))!.PasswordResetRequired, false);
    await iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "An0ther-Passw0rd" }));
    assert.equal((await profile(name))!.PasswordResetRequired, false, "a new password keeps the reset flag");

    await iam().send(new DeleteLoginProfileCommand({ UserName: name }));
    await expectError(iam().send(new GetLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404, `Login Profile for User ${name} cannot be found.`);
  });

  it("answers EntityAlreadyExists (409) for a second profile, and keeps the first", async () => {
    const name = await user();
    const first = (await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd" }))).LoginProfile;
    await expectError(
      iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd", PasswordResetRequired: true })),
      "EntityAlreadyExists",
      409,
      `Login Profile for user ${name} already exists.`,
    );
    assert.deepEqual(await profile(name), first);
  });

  it("answers NoSuchEntity (404) without a profile or a user", async () => {
    const name = await user();
    const missing = `Login Profile for User ${name} cannot be found.`;
    await expectError(iam().send(new GetLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404, missing);
    await expectError(iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd" })), "NoSuchEntity", 404, missing);
    await expectError(iam().send(new DeleteLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404, missing);
    const ghost = unique("ghost");
    await expectError(
      iam().send(new CreateLoginProfileCommand({ UserName: ghost, Password: "Str0ng-Passw0rd" })),
      "NoSuchEntity",
      404,
      `The user with name ${ghost} cannot be found.`,
    );
    await expectError(iam().send(new GetLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404, missing);
  });

  it("holds passwords to the default policy without an account policy: 8 characters, three character types", async () => {
    const name = await user();
    await expectError(
      iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Ab1!" })),
      "PasswordPolicyViolation",
      400,
      "Password should have a minimum length of 8",
    );
    await expectError(iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "alllowercase1" })), "PasswordPolicyViolation", 400, /three of the following/);
    await expectError(iam().send(new GetLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404);
    await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "lower-UPPER" }));
  });

  it("holds passwords to the account policy, on create and on update", async () => {
    const name = await user();
    await iam().send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 12,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        RequireNumbers: true,
        RequireSymbols: true,
        PasswordReusePrevention: 2,
      }),
    );
    try {
      const cases: Array<[string, string]> = [
        ["Sh0rt!", "Password should have a minimum length of 12"],
        ["nouppercase1!x", "Password should have at least one uppercase letter"],
        ["NOLOWERCASE1!X", "Password should have at least one lowercase letter"],
        ["NoNumbersHere!", "Password should have at least one number"],
        ["NoSymbols12345", "Password should have at least one symbol"],
      ];
      for (const [password, message] of cases) {
        await expectError(iam().send(new CreateLoginProfileCommand({ UserName: name, Password: password })), "PasswordPolicyViolation", 400, message);
      }
      await expectError(iam().send(new GetLoginProfileCommand({ UserName: name })), "NoSuchEntity", 404);
      await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Good-Passw0rd!" }));
      await expectError(iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "weak" })), "PasswordPolicyViolation", 400);
      // The last 2 passwords may not come back.
      await expectError(
        iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "Good-Passw0rd!", PasswordResetRequired: true })),
        "PasswordPolicyViolation",
        400,
        "Policy constraint violation with password reuse prevention during password change.",
      );
      assert.equal((await profile(name))!.PasswordResetRequired, false, "a refused update changes nothing");
      await iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "Second-Passw0rd!" }));
      await iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "Third-Passw0rd!" }));
      await iam().send(new UpdateLoginProfileCommand({ UserName: name, Password: "Good-Passw0rd!" }));
    } finally {
      await iam().send(new DeleteAccountPasswordPolicyCommand({}));
    }
  });

  it("blocks DeleteUser while the user has a profile", async () => {
    const name = await user();
    await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd" }));
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete login profile first.");
    assert.equal((await iam().send(new GetUserCommand({ UserName: name }))).User!.UserName, name);
    await iam().send(new DeleteLoginProfileCommand({ UserName: name }));
    await iam().send(new DeleteUserCommand({ UserName: name }));
  });

  it("lets a user change its own password with the old one; the root may not (InvalidUserType)", async () => {
    const name = await user();
    await iam().send(new CreateLoginProfileCommand({ UserName: name, Password: "Str0ng-Passw0rd", PasswordResetRequired: true }));
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const self = iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!);
    await expectError(self.send(new ChangePasswordCommand({ OldPassword: "wrong-Passw0rd", NewPassword: "N3w-Passw0rd!" })), "AccessDenied", 403);
    await expectError(self.send(new ChangePasswordCommand({ OldPassword: "Str0ng-Passw0rd", NewPassword: "weak" })), "PasswordPolicyViolation", 400);
    assert.equal((await profile(name))!.PasswordResetRequired, true, "refusals change nothing");
    await self.send(new ChangePasswordCommand({ OldPassword: "Str0ng-Passw0rd", NewPassword: "N3w-Passw0rd!" }));
    assert.equal((await profile(name))!.PasswordResetRequired, false, "a changed password clears the reset flag");
    await self.send(new ChangePasswordCommand({ OldPassword: "N3w-Passw0rd!", NewPassword: "Th1rd-Passw0rd!" }));
    await expectError(iam().send(new ChangePasswordCommand({ OldPassword: "a", NewPassword: "b" })), "InvalidUserType", 400);
    await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: key.AccessKeyId }));
  });

  it("answers ValidationError for a user name longer than 64 characters", async () => {
    await expectError(
      iam().send(new CreateLoginProfileCommand({ UserName: "u".repeat(65), Password: "Str0ng-Passw0rd" })),
      "ValidationError",
      400,
      `1 validation error detected: Value '${"u".repeat(65)}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });
});
