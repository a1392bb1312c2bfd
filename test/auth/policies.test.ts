import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CloudFrontClient, CreateConnectionGroupCommand, GetConnectionGroupCommand, ListPublicKeysCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront";
import {
  CreateGroupCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteUserPolicyCommand,
  GetGroupCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsCommand,
  PutUserPolicyCommand,
  UpdateGroupCommand,
} from "@aws-sdk/client-iam";
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { DescribeKeyRegistrationCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { awsCliMissing, boto3, boto3Missing, clientConfig, failure, useServer } from "../harness.js";
import { awsAs, groupPolicyFor, managedPolicyFor, policy, ROOT, unique, userWithKey, type Creds } from "./helpers.js";

const server = useServer({ auth: "iam" });
const endpoint = () => server().endpoint;
const ACCOUNT = "000000000000";
const groupArn = (name: string, path = "/") => `arn:aws:iam::${ACCOUNT}:group${path}${name}`;

const iam = (creds: Creds = ROOT) => new IAMClient(clientConfig(endpoint(), "us-east-1", creds));
const kms = (creds: Creds, region = "eu-west-1") => new KMSClient(clientConfig(endpoint(), region, creds));

const allow = (action: string | string[], resource: string | string[] = "*", extra: object = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const deny = (action: string | string[], resource: string | string[] = "*", extra: object = {}) => ({ Effect: "Deny", Action: action, Resource: resource, ...extra });

/** A fresh user holding `statements` as its inline policy. */
const userWith = (...statements: object[]) => userWithKey(iam(), unique("u"), policy(...statements));

/** AWS's message; an action without resource types ("*") names no resource. */
const notAllowed = (user: string, action: string, resource: string) =>
  `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: ${action}${resource === "*" ? "" : ` on resource: ${resource}`} because no identity-based policy allows the ${action} action`;
const explicitlyDenied = (user: string, action: string, resource: string) =>
  `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: ${action}${resource === "*" ? "" : ` on resource: ${resource}`} with an explicit deny in an identity-based policy`;

async function denied(promise: Promise<unknown>, message?: string) {
  const error = await failure(promise);
  assert.equal(error.name, "AccessDenied", error.message);
  assert.equal(error.$metadata.httpStatusCode, 403);
  if (message) assert.equal(error.message, message);
  return error;
}

async function newGroup(name = unique("grp"), path = "/") {
  await iam().send(new CreateGroupCommand({ GroupName: name, Path: path }));
  return name;
}

describe("--auth iam: the UpdateGroup seed (permission on the old and the new name)", () => {
  it("allowed on Managers only: renaming it to MGRs is refused, naming MGRs; the group is unchanged", async () => {
    const [from, to] = [unique("Managers"), unique("MGRs")];
    await newGroup(from);
    const name = unique("alice");
    const creds = await userWithKey(iam(), name, policy(allow("iam:UpdateGroup", groupArn(from))));
    await denied(iam(creds).send(new UpdateGroupCommand({ GroupName: from, NewGroupName: to })), notAllowed(name, "iam:UpdateGroup", groupArn(to)));
    assert.equal((await iam().send(new GetGroupCommand({ GroupName: from }))).Group!.GroupName, from);
  });

  it("allowed on neither: refused on the old name first", async () => {
    const from = await newGroup(unique("Managers"));
    const name = unique("bob");
    const creds = await userWithKey(iam(), name, policy(allow("iam:GetGroup")));
    await denied(iam(creds).send(new UpdateGroupCommand({ GroupName: from, NewGroupName: unique("X") })), notAllowed(name, "iam:UpdateGroup", groupArn(from)));
  });

  it("allowed on both: the rename succeeds", async () => {
    const [from, to] = [unique("Managers"), unique("MGRs")];
    await newGroup(from);
    const creds = await userWith(allow("iam:UpdateGroup", [groupArn(from), groupArn(to)]));
    await iam(creds).send(new UpdateGroupCommand({ GroupName: from, NewGroupName: to }));
    assert.equal((await iam().send(new GetGroupCommand({ GroupName: to }))).Group!.Arn, groupArn(to));
  });

  it("a Deny on MGRs wins over an Allow on group/*", async () => {
    const [from, to] = [unique("Managers"), unique("MGRs")];
    await newGroup(from);
    const name = unique("carol");
    const creds = await userWithKey(iam(), name, policy(allow("iam:UpdateGroup", groupArn("*")), deny("iam:UpdateGroup", groupArn(to))));
    await denied(iam(creds).send(new UpdateGroupCommand({ GroupName: from, NewGroupName: to })), explicitlyDenied(name, "iam:UpdateGroup", groupArn(to)));
    // Another new name is fine.
    await iam(creds).send(new UpdateGroupCommand({ GroupName: from, NewGroupName: unique("Other") }));
  });

  it("a move checks the new path: allowed under /eng/ only, moving to /ops/ is refused", async () => {
    const group = await newGroup(unique("Team"), "/eng/");
    const creds = await userWith(allow("iam:UpdateGroup", groupArn("*", "/eng/")));
    await iam(creds).send(new UpdateGroupCommand({ GroupName: group, NewPath: "/eng/" }));
    await denied(iam(creds).send(new UpdateGroupCommand({ GroupName: group, NewPath: "/ops/" })));
  });

  it("through the AWS CLI: refused then allowed", { skip: awsCliMissing }, async () => {
    const [from, to] = [unique("Managers"), unique("MGRs")];
    await newGroup(from);
    const name = unique("cli");
    const creds = await userWithKey(iam(), name, policy(allow("iam:UpdateGroup", groupArn(from))));
    const refused = await awsAs(endpoint(), creds, "iam", "update-group", "--group-name", from, "--new-group-name", to);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied/);
    assert.ok(refused.stderr.includes(notAllowed(name, "iam:UpdateGroup", groupArn(to))), refused.stderr);
    await iam().send(new PutUserPolicyCommand({ UserName: name, PolicyName: "inline", PolicyDocument: policy(allow("iam:UpdateGroup", [groupArn(from), groupArn(to)])) }));
    const ok = await awsAs(endpoint(), creds, "iam", "update-group", "--group-name", from, "--new-group-name", to);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("through boto3: refused with AccessDenied, then a Deny on MGRs wins", { skip: boto3Missing }, async () => {
    const [from, to] = [unique("Managers"), unique("MGRs")];
    await newGroup(from);
    const name = unique("py");
    const creds = await userWithKey(iam(), name, policy(allow("iam:UpdateGroup", groupArn(from))));
    const run = () =>
      boto3(
        endpoint(),
        `
import boto3, json, os
from botocore.exceptions import ClientError
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1", aws_access_key_id="${creds.accessKeyId}", aws_secret_access_key="${creds.secretAccessKey}")
try:
    iam.update_group(GroupName="${from}", NewGroupName="${to}")
    print(json.dumps({"ok": True}))
except ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"]["Message"]}))
`,
      );
    assert.deepEqual(await run(), { code: "AccessDenied", status: 403, message: notAllowed(name, "iam:UpdateGroup", groupArn(to)) });
    await iam().send(new PutUserPolicyCommand({
      UserName: name,
      PolicyName: "inline",
      PolicyDocument: policy(allow("iam:UpdateGroup", "*"), deny("iam:UpdateGroup", groupArn(to))),
    }));
    assert.deepEqual(await run(), { code: "AccessDenied", status: 403, message: explicitlyDenied(name, "iam:UpdateGroup", groupArn(to)) });
  });
});

describe("--auth iam: where policies come from", () => {
  it("root is always allowed; a user with no policy is denied everything but GetCallerIdentity", async () => {
    assert.ok((await iam().send(new ListGroupsCommand({}))).Groups);
    const name = unique("nobody");
    const creds = await userWithKey(iam(), name);
    await denied(iam(creds).send(new ListGroupsCommand({})), notAllowed(name, "iam:ListGroups", `arn:aws:iam::${ACCOUNT}:group/`));
    const sts = new STSClient(clientConfig(endpoint(), "us-east-1", creds));
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:user/${name}`);
  });

  it("GetCallerIdentity needs no permission, even under an explicit Deny of *", async () => {
    const creds = await userWith(deny("*"));
    const sts = new STSClient(clientConfig(endpoint(), "us-east-1", creds));
    assert.ok((await sts.send(new GetCallerIdentityCommand({}))).Arn);
  });

  it("a group's inline policy, a group's and a user's managed policy each allow", async () => {
    const user = unique("member");
    const creds = await userWithKey(iam(), user);
    await denied(iam(creds).send(new ListGroupsCommand({})));
    await groupPolicyFor(iam(), user, policy(allow("iam:ListGroups")));
    assert.ok((await iam(creds).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(creds).send(new ListAccessKeysCommand({})));
    await managedPolicyFor(iam(), user, policy(allow("iam:ListAccessKeys")));
    assert.ok((await iam(creds).send(new ListAccessKeysCommand({}))).AccessKeyMetadata);
  });

  it("a policy change applies to the next request", async () => {
    const user = unique("fickle");
    const creds = await userWithKey(iam(), user, policy(allow("iam:ListGroups")));
    assert.ok((await iam(creds).send(new ListGroupsCommand({}))).Groups);
    await iam().send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: "inline" }));
    await denied(iam(creds).send(new ListGroupsCommand({})));
  });

  it("a Deny in a group's policy wins over the user's own Allow", async () => {
    const user = unique("grouped");
    const creds = await userWithKey(iam(), user, policy(allow("iam:*")));
    assert.ok((await iam(creds).send(new ListGroupsCommand({}))).Groups);
    await groupPolicyFor(iam(), user, policy(deny("iam:ListGroups")));
    await denied(iam(creds).send(new ListGroupsCommand({})), explicitlyDenied(user, "iam:ListGroups", `arn:aws:iam::${ACCOUNT}:group/`));
  });
});

describe("--auth iam: each protocol's AccessDenied", () => {
  it("KMS: AccessDeniedException 400; QuickSight: AccessDeniedException 401; CloudFront: AccessDenied 403", async () => {
    const name = unique("plain");
    const creds = await userWithKey(iam(), name);
    const k = await failure(kms(creds).send(new ListKeysCommand({})));
    assert.equal(k.name, "AccessDeniedException");
    assert.equal(k.$metadata.httpStatusCode, 400);
    assert.equal(k.message, `User: arn:aws:iam::${ACCOUNT}:user/${name} is not authorized to perform: kms:ListKeys because no identity-based policy allows the kms:ListKeys action`);
    const q = await failure(new QuickSightClient(clientConfig(endpoint(), "us-east-1", creds)).send(new DescribeKeyRegistrationCommand({ AwsAccountId: ACCOUNT })));
    assert.equal(q.name, "AccessDeniedException");
    assert.equal(q.$metadata.httpStatusCode, 401);
    const c = await failure(new CloudFrontClient(clientConfig(endpoint(), "us-east-1", creds)).send(new ListPublicKeysCommand({})));
    assert.equal(c.name, "AccessDenied");
    assert.equal(c.$metadata.httpStatusCode, 403);
    assert.equal(c.message, notAllowed(name, "cloudfront:ListPublicKeys", "*"));
  });
});

describe("--auth iam: resource-level permissions beyond IAM", () => {
  it("KMS: allowed on one key; the key named through its alias is checked, another key is refused", async () => {
    const root = kms(ROOT);
    const a = (await root.send(new CreateKeyCommand({}))).KeyMetadata!;
    const b = (await root.send(new CreateKeyCommand({}))).KeyMetadata!;
    const alias = `alias/${unique("k")}`;
    await root.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: a.KeyId }));
    const name = unique("kmsuser");
    const creds = await userWithKey(iam(), name, policy(allow("kms:DescribeKey", a.Arn!)));
    assert.equal((await kms(creds).send(new DescribeKeyCommand({ KeyId: a.KeyId }))).KeyMetadata!.Arn, a.Arn);
    assert.equal((await kms(creds).send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.Arn, a.Arn);
    const e = await failure(kms(creds).send(new DescribeKeyCommand({ KeyId: b.KeyId })));
    assert.equal(e.name, "AccessDeniedException");
    assert.equal(e.message, notAllowed(name, "kms:DescribeKey", b.Arn!));
  });

  it("CloudFront: a connection group by id or name, and its tags, on its ARN", async () => {
    const cf = (creds: Creds) => new CloudFrontClient(clientConfig(endpoint(), "us-east-1", creds));
    const groupName = unique("cg");
    const group = (await cf(ROOT).send(new CreateConnectionGroupCommand({ Name: groupName }))).ConnectionGroup!;
    const other = (await cf(ROOT).send(new CreateConnectionGroupCommand({ Name: unique("cg") }))).ConnectionGroup!;
    const creds = await userWith(allow(["cloudfront:GetConnectionGroup", "cloudfront:ListTagsForResource"], group.Arn!));
    assert.equal((await cf(creds).send(new GetConnectionGroupCommand({ Identifier: group.Id }))).ConnectionGroup!.Id, group.Id);
    assert.equal((await cf(creds).send(new GetConnectionGroupCommand({ Identifier: groupName }))).ConnectionGroup!.Id, group.Id);
    assert.ok((await cf(creds).send(new ListTagsForResourceCommand({ Resource: group.Arn }))).Tags);
    const e = await failure(cf(creds).send(new GetConnectionGroupCommand({ Identifier: other.Id })));
    assert.equal(e.name, "AccessDenied");
    assert.match(e.message, new RegExp(`on resource: ${other.Arn!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} because`));
    assert.equal((await failure(cf(creds).send(new ListTagsForResourceCommand({ Resource: other.Arn })))).name, "AccessDenied");
  });
});

describe("--auth iam: tags on a create need the tagging action too", () => {
  it("CreateUser with Tags needs iam:TagUser; without Tags it does not", async () => {
    const name = unique("creator");
    const creds = await userWithKey(iam(), name, policy(allow("iam:CreateUser")));
    await iam(creds).send(new CreateUserCommand({ UserName: unique("plainuser") }));
    const tagged = unique("taggeduser");
    await denied(
      iam(creds).send(new CreateUserCommand({ UserName: tagged, Tags: [{ Key: "team", Value: "a" }] })),
      notAllowed(name, "iam:TagUser", `arn:aws:iam::${ACCOUNT}:user/${tagged}`),
    );
    await iam().send(new PutUserPolicyCommand({ UserName: name, PolicyName: "inline", PolicyDocument: policy(allow(["iam:CreateUser", "iam:TagUser"])) }));
    await iam(creds).send(new CreateUserCommand({ UserName: tagged, Tags: [{ Key: "team", Value: "a" }] }));
  });

  it("KMS CreateKey with Tags needs kms:TagResource", async () => {
    const creds = await userWith(allow("kms:CreateKey"));
    assert.ok((await kms(creds).send(new CreateKeyCommand({}))).KeyMetadata);
    const e = await failure(kms(creds).send(new CreateKeyCommand({ Tags: [{ TagKey: "a", TagValue: "b" }] })));
    assert.equal(e.name, "AccessDeniedException");
    assert.match(e.message, /kms:TagResource because no identity-based policy allows the kms:TagResource action$/);
  });
});

describe("--auth iam: policy language edge cases (an allow and a deny each)", () => {
  it("Action wildcards (* and ?) match case-insensitively", async () => {
    const creds = await userWith(allow(["IAM:list*", "iam:?etGroup"]));
    const group = await newGroup();
    assert.ok((await iam(creds).send(new ListGroupsCommand({}))).Groups);
    assert.ok((await iam(creds).send(new GetGroupCommand({ GroupName: group }))).Group);
    await denied(iam(creds).send(new DeleteGroupCommand({ GroupName: group })));
  });

  it("NotAction: everything but iam:DeleteGroup", async () => {
    const creds = await userWith({ Effect: "Allow", NotAction: "iam:DeleteGroup", Resource: "*" });
    const group = await newGroup();
    assert.ok((await iam(creds).send(new GetGroupCommand({ GroupName: group }))).Group);
    await denied(iam(creds).send(new DeleteGroupCommand({ GroupName: group })));
  });

  it("NotResource: every group but the Secret* ones", async () => {
    const creds = await userWith({ Effect: "Allow", Action: "iam:GetGroup", NotResource: groupArn("Secret*") });
    const open = await newGroup(unique("Open"));
    const secret = await newGroup(unique("Secret"));
    assert.ok((await iam(creds).send(new GetGroupCommand({ GroupName: open }))).Group);
    await denied(iam(creds).send(new GetGroupCommand({ GroupName: secret })));
  });

  it("Resource wildcards: ? is one character", async () => {
    const creds = await userWith(allow("iam:GetGroup", groupArn("Team?")));
    await newGroup("TeamA");
    await newGroup("TeamAB");
    assert.ok((await iam(creds).send(new GetGroupCommand({ GroupName: "TeamA" }))).Group);
    await denied(iam(creds).send(new GetGroupCommand({ GroupName: "TeamAB" })));
  });

  it("${aws:username} in Resource: a user may read itself, not another user", async () => {
    const name = unique("self");
    const creds = await userWithKey(iam(), name, policy(allow(["iam:GetUser", "iam:ListAccessKeys"], `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)));
    const other = unique("other");
    await userWithKey(iam(), other);
    assert.equal((await iam(creds).send(new GetUserCommand({}))).User!.UserName, name);
    assert.ok((await iam(creds).send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata);
    await denied(iam(creds).send(new GetUserCommand({ UserName: other })), notAllowed(name, "iam:GetUser", `arn:aws:iam::${ACCOUNT}:user/${other}`));
  });

  it("refuses a 2008-10-17 identity policy (where a variable would be literal text), as IAM does", async () => {
    const error = await failure(
      userWithKey(iam(), unique("old"), JSON.stringify({ Version: "2008-10-17", Statement: [allow("iam:GetUser", `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)] })),
    );
    assert.equal(error.name, "MalformedPolicyDocumentException");
    assert.equal(error.message, "Policy document must be version 2012-10-17 or greater.");
  });

  it("${aws:username} in a condition value (StringEquals on aws:PrincipalArn)", async () => {
    const yes = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` } } }));
    const no = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/x\${aws:username}` } } }));
    assert.ok((await iam(yes).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(no).send(new ListGroupsCommand({})));
  });

  it("StringEquals / StringNotEquals on aws:RequestedRegion", async () => {
    const creds = await userWith(
      allow("kms:ListKeys", "*", { Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1", "eu-west-2"] } } }),
      deny("kms:ListKeys", "*", { Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-west-1", "us-west-2"] } } }),
    );
    assert.ok((await kms(creds, "eu-west-1").send(new ListKeysCommand({}))).Keys);
    // eu-west-2: allowed by the first statement, denied by the second.
    const e = await failure(kms(creds, "eu-west-2").send(new ListKeysCommand({})));
    assert.equal(e.name, "AccessDeniedException");
    assert.match(e.message, /with an explicit deny/);
    // us-west-2: nothing allows it.
    assert.match((await failure(kms(creds, "us-west-2").send(new ListKeysCommand({})))).message, /because no identity-based policy allows/);
  });

  it("aws:PrincipalAccount, aws:userid (StringLike AIDA*) and aws:username (StringEqualsIgnoreCase)", async () => {
    const mine = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT }, StringLike: { "aws:userid": "AIDA*" } } }));
    const other = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } } }));
    const name = unique("Casey");
    const upper = await userWithKey(iam(), name, policy(allow("iam:ListGroups", "*", { Condition: { StringEqualsIgnoreCase: { "aws:username": name.toUpperCase() } } })));
    const notMe = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEqualsIgnoreCase: { "aws:username": "someone-else" } } }));
    assert.ok((await iam(mine).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(other).send(new ListGroupsCommand({})));
    assert.ok((await iam(upper).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(notMe).send(new ListGroupsCommand({})));
  });

  it("StringLike and ArnLike on aws:PrincipalArn", async () => {
    const like = await userWith(allow("iam:ListGroups", "*", { Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/u*" } } }));
    const arnLike = await userWith(allow("iam:ListGroups", "*", { Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/nope*" } } }));
    assert.ok((await iam(like).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(arnLike).send(new ListGroupsCommand({})));
  });

  it("IpAddress / NotIpAddress on aws:SourceIp", async () => {
    const local = await userWith(allow("iam:ListGroups", "*", { Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } } }));
    const remote = await userWith(allow("iam:ListGroups", "*", { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }));
    const notRemote = await userWith(allow("iam:ListGroups", "*", { Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }));
    assert.ok((await iam(local).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(remote).send(new ListGroupsCommand({})));
    assert.ok((await iam(notRemote).send(new ListGroupsCommand({}))).Groups);
  });

  it("Bool on aws:SecureTransport (nubis serves plain HTTP)", async () => {
    const insecureOk = await userWith(allow("iam:ListGroups", "*", { Condition: { Bool: { "aws:SecureTransport": "false" } } }));
    const tlsOnly = await userWith(allow("iam:ListGroups", "*", { Condition: { Bool: { "aws:SecureTransport": "true" } } }));
    assert.ok((await iam(insecureOk).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(tlsOnly).send(new ListGroupsCommand({})));
  });

  it("DateGreaterThan / DateLessThan on aws:CurrentTime, NumericLessThan on aws:EpochTime", async () => {
    const after2000 = await userWith(allow("iam:ListGroups", "*", { Condition: { DateGreaterThan: { "aws:CurrentTime": "2000-01-01T00:00:00Z" } } }));
    const before2000 = await userWith(allow("iam:ListGroups", "*", { Condition: { DateLessThan: { "aws:CurrentTime": "2000-01-01T00:00:00Z" } } }));
    const epochOk = await userWith(allow("iam:ListGroups", "*", { Condition: { NumericLessThan: { "aws:EpochTime": "99999999999" } } }));
    const epochNo = await userWith(allow("iam:ListGroups", "*", { Condition: { NumericLessThan: { "aws:EpochTime": 1000 } } }));
    assert.ok((await iam(after2000).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(before2000).send(new ListGroupsCommand({})));
    assert.ok((await iam(epochOk).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(epochNo).send(new ListGroupsCommand({})));
  });

  it("a key the request lacks: StringEquals fails, StringEqualsIfExists passes", async () => {
    const strict = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEquals: { "aws:SourceVpc": "vpc-1" } } }));
    const ifExists = await userWith(allow("iam:ListGroups", "*", { Condition: { StringEqualsIfExists: { "aws:SourceVpc": "vpc-1" } } }));
    await denied(iam(strict).send(new ListGroupsCommand({})));
    assert.ok((await iam(ifExists).send(new ListGroupsCommand({}))).Groups);
  });

  it("...IfExists on a key the request has still compares it", async () => {
    const wrongRegion = await userWith(allow("kms:ListKeys", "*", { Condition: { StringEqualsIfExists: { "aws:RequestedRegion": "ap-south-1" } } }));
    assert.equal((await failure(kms(wrongRegion).send(new ListKeysCommand({})))).name, "AccessDeniedException");
  });

  it("Null: true for an absent key, false for a present one", async () => {
    const absent = await userWith(allow("iam:ListGroups", "*", { Condition: { Null: { "aws:SourceVpc": "true", "aws:username": "false" } } }));
    const present = await userWith(allow("iam:ListGroups", "*", { Condition: { Null: { "aws:username": "true" } } }));
    assert.ok((await iam(absent).send(new ListGroupsCommand({}))).Groups);
    await denied(iam(present).send(new ListGroupsCommand({})));
  });

  it("a Deny with a condition that does not hold leaves the Allow in force", async () => {
    const creds = await userWith(allow("iam:ListGroups"), deny("iam:ListGroups", "*", { Condition: { Bool: { "aws:SecureTransport": "true" } } }));
    assert.ok((await iam(creds).send(new ListGroupsCommand({}))).Groups);
  });
});
