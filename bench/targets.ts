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

export type TargetKind = "nubis" | "moto" | "ceiling";

export interface TargetSpec {
  id: string;
  label: string;
  kind: TargetKind;
  /** How to start it on `port`, or why it cannot run here. */
  command(port: number): { cmd: string; args: string[]; env?: Record<string, string> } | string;
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
  {
    id: "moto",
    label: "moto_server",
    kind: "moto",
    command: (port) => (installed("moto_server") ? { cmd: "moto_server", args: ["-H", "127.0.0.1", "-p", String(port)] } : "moto_server is not installed on this machine"),
  },
  { id: "ceiling", label: "bare node:http (ceiling)", kind: "ceiling", command: (port) => ({ cmd: process.execPath, args: [CEILING, String(port)] }) },
];
