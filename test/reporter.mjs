// The suite's reporter: quiet when tests pass. A failure prints its test, file and error in
// full as it happens; skips print their reason once; the run ends with one summary line
// ("nubis: N passed, N failed, N skipped") and the slowest files, so a passing run is a few lines.
import { relative } from "node:path";
import { inspect } from "node:util";

export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skipReasons = new Map();
  const files = new Map();
  const started = Date.now();
  for await (const event of source) {
    const { type, data } = event;
    // Suites and files report too (nesting > 0 with children, or the file itself): count leaf tests only.
    if (type === "test:pass" || type === "test:fail") {
      if (data.file && data.nesting === 0) files.set(data.file, (files.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
      // A suite passes or fails with its tests: count the tests alone.
      if (data.details?.type === "suite") continue;
      if (data.skip !== undefined || data.todo !== undefined) {
        skipped++;
        const reason = typeof data.skip === "string" ? data.skip : "skipped";
        skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
        continue;
      }
      if (type === "test:pass") passed++;
      else {
        failed++;
        const where = data.file ? relative(process.cwd(), data.file) : "";
        const error = data.details?.error;
        const cause = error?.cause ?? error;
        yield `\n✖ ${data.name}  (${where}${data.line ? `:${data.line}` : ""})\n${indent(describe(cause))}\n`;
      }
    } else if (type === "test:stderr" || type === "test:stdout") {
      // Output a test file prints on its own (a reason for a skip, a server's complaint).
      const text = data.message.trimEnd();
      if (text) yield `${text}\n`;
    }
  }
  for (const [reason, count] of skipReasons) yield `skipped ${count}: ${reason}\n`;
  const slowest = [...files].sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (slowest.length) {
    yield `slowest files: ${slowest.map(([f, ms]) => `${relative(process.cwd(), f)} ${(ms / 1000).toFixed(1)}s`).join(", ")}\n`;
  }
  yield `nubis: ${passed} passed, ${failed} failed, ${skipped} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)\n`;
}

function describe(error) {
  if (!error) return "failed";
  if (error.code === "ERR_ASSERTION" || error.name === "AssertionError") return `${error.message}${error.stack ? `\n${error.stack.split("\n").slice(1, 6).join("\n")}` : ""}`;
  return inspect(error, { depth: 4 });
}

const indent = (s) => s.split("\n").map((l) => `    ${l}`).join("\n");
