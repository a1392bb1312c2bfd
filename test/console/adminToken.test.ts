/**
 * Safety: under --auth signature|iam the console and the state-changing internal endpoints
 * (reset, POST state) need the --admin-token; without one they are read-only.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateUserCommand, GetUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { clientConfig, useServer } from "../harness.js";
import { useBrowser } from "./browser.js";

const TOKEN = "console-t0ken-" + process.pid;
const guarded = useServer({ auth: "signature", adminToken: TOKEN });
const readOnly = useServer({ auth: "iam" });
const newPage = useBrowser();

const userExists = async (endpoint: string, name: string) =>
  (await new IAMClient(clientConfig(endpoint)).send(new GetUserCommand({ UserName: name }))).User!.UserName === name;

describe("--admin-token under --auth signature", () => {
  it("the console's data and the request log need the token (header, Bearer or the console's cookie)", async () => {
    const { endpoint } = guarded();
    for (const path of ["/_nubis/console/api/overview", "/_nubis/requests", "/_nubis/console/api/events"]) {
      assert.equal((await fetch(endpoint + path)).status, 401, path);
      assert.equal((await fetch(endpoint + path, { headers: { "x-nubis-admin-token": "wrong" } })).status, 401, path);
    }
    const ok = await fetch(`${endpoint}/_nubis/console/api/overview`, { headers: { "x-nubis-admin-token": TOKEN } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).access, "admin");
    assert.equal((await fetch(`${endpoint}/_nubis/requests`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    // The page itself loads (it asks for the token); it holds no data.
    assert.equal((await fetch(`${endpoint}/_nubis/console`)).status, 200);
  });

  it("opening /_nubis/console?token= sets an HttpOnly cookie and drops the token from the address", async () => {
    const { endpoint } = guarded();
    const res = await fetch(`${endpoint}/_nubis/console?token=${TOKEN}`, { redirect: "manual" });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/_nubis/console");
    const cookie = res.headers.get("set-cookie")!;
    assert.match(cookie, /^nubis_admin_token=.+; Path=\/_nubis; HttpOnly; SameSite=Strict$/);
    assert.equal((await fetch(`${endpoint}/_nubis/requests`, { headers: { cookie: cookie.split(";")[0] } })).status, 200);
  });

  it("reset and POST state are refused without the token, and change nothing", async () => {
    const { endpoint } = guarded();
    await new IAMClient(clientConfig(endpoint)).send(new CreateUserCommand({ UserName: "guarded" }));
    const read = (headers: Record<string, string> = { "x-nubis-admin-token": TOKEN }) => fetch(`${endpoint}/_nubis/state`, { headers });
    // The snapshot holds every secret key: reading it needs the token too.
    assert.equal((await read({})).status, 403);
    const state = await (await read()).text();
    for (const [path, body] of [["/_nubis/reset", undefined], ["/_nubis/reset?service=iam", undefined], ["/moto-api/reset", undefined], ["/_nubis/state", '{"format":"nubis-state","version":1,"tables":{}}']] as const) {
      const res = await fetch(endpoint + path, { method: "POST", body, headers: { "x-nubis-admin-token": "wrong" } });
      assert.equal(res.status, 403, path);
      assert.match((await res.json()).error, /admin token/);
    }
    assert.ok(await userExists(endpoint, "guarded"));
    assert.equal(JSON.parse(await (await read()).text()).tables["iam.users"].length, JSON.parse(state).tables["iam.users"].length);
    const reset = await fetch(`${endpoint}/_nubis/reset?service=iam`, { method: "POST", headers: { "x-nubis-admin-token": TOKEN } });
    assert.equal(reset.status, 200);
  });

  it("in the browser: the console asks for the token, refuses a wrong one, opens with the right one", async () => {
    const { endpoint } = guarded();
    const page = await newPage();
    try {
      await page.goto(`${endpoint}/_nubis/console`);
      await page.getByText("Admin token required").waitFor();
      await page.fill("#token", "wrong");
      await page.press("#token", "Enter");
      await page.waitForURL(`${endpoint}/_nubis/console?token=wrong`);
      await page.getByText("Admin token required").waitFor();
      await page.fill("#token", TOKEN);
      await page.press("#token", "Enter");
      await page.waitForURL(`${endpoint}/_nubis/console`);
      await page.locator("#ov-auth").getByText("signature").waitFor();
      assert.ok(!page.url().includes(TOKEN));
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
});

describe("--auth iam without --admin-token: read-only", () => {
  it("the console reads; reset and POST state are refused and change nothing", async () => {
    const { endpoint } = readOnly();
    await new IAMClient(clientConfig(endpoint)).send(new CreateUserCommand({ UserName: "kept" }));
    const overview = await (await fetch(`${endpoint}/_nubis/console/api/overview`)).json();
    assert.equal(overview.access, "readOnly");
    assert.equal((await fetch(`${endpoint}/_nubis/requests`)).status, 200);
    for (const path of ["/_nubis/reset", "/_nubis/state"]) {
      const res = await fetch(endpoint + path, { method: "POST", body: "{}" });
      assert.equal(res.status, 403);
      assert.match((await res.json()).error, /read-only unless nubis is started with --admin-token/);
    }
    assert.ok(await userExists(endpoint, "kept"));
  });

  it("in the browser, the state page says so and its actions are disabled", async () => {
    const { endpoint } = readOnly();
    const page = await newPage();
    try {
      await page.goto(`${endpoint}/_nubis/console#/state`);
      await page.getByText("Read-only: under --auth iam").waitFor();
      assert.ok(await page.locator("#reset").isDisabled());
      assert.ok(await page.locator("#upload").isDisabled());
      assert.ok(await page.locator("#download").isVisible());
    } finally {
      await page.close();
    }
  });
});
