/**
 * What the benchmark compares. One entry per target: adding a store or an alternative is one
 * line here. A target that cannot start on this machine (not installed, or a nubis option this
 * build does not have yet, such as --data-dir before the SQLite store lands) is skipped with
 * a note saying why.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { postgresCluster, postgresMissing } from "../test/harness.js";

export type TargetKind = "nubis" | "moto" | "ceiling";

export type Command = { cmd: string; args: string[]; env?: Record<string, string>; stdin?: boolean };

export interface TargetSpec {
  id: string;
  label: string;
  kind: TargetKind;
  /** Runs only these workloads (a variant measured where it matters, not on every row). */
  workloads?: string[];
  /** How to start it on `port`, or why it cannot run here. */
  command(port: number): Command | string | Promise<Command | string>;
}

export const ROOT = resolve(import.meta.dirname, "..");
export const NUBIS_CLI = join(ROOT, "dist/cli.js");
const CEILING = join(ROOT, "bench/ceiling.mjs");

/** Quotas raised so that setups and the scale test fit (names as the services define them). */
export const QUOTAS = [
  "iam.GroupsPerAccount=1000000",
  "iam.UsersPerAccount=1000000",
  "iam.GroupsPerUser=100000",
  "cloudfront.KeyGroupsPerAccount=1000000",
  "cloudfront.PublicKeysPerAccount=1000",
  "kms.KeysPerRegion=1000000",
  "iam.RolesPerAccount=1000000",
  "iam.PoliciesPerAccount=1000000",
  "cloudfront.DistributionsPerAccount=1000000",
];

const nubis = (port: number, ...extra: string[]) => ({
  cmd: process.execPath,
  args: [NUBIS_CLI, "--port", String(port), "--host", "127.0.0.1", "--quiet", ...QUOTAS.flatMap((q) => ["--quota", q]), ...extra],
});

/** Data directories made for targets, removed when the benchmark ends. */
export const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "nubis-bench-"));
  tempDirs.push(dir);
  return dir;
};

const installed = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

export const targets: TargetSpec[] = [
  { id: "nubis", label: "nubis (memory)", kind: "nubis", command: (port) => nubis(port) },
  { id: "nubis-sqlite", label: "nubis (SQLite)", kind: "nubis", command: (port) => nubis(port, "--data-dir", tempDir()) },
  // The request log's cost (issue 17: on, the default, ≥ 0.95× off), on the mix and the cheapest read.
  { id: "nubis-nolog", label: "nubis (memory, --request-log 0)", kind: "nubis", workloads: ["iam.mix", "iam.GetGroup"], command: (port) => nubis(port, "--request-log", "0") },
  {
    id: "nubis-postgres",
    label: "nubis (PostgreSQL)",
    kind: "nubis",
    // A private cluster of Debian's PostgreSQL, started once for the run (the test suite's own), one schema per target.
    command: async (port) => {
      if (postgresMissing) return postgresMissing;
      return nubis(port, "--database-url", (await postgresCluster()).url(`bench_${port}`));
    },
  },
  {
    id: "moto",
    label: "moto_server",
    kind: "moto",
    command: (port) => (installed("moto_server") ? { cmd: "moto_server", args: ["-H", "127.0.0.1", "-p", String(port)] } : "moto_server is not installed on this machine"),
  },
  { id: "ceiling", label: "bare node:http (ceiling)", kind: "ceiling", command: (port) => ({ cmd: process.execPath, args: [CEILING, String(port)] }) },
];
