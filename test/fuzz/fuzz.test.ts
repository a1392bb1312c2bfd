/**
 * The project's own fuzz suite (issue 11): every implemented operation of every service gets
 * inputs generated from its SDK schema, sent through the real SDK client, and raw malformed
 * requests in its protocol. It fails on a 5xx other than 501, an answer the SDK cannot parse,
 * a state change after an error, or an answer slower than 1 s (timed twice, so a busy machine
 * alone does not fail it). Deterministic for NUBIS_FUZZ_SEED; NUBIS_FUZZ_CASES inputs per operation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { loadService } from "../../src/core/protocols/loader.js";
import type { ServiceDefinition } from "../../src/core/service.js";
import { services } from "../../src/services/index.js";
import { clientConfig, useServer } from "../harness.js";
import { generator, MODES, prng } from "./generate.js";

const SEED = Number(process.env.NUBIS_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.NUBIS_FUZZ_CASES ?? 5);
const SLOW_MS = 1000;

const server = useServer({ cloudfrontDeployDelayMs: 0 });

/** Every table of the state, to compare before and after a call (the snapshot's own date aside). */
const state = async () => JSON.stringify(((await (await fetch(`${server().endpoint}/_nubis/state`)).json()) as { tables: unknown }).tables);

/** Status of the last answer the client received (the SDK hides it when it cannot parse one). */
class Recorder extends NodeHttpHandler {
  last: number | undefined;
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>) {
    const out = await super.handle(...args);
    this.last = out.response.statusCode;
    return out;
  }
}

type AnyClient = { send(command: unknown): Promise<unknown>; destroy(): void };
type Outcome = { sent: boolean; status?: number; error?: Error & { $metadata?: { httpStatusCode?: number }; $fault?: string }; ms: number };

async function call(client: AnyClient, recorder: Recorder, Command: new (input: unknown) => unknown, input: unknown): Promise<Outcome> {
  const t0 = performance.now();
  recorder.last = undefined;
  try {
    await client.send(new Command(input));
    return { sent: true, status: recorder.last, ms: performance.now() - t0 };
  } catch (error) {
    return { sent: recorder.last !== undefined, status: recorder.last, error: error as never, ms: performance.now() - t0 };
  }
}

const describeInput = (input: unknown) => {
  const text = JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

/** What every answer must satisfy; returns the problem, or undefined. */
function problem(outcome: Outcome): string | undefined {
  if (!outcome.sent) return undefined; // refused by the SDK before sending (an empty URI label)
  const { status, error } = outcome;
  if (status !== undefined && status >= 500 && status !== 501 && status !== 503) return `answered ${status}: ${error?.name}: ${error?.message}`;
  if (!error) return undefined;
  // A service error the SDK parsed carries its code as name; a parse failure does not.
  const parsed = error.$metadata?.httpStatusCode !== undefined && !!error.$fault && error.name !== "Error" && !/^(SyntaxError|TypeError|UnknownError)$/.test(error.name);
  if (!parsed) return `answer not parseable by the SDK (status ${status}): ${error.name}: ${error.message}`;
  if (status !== undefined && status < 300) return `a ${status} answer the SDK refused: ${error.name}: ${error.message}`;
  return undefined;
}

async function fuzzService(def: ServiceDefinition) {
  // The service's SDK client, its commands and its schemas (nubis itself loads only the schemas).
  const module = (await import(`@aws-sdk/client-${def.name}`)) as Record<string, unknown>;
  const Client = Object.entries(module).find(([name, v]) => name.endsWith("Client") && typeof v === "function" && name !== "Client")?.[1] as new (config: unknown) => AnyClient;
  const recorder = new Recorder();
  const client = new Client({ ...clientConfig(server().endpoint), requestHandler: recorder });
  const loaded = await loadService(def);
  const failures: string[] = [];
  try {
    for (const operation of Object.keys(def.handlers).sort()) {
      const schema = loaded.operations.get(operation);
      const Command = module[`${operation}Command`] as (new (input: unknown) => unknown) | undefined;
      if (!schema || !Command) continue;
      const random = prng(SEED ^ hash(`${def.name}.${operation}`));
      const gen = generator(random);
      for (let n = 0; n < CASES; n++) {
        const mode = MODES[n % MODES.length];
        const input = gen.input(schema.input, mode);
        const before = await state();
        let outcome = await call(client, recorder, Command, input);
        if (outcome.ms > SLOW_MS) outcome = await call(client, recorder, Command, input);
        const where = `${def.name} ${operation} [${mode}, seed ${SEED}] ${describeInput(input)}`;
        const found = problem(outcome);
        if (found) failures.push(`${where}: ${found}`);
        if (outcome.ms > SLOW_MS) failures.push(`${where}: answered in ${outcome.ms.toFixed(0)} ms`);
        if (outcome.error && outcome.sent && (await state()) !== before) failures.push(`${where}: state changed after ${outcome.error.name}`);
      }
    }
  } finally {
    client.destroy();
  }
  return failures;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Raw requests no SDK would send, in each protocol's framing, to every implemented operation. */
function malformed(def: ServiceDefinition, loaded: Awaited<ReturnType<typeof loadService>>): Array<{ what: string; init: RequestInit; path: string }> {
  const authorization = `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${def.signingName}/aws4_request, SignedHeaders=host, Signature=00`;
  const out: Array<{ what: string; init: RequestInit; path: string }> = [];
  const bodies = ["", "{", "[]", "null", "<a", "<x></y>", "\u0000\u0001", "%%%&&&==", "Action&Action=&=", '{"a":{"b":[1,{"c":null}]}}', "<R><A>1</A><A><B/></A></R>"];
  for (const operation of Object.keys(def.handlers).sort()) {
    const op = loaded.operations.get(operation);
    if (!op) continue;
    for (const body of bodies) {
      if (def.protocol === "awsQuery") {
        const form = `Action=${operation}&Version=${def.apiVersion}&${encodeURIComponent(body)}=${encodeURIComponent(body)}`;
        out.push({ what: `${operation} form ${JSON.stringify(body)}`, path: "/", init: { method: "POST", headers: { authorization, "content-type": "application/x-www-form-urlencoded" }, body: form } });
      } else if (def.protocol === "awsJson1_1") {
        out.push({
          what: `${operation} json ${JSON.stringify(body)}`,
          path: "/",
          init: { method: "POST", headers: { authorization, "content-type": "application/x-amz-json-1.1", "x-amz-target": `${def.targetPrefix}.${operation}` }, body },
        });
      } else if (op.http) {
        const [method, uri] = op.http;
        const path = uri.replace(/\{[^}]+\}/g, "fuzz-label");
        const hasBody = method !== "GET" && method !== "DELETE" && method !== "HEAD";
        out.push({ what: `${operation} ${method} ${JSON.stringify(body)}`, path, init: { method, headers: { authorization, "content-type": def.protocol === "restXml" ? "text/xml" : "application/json", "if-match": "E2FUZZ" }, body: hasBody ? body : undefined } });
      }
    }
  }
  return out;
}

describe("fuzz: generated inputs through the SDK", () => {
  for (const def of services) {
    it(`${def.title}: every implemented operation answers parseably, never 5xx but 501, and changes nothing when it fails`, { timeout: 600_000 }, async () => {
      const failures = await fuzzService(def);
      assert.deepEqual(failures, [], `${failures.length} problems:\n${failures.slice(0, 30).join("\n")}`);
    });
  }
});

describe("fuzz: raw malformed requests per protocol", () => {
  for (const def of services) {
    it(`${def.title} (${def.protocol}): malformed bodies get 4xx (or 501) and change nothing`, { timeout: 600_000 }, async () => {
      const loaded = await loadService(def);
      const failures: string[] = [];
      for (const { what, path, init } of malformed(def, loaded)) {
        const before = await state();
        const res = await fetch(server().endpoint + path, init);
        await res.arrayBuffer();
        if (res.status >= 500 && res.status !== 501) failures.push(`${def.name} ${what}: ${res.status}`);
        // A malformed request may still be a valid call (CreateKey takes no member): only errors must change nothing.
        if (res.status >= 400 && (await state()) !== before) failures.push(`${def.name} ${what}: state changed after ${res.status}`);
      }
      assert.deepEqual(failures, [], failures.slice(0, 30).join("\n"));
    });
  }
});
