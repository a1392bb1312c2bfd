/** `npm start` serves the console from the build (dist/console), not from the sources the other tests bundle in memory. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { VERSION } from "../../src/core/server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

it("npm run build writes dist/console; the bundled CLI serves it at /_nubis/console", async () => {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(build.status, 0, build.stderr);
  for (const name of ["index.html", "app.js", "app.css"]) assert.ok(existsSync(`${ROOT}dist/console/${name}`), name);
  const child = spawn(process.execPath, ["dist/cli.js", "--port", "0", "--quiet"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        const m = /listening on (http:\/\/\S+)/.exec(String(d));
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`nubis exited with ${code}`)));
    });
    const page = await fetch(`${endpoint}/_nubis/console`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/_nubis\/console\/assets\/app.js"><\/script>/);
    const script = await fetch(`${endpoint}/_nubis/console/assets/app.js`);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /_nubis\/console\/api\/overview/);
    const overview = await (await fetch(`${endpoint}/_nubis/console/api/overview`)).json();
    assert.equal(overview.version, VERSION);
  } finally {
    child.kill();
  }
});
