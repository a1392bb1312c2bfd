/**
 * Child processes of the benchmark (nubis, moto, the ceiling server): spawn, wait until
 * they answer, read their memory and CPU from /proc, and always stop them, on errors too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const children = new Set<ChildProcess>();

/** Stops every child this process started (by pid; each was started in its own group). */
export function killAll() {
  for (const child of children) stop(child);
}

function stop(child: ChildProcess) {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (e) => {
    killAll();
    console.error(e);
    process.exit(1);
  });
  process.on("unhandledRejection", (e) => {
    killAll();
    console.error(e);
    process.exit(1);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote on stderr and stdout, for error messages. */
  output(): string;
  exited(): boolean;
  kill(): Promise<void>;
}

/** `stdin`: a pipe to the child (the scale phase streams rows to bench/seeded.mjs), else none. */
export function start(cmd: string, args: string[], env: Record<string, string> = {}, stdin = false): Proc {
  hookExit();
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true, // its own process group, so a wrapper (pyenv shim) and its child stop together
  });
  children.add(child);
  let out = "";
  // The start and the latest of the output (seeded.mjs reports progress at the end).
  const keep = (b: Buffer) => {
    out += b.toString("utf8");
    if (out.length > 40_000) out = out.slice(0, 20_000) + out.slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let gone = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      gone = true;
      resolve();
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited: () => gone,
    kill: async () => {
      stop(child);
      await Promise.race([exit, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}

/** Resident memory of a process and of its descendants (moto runs under a shim), in bytes. */
export function rssBytes(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* exited */
    }
  }
  return total;
}

/** CPU time (user + system) of a process and its descendants, in microseconds. */
export function cpuUs(pid: number): number {
  const tick = 1e6 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      /* exited */
    }
  }
  return total;
}

function descendants(pid: number): number[] {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return [];
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
