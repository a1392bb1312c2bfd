/**
 * Distributions, invalidations and functions live in the store like everything else: after a
 * restart on the same data dir (SQLite) they read the same, and a deployment or an invalidation
 * started before the restart completes after it, with no timer and the same ETag.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CreateAnycastIpListCommand,
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateInvalidationCommand,
  DeleteAnycastIpListCommand,
  DescribeFunctionCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  ListDistributionsByAnycastIpListIdCommand,
} from "@aws-sdk/client-cloudfront";
import { startServer } from "../../src/index.js";
import { failure } from "../harness.js";
import { cloudFront, distributionConfig, until } from "./fixtures.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("CloudFront state across a restart (SQLite)", () => {
  it("a distribution, its invalidation and a function survive; InProgress becomes Deployed/Completed after the restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nubis-cf-restart-"));
    dirs.push(dataDir);
    let s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 300 });
    let c = cloudFront(s.endpoint);
    const d = await c.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    const id = d.Distribution!.Id!;
    const inv = await c.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { Paths: { Quantity: 1, Items: ["/*"] }, CallerReference: "r" } }));
    const fn = await c.send(new CreateFunctionCommand({ Name: "kept", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode("function handler(e) { return e.request; }") }));
    await s.close();
    s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 300 });
    c = cloudFront(s.endpoint);
    try {
      const done = await until(() => c.send(new GetDistributionCommand({ Id: id })), (g) => g.Distribution!.Status === "Deployed" && g.Distribution!.InProgressInvalidationBatches === 0);
      assert.equal(done.ETag, d.ETag);
      assert.deepEqual(done.Distribution!.DistributionConfig, d.Distribution!.DistributionConfig);
      assert.equal((await c.send(new GetInvalidationCommand({ DistributionId: id, Id: inv.Invalidation!.Id }))).Invalidation!.Status, "Completed");
      assert.equal((await c.send(new DescribeFunctionCommand({ Name: "kept" }))).ETag, fn.ETag);
    } finally {
      await s.close();
    }
  });
});

describe("anycast IP lists used by distributions", () => {
  it("ListDistributionsByAnycastIpListId lists them and DeleteAnycastIpList is refused (CannotDeleteEntityWhileInUse)", async () => {
    const s = await startServer({ port: 0, cloudfrontDeployDelayMs: 0 });
    const c = cloudFront(s.endpoint);
    try {
      const list = await c.send(new CreateAnycastIpListCommand({ Name: "edge", IpCount: 3 }));
      const listId = list.AnycastIpList!.Id!;
      const d = await c.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ AnycastIpListId: listId }) }));
      assert.equal(d.Distribution!.DistributionConfig!.AnycastIpListId, listId);
      const by = await c.send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: listId }));
      assert.deepEqual(by.DistributionList!.Items!.map((x) => x.Id), [d.Distribution!.Id]);
      const e = await failure(c.send(new DeleteAnycastIpListCommand({ Id: listId, IfMatch: list.ETag })));
      assert.deepEqual([e.name, e.$metadata.httpStatusCode], ["CannotDeleteEntityWhileInUse", 409]);
    } finally {
      await s.close();
    }
  });
});
