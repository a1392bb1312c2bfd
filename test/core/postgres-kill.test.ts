/**
 * kill -9 of one of two nubis processes on one PostgreSQL database, during a write load: the
 * other keeps serving, every acknowledged write is there whole, the killed one restarts.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, describe, it } from "node:test";
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, GetGroupCommand, IAMClient, UpdateGroupCommand } from "@aws-sdk/client-iam";
import { clientConfig, postgresCluster, postgresMissing, spawnNubis } from "../harness.js";

describe("kill -9 of one nubis on a shared PostgreSQL", { skip: postgresMissing }, () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill("SIGKILL")));

  it("the other keeps serving, acknowledged writes are whole, the killed one restarts", async () => {
    const url = (await postgresCluster()).url();
    const args = ["--database-url", url, "--quota", "iam.GroupsPerAccount=100000,iam.GroupsPerUser=100000"];
    const a = await spawnNubis(args);
    const b = await spawnNubis(args);
    children.push(a.child, b.child);
    const users = ["m1", "m2"];
    for (const u of users) await new IAMClient(clientConfig(a.endpoint)).send(new CreateUserCommand({ UserName: u }));

    // Each worker: create a group, add both users, rename it; on its own process.
    const acknowledged = new Map<number, { members: number; renamed: boolean; on: "a" | "b" }>();
    let next = 0;
    let killed = false;
    let stop = false;
    const worker = async (on: "a" | "b", endpoint: string) => {
      const client = new IAMClient(clientConfig(endpoint));
      while (!stop) {
        const i = next++;
        try {
          await client.send(new CreateGroupCommand({ GroupName: `g${i}` }));
          acknowledged.set(i, { members: 0, renamed: false, on });
          for (const u of users) {
            await client.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: u }));
            acknowledged.get(i)!.members++;
          }
          await client.send(new UpdateGroupCommand({ GroupName: `g${i}`, NewGroupName: `r${i}` }));
          acknowledged.get(i)!.renamed = true;
        } catch (error) {
          if (on === "a" && killed) return; // its server is gone
          throw error; // b must never fail, nor a before the kill
        }
      }
    };
    let failed: unknown;
    const load = [...Array.from({ length: 6 }, () => worker("a", a.endpoint)), ...Array.from({ length: 6 }, () => worker("b", b.endpoint))].map(
      (w) => w.catch((error) => ((failed ??= error), (stop = true))),
    );
    const renamedOn = (p: "a" | "b") => [...acknowledged.values()].filter((v) => v.renamed && v.on === p).length;
    const until = async (done: () => boolean) => {
      const started = Date.now();
      while (!done() && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => renamedOn("a") >= 30 || stop);
    a.child.kill("SIGKILL");
    killed = true;
    // b goes on serving after the kill.
    const before = renamedOn("b");
    await until(() => renamedOn("b") >= before + 30 || stop);
    stop = true;
    await Promise.all(load);
    if (failed) throw failed;
    assert.ok(renamedOn("a") >= 30 && renamedOn("b") >= before + 30, "the load ran on both, and on b after the kill");

    // The killed one restarts on the same database; both read every acknowledged write whole.
    const restarted = await spawnNubis(args);
    children.push(restarted.child);
    for (const endpoint of [b.endpoint, restarted.endpoint]) {
      const client = new IAMClient(clientConfig(endpoint));
      for (const [i, ack] of acknowledged) {
        let group;
        if (ack.renamed) group = await client.send(new GetGroupCommand({ GroupName: `r${i}` }));
        else {
          // Only a's in-flight calls may have landed unanswered: either name, never both.
          const old = await client.send(new GetGroupCommand({ GroupName: `g${i}` })).catch(() => undefined);
          const renamed = await client.send(new GetGroupCommand({ GroupName: `r${i}` })).catch(() => undefined);
          assert.ok(!!old !== !!renamed, `group ${i} exists under exactly one name`);
          group = old ?? renamed;
        }
        const members = group!.Users!.length;
        assert.ok(members >= ack.members, `group ${i} lost an acknowledged member`);
        if (ack.renamed) assert.equal(members, users.length, `renamed group ${i} has all its members`);
      }
    }
  });
});
