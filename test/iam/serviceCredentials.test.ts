import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  type IAMClient,
  ListServiceSpecificCredentialsCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function user() {
  const name = unique("git");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const list = async (UserName: string, ServiceName?: string) =>
  (await iam().send(new ListServiceSpecificCredentialsCommand({ UserName, ServiceName }))).ServiceSpecificCredentials!;

const create = (UserName: string, ServiceName = "codecommit.amazonaws.com") =>
  iam().send(new CreateServiceSpecificCredentialCommand({ UserName, ServiceName }));

describe("service-specific credentials", () => {
  it("creates a CodeCommit credential: ACCA id, {user}-at-{account}, a password shown only by create and reset", async () => {
    const name = await user();
    const c = (await create(name)).ServiceSpecificCredential!;
    assert.match(c.ServiceSpecificCredentialId!, /^ACCA[A-Z2-7]{17}$/);
    assert.equal(c.ServiceUserName, `${name}-at-${ACCOUNT}`);
    assert.equal(c.ServicePassword!.length, 44);
    assert.equal(c.Status, "Active");
    assert.equal(c.ServiceName, "codecommit.amazonaws.com");
    const [listed] = await list(name);
    assert.equal((listed as { ServicePassword?: string }).ServicePassword, undefined);
    assert.deepEqual(listed, {
      UserName: name,
      Status: "Active",
      ServiceUserName: c.ServiceUserName,
      CreateDate: c.CreateDate,
      ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
      ServiceName: c.ServiceName,
    });
    const reset = (await iam().send(new ResetServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: c.ServiceSpecificCredentialId }))).ServiceSpecificCredential!;
    assert.equal(reset.ServiceSpecificCredentialId, c.ServiceSpecificCredentialId);
    assert.notEqual(reset.ServicePassword, c.ServicePassword);
    assert.equal(reset.ServicePassword!.length, 44);
    await iam().send(new UpdateServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: c.ServiceSpecificCredentialId, Status: "Inactive" }));
    assert.equal((await list(name))[0].Status, "Inactive");
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete service specific credentials first.");
    await iam().send(new DeleteServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: c.ServiceSpecificCredentialId }));
    assert.deepEqual(await list(name), []);
    await iam().send(new DeleteUserCommand({ UserName: name }));
  });

  it("allows 2 per user and service; lists filter by service", async () => {
    const name = await user();
    const a = (await create(name)).ServiceSpecificCredential!;
    const b = (await create(name)).ServiceSpecificCredential!;
    assert.notEqual(a.ServiceUserName, b.ServiceUserName, "each credential has its own Git user name");
    await expectError(create(name), "LimitExceeded", 409, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2");
    await create(name, "cassandra.amazonaws.com");
    assert.equal((await list(name)).length, 3);
    assert.deepEqual((await list(name, "cassandra.amazonaws.com")).map((c) => c.ServiceName), ["cassandra.amazonaws.com"]);
    const all = (await iam().send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, ServiceName: "cassandra.amazonaws.com" }))).ServiceSpecificCredentials!;
    assert.ok(all.some((c) => c.UserName === name));
  });

  it("lists every user's credentials with AllUsers, under each user's current name", async () => {
    const name = await user();
    const id = (await create(name)).ServiceSpecificCredential!.ServiceSpecificCredentialId;
    const renamed = unique("renamed");
    await iam().send(new UpdateUserCommand({ UserName: name, NewUserName: renamed }));
    const seen: Array<[string | undefined, string | undefined]> = [];
    let Marker: string | undefined;
    do {
      const page = await iam().send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, MaxItems: 1, Marker }));
      seen.push(...page.ServiceSpecificCredentials!.map((c) => [c.ServiceSpecificCredentialId, c.UserName] as [string | undefined, string | undefined]));
      Marker = page.Marker;
    } while (Marker);
    assert.deepEqual(seen.find(([i]) => i === id), [id, renamed]);
    assert.deepEqual((await list(renamed)).map((c) => c.UserName), [renamed]);
  });

  it("gives Bedrock an API key: alias, secret and expiry", async () => {
    const name = await user();
    const c = (await iam().send(new CreateServiceSpecificCredentialCommand({ UserName: name, ServiceName: "bedrock.amazonaws.com", CredentialAgeDays: 30 })))
      .ServiceSpecificCredential!;
    assert.match(c.ServiceCredentialAlias!, /^BedrockAPIKey-/);
    assert.ok(c.ServiceCredentialSecret);
    assert.equal(c.ExpirationDate!.getTime() - c.CreateDate!.getTime(), 30 * 86_400_000);
  });

  it("refuses an unsupported service (NotSupportedService 404) and unknown ids or users (404)", async () => {
    const name = await user();
    // The SDK names the error ServiceNotSupportedException; its wire code is NotSupportedService.
    const refused = (await failure(create(name, "s3.amazonaws.com"))) as Error & { Code?: string; $metadata: { httpStatusCode?: number } };
    assert.equal(refused.Code, "NotSupportedService");
    assert.equal(refused.name, "ServiceNotSupportedException");
    assert.equal(refused.$metadata.httpStatusCode, 404);
    assert.deepEqual(await list(name), []);
    const id = "ACCAAAAAAAAAAAAAAAAAA";
    await expectError(iam().send(new ResetServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: id })), "NoSuchEntity", 404);
    await expectError(iam().send(new UpdateServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: id, Status: "Active" })), "NoSuchEntity", 404);
    await expectError(iam().send(new DeleteServiceSpecificCredentialCommand({ UserName: name, ServiceSpecificCredentialId: id })), "NoSuchEntity", 404);
    const ghost = unique("ghost");
    await expectError(create(ghost), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    await expectError(
      iam().send(new CreateServiceSpecificCredentialCommand({ UserName: name, ServiceName: "bedrock.amazonaws.com", CredentialAgeDays: 0 })),
      "ValidationError",
      400,
    );
  });
});
