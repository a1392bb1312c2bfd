/** IAM's query wire as the seed document shows it, without an SDK in between. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useServer } from "../harness.js";

const server = useServer();
const scope = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const post = (params: Record<string, string>) =>
  fetch(server().endpoint + "/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...scope },
    body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
  });

describe("IAM query wire", () => {
  it("UpdateGroup by GET with a query string, as the seed's sample request, answers the seed's sample response", async () => {
    assert.equal((await post({ Action: "CreateGroup", GroupName: "Test" })).status, 200);
    const res = await fetch(server().endpoint + "/?Action=UpdateGroup&GroupName=Test&NewGroupName=Test_1&Version=2010-05-08", { headers: scope });
    assert.equal(res.status, 200);
    const requestId = res.headers.get("x-amzn-requestid")!;
    assert.match(requestId, UUID);
    const body = await res.text();
    assert.match(
      body,
      /<UpdateGroupResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ResponseMetadata><RequestId>([0-9a-f-]{36})<\/RequestId><\/ResponseMetadata><\/UpdateGroupResponse>/,
    );
    assert.ok(body.includes(`<RequestId>${requestId}</RequestId>`));
    const got = await (await post({ Action: "GetGroup", GroupName: "Test_1" })).text();
    assert.match(got, /<GetGroupResult><Group><Path>\/<\/Path><GroupName>Test_1<\/GroupName><GroupId>AGPA[A-Z2-7]{17}<\/GroupId><Arn>arn:aws:iam::000000000000:group\/Test_1<\/Arn><CreateDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/CreateDate><\/Group><Users\/><IsTruncated>false<\/IsTruncated><\/GetGroupResult>/);
  });

  it("writes NoSuchEntity as IAM's ErrorResponse: Sender, short code, AWS's message, request id", async () => {
    const res = await post({ Action: "UpdateGroup", GroupName: "Nope", NewGroupName: "Other" });
    assert.equal(res.status, 404);
    const requestId = res.headers.get("x-amzn-requestid")!;
    assert.equal(
      await res.text(),
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The group with name Nope cannot be found.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });

  it("returns GetGroupPolicy's document percent-encoded inside the XML", async () => {
    assert.equal((await post({ Action: "CreateGroup", GroupName: "Encoded" })).status, 200);
    const document = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}';
    assert.equal((await post({ Action: "PutGroupPolicy", GroupName: "Encoded", PolicyName: "p", PolicyDocument: document })).status, 200);
    const body = await (await post({ Action: "GetGroupPolicy", GroupName: "Encoded", PolicyName: "p" })).text();
    const m = /<PolicyDocument>([^<]*)<\/PolicyDocument>/.exec(body);
    assert.ok(m, body);
    assert.match(m[1], /^%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B/);
    assert.equal(decodeURIComponent(m[1]), document);
  });

  it("answers a ValidationError for a missing GroupName on UpdateGroup, and renames nothing", async () => {
    const res = await post({ Action: "UpdateGroup", NewGroupName: "Anything" });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Type>Sender<\/Type><Code>ValidationError<\/Code><Message>1 validation error detected: Value null at (&apos;|')groupName(&apos;|') failed to satisfy constraint: Member must not be null<\/Message>/);
    assert.equal((await post({ Action: "GetGroup", GroupName: "Anything" })).status, 404);
  });
});
