import assert from "node:assert/strict";
import { it } from "node:test";
import { NormalizedSchema } from "@smithy/core/schema";
import { jsonCodec, writeJson, writeJsonWithSdk } from "../../src/core/protocols/json.js";
import { storedTime } from "../../src/core/timestamps.js";
import { valueFor } from "./values.js";

// awsJson (KMS) writes member names as modelled; restJson1 (QuickSight) by their jsonName.
const services = [
  { module: "@aws-sdk/client-kms", jsonName: false },
  { module: "@aws-sdk/client-quicksight", jsonName: true },
];

/** An idempotency-token member anywhere below: the SDK's serializer (made for requests) invents one when absent; nubis's writer does not. */
function hasIdempotencyToken(ns: NormalizedSchema, seen = new Set<unknown>()): boolean {
  if (seen.has(ns.getSchema())) return false;
  seen.add(ns.getSchema());
  if (ns.isStructSchema()) for (const [, m] of ns.structIterator()) if (m.isIdempotencyToken() || hasIdempotencyToken(m, seen)) return true;
  if (ns.isListSchema() || ns.isMapSchema()) return hasIdempotencyToken(ns.getValueSchema(), seen);
  return false;
}

for (const service of services) {
  it(`compiled JSON writers match the SDK's JsonShapeSerializer byte for byte on every ${service.module} structure`, async () => {
    const module = (await import(service.module)) as Record<string, unknown>;
    const codec = jsonCodec(service.jsonName);
    let compared = 0;
    for (const [name, schema] of Object.entries(module)) {
      if (!name.endsWith("$") || !Array.isArray(schema) || schema[0] !== 3) continue;
      const ns = NormalizedSchema.of(schema as never);
      if (hasIdempotencyToken(ns)) continue;
      const seed = { n: compared + 11 };
      for (let round = 0; round < 3; round++) {
        const value = valueFor(ns, seed, 0);
        let expected: string;
        try {
          expected = writeJsonWithSdk(codec, schema, value);
        } catch {
          continue; // a value the SDK itself cannot write
        }
        assert.equal(writeJson(codec, schema, value), expected, `${name} round ${round}`);
        compared++;
      }
    }
    assert.ok(compared > 200, `compared ${compared} documents`);
  });
}

it("an absent idempotency token stays absent, null members are left out, NaN and Infinity are strings", async () => {
  const schema = [3, "test", "Out", 0, ["Token", "Count", "Ratio", "Name"], [[0, "test", "T", { idempotencyToken: 1 }, 0], 1, 1, 0]];
  const out = writeJson(jsonCodec(false), schema, { Count: Number.NaN, Ratio: Number.POSITIVE_INFINITY, Name: null });
  assert.equal(out, `{"Count":"NaN","Ratio":"Infinity"}`);
});

it("a stored ISO timestamp (storedTime) is written as the date it names", () => {
  const schema = [3, "test", "Out", 0, ["At"], [7]];
  assert.equal(writeJson(jsonCodec(false), schema, { At: storedTime("2026-12-01T10:00:00Z") }), `{"At":1796119200}`);
  assert.equal(writeJson(jsonCodec(false), schema, { At: new Date("2026-12-01T10:00:00.500Z") }), `{"At":1796119200.5}`);
});

it("an operation's output, a thunk in the SDK's schemas, is written by its compiled writer too", async () => {
  const { DescribeKey$ } = (await import("@aws-sdk/client-kms")) as unknown as Record<string, unknown[]>;
  const output = DescribeKey$[5];
  assert.equal(typeof output, "function");
  // The compiled writer writes a stored ISO string as the date it names; the SDK's serializer would copy the text.
  const value = { KeyMetadata: { KeyId: "k", CreationDate: storedTime("2026-12-01T10:00:00Z") } };
  assert.equal(writeJson(jsonCodec(false), output, value), `{"KeyMetadata":{"KeyId":"k","CreationDate":1796119200}}`);
});
