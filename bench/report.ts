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

export interface Results {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGB: number; os: string; node: string; moto?: string; loadAverageAtStart: number; loadAverageAtEnd?: number };
  settings: { concurrency: number; chunkMs: number; rounds: number; warmupMs: number; client: string };
  targets: Array<{ id: string; label: string; kind: string; skipped?: string; services?: string[] }>;
  startup: Record<string, { runs?: number[]; medianMs?: number; minMs?: number; firstIamCallMs?: number; rssIdleMB?: number; rssAtFirstAnswerMB?: number; rssIdleRunsMB?: number[]; skipped?: string }>;
  throughput: ThroughputRow[];
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
  notes: string[];
  seconds: number;
  goals?: Goal[];
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
  note?: string;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const f = (x: number | undefined, digits = 0) => (x === undefined || Number.isNaN(x) ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a?: number, b?: number) => (a && b ? a / b : undefined);
const x = (r?: number) => (r === undefined ? "–" : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`);

export function goals(r: Results): Goal[] {
  const out: Goal[] = [];
  const shared = r.throughput.filter((t) => t.targets.nubis?.rps && t.targets.moto?.rps);
  if (shared.length) {
    const ratios = shared.map((t) => ({ w: t.workload, r: t.targets.nubis.rps! / t.targets.moto.rps! }));
    const min = ratios.reduce((a, b) => (b.r < a.r ? b : a));
    const cpu = shared.filter((t) => t.targets.nubis.serverCpuUsPerReq && t.targets.moto.serverCpuUsPerReq);
    out.push({
      goal: "≥ 20× moto's throughput on the operations both serve",
      measured: `${x(geomean(ratios.map((q) => q.r)))} geometric mean over ${ratios.length} operations; lowest ${x(min.r)} (${min.w})`,
      met: ratios.every((q) => q.r >= 20),
      note: cpu.length
        ? `by server CPU per request, moto costs ${x(geomean(cpu.map((t) => t.targets.moto.serverCpuUsPerReq! / t.targets.nubis.serverCpuUsPerReq!)))} what nubis does (geometric mean)`
        : undefined,
    });
  } else out.push({ goal: "≥ 20× moto's throughput on the operations both serve", measured: "moto not measured", met: null });
  const mix = r.throughput.find((t) => t.workload === "iam.mix");
  const mixRatio = ratio(mix?.targets.nubis?.rps, mix?.targets.ceiling?.rps);
  const cpuRatio = ratio(mix?.targets.ceiling?.serverCpuUsPerReq, mix?.targets.nubis?.serverCpuUsPerReq);
  out.push({
    goal: "≥ ½ of the bare node:http ceiling on the IAM mix",
    measured: mixRatio ? `${x(mixRatio)} of the ceiling's requests per second` : "not measured",
    met: mixRatio ? mixRatio >= 0.5 : null,
    note: cpuRatio ? `by server CPU per request, nubis costs ${x(1 / cpuRatio)} the ceiling's, i.e. ${x(cpuRatio)} its efficiency` : undefined,
  });
  const st = r.startup.nubis;
  const floor = r.startup.ceiling;
  out.push({
    goal: "start-up < 300 ms (spawn → first API answer)",
    measured: st?.medianMs ? `${f(st.medianMs)} ms median` : "not measured",
    met: st?.medianMs ? st.medianMs < 300 : null,
    note: st?.medianMs && floor?.medianMs ? `a bare node:http server takes ${f(floor.medianMs)} ms on the same machine` : undefined,
  });
  out.push({
    goal: "idle RSS < 80 MB",
    measured: st?.rssIdleMB ? `${f(st.rssIdleMB, 1)} MB` : "not measured",
    met: st?.rssIdleMB ? st.rssIdleMB < 80 : null,
    note: st?.rssIdleMB && floor?.rssIdleMB ? `a bare node:http server: ${f(floor.rssIdleMB, 1)} MB` : undefined,
  });
  const steps = r.scale.nubis?.steps;
  if (steps && steps.length > 1) {
    const a = steps[0];
    const z = steps[steps.length - 1];
    const first = z.firstPage.p50Ms / a.firstPage.p50Ms;
    const middle = z.middlePage.p50Ms / a.middlePage.p50Ms;
    out.push({
      goal: `ListGroups page at ${z.groups / 1000}k groups within 2× of 1k`,
      measured: `first page ${x(first)}, middle page ${x(middle)} (p50)`,
      met: first <= 2 && middle <= 2,
      note: z.groups < 100_000 ? "quick run: largest step is 10k, not 100k" : undefined,
    });
  } else out.push({ goal: "ListGroups page at 100k groups within 2× of 1k", measured: "not measured", met: null });
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

const mark = (m: boolean | null) => (m === null ? "not measured" : m ? "met" : "**missed**");

export function renderMarkdown(r: Results, svgName: string): { full: string; summary: string } {
  const mdName = svgName.replace(/\.svg$/, ".md");
  r.goals = goals(r);
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
  lines.push("## Goals", "", "| goal | measured | |", "|---|---|---|");
  for (const g of r.goals) lines.push(`| ${g.goal} | ${g.measured}${g.note ? ` (${g.note})` : ""} | ${mark(g.met)} |`);
  lines.push("", `![requests per second](${svgName})`, "");
  lines.push("## Throughput and latency", "");
  lines.push(
    `| workload | nubis req/s | rounds min–max | p50 ms | p99 ms | errors | moto req/s | nubis/moto | ceiling req/s | nubis/ceiling |${sqlite ? " SQLite req/s | SQLite/memory |" : ""}${pg ? " PostgreSQL req/s | PostgreSQL/SQLite |" : ""}`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|${sqlite ? "--:|--:|" : ""}${pg ? "--:|--:|" : ""}`,
  );
  for (const t of r.throughput) {
    if (t.skipped) {
      lines.push(`| ${t.workload} | skipped: ${t.skipped} ||||||||||${sqlite ? "||" : ""}${pg ? "||" : ""}`);
      continue;
    }
    const n = t.targets.nubis ?? {};
    const mo = t.targets.moto;
    const c = t.targets.ceiling;
    const s = t.targets["nubis-sqlite"];
    const p = t.targets["nubis-postgres"];
    lines.push(
      `| ${t.workload} | ${f(n.rps)} | ${n.roundsRps?.length ? `${f(Math.min(...n.roundsRps))}–${f(Math.max(...n.roundsRps))}` : "–"} | ${f(n.p50Ms, 2)} | ${f(n.p99Ms, 2)} | ${n.error ?? f(n.errors)} | ${mo ? f(mo.rps) : "n/a¹"} | ${x(ratio(n.rps, mo?.rps))} | ${f(c?.rps)} | ${x(ratio(n.rps, c?.rps))} |` +
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
  lines.push("", "## Start-up and memory", "", "| target | start-up median (spawn → first API answer) | min | first IAM call after start | RSS at first answer (STS) | idle RSS (after STS and IAM calls), median |", "|---|--:|--:|--:|--:|--:|");
  for (const [id, s] of Object.entries(r.startup)) {
    if (s.skipped) lines.push(`| ${id} | skipped: ${s.skipped} |||||`);
    else lines.push(`| ${id} | ${f(s.medianMs)} ms | ${f(s.minMs)} ms | ${s.firstIamCallMs === undefined ? "–" : `${f(s.firstIamCallMs)} ms`} | ${f(s.rssAtFirstAnswerMB, 1)} MB | ${f(s.rssIdleMB, 1)} MB |`);
  }
  if (r.startup.ceiling?.medianMs) lines.push("", "The ceiling row is a bare node:http server in plain JavaScript: what Node itself needs to start and idle, the floor for nubis.");
  const startupRatio = ratio(r.startup.moto?.medianMs, r.startup.nubis?.medianMs);
  if (startupRatio) lines.push("", `nubis starts ${x(startupRatio)} faster than moto_server and idles in ${x(ratio(r.startup.nubis?.rssIdleMB, r.startup.moto?.rssIdleMB))} of its memory.`);
  lines.push("", "## Scale: ListGroups pages and memory with many groups", "");
  for (const [id, s] of Object.entries(r.scale)) {
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
  const rowNotes = r.throughput.flatMap((t) => t.notes.map((n) => `${t.workload}: ${n}`));
  if (r.notes.length || rowNotes.length) {
    lines.push("## Notes", "");
    for (const n of [...r.notes, ...rowNotes]) lines.push(`- ${n}`);
    lines.push("");
  }
  lines.push("## For the README", "", "The performance section of README.md, from this run:", "", "```markdown", renderReadme(r, mdName), "```", "");
  lines.push(`Run took ${r.seconds} s. Reproduce with \`npm run bench${r.quick ? " -- --quick" : ""}\`.`, "");

  const summary: string[] = ["Goals:"];
  for (const g of r.goals) summary.push(`  [${g.met === null ? " ? " : g.met ? " ok" : "MISS"}] ${g.goal}: ${g.measured}${g.note ? ` (${g.note})` : ""}`);
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
      (Math.max(m.loadAverageAtStart, m.loadAverageAtEnd ?? 0) > 1.5
        ? ` The machine was also running other work (load average about ${Math.round(Math.max(m.loadAverageAtStart, m.loadAverageAtEnd ?? 0))}): absolute rates are lower than on an idle machine.`
        : ""),
    "",
    "| workload | nubis req/s | p99 | nubis ÷ moto_server | nubis ÷ bare node:http |",
    "|---|--:|--:|--:|--:|",
  );
  for (const t of r.throughput.filter((q) => !q.skipped && q.targets.nubis?.rps)) {
    const n = t.targets.nubis;
    out.push(`| ${t.workload}${t.mix ? " (" + t.ops.join(", ") + ")" : ""} | ${f(n.rps)} | ${f(n.p99Ms, 1)} ms | ${t.targets.moto?.rps ? x(ratio(n.rps, t.targets.moto.rps)) : motoGap(t)} | ${x(ratio(n.rps, t.targets.ceiling?.rps))} |`);
  }
  const s = r.startup;
  const sc = r.scale.nubis;
  const steps = sc?.steps ?? [];
  out.push("", "| | nubis | moto_server | bare node:http |", "|---|--:|--:|--:|");
  out.push(`| start-up, spawn → first API answer (median) | ${f(s.nubis?.medianMs)} ms | ${f(s.moto?.medianMs)} ms | ${f(s.ceiling?.medianMs)} ms |`);
  out.push(`| resident memory, idle | ${f(s.nubis?.rssIdleMB)} MB | ${f(s.moto?.rssIdleMB)} MB | ${f(s.ceiling?.rssIdleMB)} MB |`);
  if (sc?.rssAfterMB) out.push(`| resident memory with ${f(sc.groups)} groups and ${f(sc.users)} users | ${f(sc.rssAfterMB)} MB | | |`);
  if (steps.length > 1) {
    const a = steps[0];
    const z = steps[steps.length - 1];
    out.push(
      "",
      `${z.middlePage.p50Ms <= 2 * a.middlePage.p50Ms ? "ListGroups pages cost the same at any size" : "ListGroups pages get slower as the account grows"}: ` +
        `a middle page of 100 takes ${f(a.middlePage.p50Ms, 2)} ms (p50) with ${f(a.groups)} groups and ${f(z.middlePage.p50Ms, 2)} ms with ${f(z.groups)}.`,
    );
  }
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
  return out.join("\n");
}
