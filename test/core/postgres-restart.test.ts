/**
 * The database restarts during a write load: nubis answers each protocol's documented 5xx
 * (the service's internal error code, HTTP 503) quickly while it is down, never a 500, loses no
 * acknowledged write, and serves again by itself when the database is back.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import { CreateGroupCommand, GetGroupCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { startServer } from "../../src/index.js";
import { cloudFront } from "../cloudfront/fixtures.js";
import { clientConfig, postgresCluster, postgresMissing } from "../harness.js";

describe("PostgreSQL restart while nubis serves", { skip: postgresMissing }, () => {
  it("answers 503 in each protocol while the database is down, loses no acknowledged write, recovers by itself", async () => {
    const cluster = await postgresCluster();
    const server = await startServer({ port: 0, databaseUrl: cluster.url(), quotas: { "iam.GroupsPerAccount": 100000 } });
    const iam = new IAMClient(clientConfig(server.endpoint));
    const kms = new KMSClient(clientConfig(server.endpoint));
    const cf = cloudFront(server.endpoint);
    const groups: string[] = [];
    const keys: string[] = [];
    const refusals = new Map<string, number>();
    const unexpected: string[] = [];
    let phase: "before" | "down" | "after" = "before";
    const okAfter = { n: 0 };
    let next = 0;
    let stop = false;
    // Each call either succeeds or is refused with the service's internal error code as a 503.
    const call = async <T>(expectedCode: string, send: () => Promise<T>): Promise<T | undefined> => {
      try {
        const out = await send();
        if (phase === "after") okAfter.n++;
        return out;
      } catch (error) {
        const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
        const what = `${e.name} ${e.$metadata?.httpStatusCode}`;
        if (e.name === expectedCode && e.$metadata?.httpStatusCode === 503) refusals.set(what, (refusals.get(what) ?? 0) + 1);
        else unexpected.push(`${what} (${phase})`);
        return undefined;
      }
    };
    const worker = async (i: number) => {
      while (!stop) {
        const n = next++;
        if (i % 3 === 0) {
          if (await call("ServiceFailureException", () => iam.send(new CreateGroupCommand({ GroupName: `g${n}` })))) groups.push(`g${n}`);
        } else if (i % 3 === 1) {
          const out = await call("KMSInternalException", () => kms.send(new CreateKeyCommand({ Description: `k${n}` })));
          if (out) keys.push(out.KeyMetadata!.KeyId!);
        } else await call("InternalError", () => cf.send(new ListPublicKeysCommand({})));
        if (phase === "down") await new Promise((r) => setTimeout(r, 5));
      }
    };
    const until = async (done: () => boolean) => {
      const started = Date.now();
      while (!done() && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    };
    const load = Array.from({ length: 6 }, (_, i) => worker(i));
    await until(() => groups.length >= 20 && keys.length >= 20);
    phase = "down";
    await cluster.stop();
    await until(() => [...refusals.values()].reduce((a, b) => a + b, 0) >= 30);
    await cluster.start();
    phase = "after";
    await until(() => okAfter.n >= 60);
    stop = true;
    await Promise.all(load);

    assert.deepEqual(unexpected, [], "every failure is the documented 503");
    for (const code of ["ServiceFailureException 503", "KMSInternalException 503", "InternalError 503"]) {
      assert.ok(refusals.get(code), `${code} answered while the database was down (${JSON.stringify([...refusals])})`);
    }
    assert.ok(okAfter.n >= 60, "nubis serves again without a restart");
    // Every acknowledged write is there.
    for (const name of groups) await iam.send(new GetGroupCommand({ GroupName: name }));
    for (const id of keys) await kms.send(new DescribeKeyCommand({ KeyId: id }));
    await server.close();
  });
});
