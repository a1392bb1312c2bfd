/**
 * nubis as a dependency of someone else's test suite (issue 11): the packed tarball installs
 * into a fresh TypeScript project, its types check, `startServer` runs as the README shows,
 * and the `nubis` command answers.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, it } from "node:test";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "nubis-package-"));
after(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

const USER_TEST = `
import assert from "node:assert/strict";
import { IAMClient, CreateGroupCommand, ListGroupsCommand } from "@aws-sdk/client-iam";
import { startServer, type NubisConfig, type RunningServer } from "nubis";

const options: Partial<NubisConfig> = { port: 0, quotas: { "iam.GroupsPerAccount": 5 } };
const nubis: RunningServer = await startServer(options);
const iam = new IAMClient({ endpoint: nubis.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
await iam.send(new CreateGroupCommand({ GroupName: "Admins" }));
const groups = await iam.send(new ListGroupsCommand({}));
assert.equal(groups.Groups?.[0]?.GroupName, "Admins");
await nubis.close();
console.log("ok");
`;

it("installs from its packed tarball into a TypeScript project, type-checks, runs, and has a nubis command", { timeout: 300_000 }, () => {
  run("npm", ["pack", "--silent", "--pack-destination", work], ROOT);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made a tarball");
  const project = join(work, "project");
  run("mkdir", ["-p", project], work);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  // From npm's cache (filled by the project's own install); no install scripts: the memory store needs no native addon.
  run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--silent", join(work, tarball)], project);
  writeFileSync(join(project, "nubis.test.ts"), USER_TEST);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        outDir: "out",
        typeRoots: [join(ROOT, "node_modules/@types")],
        types: ["node"],
      },
      files: ["nubis.test.ts"],
    }),
  );
  run(join(ROOT, "node_modules/.bin/tsc"), ["-p", "."], project);
  assert.match(run(process.execPath, ["out/nubis.test.js"], project), /^ok$/m);
  assert.match(run(join(project, "node_modules/.bin/nubis"), ["--version"], project), /^\d+\.\d+\.\d+$/m);
});
