/**
 * Inputs generated from an operation's SDK input schema, deterministic for a seed: plausible
 * values, boundaries (empty, long, zero, negative, fractional, huge), missing required members,
 * wrong types and random mixes. Nothing here knows an operation: every operation a service
 * implements is covered by the schema alone.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import { requiredCount } from "../../src/core/protocols/protocol.js";

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Mode = "plausible" | "boundary" | "missing" | "wrongType" | "mixed";
export const MODES: Mode[] = ["plausible", "boundary", "missing", "wrongType", "mixed"];

const STRINGS = ["a", "fuzz-1", "Admins", "arn:aws:iam::000000000000:user/fuzz", "alias/fuzz", "/", "/path/", "000000000000", "1234abcd-12ab-34cd-56ef-1234567890ab", "E2QWRUHEXAMPLE"];
const BOUNDARY_STRINGS = ["", " ", "x".repeat(129), "y".repeat(2049), "ü😀", "<&>'\"", "a\u0001b", "%00", "..", "*", "null", "{}", "\uFFFD"];
const BOUNDARY_NUMBERS = [0, -1, 1, 1.5, 2 ** 31, 2 ** 53, 1e21, 1000, 1001];

export interface Generator {
  /** An input for the operation's input schema. */
  input(schema: unknown, mode: Mode): Record<string, unknown>;
}

/** Values per input at most: QuickSight's dashboard definitions would otherwise grow to megabytes. */
const BUDGET = 400;

export function generator(random: () => number): Generator {
  let budget = BUDGET;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;

  function value(ns: NormalizedSchema, mode: Mode, depth: number): unknown {
    budget--;
    const m: Mode = mode === "mixed" ? pick(MODES.filter((x) => x !== "mixed")) : mode;
    if (m === "wrongType" && chance(0.3) && !ns.isStructSchema()) return wrong(ns);
    if (ns.isStructSchema()) return struct(ns, mode, depth);
    if (ns.isListSchema()) {
      if (depth > 5) return [];
      const n = m === "boundary" ? pick([0, 1, 51, 101]) : Math.floor(random() * 3);
      return Array.from({ length: Math.min(n, depth > 2 ? 2 : n) }, () => value(ns.getValueSchema(), mode, depth + 1));
    }
    if (ns.isMapSchema()) {
      if (depth > 5) return {};
      const n = m === "boundary" ? pick([0, 51]) : Math.floor(random() * 3);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.min(n, 51); i++) out[m === "boundary" ? pick(BOUNDARY_STRINGS) + i : `k${i}`] = value(ns.getValueSchema(), mode, depth + 1);
      return out;
    }
    if (ns.isBooleanSchema()) return chance(0.5);
    if (ns.isNumericSchema()) return m === "boundary" ? pick(BOUNDARY_NUMBERS) : Math.floor(random() * 100) + 1;
    if (ns.isTimestampSchema()) return m === "boundary" ? new Date(pick([0, 253402300799000, -1000])) : new Date(1_700_000_000_000 + Math.floor(random() * 1e10));
    if (ns.isBlobSchema()) {
      const n = m === "boundary" ? pick([0, 1, 4097]) : 1 + Math.floor(random() * 64);
      return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    }
    if (ns.isDocumentSchema()) return { fuzz: true };
    const enumValues = ns.getMergedTraits().enum as string[] | undefined;
    if (m === "plausible" && enumValues?.length) return pick(enumValues);
    return m === "boundary" ? pick(BOUNDARY_STRINGS) : pick(STRINGS);
  }

  /** A value of another type than the member's: the SDK sends what it is given. */
  function wrong(ns: NormalizedSchema): unknown {
    if (ns.isStringSchema()) return pick([42, true, ["a"]]);
    if (ns.isNumericSchema()) return pick(["ten", true, "1.5e400"]);
    if (ns.isBooleanSchema()) return pick(["yes", 2]);
    if (ns.isListSchema()) return pick(["not-a-list", 7]);
    return "wrong";
  }

  function struct(ns: NormalizedSchema, mode: Mode, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (depth > 6) return out;
    const required = requiredCount(ns);
    let i = 0;
    for (const [name, member] of ns.structIterator()) {
      const isRequired = i++ < required;
      const traits = member.getMergedTraits();
      // The idempotency token is filled by the SDK; streaming members are not part of these services.
      if (traits.idempotencyToken || traits.streaming) continue;
      if (isRequired) {
        if (mode === "missing" && chance(0.5)) continue;
      } else if (budget <= 0 || !chance(mode === "plausible" ? 0.4 : 0.6)) continue;
      out[name] = value(member, mode, depth + 1);
    }
    return out;
  }

  return {
    input(schema, mode) {
      budget = BUDGET;
      const ns = NormalizedSchema.of(schema as never);
      return ns.isStructSchema() ? struct(ns, mode, 0) : {};
    },
  };
}
