/** A resource table pages forward and back in the browser, and its filter reads across pages. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CreateGroupCommand, IAMClient } from "@aws-sdk/client-iam";
import { clientConfig, useServer } from "../harness.js";
import { useBrowser } from "./browser.js";

const server = useServer();
const newPage = useBrowser();

describe("console paging", () => {
  before(async () => {
    const iam = new IAMClient(clientConfig(server().endpoint));
    for (let i = 0; i < 53; i++) await iam.send(new CreateGroupCommand({ GroupName: `team-${String(i).padStart(2, "0")}` }));
  });

  it("Next and Previous walk IAM's pages (50 a page, IAM's order); the filter finds rows past the first page", async () => {
    const page = await newPage();
    try {
      await page.goto(`${server().endpoint}/_nubis/console#/resources/iam/groups`);
      await page.locator('tr[data-id="team-00"]').waitFor();
      assert.equal(await page.locator("table.resources tbody tr").count(), 50);
      assert.ok(await page.locator("#prev").isDisabled());
      await page.click("#next");
      await page.locator('tr[data-id="team-50"]').waitFor();
      assert.deepEqual(await page.locator("table.resources tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id"))), ["team-50", "team-51", "team-52"]);
      assert.ok(await page.locator("#next").isDisabled());
      await page.click("#prev");
      await page.locator('tr[data-id="team-00"]').waitFor();
      await page.fill("#filter", "team-52");
      await page.locator('tr[data-id="team-00"]').waitFor({ state: "detached" });
      assert.deepEqual(await page.locator("table.resources tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id"))), ["team-52"]);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
});
