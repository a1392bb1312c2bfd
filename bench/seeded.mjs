/**
 * nubis as the CLI runs it (startServer from the bundle, the same config), with one addition
 * for the scale phase: rows arrive on stdin and are put through the store's own transactions,
 * in the server process, so the memory and SQLite stores can hold a million rows without a
 * million API calls or a snapshot larger than a JavaScript string.
 *
 *   node --expose-gc bench/seeded.mjs '{"port":N,"host":"127.0.0.1","quotas":{...},"dataDir":...}'
 *
 * stdin: lines `table<TAB>key<TAB>value as JSON`; a line `.` ends a batch: the rows are put
 * (10,000 per transaction), the heap is collected (so RSS shows what the rows hold, not the
 * seeding's garbage), and `seeded <total> #<batch>` is written on stdout (a `.` alone only
 * collects the heap: the PostgreSQL rows come from the bench).
 */
import { createInterface } from "node:readline";
import { startServer } from "../dist/index.js";

const config = JSON.parse(process.argv[2] ?? "{}");
const server = await startServer({ log: false, ...config });
console.log(`ready ${server.port}`);

let total = 0;
let batches = 0;
let pending = [];
const flush = async () => {
  const rows = pending;
  pending = [];
  await server.store.transaction(async (tx) => {
    for (const [table, key, value] of rows) await tx.put(table, key, JSON.parse(value));
  });
  total += rows.length;
};

for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line === ".") {
    if (pending.length) await flush();
    globalThis.gc?.();
    console.log(`seeded ${total} #${++batches}`);
    continue;
  }
  const a = line.indexOf("\t");
  const b = line.indexOf("\t", a + 1);
  pending.push([line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)]);
  if (pending.length >= 10_000) await flush();
}
