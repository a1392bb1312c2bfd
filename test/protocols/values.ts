import type { NormalizedSchema } from "@smithy/core/schema";

/** A deterministic generator of values for any schema: awkward strings, empty and full lists, maps, dates. */
export function valueFor(ns: NormalizedSchema, seed: { n: number }, depth: number): unknown {
  const next = () => (seed.n = (seed.n * 1103515245 + 12345) % 2147483648);
  const texts = ["plain", "a&b<c>\"quote\" 'apos'", "line\r\nbreak\u2028sep", "ünïcödé ✓", ""];
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    if (depth > 4) return out;
    for (const [name, member] of ns.structIterator()) if (next() % 4 !== 0) out[name] = valueFor(member, seed, depth + 1);
    return out;
  }
  if (ns.isListSchema()) return depth > 4 ? [] : Array.from({ length: next() % 3 }, () => valueFor(ns.getValueSchema(), seed, depth + 1));
  if (ns.isMapSchema()) {
    const out: Record<string, unknown> = {};
    if (depth <= 4) for (let i = next() % 3; i > 0; i--) out[`k${i}&<`] = valueFor(ns.getValueSchema(), seed, depth + 1);
    return out;
  }
  if (ns.isTimestampSchema()) return new Date(Date.UTC(2026, 10, 22, 1, 2, 3, next() % 2 ? 0 : 781));
  if (ns.isBooleanSchema()) return next() % 2 === 0;
  if (ns.isNumericSchema()) return next() % 1000;
  if (ns.isBlobSchema()) return new Uint8Array([1, 2, 3, next() % 256]);
  return texts[next() % texts.length];
}
