/**
 * The console end to end in a real headless Chromium: resources made through the SDK appear in
 * the browser, a detail view follows references, a failing call shows up live in the request
 * log with its error code, the log filters, a malformed snapshot is refused, a reset empties
 * the tables. Writes docs/console.png.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CloudFrontClient, CreateKeyGroupCommand, CreatePublicKeyCommand } from "@aws-sdk/client-cloudfront";
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, GetGroupCommand, GetUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { VERSION } from "../../src/core/server.js";
import { clientConfig, failure, useServer } from "../harness.js";
import { rsaPem } from "../cloudfront/fixtures.js";
import { useBrowser, type ConsolePage } from "./browser.js";

const server = useServer();
const newPage = useBrowser();
const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

/** Waits until the log table's rows (their text, tab-separated cells) satisfy `ok`. */
async function waitRows(page: ConsolePage, ok: (rows: string[]) => boolean) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const rows = await page.locator("#log-rows tr").allInnerTexts();
    if (ok(rows)) return;
    if (Date.now() > deadline) assert.fail(`log rows never matched: ${JSON.stringify(rows)}`);
    await page.waitForTimeout(50);
  }
}

describe("web console", () => {
  let page: ConsolePage;
  let iam: IAMClient;
  let keyId: string;
  let publicKeyId: string;
  let keyGroupId: string;
  const console_ = () => `${server().endpoint}/_nubis/console`;

  before(async () => {
    const config = clientConfig(server().endpoint);
    iam = new IAMClient(config);
    await iam.send(new CreateUserCommand({ UserName: "alice" }));
    await iam.send(new CreateUserCommand({ UserName: "bob" }));
    await iam.send(new CreateGroupCommand({ GroupName: "developers" }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "developers", UserName: "alice" }));
    const kms = new KMSClient(config);
    keyId = (await kms.send(new CreateKeyCommand({ Description: "console test key" }))).KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: "alias/console", TargetKeyId: keyId }));
    const cloudfront = new CloudFrontClient(config);
    publicKeyId = (await cloudfront.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "console-1", Name: "signing-key", EncodedKey: rsaPem() } }))).PublicKey!.Id!;
    keyGroupId = (await cloudfront.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "signers", Items: [publicKeyId] } }))).KeyGroup!.Id!;
    page = await newPage();
  });
  after(async () => {
    assert.deepEqual(page.errors, [], "the page's scripts threw");
    const outside = page.requested.filter((url) => !url.startsWith(server().endpoint) && !url.startsWith("data:"));
    assert.deepEqual(outside, [], "the console must work offline: nothing but nubis is requested");
    await page.close();
  });

  it("overview: version, store, auth, services with their operations, accounts holding state", async () => {
    await page.goto(console_());
    await page.locator("#ov-version").getByText(VERSION).waitFor();
    assert.match(await page.locator("#ov-store").innerText(), /memory|sqlite|postgres/);
    assert.match(await page.locator("#ov-auth").innerText(), /none/);
    const services = await page.locator("#services").innerText();
    for (const name of ["iam", "sts", "kms", "cloudfront", "quicksight"]) assert.match(services, new RegExp(`\\(${name}\\)`));
    assert.match(services, /\d+ operations/);
    const scopes = await page.locator("#scopes").innerText();
    assert.match(scopes, /000000000000\s+\(global\)\s+cloudfront, iam/);
    assert.match(scopes, /000000000000\s+us-east-1\s+kms/);
  });

  it("resource browser: the users made through the SDK, filtered, and a user's detail as GetUser answers it", async () => {
    await page.goto(`${console_()}#/resources/iam/users`);
    const rows = page.locator("table.resources tbody tr");
    await page.locator('tr[data-id="alice"]').waitFor();
    assert.equal(await rows.count(), 2);
    await page.fill("#filter", "bob");
    await page.locator('tr[data-id="alice"]').waitFor({ state: "detached" });
    assert.equal(await rows.count(), 1);
    await page.fill("#filter", "nobody-is-called-that");
    await page.locator(".empty").waitFor();
    await page.fill("#filter", "");
    await page.locator('tr[data-id="alice"]').click();
    await page.locator("#detail-title").getByText("Users: alice").waitFor();
    const shown = JSON.parse(await page.locator("#detail-json").innerText());
    const got = await iam.send(new GetUserCommand({ UserName: "alice" }));
    assert.equal(shown.User.UserId, got.User!.UserId);
    assert.equal(shown.User.Arn, got.User!.Arn);
  });

  it("follows a reference: alice -> member of developers -> the group lists alice as a member", async () => {
    await page.locator("#references a.link", { hasText: "developers" }).click();
    await page.locator("#detail-title").getByText("Groups: developers").waitFor();
    const shown = JSON.parse(await page.locator("#detail-json").innerText());
    const got = await iam.send(new GetGroupCommand({ GroupName: "developers" }));
    assert.equal(shown.Group.GroupId, got.Group!.GroupId);
    await page.locator("#referenced-by a.link", { hasText: "alice" }).waitFor();
  });

  it("a key group references its public keys; the public key is referenced by the key group", async () => {
    await page.goto(`${console_()}#/resources/cloudfront/keyGroups`);
    await page.locator(`tr[data-id="${keyGroupId}"]`).click();
    await page.locator("#references a.link", { hasText: "signing-key" }).click();
    await page.locator("#detail-title").getByText(`Public keys: ${publicKeyId}`).waitFor();
    await page.locator("#referenced-by a.link", { hasText: "signers" }).waitFor();
  });

  it("a KMS key and its alias, in the region the key lives in", async () => {
    await page.goto(`${console_()}#/resources/kms/keys`);
    await page.locator(`tr[data-id="${keyId}"]`).getByText("console test key").waitFor();
    await page.locator(`tr[data-id="${keyId}"]`).click();
    await page.locator("#referenced-by a.link", { hasText: "alias/console" }).click();
    await page.locator("#references a.link", { hasText: keyId }).waitFor();
  });

  it("request log: a failing call shows up live, within a second, with its error code", async () => {
    await page.goto(`${console_()}#/requests`);
    await page.locator("#log-rows tr").first().waitFor();
    await failure(iam.send(new GetUserCommand({ UserName: "mallory" })));
    const row = page.locator("#log-rows tr", { hasText: "NoSuchEntity" });
    await row.waitFor({ timeout: 1_000 });
    assert.match(await row.innerText(), /GetUser\s+404\s+NoSuchEntity/);
    // The entry opens to its headers and bodies, the signature redacted.
    await row.click();
    await page.locator("#entry-title").getByText("404 NoSuchEntity").waitFor();
    const request = await page.locator("#entry-request").innerText();
    assert.match(request, /UserName=mallory/);
    assert.match(request, /Signature=\*\*\*/);
    assert.doesNotMatch(request, /Signature=[0-9a-f]{64}/);
    assert.match(await page.locator("#entry-response").innerText(), /<Code>NoSuchEntity<\/Code>/);
  });

  it("request log: filters by status, service, operation and text, live ones included", async () => {
    await page.fill("#f-status", "error");
    await waitRows(page, (rows) => rows.length === 1 && /NoSuchEntity/.test(rows[0]));
    // A new failure matches the filter and arrives live; a success does not.
    await failure(iam.send(new GetUserCommand({ UserName: "trudy" })));
    await iam.send(new GetUserCommand({ UserName: "bob" }));
    await page.locator("#log-rows tr", { hasText: "NoSuchEntity" }).nth(1).waitFor();
    assert.equal(await page.locator("#log-rows tr").count(), 2);
    await page.fill("#f-status", "");
    await page.fill("#f-text", "trudy");
    await waitRows(page, (rows) => rows.length === 1 && /GetUser\s+404/.test(rows[0]));
    await page.fill("#f-text", "");
    await page.selectOption("#f-service", "kms");
    await page.fill("#f-operation", "CreateAlias");
    await waitRows(page, (rows) => rows.length === 1 && /kms\s+CreateAlias\s+200/.test(rows[0]));
    await page.selectOption("#f-service", "");
    await page.fill("#f-operation", "");
    await page.locator("#log-rows tr", { hasText: "CreateUser" }).first().waitFor();
    await page.locator("#log-rows tr", { hasText: "NoSuchEntity" }).first().click();
    await page.locator("#entry-title").waitFor();
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: DOCS + "console.png", fullPage: false });
  });

  it("state: a malformed snapshot is refused with the reason, behind a confirmation, and nothing changes", async () => {
    await page.goto(`${console_()}#/state`);
    await page.setInputFiles("#snapshot-file", { name: "broken.json", mimeType: "application/json", buffer: Buffer.from('{"format":"nubis-state","version":1,"tables":{"iam.users":"not rows"}}') });
    await page.click("#upload");
    // Cancelling the confirmation sends nothing.
    await page.click("#confirm-cancel");
    assert.equal(await page.locator("#state-result").innerText(), "");
    await page.click("#upload");
    await page.click("#confirm-ok");
    await page.locator("#state-result .error").waitFor();
    assert.match(await page.locator("#state-result").innerText(), /refused, nothing changed: table "iam.users" must be a list of \[key, value\] rows/);
    assert.equal((await iam.send(new GetUserCommand({ UserName: "alice" }))).User!.UserName, "alice");
  });

  it("state: the snapshot downloads as the nubis-state document, and uploads back", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    const doc = JSON.parse(readFileSync(path!, "utf8"));
    assert.equal(doc.format, "nubis-state");
    assert.ok(doc.tables["iam.users"].length >= 2);
    // The same document uploads back, confirmed, and the state is what it was.
    await page.setInputFiles("#snapshot-file", path!);
    await page.click("#upload");
    await page.click("#confirm-ok");
    await page.locator("#state-result .notice").getByText(/^Loaded \d+ tables from /).waitFor();
    assert.equal((await iam.send(new GetUserCommand({ UserName: "alice" }))).User!.UserName, "alice");
  });

  it("state: reset one service, then all, each confirmed; the tables are empty", async () => {
    await page.selectOption("#reset-target", "iam");
    await page.click("#reset");
    await page.click("#confirm-ok");
    await page.locator("#state-result .notice").getByText("Reset iam.").waitFor();
    await page.goto(`${console_()}#/resources/iam/users`);
    await page.locator(".empty").getByText("No resources.").waitFor();
    await page.goto(`${console_()}#/resources/kms/keys`);
    await page.locator(`tr[data-id="${keyId}"]`).waitFor();
    await page.goto(`${console_()}#/state`);
    await page.click("#reset");
    await page.click("#confirm-ok");
    await page.locator("#state-result .notice").getByText("Reset all services.").waitFor();
    for (const [kind, title] of [["kms/keys", "KMS · Keys"], ["cloudfront/keyGroups", "CloudFront · Key groups"], ["cloudfront/publicKeys", "CloudFront · Public keys"], ["iam/groups", "IAM · Groups"]]) {
      await page.goto(`${console_()}#/resources/${kind}`);
      await page.locator("h1", { hasText: title }).waitFor();
      await page.locator(".empty").getByText("No resources.").waitFor();
    }
    // KMS always lists the AWS managed aliases (alias/aws/…); the one made here is gone.
    await page.goto(`${console_()}#/resources/kms/aliases`);
    await page.locator('tr[data-id="alias/aws/s3"]').waitFor();
    assert.equal(await page.locator('tr[data-id="alias/console"]').count(), 0);
    await page.goto(console_());
    await page.locator("#scopes").getByText("No state yet.").waitFor();
  });
});
