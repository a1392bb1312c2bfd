import { Worker } from "node:worker_threads";

/**
 * TestFunction's engine: the function's code really runs, in a fresh V8 context (node:vm) inside
 * a worker thread. The worker bounds memory (resourceLimits) and the context bounds time (vm
 * timeout, microtasks included); the context's global is an object with no prototype and only
 * strings cross into it, so the code reaches no host object (no require, process or host
 * globalThis), and string compilation (eval, Function) is off, as CloudFront Functions forbid it.
 */
export interface RunResult {
  output?: string;
  error?: string;
  logs: string[];
  /** Percentage of the compute budget used, 0-100, as a string (TestResult.ComputeUtilization). */
  utilization: string;
}

/**
 * The time ComputeUtilization is a percentage of. AWS does not publish its limit; 5 ms of a
 * cold V8 context makes a small function read 10-40, about what AWS reports for one.
 */
const BUDGET_MS = 5;
/** Past this the run is stopped: the function exceeded its compute utilization. */
const HARD_LIMIT_MS = 250;
const MEMORY_MB = 32;
/** FunctionExecutionLogs is truncated at 10 KB. */
const LOG_LIMIT = 10 * 1024;

const WORKER = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const vm = require("node:vm");
const { code, event, runtime, timeout, kind } = workerData;
const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false }, microtaskMode: "afterEvaluate" });
const run = (src, name) => vm.runInContext(src, context, { timeout, filename: name });
const prelude = [
  "var __logs = [], __result = { pending: true }, __eventJson;",
  "var console = (function () {",
  "  function show(a) { if (typeof a === 'string') return a; try { var s = JSON.stringify(a); return s === undefined ? String(a) : s; } catch (e) { return String(a); } }",
  "  function log() { var parts = []; for (var i = 0; i < arguments.length; i++) parts.push(show(arguments[i])); __logs.push(parts.join(' ')); }",
  "  return { log: log, info: log, warn: log, error: log, debug: log };",
  "})();",
  "var __cloudfront = { kvs: function () { return { get: function (k) { return Promise.reject(new Error('The key ' + k + ' does not exist.')); }, exists: function () { return Promise.resolve(false); }, meta: function () { return Promise.resolve({ creationDateTime: '', lastUpdatedDateTime: '', keyCount: 0 }); } }; } };",
].join("\n");
const settle = [
  "  function fail(e) { __result = { error: e && e.name ? e.name + ': ' + e.message : String(e) }; }",
  "  function done(v) { __result = { value: v, decision: __decision }; }",
  "  if (typeof entry !== 'function') { __result = { error: 'ReferenceError: ' + entryName + ' is not defined' }; return; }",
  "  try { value = entry(arg); } catch (e) { fail(e); return; }",
  "  if (value && typeof value.then === 'function') value.then(done, fail);",
  "  else done(value);",
];
// A viewer function returns the request or response; a connection function decides by calling
// connection.allow() or connection.deny() on the connection object it is given (the first call counts).
const invoke = kind === "connection"
  ? [
      "var __decision;",
      "(function () {",
      "  var arg = JSON.parse(__eventJson), value, entryName = 'connectionHandler';",
      "  var entry = typeof connectionHandler === 'function' ? connectionHandler : undefined;",
      "  arg.allow = function () { if (!__decision) __decision = 'allow'; };",
      "  arg.deny = function () { if (!__decision) __decision = 'deny'; };",
      "  arg.logCustomData = function (s) { __logs.push(String(s)); };",
      ...settle,
      "})();",
    ].join("\n")
  : [
      "var __decision;",
      "(function () {",
      "  var arg = JSON.parse(__eventJson), value, entryName = 'handler';",
      "  var entry = typeof handler === 'function' ? handler : undefined;",
      ...settle,
      "})();",
    ].join("\n");
// cloudfront-js-1.0 is ES 5.1 with a few later features and no asynchronous code.
const unsupported = runtime === "cloudfront-js-1.0" && /\basync\s+(function\b|\()|\bawait\b/.test(code);
if (runtime === "cloudfront-js-1.0") run("delete this.Promise;", "runtime.js");
// The 2.0 runtime loads modules with import; the 'cloudfront' module is the only one here.
const source = runtime === "cloudfront-js-2.0"
  ? code.replace(/^\s*import\s+(\w+)\s+from\s+['"]cloudfront['"];?/gm, "var $1 = __cloudfront;").replace(/^\s*export\s+(default\s+)?/gm, "")
  : code;
let out;
let started = process.hrtime.bigint();
try {
  run(prelude, "prelude.js");
  if (unsupported) throw new SyntaxError("async functions and await are not supported in cloudfront-js-1.0");
  context.__eventJson = event;
  run(source, "function.js");
  started = process.hrtime.bigint();
  run(invoke, "invoke.js");
  const result = JSON.parse(run("JSON.stringify(__result)", "result.js") || "{}");
  out = result;
} catch (e) {
  const timedOut = e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
  out = { error: timedOut ? "timeout" : (e && e.name ? e.name + ": " + e.message : String(e)) };
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
let logs = [];
try { logs = JSON.parse(run("JSON.stringify(__logs)", "logs.js")); } catch {}
parentPort.postMessage({ result: out, logs, elapsed });
`;

/** `viewer`: CloudFront Functions' `handler(event)`; `connection`: a connection function's `connectionHandler(connection)`. */
export type FunctionKind = "viewer" | "connection";

export function runFunction(code: string, event: string, runtime: string, kind: FunctionKind = "viewer"): Promise<RunResult> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { code, event, runtime, timeout: HARD_LIMIT_MS, kind },
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB, maxYoungGenerationSizeMb: 8, codeRangeSizeMb: 16, stackSizeMb: 1 },
      stdout: true,
      stderr: true,
      env: {},
    });
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      void worker.terminate();
      resolve(r);
    };
    // A run that never yields back (it cannot, past the vm timeout) is stopped from outside.
    const guard = setTimeout(() => finish({ error: exceeded, logs: [], utilization: "100" }), HARD_LIMIT_MS * 8);
    worker.on("message", (m: { result: { value?: unknown; decision?: string; error?: string; pending?: boolean }; logs: string[]; elapsed: number }) => {
      const logs = truncate(m.logs);
      const utilization = String(Math.min(100, Math.max(1, Math.round((m.elapsed / BUDGET_MS) * 100))));
      const r = m.result;
      if (r.error === "timeout") return finish({ error: exceeded, logs, utilization: "100" });
      if (r.error) return finish({ error: r.error, logs, utilization });
      if (r.pending) return finish({ error: "The function did not return a value: its promise never settled.", logs, utilization });
      if (kind === "connection") {
        if (!r.decision) return finish({ error: "The connection function did not call connection.allow() or connection.deny().", logs, utilization });
        return finish({ output: JSON.stringify({ action: r.decision }), logs, utilization });
      }
      finish({ output: outputOf(r.value), logs, utilization });
    });
    worker.on("error", (e: Error & { code?: string }) =>
      finish({
        error: e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "The CloudFront function exceeded the maximum memory allowed." : `InternalError: ${e.message}`,
        logs: [],
        utilization: "100",
      }),
    );
    worker.on("exit", () => finish({ error: "The CloudFront function exceeded the maximum memory allowed.", logs: [], utilization: "100" }));
  });
}

const exceeded = "The CloudFront function exceeded the maximum allowed compute utilization.";

function truncate(logs: string[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const line of logs) {
    size += Buffer.byteLength(line);
    if (size > LOG_LIMIT) break;
    out.push(line);
  }
  return out;
}

/** What the handler returned, as CloudFront reports it: `{"request":…}` or `{"response":…}`. */
function outputOf(value: unknown): string {
  if (value === undefined || value === null) return JSON.stringify({});
  const isResponse = typeof value === "object" && value !== null && "statusCode" in value;
  return JSON.stringify(isResponse ? { response: value } : { request: value });
}
