import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, ListUsersCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import {
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  DecodeAuthorizationMessageCommand,
} from "@aws-sdk/client-sts";
import { encodeAuthorizationMessage } from "../../src/core/auth/authorizationMessage.js";
import { useServer } from "../harness.js";
import { CREDENTIALS, credsOf, doc, iam, refused, sts, unique } from "./fixtures.js";

const server = useServer();

async function user(name: string) {
  const client = iam(server().endpoint);
  await client.send(new CreateUserCommand({ UserName: name }));
  await client.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: doc({ Effect: "Allow", Action: "iam:*", Resource: "*" }) }));
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

describe("STS GetSessionToken (--auth none)", () => {
  it("issues ASIA credentials that act as the same user, 12 hours by default", async () => {
    const name = unique("u");
    const keys = await user(name);
    const before = Date.now();
    const out = await sts(server().endpoint, keys).send(new GetSessionTokenCommand({}));
    assert.match(out.Credentials!.AccessKeyId!, CREDENTIALS.accessKeyId);
    assert.match(out.Credentials!.SecretAccessKey!, CREDENTIALS.secret);
    assert.ok(out.Credentials!.SessionToken!.length > 300);
    const hours = (out.Credentials!.Expiration!.getTime() - before) / 3600_000;
    assert.ok(hours > 11.9 && hours <= 12.01, `expires in ${hours} h`);
    const id = await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:iam::000000000000:user/${name}`);
    assert.match(id.UserId!, /^AIDA/);
  });

  it("caps root's session at one hour", async () => {
    const before = Date.now();
    const out = await sts(server().endpoint).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }));
    const seconds = (out.Credentials!.Expiration!.getTime() - before) / 1000;
    assert.ok(seconds <= 3601 && seconds > 3590, `${seconds}`);
    const id = await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
  });

  it("refuses DurationSeconds out of 900..129600, and session credentials", async () => {
    await refused(
      sts(server().endpoint).send(new GetSessionTokenCommand({ DurationSeconds: 899 })),
      "ValidationError",
      400,
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    await refused(
      sts(server().endpoint).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })),
      "ValidationError",
      400,
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
    const out = await sts(server().endpoint).send(new GetSessionTokenCommand({}));
    await refused(sts(server().endpoint, credsOf(out)).send(new GetSessionTokenCommand({})), "AccessDenied", 403, "Cannot call GetSessionToken with session credentials");
  });
});

describe("STS GetFederationToken", () => {
  it("answers a federated user whose GetCallerIdentity is federated-user/NAME and ACCOUNT:NAME", async () => {
    const keys = await user(unique("fed"));
    const out = await sts(server().endpoint, keys).send(
      new GetFederationTokenCommand({ Name: "Bob", Policy: doc({ Effect: "Allow", Action: "iam:ListUsers", Resource: "*" }) }),
    );
    assert.deepEqual(out.FederatedUser, { FederatedUserId: "000000000000:Bob", Arn: "arn:aws:sts::000000000000:federated-user/Bob" });
    assert.equal(typeof out.PackedPolicySize, "number");
    assert.ok(out.PackedPolicySize! > 0 && out.PackedPolicySize! <= 100);
    const id = await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([id.UserId, id.Account, id.Arn], ["000000000000:Bob", "000000000000", "arn:aws:sts::000000000000:federated-user/Bob"]);
  });

  it("validates Name, Policy and Tags, and issues nothing", async () => {
    await refused(
      sts(server().endpoint).send(new GetFederationTokenCommand({ Name: "B" })),
      "ValidationError",
      400,
      "1 validation error detected: Value 'B' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    await refused(
      sts(server().endpoint).send(new GetFederationTokenCommand({ Name: "bad name" })),
      "ValidationError",
      400,
      "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    await refused(sts(server().endpoint).send(new GetFederationTokenCommand({ Name: "Bob", Policy: "{not json" })), "MalformedPolicyDocument", 400);
    await refused(
      sts(server().endpoint).send(new GetFederationTokenCommand({ Name: "Bob", Tags: [{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }] })),
      "InvalidParameterValue",
      400,
    );
  });
});

describe("STS GetAccessKeyInfo, DecodeAuthorizationMessage", () => {
  it("answers the account encoded in a key id, of nubis's keys and AWS's", async () => {
    const out = await sts(server().endpoint).send(new GetSessionTokenCommand({}));
    const info = await sts(server().endpoint).send(new GetAccessKeyInfoCommand({ AccessKeyId: out.Credentials!.AccessKeyId! }));
    assert.equal(info.Account, "000000000000");
    // The AWS documentation's example key.
    const aws = await sts(server().endpoint).send(new GetAccessKeyInfoCommand({ AccessKeyId: "ASIAY34FZKBOKMUTVV7A" }));
    assert.equal(aws.Account, "609629065308");
    const tw = await sts(server().endpoint).send(new GetAccessKeyInfoCommand({ AccessKeyId: "123456789012abcd" }));
    assert.equal(tw.Account, "000000000000");
    await refused(sts(server().endpoint).send(new GetAccessKeyInfoCommand({ AccessKeyId: "short" })), "ValidationError", 400);
  });

  it("decodes the messages nubis encodes for AccessDenied answers, for their own account only", async () => {
    const details = {
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: { principal: { id: "AIDAEXAMPLE", arn: "arn:aws:iam::000000000000:user/alice" }, action: "ec2:RunInstances", resource: "*", conditions: { items: [] } },
    };
    const encoded = encodeAuthorizationMessage(details);
    const out = await sts(server().endpoint).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    assert.deepEqual(JSON.parse(out.DecodedMessage!), details);
    await refused(
      sts(server().endpoint, { accessKeyId: "111111111111", secretAccessKey: "test" }).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded })),
      "InvalidAuthorizationMessageException",
      400,
    );
    // One changed character and it is no message nubis issued.
    const tampered = encoded.slice(0, -2) + (encoded.endsWith("AA") ? "BB" : "AA");
    await refused(sts(server().endpoint).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: tampered })), "InvalidAuthorizationMessageException", 400);
  });

  it("refuses a message nubis did not issue", async () => {
    await refused(sts(server().endpoint).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: "abcdef" })), "InvalidAuthorizationMessageException", 400);
  });
});

describe("partitions", () => {
  it("GetCallerIdentity signed for cn-north-1 / us-gov-west-1 answers arn:aws-cn / arn:aws-us-gov", async () => {
    const cn = await sts(server().endpoint, undefined, "cn-north-1").send(new GetCallerIdentityCommand({}));
    assert.equal(cn.Arn, "arn:aws-cn:iam::000000000000:root");
    const gov = await sts(server().endpoint, undefined, "us-gov-west-1").send(new GetCallerIdentityCommand({}));
    assert.equal(gov.Arn, "arn:aws-us-gov:iam::000000000000:root");
    const iso = await sts(server().endpoint, undefined, "us-iso-east-1").send(new GetCallerIdentityCommand({}));
    assert.equal(iso.Arn, "arn:aws-iso:iam::000000000000:root");
  });
});

void ListUsersCommand;
