/**
 * Two nubis processes on one PostgreSQL database serve one state: compare-and-set, quotas and
 * renames hold across them as they do inside one process.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { GetKeyGroupCommand, UpdateKeyGroupCommand } from "@aws-sdk/client-cloudfront";
import { CreateGroupCommand, GetGroupCommand, IAMClient, ListGroupsCommand, UpdateGroupCommand } from "@aws-sdk/client-iam";
import { cloudFront, createGroup, createKey } from "../cloudfront/fixtures.js";
import { clientConfig, failure, postgresCluster, postgresMissing, spawnNubis } from "../harness.js";

describe("two nubis processes on one PostgreSQL database", { skip: postgresMissing }, () => {
  const children: ChildProcess[] = [];
  let endpoints: string[] = [];
  before(async () => {
    const url = (await postgresCluster()).url();
    // The first creates the schema; the second finds it made.
    const started = await Promise.all([0, 1].map(() => spawnNubis(["--database-url", url, "--quota", "iam.GroupsPerAccount=10"])));
    children.push(...started.map((s) => s.child));
    endpoints = started.map((s) => s.endpoint);
  });
  after(() => children.forEach((c) => c.kill("SIGKILL")));

  const iam = (i: number) => new IAMClient(clientConfig(endpoints[i % 2]));

  it("50 concurrent UpdateKeyGroup with the same If-Match across both: exactly one 200 and 49 × 412", async () => {
    const cf = [cloudFront(endpoints[0]), cloudFront(endpoints[1])];
    const key = await createKey(cf[0]);
    const group = await createGroup(cf[0], [key.id], "cas");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cf[i % 2]
          .send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: group.etag, KeyGroupConfig: { Name: "cas", Items: [key.id], Comment: `by ${i}` } }))
          .then((out) => ({ status: 200, etag: out.ETag, i }))
          .catch((e) => ({ status: e.$metadata?.httpStatusCode as number, code: e.name as string, i })),
      ),
    );
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results.filter((r) => r.status !== 412)));
    assert.equal(results.filter((r) => r.status === 412 && "code" in r && r.code === "PreconditionFailed").length, 49);
    // Both processes read the winner's content under the winner's ETag.
    for (const c of cf) {
      const got = await c.send(new GetKeyGroupCommand({ Id: group.id }));
      assert.equal(got.ETag, (won[0] as { etag: string }).etag);
      assert.equal(got.KeyGroup!.KeyGroupConfig!.Comment, `by ${won[0].i}`);
    }
  });

  it("20 concurrent CreateGroup across both with iam.GroupsPerAccount=10 create exactly 10", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        iam(i)
          .send(new CreateGroupCommand({ GroupName: `quota-${i}` }))
          .then(() => "created")
          .catch((e) => `${e.name} ${e.$metadata?.httpStatusCode}`),
      ),
    );
    assert.equal(results.filter((r) => r === "created").length, 10, results.join(", "));
    assert.equal(results.filter((r) => r === "LimitExceededException 409").length, 10, results.join(", "));
    for (const i of [0, 1]) assert.equal((await iam(i).send(new ListGroupsCommand({}))).Groups!.length, 10);
  });

  it("a rename on one is read at once on the other", async () => {
    // The quota test left 10 groups: make room by renaming one of them.
    const [a, b] = [iam(0), iam(1)];
    const name = (await a.send(new ListGroupsCommand({}))).Groups![0].GroupName!;
    const before = (await b.send(new GetGroupCommand({ GroupName: name }))).Group!;
    await a.send(new UpdateGroupCommand({ GroupName: name, NewGroupName: "renamed-on-a" }));
    const got = (await b.send(new GetGroupCommand({ GroupName: "renamed-on-a" }))).Group!;
    assert.equal(got.GroupId, before.GroupId);
    const old = await failure(b.send(new GetGroupCommand({ GroupName: name })));
    assert.equal(old.name, "NoSuchEntityException");
    assert.equal(old.$metadata.httpStatusCode, 404);
    // And back, the other way.
    await b.send(new UpdateGroupCommand({ GroupName: "renamed-on-a", NewGroupName: name }));
    assert.equal((await a.send(new GetGroupCommand({ GroupName: name }))).Group!.GroupId, before.GroupId);
  });
});
