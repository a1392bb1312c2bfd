/** GET /_nubis/requests: the request log as JSON for scripts, its filters, its size, and that it never shows a secret. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { CreateKeyCommand, DescribeKeyCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure, useServer } from "../harness.js";

const server = useServer();
const small = useServer({ requestLog: 3 });
const off = useServer({ requestLog: 0 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function log(endpoint: string, query = ""): Promise<{ capacity: number; entries: any[] }> {
  const res = await fetch(`${endpoint}/_nubis/requests${query}`);
  assert.equal(res.status, 200);
  return res.json() as never;
}

describe("GET /_nubis/requests", () => {
  it("lists API calls in order with service, operation, status, error code and account; internal calls are not logged", async () => {
    const { endpoint } = server();
    const iam = new IAMClient(clientConfig(endpoint));
    await iam.send(new CreateUserCommand({ UserName: "log-alice" }));
    await failure(iam.send(new GetUserCommand({ UserName: "log-nobody" })));
    await fetch(`${endpoint}/_nubis/health`);
    const { capacity, entries } = await log(endpoint);
    assert.equal(capacity, 1000);
    const [create, get] = entries.slice(-2);
    assert.equal(create.service, "iam");
    assert.equal(create.operation, "CreateUser");
    assert.equal(create.status, 200);
    assert.equal(create.errorCode, undefined);
    assert.equal(create.account, "000000000000");
    assert.equal(create.method, "POST");
    assert.equal(typeof create.durationMs, "number");
    assert.match(create.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(get.operation, "GetUser");
    assert.equal(get.status, 404);
    assert.equal(get.errorCode, "NoSuchEntity");
    assert.ok(get.seq > create.seq);
    assert.ok(!entries.some((e) => e.path.startsWith("/_nubis")));
  });

  it("filters by service, operation, status, account and text (bodies included)", async () => {
    const { endpoint } = server();
    const kms = new KMSClient(clientConfig(endpoint, "eu-west-1", { accessKeyId: "111111111111", secretAccessKey: "x" }));
    const keyId = (await kms.send(new CreateKeyCommand({ Description: "filter-me-please" }))).KeyMetadata!.KeyId!;
    await failure(kms.send(new DescribeKeyCommand({ KeyId: "alias/missing" })));
    const byService = await log(endpoint, "?service=kms");
    assert.ok(byService.entries.length >= 2 && byService.entries.every((e) => e.service === "kms"));
    const byOperation = await log(endpoint, "?operation=createkey");
    assert.deepEqual(byOperation.entries.map((e) => e.operation), ["CreateKey"]);
    const byStatus = await log(endpoint, "?status=4xx&service=kms");
    assert.deepEqual(byStatus.entries.map((e) => [e.operation, e.errorCode]), [["DescribeKey", "NotFoundException"]]);
    assert.deepEqual((await log(endpoint, "?status=400&service=kms")).entries.length, 1);
    assert.ok((await log(endpoint, "?status=ok")).entries.every((e) => e.status < 400));
    assert.ok((await log(endpoint, "?status=error")).entries.every((e) => e.status >= 400));
    const byAccount = await log(endpoint, "?account=111111111111");
    assert.ok(byAccount.entries.length >= 2 && byAccount.entries.every((e) => e.account === "111111111111" && e.region === "eu-west-1"));
    const byText = await log(endpoint, "?text=filter-me-please");
    assert.equal(byText.entries.length, 1);
    assert.equal(byText.entries[0].operation, "CreateKey");
    const byTextInAnswer = await log(endpoint, `?text=${keyId}&operation=CreateKey`);
    assert.equal(byTextInAnswer.entries.length, 1);
    assert.deepEqual((await log(endpoint, "?text=no-such-text-anywhere")).entries, []);
  });

  it("an entry opens to headers and pretty-printed bodies (?seq=N), and ?detail=1 gives them for every entry", async () => {
    const { endpoint } = server();
    await new IAMClient(clientConfig(endpoint)).send(new ListUsersCommand({}));
    const last = (await log(endpoint, "?operation=ListUsers")).entries.at(-1);
    const res = await fetch(`${endpoint}/_nubis/requests?seq=${last.seq}`);
    const entry = await res.json();
    assert.equal(entry.operation, "ListUsers");
    assert.equal(entry.requestBody.format, "form");
    assert.match(entry.requestBody.text, /^Action=ListUsers$/m);
    assert.equal(entry.responseBody.format, "xml");
    assert.match(entry.responseBody.text, /\n {2}<ListUsersResult>/);
    assert.match(entry.requestHeaders.authorization, /Signature=\*\*\*$/);
    assert.equal(entry.responseHeaders["content-type"], "text/xml");
    const all = await log(endpoint, "?detail=1&limit=2");
    assert.equal(all.entries.length, 2);
    assert.ok(all.entries.every((e) => e.requestHeaders && e.responseBody));
    assert.equal((await fetch(`${endpoint}/_nubis/requests?seq=999999`)).status, 404);
  });

  it("never shows a secret: access key secrets, session credentials, KMS plaintext, signatures", async () => {
    const { endpoint } = server();
    const iam = new IAMClient(clientConfig(endpoint));
    await iam.send(new CreateUserCommand({ UserName: "log-keyholder" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "log-keyholder" }))).AccessKey!;
    const session = (await new STSClient(clientConfig(endpoint)).send(new GetSessionTokenCommand({}))).Credentials!;
    const asSession = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
    await new STSClient(clientConfig(endpoint, "us-east-1", asSession)).send(new GetCallerIdentityCommand({}));
    const kms = new KMSClient(clientConfig(endpoint));
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
    const plaintext = Buffer.from(dataKey.Plaintext!).toString("base64");
    const text = JSON.stringify(await log(endpoint, "?detail=1"));
    for (const secret of [key.SecretAccessKey!, session.SecretAccessKey!, session.SessionToken!, plaintext]) {
      assert.ok(!text.includes(secret), `a secret is in the log: ${secret.slice(0, 8)}…`);
    }
    assert.doesNotMatch(text, /Signature=[0-9a-f]{64}/);
    // The redacted members are still there, so the shape of the answer shows.
    assert.match(text, /<SecretAccessKey>\*\*\*<\/SecretAccessKey>/);
    assert.match(text, /"x-amz-security-token":"\*\*\*"/);
    assert.match(text, /\\"Plaintext\\": \\"\*\*\*\\"/);
  });

  it("keeps the last N requests (--request-log N)", async () => {
    const { endpoint } = small();
    const iam = new IAMClient(clientConfig(endpoint));
    for (let i = 0; i < 5; i++) await failure(iam.send(new GetUserCommand({ UserName: `gone-${i}` })));
    const { capacity, entries } = await log(endpoint, "?detail=1");
    assert.equal(capacity, 3);
    assert.deepEqual(entries.map((e) => e.requestBody.text.match(/UserName=(\S+)/)[1]), ["gone-2", "gone-3", "gone-4"]);
    assert.equal((await fetch(`${endpoint}/_nubis/requests?seq=1`)).status, 404);
  });

  it("--request-log 0 keeps nothing", async () => {
    const { endpoint } = off();
    await new IAMClient(clientConfig(endpoint)).send(new ListUsersCommand({}));
    assert.deepEqual(await log(endpoint), { capacity: 0, entries: [] });
  });

  it("a body larger than the documented size is cut, with its full size", async () => {
    const { endpoint } = server();
    const body = `Action=GetUser&Version=2010-05-08&UserName=${"x".repeat(300_000)}`;
    const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    assert.equal(res.status, 400);
    const last = (await log(endpoint, "?detail=1")).entries.at(-1);
    assert.equal(last.requestBody.truncatedFrom, body.length);
    assert.ok(last.requestBody.text.length < 70_000);
    assert.match(last.requestBody.text, /… \(cut: /);
  });

  it("streams each new call as a server-sent event", async () => {
    const { endpoint } = server();
    const controller = new AbortController();
    const res = await fetch(`${endpoint}/_nubis/console/api/events`, { signal: controller.signal });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const reader = res.body!.getReader();
    await reader.read(); // the opening comment
    await failure(new IAMClient(clientConfig(endpoint)).send(new GetUserCommand({ UserName: "streamed" })));
    let text = "";
    while (!text.includes("\n\n") || !text.includes("event: request")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]);
    assert.equal(data.operation, "GetUser");
    assert.equal(data.errorCode, "NoSuchEntity");
  });
});
