import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { build } from "esbuild";
import { mappedStack } from "../../src/core/stackTrace.js";

test("an unexpected failure's stack names the source lines through the bundle's map, read only then", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nubis-stack-"));
  writeFileSync(join(dir, "failing.ts"), "// line 1\n\nexport function fail(): never {\n  throw new Error(\"boom\");\n}\n");
  await build({ entryPoints: [join(dir, "failing.ts")], bundle: true, format: "esm", platform: "node", sourcemap: true, outfile: join(dir, "out", "failing.js"), logLevel: "silent" });
  const { fail } = await import(pathToFileURL(join(dir, "out", "failing.js")).href);
  let error: unknown;
  try {
    fail();
  } catch (e) {
    error = e;
  }
  const stack = String(mappedStack(error));
  assert.match(stack, /^Error: boom/);
  assert.ok(stack.includes(`${join(dir, "failing.ts")}:4:`), stack);
  // Not an Error, or frames with no map: given back as they are.
  assert.equal(mappedStack("text"), "text");
});
