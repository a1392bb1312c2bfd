/**
 * Scale: a list page (IAM ListUsers, KMS ListKeys; first page and a page half-way through,
 * 100 per page) at 1k, 10k, 100k and 1M resources (--quick: up to 100k), on the memory,
 * SQLite and PostgreSQL stores, with RSS per 100,000 resources; and RSS per 100,000 resources
 * made through the API, moto beside nubis, for as many as moto creates in a time budget.
 *
 * How the state is made (a million API calls would take longer than the whole bench): seed.ts
 * copies a row nubis wrote for CreateUser / CreateKey, renumbered. Memory and SQLite: the rows
 * are put through the store's own transactions inside the nubis process (bench/seeded.mjs);
 * PostgreSQL: the bench inserts them into the store's table in batches of 5,000 rows, as the
 * store's own load() does (the PostgreSQL store caches nothing, so the running nubis sees them).
 */
import { once } from "node:events";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { postgresCluster, postgresMissing } from "../test/harness.js";
import { send } from "./load.js";
import { type Ctx, latencyOf, launch, loadRange, mb, round1, type Running, stopTarget } from "./phase.js";
import { rssBytes, sleep } from "./procs.js";
import type { ApiMemory, ListScale, Results } from "./report.js";
import { creates, type Kind, lists, row, type Template, templates } from "./seed.js";
import { QUOTAS, ROOT, type TargetSpec, tempDirs } from "./targets.js";
import { Build } from "./workloads.js";

const KINDS: Kind[] = ["users", "keys"];
const SEEDED = join(ROOT, "bench/seeded.mjs");
const quotas = Object.fromEntries(QUOTAS.map((q) => q.split("=")).map(([k, v]) => [k, Number(v)]));

type StoreId = "memory" | "sqlite" | "postgres";
/** The throughput target whose selection (--targets) selects the store here. */
const STORE_TARGET: Record<StoreId, string> = { memory: "nubis", sqlite: "nubis-sqlite", postgres: "nubis-postgres" };

interface Seeded {
  spec: TargetSpec;
  /** Adds rows from .. to - 1 of the template. */
  seed(run: Running, t: Template, from: number, to: number): Promise<void>;
  /** Bytes the store keeps outside the process (SQLite file, PostgreSQL table). */
  diskBytes?(): Promise<number>;
  close?(): Promise<void>;
}

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "nubis-bench-scale-"));
  tempDirs.push(dir);
  return dir;
};

const seededSpec = (id: string, config: Record<string, unknown>): TargetSpec => ({
  id,
  label: id,
  kind: "nubis",
  command: (port) => ({ cmd: process.execPath, args: ["--expose-gc", SEEDED, JSON.stringify({ port, host: "127.0.0.1", quotas, ...config })], stdin: true }),
});

/** Batches each seeded.mjs process has acknowledged. */
const batches = new WeakMap<Running, number>();

/** Ends a batch: seeded.mjs puts what it holds, collects the heap, and answers. */
async function endBatch(run: Running) {
  const k = (batches.get(run) ?? 0) + 1;
  batches.set(run, k);
  run.proc.child.stdin!.write(".\n");
  while (!run.proc.output().includes(` #${k}\n`)) {
    if (run.proc.exited()) throw new Error(`the seeded nubis exited: ${run.proc.output().slice(-500)}`);
    await sleep(20);
  }
}

/** Rows through seeded.mjs's stdin, 50,000 per batch; resolves when the process has put them. */
async function viaStdin(run: Running, t: Template, from: number, to: number) {
  const stdin = run.proc.child.stdin!;
  for (let start = from; start < to; start += 50_000) {
    const end = Math.min(to, start + 50_000);
    for (let i = start; i < end; i += 2_000) {
      let text = "";
      for (let j = i; j < Math.min(end, i + 2_000); j++) {
        const [key, value] = row(t, j);
        text += `${t.table}\t${key}\t${value}\n`;
      }
      if (!stdin.write(text)) await once(stdin, "drain");
    }
    await endBatch(run);
  }
}

async function makeStore(ctx: Ctx, store: StoreId, kind: Kind): Promise<Seeded | string> {
  if (store === "memory") return { spec: seededSpec("memory", {}), seed: viaStdin };
  if (store === "sqlite") {
    const dir = tempDir();
    return {
      spec: seededSpec("sqlite", { dataDir: dir }),
      seed: viaStdin,
      diskBytes: async () => readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0),
    };
  }
  if (postgresMissing) return postgresMissing;
  const schema = `bench_scale_${kind}_${process.pid}`;
  const url = (await postgresCluster()).url(schema);
  const plain = new URL(url);
  plain.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: plain.toString() });
  await client.connect();
  const table = `"${schema}".nubis_rows`;
  return {
    spec: seededSpec("postgres", { databaseUrl: url }),
    seed: async (run, t, from, to) => {
      for (let i = from; i < to; i += 5_000) {
        const keys: string[] = [];
        const values: string[] = [];
        for (let j = i; j < Math.min(to, i + 5_000); j++) {
          const [k, v] = row(t, j);
          keys.push(k);
          values.push(v);
        }
        await client.query(`INSERT INTO ${table} (tbl, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])`, [t.table, keys, values]);
      }
      await client.query(`ANALYZE ${table}`);
      await endBatch(run);
    },
    diskBytes: async () => Number((await client.query(`SELECT pg_total_relation_size('${table}') AS n`)).rows[0].n),
    close: async () => {
      await client.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => {});
      await client.end();
    },
  };
}

/** Pages through to the middle of the listing (1000 a page) and returns the marker there. */
async function middleMarker(run: Running, kind: Kind, n: number): Promise<string> {
  const b = new Build(run.ep.host);
  let marker: string | undefined;
  for (let seen = 0; seen < n / 2; seen += 1000) {
    const reply = await send(run.ep, lists[kind].page(b, Math.min(1000, n / 2 - seen), marker));
    marker = reply.status === 200 ? lists[kind].marker(reply.body) : undefined;
    if (!marker) throw new Error(`${lists[kind].op} answered no marker at ${seen} of ${n}: ${reply.status} ${reply.body.toString("utf8").slice(0, 200)}`);
  }
  return marker!;
}

async function measureStore(ctx: Ctx, store: StoreId, kind: Kind, t: Template, steps: number[], budgetMs: number, samples: number): Promise<ListScale | string> {
  const made = await makeStore(ctx, store, kind);
  if (typeof made === "string") return made;
  const started = await launch(ctx, made.spec);
  if (typeof started === "string") {
    await made.close?.();
    return started;
  }
  const { run } = started;
  const b = new Build(run.ep.host);
  const out: ListScale = { op: lists[kind].op, steps: [], rssBaseMB: 0 };
  const deadline = performance.now() + budgetMs;
  try {
    await send(run.ep, lists[kind].page(b, 100)); // loads the service
    await sleep(300);
    const base = rssBytes(run.proc.pid);
    out.rssBaseMB = mb(base);
    const disk0 = (await made.diskBytes?.()) ?? 0;
    let have = 0;
    for (const n of steps) {
      if (performance.now() > deadline) {
        out.stopped = `stopped at ${have.toLocaleString("en-US")} ${kind}: the ${budgetMs / 1000} s budget ran out`;
        break;
      }
      const t0 = performance.now();
      await made.seed(run, t, have, n);
      const seedSeconds = round1((performance.now() - t0) / 1000);
      have = n;
      await sleep(200);
      const rss = rssBytes(run.proc.pid);
      const first = await send(run.ep, lists[kind].page(b, 100));
      const got = first.status === 200 ? lists[kind].count(first.body) : 0;
      if (got !== 100) throw new Error(`${lists[kind].op} answered ${first.status} with ${got} items at ${n}: ${first.body.toString("utf8").slice(0, 200)}`);
      const firstPage = await latencyOf(ctx, run.ep, () => lists[kind].page(b, 100), samples);
      const marker = await middleMarker(run, kind, n);
      const middlePage = await latencyOf(ctx, run.ep, () => lists[kind].page(b, 100, marker), samples);
      out.steps.push({ n, seedSeconds, firstPage, middlePage, rssMB: mb(rss) });
      ctx.log(`  ${store}, ${n.toLocaleString("en-US")} ${kind} (seeded in ${seedSeconds} s): first page p50 ${firstPage.p50Ms} ms, middle page p50 ${middlePage.p50Ms} ms; RSS ${mb(rss)} MB`);
    }
    const last = out.steps.at(-1);
    if (last) {
      out.per100kMB = round1(((last.rssMB - out.rssBaseMB) * 100_000) / last.n);
      if (made.diskBytes) out.diskPer100kMB = round1((mb((await made.diskBytes()) - disk0) * 100_000) / last.n);
    }
    if (out.stopped) ctx.note(`scale, ${store}, ${kind}: ${out.stopped}`);
    return out;
  } finally {
    await stopTarget(run);
    await made.close?.();
  }
}

/**
 * RSS growth per resource created through the API, over the second half of the run (up to
 * `max` resources in `budgetMs`): the first half takes the costs of a process's first requests
 * (compiled code, buffers, the request log filling up), which are not the resources'.
 */
async function apiMemory(ctx: Ctx, spec: TargetSpec, kind: Kind, budgetMs: number, max: number): Promise<ApiMemory | string> {
  const started = await launch(ctx, spec);
  if (typeof started === "string") return started;
  const { run } = started;
  try {
    const b = new Build(run.ep.host);
    const make = (i: number) => creates[kind](b, i);
    await send(run.ep, lists[kind].page(b, 100));
    await sleep(300);
    const before = rssBytes(run.proc.pid);
    const first = await loadRange(ctx, run.ep, make, 0, max / 2, budgetMs / 2);
    await sleep(500);
    const mid = rssBytes(run.proc.pid);
    const second = await loadRange(ctx, run.ep, make, first.loaded, max, budgetMs / 2);
    await sleep(500);
    const after = rssBytes(run.proc.pid);
    const n = second.loaded - first.loaded;
    return {
      n: second.loaded,
      marginalFrom: first.loaded,
      rps: Math.round(second.rps),
      rssBeforeMB: mb(before),
      rssMidMB: mb(mid),
      rssAfterMB: mb(after),
      per100kMB: n > 0 ? round1((mb(after - mid) * 100_000) / n) : Number.NaN,
      extrapolated: n < 100_000,
    };
  } finally {
    await stopTarget(run);
  }
}

export async function scalePhase(ctx: Ctx, specs: TargetSpec[], results: Results, only?: number[]) {
  const steps = only?.length ? only : ctx.quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];
  const budgetMs = ctx.quick ? 90_000 : 400_000;
  const samples = ctx.quick ? 60 : 200;
  ctx.log(`\n== scale: ListUsers and ListKeys pages at ${steps.map((n) => n.toLocaleString("en-US")).join(", ")} (seeded); RSS per 100,000`);
  const nubis = specs.find((s) => s.id === "nubis");
  const templateFrom = nubis ?? seededSpec("memory", {});
  const tplRun = await launch(ctx, templateFrom);
  if (typeof tplRun === "string") {
    ctx.note(`scale: skipped: nubis did not start: ${tplRun}`);
    return;
  }
  let tpl: Record<Kind, Template>;
  try {
    tpl = await templates(tplRun.run.ep);
  } finally {
    await stopTarget(tplRun.run);
  }
  results.lists = {
    quick: ctx.quick,
    steps,
    how:
      "each row is a copy of the row nubis wrote for one CreateUser / CreateKey call, with the name, ids and key material ids renumbered; memory and SQLite: put through the store's own transactions (10,000 rows each) inside the nubis process (bench/seeded.mjs, which starts nubis as the CLI does and reads the rows on stdin), the heap collected before RSS is read; PostgreSQL: inserted by the bench into the store's table in batches of 5,000, as the store's own load() does, while nubis runs (the PostgreSQL store caches nothing)",
    stores: {},
  };
  for (const store of ["memory", "sqlite", "postgres"] as StoreId[]) {
    if (!specs.some((s) => s.id === STORE_TARGET[store])) continue;
    const entry: { kinds: Partial<Record<Kind, ListScale>>; skipped?: string } = { kinds: {} };
    results.lists.stores[store] = entry;
    for (const kind of KINDS) {
      try {
        const r = await measureStore(ctx, store, kind, tpl[kind], steps, budgetMs, samples);
        if (typeof r === "string") {
          entry.skipped = r;
          ctx.note(`scale, ${store}: skipped: ${r}`);
          break;
        }
        entry.kinds[kind] = r;
      } catch (e) {
        const msg = (e as Error).message;
        entry.kinds[kind] = { op: lists[kind].op, steps: [], rssBaseMB: 0, stopped: `failed: ${msg}` };
        ctx.note(`scale, ${store}, ${kind}: failed: ${msg}`);
      }
    }
  }
  // Memory per resource through the API: moto for a time budget, then nubis for as many.
  const moto = specs.find((s) => s.kind === "moto");
  if (!moto || !nubis) return;
  const apiBudgetMs = ctx.quick ? 16_000 : 60_000;
  results.apiMemory = { budgetSeconds: apiBudgetMs / 1000, max: 100_000, targets: {} };
  ctx.log(`  RSS per 100,000 made through the API (each target for ${apiBudgetMs / 1000} s or 100,000, growth over the second half):`);
  for (const kind of KINDS) {
    for (const spec of [moto, nubis]) {
      const m = await apiMemory(ctx, spec, kind, apiBudgetMs, 100_000);
      if (typeof m === "string") {
        ctx.note(`scale, ${spec.label}: skipped: ${m}`);
        continue;
      }
      (results.apiMemory.targets[spec.id] ??= {})[kind] = m;
      ctx.log(`    ${spec.label}, ${kind}: ${m.n} made (${m.rps}/s); RSS ${m.rssBeforeMB} → ${m.rssMidMB} → ${m.rssAfterMB} MB: ${m.per100kMB} MB per 100k${m.extrapolated ? " (extrapolated)" : ""}`);
    }
  }
}
