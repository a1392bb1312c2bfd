/** The benchmark's results, the goals they are read against, and the markdown and SVG reports. */

export interface TargetResult {
  rps?: number;
  requests?: number;
  errors?: number;
  errorSamples?: string[];
  p50Ms?: number;
  p99Ms?: number;
  /** Server process CPU per request (user + system), microseconds. */
  serverCpuUsPerReq?: number;
  /** Load generator CPU per request, microseconds. */
  clientCpuUsPerReq?: number;
  /** Requests per second in each timed round, in order (the spread shows the machine's noise). */
  roundsRps?: number[];
  /** Share of requests built and signed inside the timed part (not prepared ahead), percent. */
  builtDuringRunPct?: number;
  error?: string;
}

export interface ThroughputRow {
  workload: string;
  ops: string[];
  mix: boolean;
  write: boolean;
  targets: Record<string, TargetResult>;
  skipped?: string;
  motoNote?: string;
  responseBytes?: number[];
  notes: string[];
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface StartupResult {
  runs?: number[];
  medianMs?: number;
  minMs?: number;
  /** Older results: the first IAM call (ListGroups) after the start-up answer; idle RSS was read after it. */
  firstIamCallMs?: number;
  /** RSS 300 ms after the first answer (only STS has answered). */
  rssIdleMB?: number;
  rssAtFirstAnswerMB?: number;
  rssIdleRunsMB?: number[];
  /** The first call to each other service, in sequence on the start-up process after its STS answer (median ms). */
  firstCallsInSequenceMs?: Record<string, number>;
  /** Services whose first call answered other than 2xx (moto: one it does not serve). */
  firstCallStatus?: Record<string, number>;
  /** RSS once every service has answered once. */
  rssAllServicesMB?: number;
  skipped?: string;
}

/** The first call to each service, each on a fresh process (started, listening, nothing loaded). */
export interface FirstCalls {
  target: string;
  runs: number;
  services: Record<string, { call: string; medianMs?: number; runsMs?: number[]; status?: number; skipped?: string }>;
}

/** One store and one resource kind of the scale phase. */
export interface ListScale {
  op: string;
  steps: Array<{ n: number; seedSeconds: number; firstPage: LatencySummary; middlePage: LatencySummary; rssMB: number }>;
  /** RSS before any row (the service loaded). */
  rssBaseMB: number;
  /** RSS growth per 100,000 rows, from the largest step. */
  per100kMB?: number;
  /** SQLite file / PostgreSQL table growth per 100,000 rows. */
  diskPer100kMB?: number;
  stopped?: string;
}

/** RSS before and after resources created through the API. */
export interface ApiMemory {
  n: number;
  /** The growth is measured from this count to n (the second half of the run). */
  marginalFrom?: number;
  rps: number;
  rssBeforeMB: number;
  rssMidMB?: number;
  rssAfterMB: number;
  per100kMB: number;
  /** Fewer than 100,000 were made: the per-100k figure is extrapolated. */
  extrapolated: boolean;
}

export interface SoakResult extends Pick<TargetResult, "requests" | "errors" | "errorSamples" | "p50Ms" | "p99Ms" | "serverCpuUsPerReq"> {
  skipped?: string;
  target?: string;
  workloads?: string[];
  warmupSeconds?: number;
  seconds?: number;
  /** RSS after the warm-up, the baseline. */
  rssStartMB?: number;
  rssMinMB?: number;
  rssMaxMB?: number;
  rssEndMB?: number;
  samples?: Array<{ s: number; rssMB: number; rps: number; p99Ms: number; errors: number }>;
}

export interface Results {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGB: number; os: string; node: string; moto?: string; loadAverageAtStart: number; loadAverageAtEnd?: number };
  settings: { concurrency: number; chunkMs: number; rounds: number; warmupMs: number; client: string };
  /** Phases left out by an option (--skip-startup, --skip-scale, --skip-soak). */
  skippedPhases?: string[];
  targets: Array<{ id: string; label: string; kind: string; skipped?: string; services?: string[] }>;
  startup: Record<string, StartupResult>;
  firstCalls?: FirstCalls;
  throughput: ThroughputRow[];
  /** Older results: ListGroups pages and RSS with groups and users made through the API. */
  scale: Record<
    string,
    {
      skipped?: string;
      steps?: Array<{ groups: number; createGroupRps: number; firstPage: LatencySummary; middlePage: LatencySummary }>;
      rssIdleMB?: number;
      rssWithGroupsMB?: number;
      rssAfterMB?: number;
      groups?: number;
      users?: number;
      createUserRps?: number;
      /** Why loading stopped before the last step, if it did. */
      stopped?: string;
    }
  >;
  /** List pages with many resources, per store (memory, sqlite, postgres) and kind (users, keys). */
  lists?: { quick: boolean; steps: number[]; how: string; stores: Record<string, { kinds: Partial<Record<string, ListScale>>; skipped?: string }> };
  /** RSS per 100,000 resources made through the API: moto for a time budget, nubis for as many. */
  apiMemory?: { budgetSeconds: number; max?: number; targets: Record<string, Partial<Record<string, ApiMemory>>> };
  soak?: SoakResult;
  notes: string[];
  seconds: number;
  goals?: Goal[];
  otherGoals?: Goal[];
}

export interface Goal {
  goal: string;
  measured: string;
  /** null: not measured; "reported": a figure the issue asks to report, without a threshold. */
  met: boolean | null | "reported";
  note?: string;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const f = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a?: number, b?: number) => (a && b ? a / b : undefined);
const x = (r?: number) => (r === undefined ? "–" : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`);

/** The single-operation read workloads issue 20 holds to half the ceiling, beside the IAM mix. */
export const CEILING_WORKLOADS = ["iam.mix", "iam.GetGroup", "cloudfront.GetKeyGroup", "kms.DescribeKey", "quicksight.DescribeKeyRegistration"];
const FIRST_CALL_SERVICES = ["iam", "sts", "kms", "cloudfront", "quicksight"];
const STORE_LABEL: Record<string, string> = { memory: "memory", sqlite: "SQLite", postgres: "PostgreSQL" };
const STORE_TARGET_ID: Record<string, string> = { memory: "nubis", sqlite: "nubis-sqlite", postgres: "nubis-postgres" };
const KIND_LABEL: Record<string, string> = { users: "IAM ListUsers", keys: "KMS ListKeys" };
const KIND_NOUN: Record<string, string> = { users: "users", keys: "keys" };
const lists = (kind: string) => (kind === "users" ? "IAM ListUsers" : kind === "keys" ? "KMS ListKeys" : kind);
const pct = (a: number, b: number) => `${a >= b ? "+" : "−"}${f((Math.abs(a - b) * 100) / b, 1)}%`;
const skippedPhase = (r: Results, phase: string) => (r.skippedPhases?.includes(phase) ? `not measured (--skip-${phase})` : "not measured");

/** The goals of issue 20, each with what this run measured. */
export function goals(r: Results): Goal[] {
  const out: Goal[] = [];
  // 1. Throughput against the ceiling and against moto.
  for (const id of CEILING_WORKLOADS) {
    const t = r.throughput.find((q) => q.workload === id && !q.skipped);
    const q = ratio(t?.targets.nubis?.rps, t?.targets.ceiling?.rps);
    out.push({
      goal: `${id}: ≥ 0.5× the bare node:http ceiling's requests per second`,
      measured: q ? `${x(q)} (${f(t!.targets.nubis.rps)} vs ${f(t!.targets.ceiling.rps)} req/s)` : skippedPhase(r, "throughput"),
      met: q ? q >= 0.5 : null,
    });
  }
  const shared = r.throughput.filter((t) => t.targets.nubis?.rps && t.targets.moto?.rps);
  if (shared.length) {
    const ratios = shared.map((t) => ({ w: t.workload, r: t.targets.nubis.rps! / t.targets.moto.rps! }));
    const min = ratios.reduce((a, b) => (b.r < a.r ? b : a));
    const g = geomean(ratios.map((q) => q.r));
    const cpu = shared.filter((t) => t.targets.nubis.serverCpuUsPerReq && t.targets.moto.serverCpuUsPerReq);
    out.push({
      goal: "≥ 40× moto's throughput, geometric mean over every operation both serve",
      measured: `${x(g)} over ${ratios.length} workloads`,
      met: g >= 40,
      note: cpu.length
        ? `by server CPU per request, moto costs ${x(geomean(cpu.map((t) => t.targets.moto.serverCpuUsPerReq! / t.targets.nubis.serverCpuUsPerReq!)))} what nubis does`
        : undefined,
    });
    out.push({ goal: "lowest single operation ≥ 20× moto", measured: `${x(min.r)} (${min.w})`, met: min.r >= 20 });
  } else {
    out.push({ goal: "≥ 40× moto's throughput, geometric mean over every operation both serve", measured: "not measured (moto did not run)", met: null });
    out.push({ goal: "lowest single operation ≥ 20× moto", measured: "not measured (moto did not run)", met: null });
  }
  // 2. CPU per request.
  const gg = r.throughput.find((t) => t.workload === "iam.GetGroup" && !t.skipped);
  const cpuRatio = ratio(gg?.targets.nubis?.serverCpuUsPerReq, gg?.targets.ceiling?.serverCpuUsPerReq);
  out.push({
    goal: "iam.GetGroup ≤ 2.5× the ceiling's server CPU per request",
    measured: cpuRatio ? `${x(cpuRatio)} (${f(gg!.targets.nubis.serverCpuUsPerReq)} vs ${f(gg!.targets.ceiling.serverCpuUsPerReq)} µs)` : skippedPhase(r, "throughput"),
    met: cpuRatio ? cpuRatio <= 2.5 : null,
    note: "every workload's CPU per request, next to the ceiling's, is in the throughput table",
  });
  // 3. Start-up and memory.
  const st = r.startup.nubis;
  const floor = r.startup.ceiling;
  const noStartup = skippedPhase(r, "startup");
  out.push({
    goal: "start-up < 150 ms median (spawn → first API answer)",
    measured: st?.medianMs ? `${f(st.medianMs)} ms median of ${st.runs?.length ?? "?"}` : noStartup,
    met: st?.medianMs ? st.medianMs < 150 : null,
    note: st?.medianMs && floor?.medianMs ? `a bare node:http server: ${f(floor.medianMs)} ms` : undefined,
  });
  out.push({
    goal: "idle RSS < 60 MB (every service's operations registered)",
    measured: st?.rssIdleMB ? `${f(st.rssIdleMB, 1)} MB${st.firstIamCallMs !== undefined ? " (older run: read after an IAM call too)" : ""}` : noStartup,
    met: st?.rssIdleMB ? st.rssIdleMB < 60 : null,
    note:
      [st?.rssAllServicesMB ? `after every service has answered once: ${f(st.rssAllServicesMB, 1)} MB` : "", floor?.rssIdleMB ? `a bare node:http server: ${f(floor.rssIdleMB, 1)} MB` : ""]
        .filter(Boolean)
        .join("; ") || undefined,
  });
  const fc = r.firstCalls?.services;
  const fcDone = FIRST_CALL_SERVICES.filter((s) => fc?.[s]?.medianMs !== undefined);
  out.push({
    goal: "first call to each service after start-up < 50 ms",
    measured: fcDone.length ? fcDone.map((s) => `${s} ${f(fc![s].medianMs, 1)} ms`).join(", ") : noStartup,
    met: fcDone.length === FIRST_CALL_SERVICES.length ? fcDone.every((s) => fc![s].medianMs! < 50) : null,
    note: fcDone.length ? `each on a fresh process once it listens, median of ${r.firstCalls!.runs}; in sequence on one process they are in the start-up table` : undefined,
  });
  // 4. Scale.
  const stores = r.lists?.stores ?? {};
  for (const store of ["memory", "sqlite", "postgres"]) {
    for (const kind of ["users", "keys"]) {
      const k = stores[store]?.kinds[kind];
      const a = k?.steps[0];
      const z = k?.steps.at(-1);
      const goal = `${STORE_LABEL[store]}: a page of ${KIND_LABEL[kind]} at 1,000,000 ${KIND_NOUN[kind]} within 2× of the page at 1,000`;
      if (!a || !z || z === a) {
        const why = stores[store]?.skipped ?? k?.stopped;
        const absent = r.lists && !stores[store] ? `not measured (its target ${STORE_TARGET_ID[store]} was not selected)` : "not measured";
        out.push({ goal, measured: why ? `not measured (${why})` : r.lists ? absent : skippedPhase(r, "scale"), met: null });
        continue;
      }
      const first = z.firstPage.p50Ms / a.firstPage.p50Ms;
      const middle = z.middlePage.p50Ms / a.middlePage.p50Ms;
      const full = z.n >= 1_000_000;
      out.push({
        goal,
        measured: `at ${f(z.n)}: first page ${x(first)} (${f(a.firstPage.p50Ms, 2)} → ${f(z.firstPage.p50Ms, 2)} ms), middle page ${x(middle)} (${f(a.middlePage.p50Ms, 2)} → ${f(z.middlePage.p50Ms, 2)} ms), p50`,
        met: full ? first <= 2 && middle <= 2 : null,
        note: full ? undefined : `largest step ${f(z.n)}${r.lists?.quick ? " (--quick)" : k?.stopped ? ` (${k.stopped})` : ""}: the goal's 1,000,000 was not measured`,
      });
    }
  }
  const mem = stores.memory?.kinds;
  const api = r.apiMemory?.targets;
  const perMem = ["users", "keys"].filter((k) => mem?.[k]?.per100kMB !== undefined);
  out.push({
    goal: "RSS per 100,000 resources, compared with moto's",
    measured: perMem.length
      ? perMem.map((k) => `${k} ${f(mem![k]!.per100kMB, 1)} MB (memory store, from ${f(mem![k]!.steps.at(-1)?.n)} seeded)`).join("; ") +
        (api?.moto
          ? `; through the API: ${["users", "keys"]
              .filter((k) => api.moto[k] && api.nubis?.[k])
              .map((k) => `${k} nubis ${f(api.nubis[k]!.per100kMB, 1)} MB vs moto ${f(api.moto[k]!.per100kMB, 1)} MB (${f(api.moto[k]!.n)} made)`)
              .join(", ")}`
          : "; moto not measured")
      : r.lists ? "not measured" : skippedPhase(r, "scale"),
    met: perMem.length ? "reported" : null,
    note: api?.moto && ["users", "keys"].some((k) => api.moto[k]?.extrapolated) ? "moto's and nubis's API figures are extrapolated to 100,000 from the counts made" : undefined,
  });
  // 5. Under load.
  const nubisRows = r.throughput.filter((t) => !t.skipped && t.targets.nubis?.rps);
  const withP99 = nubisRows.filter((t) => t.targets.nubis.p99Ms !== undefined);
  const worst = withP99.reduce<ThroughputRow | undefined>((a, t) => (!a || t.targets.nubis.p99Ms! > a.targets.nubis.p99Ms! ? t : a), undefined);
  out.push({
    goal: `p99 latency at ${r.settings.concurrency} in flight, every workload`,
    measured: worst ? `reported for ${withP99.length} of ${nubisRows.length} workloads; highest ${f(worst.targets.nubis.p99Ms, 1)} ms (${worst.workload})` : skippedPhase(r, "throughput"),
    met: worst ? "reported" : null,
  });
  const errorRows = r.throughput.filter((t) => Object.entries(t.targets).some(([id, v]) => id !== "moto" && id !== "ceiling" && (v.errors || v.error)));
  const soak = r.soak;
  const soakErrors = soak?.errors ?? 0;
  out.push({
    goal: "no error under load (nubis, every store, every workload, and the soak)",
    measured: !nubisRows.length && !soak?.requests
      ? skippedPhase(r, "throughput")
      : errorRows.length || soakErrors
        ? [...errorRows.map((t) => t.workload), ...(soakErrors ? [`soak: ${soakErrors} errors`] : [])].join(", ")
        : `0 errors in ${f(r.throughput.reduce((a, t) => a + Object.entries(t.targets).reduce((b, [id, v]) => b + (id !== "moto" && id !== "ceiling" ? (v.requests ?? 0) : 0), 0), 0) + (soak?.requests ?? 0))} requests`,
    met: nubisRows.length || soak?.requests ? !errorRows.length && !soakErrors : null,
  });
  if (soak?.rssStartMB && soak.rssMaxMB !== undefined && soak.rssMinMB !== undefined) {
    const up = soak.rssMaxMB / soak.rssStartMB;
    const down = soak.rssMinMB / soak.rssStartMB;
    const full = (soak.seconds ?? 0) >= 299;
    out.push({
      goal: "RSS flat (within 10%) over a 5-minute mixed load after warm-up",
      measured: `${f(soak.rssStartMB, 1)} MB after a ${f(soak.warmupSeconds)} s warm-up; ${f(soak.rssMinMB, 1)}–${f(soak.rssMaxMB, 1)} MB over ${f(soak.seconds)} s (${pct(soak.rssMaxMB, soak.rssStartMB)} at most), ${f(soak.rssEndMB, 1)} MB at the end`,
      met: full ? up <= 1.1 && down >= 0.9 : null,
      note: full ? undefined : `${f(soak.seconds)} s${r.quick ? " (--quick)" : ""}, not 5 minutes: not the goal's measure`,
    });
  } else out.push({ goal: "RSS flat (within 10%) over a 5-minute mixed load after warm-up", measured: soak?.skipped ? `not measured (${soak.skipped})` : skippedPhase(r, "soak"), met: null });
  return out;
}

/** Goals of earlier issues that the run still measures: the stores and the request log. */
export function otherGoals(r: Results): Goal[] {
  const out: Goal[] = [];
  const writes = r.throughput.filter((t) => t.write && t.targets.nubis?.rps && t.targets["nubis-sqlite"]?.rps);
  if (writes.length) {
    const g = geomean(writes.map((t) => t.targets["nubis-sqlite"].rps! / t.targets.nubis.rps!));
    out.push({ goal: "SQLite ≥ ½ of the memory store on the write mix", measured: `${x(g)} (geometric mean over ${writes.length} write operations)`, met: g >= 0.5 });
  } else out.push({ goal: "SQLite ≥ ½ of the memory store on the write mix", measured: "not measured (no SQLite target ran: see the notes)", met: null });
  const logged = r.throughput.filter((t) => t.targets.nubis?.rps && t.targets["nubis-nolog"]?.rps);
  if (logged.length) {
    const g = geomean(logged.map((t) => t.targets.nubis.rps! / t.targets["nubis-nolog"].rps!));
    out.push({ goal: "request log on (default) ≥ 0.95× off", measured: `${x(g)} (${logged.map((t) => t.workload).join(", ")})`, met: g >= 0.95 });
  }
  const pgWrites = r.throughput.filter((t) => t.write && t.targets["nubis-sqlite"]?.rps && t.targets["nubis-postgres"]?.rps);
  if (pgWrites.length) {
    const g = geomean(pgWrites.map((t) => t.targets["nubis-postgres"].rps! / t.targets["nubis-sqlite"].rps!));
    out.push({ goal: "PostgreSQL ≥ ½ of SQLite on the write mix", measured: `${x(g)} (geometric mean over ${pgWrites.length} write operations)`, met: g >= 0.5 });
  } else out.push({ goal: "PostgreSQL ≥ ½ of SQLite on the write mix", measured: "not measured (no PostgreSQL target ran: see the notes)", met: null });
  return out;
}

/** Why a row has no moto figure. */
const motoGap = (t: ThroughputRow) => (t.motoNote && !t.motoNote.startsWith("moto 5") ? "not compared" : "not served by moto");

const mark = (m: Goal["met"]) => (m === null ? "not measured" : m === "reported" ? "reported" : m ? "met" : "**missed**");

export function renderMarkdown(r: Results, svgName: string): { full: string; summary: string } {
  const mdName = svgName.replace(/\.svg$/, ".md");
  r.goals = goals(r);
  r.otherGoals = otherGoals(r);
  const has = (id: string) => r.throughput.some((t) => t.targets[id]?.rps);
  const sqlite = has("nubis-sqlite");
  const pg = has("nubis-postgres");
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# nubis benchmark, ${r.date.slice(0, 16).replace("T", " ")} UTC${r.quick ? " (--quick)" : ""}`, "");
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}; Node ${m.node}${m.moto ? `; moto ${m.moto}` : ""}. ` +
      `Load: ${r.settings.concurrency} requests in flight over keep-alive connections, SigV4-signed like an SDK's; ` +
      `${r.settings.rounds} interleaved rounds of ${r.settings.chunkMs} ms per target per workload after a ${r.settings.warmupMs} ms warm-up. ` +
      `Client, servers and moto share the same ${m.cores} cores.`,
    "",
  );
  lines.push("## Goals (issue 20)", "", "| goal | measured | |", "|---|---|---|");
  for (const g of r.goals) lines.push(`| ${g.goal} | ${g.measured}${g.note ? ` (${g.note})` : ""} | ${mark(g.met)} |`);
  lines.push("", "Goals of earlier issues, still measured:", "", "| goal | measured | |", "|---|---|---|");
  for (const g of r.otherGoals) lines.push(`| ${g.goal} | ${g.measured}${g.note ? ` (${g.note})` : ""} | ${mark(g.met)} |`);
  lines.push("", `![requests per second](${svgName})`, "");
  lines.push("## Throughput and latency", "");
  lines.push(
    `| workload | nubis req/s | rounds min–max | p50 ms | p99 ms | errors | moto req/s | nubis/moto | ceiling req/s | nubis/ceiling | nubis CPU µs/req | ceiling CPU µs/req | CPU nubis/ceiling |${sqlite ? " SQLite req/s | SQLite/memory |" : ""}${pg ? " PostgreSQL req/s | PostgreSQL/SQLite |" : ""}`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|${sqlite ? "--:|--:|" : ""}${pg ? "--:|--:|" : ""}`,
  );
  for (const t of r.throughput) {
    if (t.skipped) {
      lines.push(`| ${t.workload} | skipped: ${t.skipped} |||||||||||||${sqlite ? "||" : ""}${pg ? "||" : ""}`);
      continue;
    }
    const n = t.targets.nubis ?? {};
    const mo = t.targets.moto;
    const c = t.targets.ceiling;
    const s = t.targets["nubis-sqlite"];
    const p = t.targets["nubis-postgres"];
    lines.push(
      `| ${t.workload} | ${f(n.rps)} | ${n.roundsRps?.length ? `${f(Math.min(...n.roundsRps))}–${f(Math.max(...n.roundsRps))}` : "–"} | ${f(n.p50Ms, 2)} | ${f(n.p99Ms, 2)} | ${n.error ?? f(n.errors)} | ${mo ? f(mo.rps) : "n/a¹"} | ${x(ratio(n.rps, mo?.rps))} | ${f(c?.rps)} | ${x(ratio(n.rps, c?.rps))} | ${f(n.serverCpuUsPerReq)} | ${f(c?.serverCpuUsPerReq)} | ${x(ratio(n.serverCpuUsPerReq, c?.serverCpuUsPerReq))} |` +
        (sqlite ? ` ${f(s?.rps)} | ${x(ratio(s?.rps, n.rps))} |` : "") +
        (pg ? ` ${f(p?.rps)} | ${x(ratio(p?.rps, s?.rps))} |` : ""),
    );
  }
  const motoNotes = r.throughput.filter((t) => !t.skipped && !t.targets.moto && t.motoNote).map((t) => `${t.workload}: ${t.motoNote}`);
  if (motoNotes.length) lines.push("", `¹ not compared with moto: ${motoNotes.join("; ")}.`);
  const motoRows = r.throughput.filter((t) => t.targets.moto?.rps);
  if (motoRows.length) {
    lines.push("", `Operations compared with moto (served by both): ${motoRows.flatMap((t) => t.ops).join(", ")}.`);
    lines.push("", "| workload | moto p50 ms | moto p99 ms | moto errors |", "|---|--:|--:|--:|");
    for (const t of motoRows) lines.push(`| ${t.workload} | ${f(t.targets.moto.p50Ms, 2)} | ${f(t.targets.moto.p99Ms, 2)} | ${f(t.targets.moto.errors)} |`);
  }
  lines.push("", "### CPU per request (µs, user + system)", "", "The load generator's cost next to the servers': it must stay well below nubis's for the figures to measure nubis.", "");
  lines.push("| workload | nubis | load generator (vs nubis) | ceiling | moto |", "|---|--:|--:|--:|--:|");
  for (const t of r.throughput.filter((q) => !q.skipped && q.targets.nubis?.rps)) {
    const n = t.targets.nubis;
    lines.push(`| ${t.workload} | ${f(n.serverCpuUsPerReq)} | ${f(n.clientCpuUsPerReq)} | ${f(t.targets.ceiling?.serverCpuUsPerReq)} | ${f(t.targets.moto?.serverCpuUsPerReq)} |`);
  }
  lines.push("", "## Start-up and memory", "");
  const older = Object.values(r.startup).some((s) => s.firstIamCallMs !== undefined);
  if (older) {
    lines.push("| target | start-up median (spawn → first API answer) | min | first IAM call after start | RSS at first answer (STS) | idle RSS (after STS and IAM calls), median |", "|---|--:|--:|--:|--:|--:|");
    for (const [id, s] of Object.entries(r.startup)) {
      if (s.skipped) lines.push(`| ${id} | skipped: ${s.skipped} |||||`);
      else lines.push(`| ${id} | ${f(s.medianMs)} ms | ${f(s.minMs)} ms | ${s.firstIamCallMs === undefined ? "–" : `${f(s.firstIamCallMs)} ms`} | ${f(s.rssAtFirstAnswerMB, 1)} MB | ${f(s.rssIdleMB, 1)} MB |`);
    }
  } else if (Object.keys(r.startup).length) {
    const seqServices = FIRST_CALL_SERVICES.filter((sv) => Object.values(r.startup).some((s) => s.firstCallsInSequenceMs?.[sv] !== undefined));
    lines.push(
      "Medians over the runs. Idle RSS: 300 ms after the first answer (only STS has answered). Then the first call to each other service, in sequence on the same process, and RSS once all have answered.",
      "",
      `| target | start-up median (spawn → first STS answer) | min | RSS at first answer | idle RSS |${seqServices.map((sv) => ` first ${sv} call |`).join("")} RSS after every service |`,
      `|---|--:|--:|--:|--:|${seqServices.map(() => "--:|").join("")}--:|`,
    );
    for (const [id, s] of Object.entries(r.startup)) {
      if (s.skipped) {
        lines.push(`| ${id} | skipped: ${s.skipped} ||||${seqServices.map(() => "|").join("")}|`);
        continue;
      }
      const seq = seqServices.map((sv) => {
        const v = s.firstCallsInSequenceMs?.[sv];
        const st = s.firstCallStatus?.[sv];
        return ` ${v === undefined ? "–" : `${f(v, 1)} ms${st ? ` (answered ${st})` : ""}`} |`;
      });
      lines.push(`| ${id} | ${f(s.medianMs)} ms | ${f(s.minMs)} ms | ${f(s.rssAtFirstAnswerMB, 1)} MB | ${f(s.rssIdleMB, 1)} MB |${seq.join("")} ${s.rssAllServicesMB === undefined ? "–" : `${f(s.rssAllServicesMB, 1)} MB`} |`);
    }
  } else lines.push(`${skippedPhase(r, "startup")}.`);
  if (r.startup.ceiling?.medianMs) lines.push("", "The ceiling row is a bare node:http server in plain JavaScript: what Node itself needs to start and idle, the floor for nubis.");
  const startupRatio = ratio(r.startup.moto?.medianMs, r.startup.nubis?.medianMs);
  if (startupRatio) lines.push("", `nubis starts ${x(startupRatio)} faster than moto_server and idles in ${x(ratio(r.startup.nubis?.rssIdleMB, r.startup.moto?.rssIdleMB))} of its memory.`);
  if (r.firstCalls) {
    lines.push(
      "",
      `### First call to each service, on a fresh process (${r.firstCalls.target})`,
      "",
      `Each service's call is the first API call of a process started for it, sent once \`/_nubis/health\` answers (health loads no service); median of ${r.firstCalls.runs} processes.`,
      "",
      "| service | call | median | runs |",
      "|---|---|--:|---|",
    );
    for (const [sv, c] of Object.entries(r.firstCalls.services))
      lines.push(`| ${sv} | ${c.call} | ${c.skipped ? `skipped: ${c.skipped}` : `${f(c.medianMs, 1)} ms${c.status ? ` (answered ${c.status})` : ""}`} | ${(c.runsMs ?? []).map((v) => f(v, 1)).join(", ")} |`);
  }
  if (r.lists) {
    const L = r.lists;
    lines.push(
      "",
      `## Scale: list pages with many resources${L.quick ? " (--quick: up to 100,000, not 1,000,000)" : ""}`,
      "",
      "A page of 100, first and half-way through the listing (its marker found by paging 1,000 at a time), p50 / p99 over one-at-a-time requests after 200 unmeasured ones. RSS is the nubis process's, read after seeding each step.",
      "",
      `How the state was made: ${L.how}.`,
      "",
    );
    for (const [store, e] of Object.entries(L.stores)) {
      lines.push(`### ${STORE_LABEL[store] ?? store}`, "");
      if (e.skipped) {
        lines.push(`skipped: ${e.skipped}`, "");
        continue;
      }
      for (const [kind, k] of Object.entries(e.kinds)) {
        if (!k) continue;
        lines.push(`${KIND_LABEL[kind] ?? kind}, ${KIND_NOUN[kind] ?? kind}:`, "", "| resources | seeded in | first page p50 / p99 ms | middle page p50 / p99 ms | RSS |", "|--:|--:|--:|--:|--:|");
        for (const st of k.steps)
          lines.push(`| ${f(st.n)} | ${f(st.seedSeconds, 1)} s | ${f(st.firstPage.p50Ms, 2)} / ${f(st.firstPage.p99Ms, 2)} | ${f(st.middlePage.p50Ms, 2)} / ${f(st.middlePage.p99Ms, 2)} | ${f(st.rssMB, 1)} MB |`);
        lines.push(
          "",
          `RSS before any row ${f(k.rssBaseMB, 1)} MB; per 100,000 ${kind}: ${k.per100kMB === undefined ? "–" : `${f(k.per100kMB, 1)} MB`} of RSS${store === "memory" ? "" : " (the rows live in the database: this is the process's caches and heap)"}${k.diskPer100kMB === undefined ? "" : `, ${f(k.diskPer100kMB, 1)} MB ${store === "sqlite" ? "in the SQLite files (database and write-ahead log)" : "in the PostgreSQL table (with its index)"}`}.${k.stopped ? ` Not complete: ${k.stopped}.` : ""}`,
          "",
        );
      }
    }
  } else if (!Object.keys(r.scale ?? {}).length) lines.push("", "## Scale", "", `${skippedPhase(r, "scale")}.`, "");
  if (r.apiMemory) {
    const A = r.apiMemory;
    lines.push(
      "### Memory per 100,000 resources made through the API",
      "",
      `Each target (moto_server, nubis with the memory store) creates users (CreateUser) and keys (CreateKey), ${r.settings.concurrency} in flight, on a fresh process per kind, for ${A.budgetSeconds} s or ${f(A.max ?? 100_000)} resources. ` +
        "The RSS growth is taken over the second half of the run (from the count made at half-time to the end), so that a process's first-request costs (compiled code, buffers, the request log filling) fall outside, and scaled to 100,000: extrapolated where fewer were made.",
      "",
      "| target | users made (req/s) | RSS before → half → end | RSS per 100,000 users | keys made (req/s) | RSS before → half → end | RSS per 100,000 keys |",
      "|---|--:|--:|--:|--:|--:|--:|",
    );
    const cell = (m?: ApiMemory) =>
      m
        ? `${f(m.n)} (${f(m.rps)}/s) | ${f(m.rssBeforeMB, 1)} → ${f(m.rssMidMB, 1)} → ${f(m.rssAfterMB, 1)} MB | ${f(m.per100kMB, 1)} MB${m.extrapolated ? ` (extrapolated from ${f(m.n - (m.marginalFrom ?? 0))})` : ""}`
        : "– | – | –";
    for (const [id, t] of Object.entries(A.targets)) lines.push(`| ${id} | ${cell(t.users)} | ${cell(t.keys)} |`);
    lines.push("");
  }
  if (Object.keys(r.scale ?? {}).length) lines.push("## Scale (older runs): ListGroups pages and memory with many groups", "");
  for (const [id, s] of Object.entries(r.scale ?? {})) {
    if (s.skipped) {
      lines.push(`${id}: skipped: ${s.skipped}`, "");
      continue;
    }
    lines.push(`### ${id}`, "", "| groups | first page p50 / p99 ms | middle page p50 / p99 ms | CreateGroup req/s while loading |", "|--:|--:|--:|--:|");
    for (const st of s.steps ?? [])
      lines.push(`| ${f(st.groups)} | ${f(st.firstPage.p50Ms, 2)} / ${f(st.firstPage.p99Ms, 2)} | ${f(st.middlePage.p50Ms, 2)} / ${f(st.middlePage.p99Ms, 2)} | ${f(st.createGroupRps)} |`);
    lines.push(
      "",
      `RSS: idle ${f(s.rssIdleMB, 1)} MB; with ${f(s.groups)} groups ${f(s.rssWithGroupsMB, 1)} MB; with ${f(s.groups)} groups and ${f(s.users)} users ${f(s.rssAfterMB, 1)} MB` +
        (s.createUserRps ? ` (CreateUser ${f(s.createUserRps)} req/s while loading).` : "."),
      "",
    );
    if (s.stopped) lines.push(`Not complete: ${s.stopped}.`, "");
  }
  const so = r.soak;
  lines.push("## Soak: RSS under a long mixed load", "");
  if (so?.samples?.length) {
    lines.push(
      `${so.target}, ${r.settings.concurrency} in flight, a mix of ${so.workloads?.length} workloads taken in turn (${so.workloads?.join(", ")}): reads and updates in place, nothing created, so the state keeps its size. ` +
        `${f(so.warmupSeconds)} s of warm-up, then ${f(so.seconds)} s measured${r.quick ? " (--quick)" : ""}: ${f(so.requests)} requests (${f((so.requests ?? 0) / (so.seconds || 1))}/s), ${f(so.errors)} errors, p50 ${f(so.p50Ms, 2)} ms, p99 ${f(so.p99Ms, 2)} ms, ${f(so.serverCpuUsPerReq)} µs of server CPU per request.`,
      "",
      `RSS: ${f(so.rssStartMB, 1)} MB after the warm-up; ${f(so.rssMinMB, 1)}–${f(so.rssMaxMB, 1)} MB during; ${f(so.rssEndMB, 1)} MB at the end.`,
      "",
      "| at s | RSS | req/s | p99 ms | errors |",
      "|--:|--:|--:|--:|--:|",
    );
    const every = Math.max(1, Math.ceil(so.samples.length / 12));
    so.samples.forEach((p, i) => {
      if (i % every === 0 || i === so.samples!.length - 1) lines.push(`| ${f(p.s)} | ${f(p.rssMB, 1)} MB | ${f(p.rps)} | ${f(p.p99Ms, 2)} | ${f(p.errors)} |`);
    });
    if (so.errorSamples?.length) lines.push("", `Errors, e.g.: ${so.errorSamples.join("; ")}`);
    lines.push("");
  } else lines.push(`${so?.skipped ? `skipped: ${so.skipped}` : skippedPhase(r, "soak")}.`, "");
  const rowNotes = r.throughput.flatMap((t) => t.notes.map((n) => `${t.workload}: ${n}`));
  if (r.notes.length || rowNotes.length) {
    lines.push("## Notes", "");
    for (const n of [...r.notes, ...rowNotes]) lines.push(`- ${n}`);
    lines.push("");
  }
  lines.push("## For the README", "", "The performance section of README.md, from this run:", "", "```markdown", renderReadme(r, mdName), "```", "");
  lines.push(`Run took ${r.seconds} s. Reproduce with \`npm run bench${r.quick ? " -- --quick" : ""}\`.`, "");

  const summary: string[] = ["Goals:"];
  for (const g of [...r.goals, ...r.otherGoals]) summary.push(`  [${g.met === null ? " ? " : g.met === "reported" ? "rep" : g.met ? " ok" : "MISS"}] ${g.goal}: ${g.measured}${g.note ? ` (${g.note})` : ""}`);
  summary.push("", "Throughput (req/s)        nubis     moto  nubis/moto   ceiling  nubis/ceiling");
  for (const t of r.throughput) {
    if (t.skipped) {
      summary.push(`  ${t.workload.padEnd(34)} skipped: ${t.skipped}`);
      continue;
    }
    const n = t.targets.nubis ?? {};
    summary.push(
      `  ${t.workload.padEnd(34)} ${f(n.rps).padStart(7)} ${f(t.targets.moto?.rps).padStart(8)} ${x(ratio(n.rps, t.targets.moto?.rps)).padStart(10)} ${f(t.targets.ceiling?.rps).padStart(9)} ${x(ratio(n.rps, t.targets.ceiling?.rps)).padStart(13)}${n.errors ? `  ${n.errors} ERRORS` : ""}`,
    );
  }
  return { full: lines.join("\n"), summary: summary.join("\n") };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Horizontal bars: requests per second per workload, one bar per target. */
export function renderSvg(r: Results): string {
  const rows = r.throughput.filter((t) => !t.skipped && t.targets.nubis?.rps);
  const ids = ["nubis", "nubis-sqlite", "nubis-postgres", "moto", "ceiling"].filter((id) => rows.some((t) => t.targets[id]?.rps));
  const colors: Record<string, string> = { nubis: "#2b6cb0", "nubis-sqlite": "#38a169", "nubis-postgres": "#6b46c1", moto: "#c05621", ceiling: "#a0aec0" };
  const labels: Record<string, string> = { nubis: "nubis (memory)", "nubis-sqlite": "nubis (SQLite)", "nubis-postgres": "nubis (PostgreSQL)", moto: "moto_server", ceiling: "bare node:http ceiling" };
  const max = Math.max(...rows.flatMap((t) => ids.map((id) => t.targets[id]?.rps ?? 0)), 1);
  const bar = 14;
  const left = 230;
  const width = 900;
  const plot = width - left - 90;
  const groupH = ids.length * bar + 14;
  const top = 50;
  const height = top + rows.length * groupH + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">Requests per second, ${r.settings.concurrency} in flight (${esc(r.machine.cpu)}, ${r.machine.cores} cores)</text>`,
  ];
  ids.forEach((id, i) => {
    const lx = left + i * 170;
    out.push(`<rect x="${lx}" y="30" width="12" height="12" fill="${colors[id]}"/><text x="${lx + 16}" y="40">${labels[id]}</text>`);
  });
  rows.forEach((t, k) => {
    const y0 = top + k * groupH;
    out.push(`<text x="${left - 8}" y="${y0 + (ids.length * bar) / 2 + 4}" text-anchor="end">${esc(t.workload)}</text>`);
    ids.forEach((id, i) => {
      const v = t.targets[id]?.rps;
      const y = y0 + i * bar;
      if (!v) {
        out.push(`<text x="${left + 4}" y="${y + bar - 3}" fill="#999" font-size="10">${id === "moto" ? motoGap(t) : "–"}</text>`);
        return;
      }
      const w = Math.max(1, (v / max) * plot);
      out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${colors[id]}"/>`);
      out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + bar - 3}" font-size="10">${Math.round(v).toLocaleString("en-US")}</text>`);
    });
  });
  out.push("</svg>");
  return out.join("\n");
}

/** The README's performance section: the headline ratios, the machine, a link to the report. */
export function renderReadme(r: Results, mdName: string): string {
  const m = r.machine;
  const row = (id: string) => r.throughput.find((t) => t.workload === id && !t.skipped);
  const out: string[] = [];
  out.push(
    "## Performance",
    "",
    `Measured by \`npm run bench\` on ${r.date.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, Node ${m.node}${m.moto ? `, moto ${m.moto}` : ""}. ` +
      `${r.settings.concurrency} requests in flight over keep-alive connections, each signed with SigV4 as the SDK signs it. nubis, moto_server and a bare node:http server ` +
      "that answers a canned response of the same size (the ceiling) run in interleaved rounds on the same machine, so the ratios are the figures to compare. " +
      `Full report: [bench/results/${mdName}](bench/results/${mdName}).` +
      // Only the load before the run says the machine was busy: at the end it is the run's own
      // (the scale phase seeds a million rows into PostgreSQL).
      (m.loadAverageAtStart > 1.5
        ? ` The machine was also running other work (load average about ${Math.round(m.loadAverageAtStart)} when the run began): absolute rates are lower than on an idle machine.`
        : ""),
    "",
    "| workload | nubis req/s | p99 | nubis ÷ moto_server | nubis ÷ bare node:http | server CPU per request, nubis / bare node:http |",
    "|---|--:|--:|--:|--:|--:|",
  );
  for (const t of r.throughput.filter((q) => !q.skipped && q.targets.nubis?.rps)) {
    const n = t.targets.nubis;
    const c = t.targets.ceiling;
    out.push(
      `| ${t.workload}${t.mix ? " (" + t.ops.join(", ") + ")" : ""} | ${f(n.rps)} | ${f(n.p99Ms, 1)} ms | ${t.targets.moto?.rps ? x(ratio(n.rps, t.targets.moto.rps)) : motoGap(t)} | ${x(ratio(n.rps, c?.rps))} | ${f(n.serverCpuUsPerReq)} / ${f(c?.serverCpuUsPerReq)} µs |`,
    );
  }
  const s = r.startup;
  const fc = r.firstCalls?.services;
  out.push("", "| | nubis | moto_server | bare node:http |", "|---|--:|--:|--:|");
  out.push(`| start-up, spawn → first API answer (median) | ${f(s.nubis?.medianMs)} ms | ${f(s.moto?.medianMs)} ms | ${f(s.ceiling?.medianMs)} ms |`);
  out.push(`| resident memory, idle | ${f(s.nubis?.rssIdleMB)} MB | ${f(s.moto?.rssIdleMB)} MB | ${f(s.ceiling?.rssIdleMB)} MB |`);
  if (s.nubis?.rssAllServicesMB) out.push(`| resident memory once every service has answered | ${f(s.nubis.rssAllServicesMB)} MB | ${f(s.moto?.rssAllServicesMB)} MB | |`);
  if (fc)
    out.push(
      `| first call to each service on a fresh process (median) | ${FIRST_CALL_SERVICES.filter((sv) => fc[sv]?.medianMs !== undefined)
        .map((sv) => `${sv} ${f(fc[sv].medianMs)} ms`)
        .join(", ")} | | |`,
    );
  const mem = r.lists?.stores.memory?.kinds;
  const api = r.apiMemory?.targets;
  for (const kind of ["users", "keys"]) {
    const k = mem?.[kind];
    if (k?.per100kMB !== undefined) out.push(`| resident memory per 100,000 ${kind === "users" ? "IAM users" : "KMS keys"} | ${f(k.per100kMB)} MB | ${api?.moto?.[kind] ? `${f(api.moto[kind]!.per100kMB)} MB${api.moto[kind]!.extrapolated ? "¹" : ""}` : ""} | |`);
  }
  if (api?.moto) out.push("", `¹ moto's per-100,000 figures are extrapolated from the ${["users", "keys"].map((k) => `${f(api.moto[k]?.n)} ${k}`).join(" and ")} it created in ${r.apiMemory!.budgetSeconds} s each.`);
  if (r.lists) {
    const rows: string[] = [];
    for (const [store, e] of Object.entries(r.lists.stores)) {
      for (const [kind, k] of Object.entries(e.kinds)) {
        const a = k?.steps[0];
        const z = k?.steps.at(-1);
        if (a && z && z !== a) rows.push(`| ${STORE_LABEL[store] ?? store} | ${lists(kind)} | ${f(a.middlePage.p50Ms, 2)} ms | ${f(z.middlePage.p50Ms, 2)} ms at ${f(z.n)} |`);
      }
    }
    if (rows.length) out.push("", "A page of 100 half-way through a list, p50, as the account grows (state seeded through the store, see the report):", "", "| store | list | at 1,000 | at the largest step |", "|---|---|--:|--:|", ...rows);
  }
  const so = r.soak;
  if (so?.samples?.length)
    out.push(
      "",
      `Under ${f(so.seconds)} s of mixed load after a ${f(so.warmupSeconds)} s warm-up, resident memory stayed between ${f(so.rssMinMB)} and ${f(so.rssMaxMB)} MB (${f(so.rssStartMB)} MB at the start), with ${f(so.errors)} errors and a p99 of ${f(so.p99Ms, 1)} ms.`,
    );
  const sqlite = r.throughput.filter((t) => t.write && t.targets.nubis?.rps && t.targets["nubis-sqlite"]?.rps);
  if (sqlite.length)
    out.push(
      "",
      `With \`--data-dir\` (SQLite) writes run at ${x(geomean(sqlite.map((t) => t.targets["nubis-sqlite"].rps! / t.targets.nubis.rps!)))} the speed of the memory store (geometric mean over ${sqlite.length} write operations).`,
    );
  const pgRows = r.throughput.filter((t) => t.write && t.targets["nubis-sqlite"]?.rps && t.targets["nubis-postgres"]?.rps);
  if (pgRows.length)
    out.push(
      "",
      `With \`--database-url\` (PostgreSQL, one process, a private local cluster) writes run at ${x(geomean(pgRows.map((t) => t.targets["nubis-postgres"].rps! / t.targets["nubis-sqlite"].rps!)))} the speed of SQLite (geometric mean over ${pgRows.length} write operations).`,
    );
  out.push("", "The performance goals (issue 20), from the same run:", "", "| goal | measured | |", "|---|---|---|");
  for (const g of r.goals ?? goals(r)) out.push(`| ${g.goal} | ${g.measured} | ${mark(g.met)} |`);
  return out.join("\n");
}
