import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateDashboardCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateGroupCommand,
  DescribeThemeCommand,
  ListGroupsCommand,
  ListTagsForResourceCommand,
  ListUsersCommand,
  RegisterUserCommand,
  TagResourceCommand,
  UpdateDashboardCommand,
  UpdateDashboardPublishedVersionCommand,
} from "@aws-sdk/client-quicksight";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, body, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer({ quotas: { "quicksight.GroupsPerNamespace": 2 } });
const slow = useServer({ quicksightDelayMs: 3_600_000 });
const A = { AwsAccountId: ACCOUNT };
const scope = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/quicksight/aws4_request, SignedHeaders=host, Signature=00" };
const call = (method: string, path: string, bodyText?: string) =>
  fetch(server().endpoint + path, { method, headers: { "content-type": "application/json", ...scope }, body: bodyText });

describe("QuickSight wire edges", () => {
  it("answers MaxResults outside 1–100 and a malformed account id with InvalidParameterValueException (400)", async () => {
    await subscribe(quicksight(server().endpoint));
    for (const path of [`/accounts/${ACCOUNT}/namespaces/default/users?max-results=101`, `/accounts/${ACCOUNT}/data-sources?max-results=0`, "/accounts/00000000000a/namespaces/default/users", "/accounts/0000000000000/data-sources"]) {
      const res = await call("GET", path);
      assert.equal(res.status, 400, path);
      assert.equal(res.headers.get("x-amzn-errortype"), "InvalidParameterValueException", path);
      const parsed = await res.json();
      assert.equal(parsed.RequestId, res.headers.get("x-amzn-requestid"));
    }
  });

  it("reads a user name holding a slash and an ARN in the tags path as one encoded segment", async () => {
    const qs = quicksight(server().endpoint);
    const user = await qs.send(new RegisterUserCommand({ ...A, Namespace: "default", IdentityType: "QUICKSIGHT", UserName: "team/lead", Email: "t@example.com", UserRole: "READER", Tags: [{ Key: "a", Value: "b" }] }));
    const res = await call("GET", `/resources/${encodeURIComponent(user.User!.Arn!)}/tags`);
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).Tags, [{ Key: "a", Value: "b" }]);
    const described = await call("GET", `/accounts/${ACCOUNT}/namespaces/default/users/${encodeURIComponent("team/lead")}`);
    assert.equal((await described.json()).User.UserName, "team/lead");
  });

  it("ignores unknown body members; answers 404 with ResourceType for a missing user", async () => {
    const res = await call("POST", `/accounts/${ACCOUNT}/namespaces/default/groups`, JSON.stringify({ GroupName: "g1", Surprise: true }));
    assert.equal(res.status, 200);
    const missing = await call("GET", `/accounts/${ACCOUNT}/namespaces/default/users/ghost`);
    assert.equal(missing.status, 404);
    const parsed = await missing.json();
    assert.equal(parsed.ResourceType, "USER");
    assert.equal(parsed.Message, `User arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/ghost does not exist.`);
  });

  it("refuses groups past the quota, tags on groups, and unknown built-in themes", async () => {
    const qs = quicksight(server().endpoint);
    await qs.send(new CreateGroupCommand({ ...A, Namespace: "default", GroupName: "g2" }));
    const refused = refusal(async () => body(await qs.send(new ListGroupsCommand({ ...A, Namespace: "default" }))));
    const quota = await refused(() => qs.send(new CreateGroupCommand({ ...A, Namespace: "default", GroupName: "g3" })), "LimitExceededException", 409);
    assert.match(quota.message, /2 groups/);
    await refused(() => qs.send(new TagResourceCommand({ ResourceArn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/g1`, Tags: [{ Key: "a", Value: "b" }] })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:quicksight:eu-west-1:${ACCOUNT}:datasource/x` })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new DescribeThemeCommand({ AwsAccountId: "aws", ThemeId: "NEON" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new ListUsersCommand({ ...A, Namespace: "default", MaxResults: 1, NextToken: Buffer.from("quicksight.groups\u0000x\u0000y").toString("base64url") })), "InvalidNextTokenException", 400);
  });

  it("refuses data source parameters that set two members or do not fit the type", async () => {
    const qs = quicksight(server().endpoint);
    const make = (DataSourceParameters: object, Type = "MYSQL") => () => qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "m", Name: "m", Type: Type as never, DataSourceParameters: DataSourceParameters as never }));
    const refused = refusal(async () => (await failure(qs.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:datasource/m` })))).name);
    await refused(make({ MySqlParameters: { Host: "h", Port: 3306, Database: "d" }, AthenaParameters: {} }), "InvalidParameterValueException", 400);
    await refused(make({ MySqlParameters: { Host: "h", Port: 70000, Database: "d" } }), "InvalidParameterValueException", 400);
    await refused(make({ RedshiftParameters: { Database: "d", ClusterId: "c" } }), "InvalidParameterValueException", 400);
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "m", Name: "m", Type: "MYSQL", DataSourceParameters: { RdsParameters: { InstanceId: "i", Database: "d" } } }));
  });
});

describe("QuickSight dashboards while a version is in progress", () => {
  it("refuses to publish a version still UPDATE_IN_PROGRESS (ConflictException 409)", async () => {
    const qs = quicksight(slow().endpoint);
    await subscribe(qs);
    const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;
    await qs.send(new CreateDataSourceCommand({ ...A, DataSourceId: "s", Name: "s", Type: "ATHENA", DataSourceParameters: { AthenaParameters: {} } }));
    await qs.send(new CreateDataSetCommand({ ...A, DataSetId: "d", Name: "d", ImportMode: "SPICE", PhysicalTableMap: { t: { RelationalTable: { DataSourceArn: arn("datasource/s"), Name: "t", InputColumns: [{ Name: "c", Type: "STRING" }] } } } }));
    const definition = { DataSetIdentifierDeclarations: [{ Identifier: "d", DataSetArn: arn("dataset/d") }] };
    await qs.send(new CreateDashboardCommand({ ...A, DashboardId: "x", Name: "x", Definition: definition }));
    await qs.send(new UpdateDashboardCommand({ ...A, DashboardId: "x", Name: "x", Definition: definition }));
    const error = await failure(qs.send(new UpdateDashboardPublishedVersionCommand({ ...A, DashboardId: "x", VersionNumber: 2 })));
    assert.equal(error.name, "ConflictException");
    assert.equal(error.$metadata.httpStatusCode, 409);
  });
});
