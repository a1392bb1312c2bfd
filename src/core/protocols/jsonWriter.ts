/**
 * JSON writers compiled once per SDK schema, as xmlWriter.ts does for XML: the schema is walked
 * once, into closures that build the plain object JSON.stringify prints, where the SDK's
 * JsonShapeSerializer normalises every schema again for every value (three to four times the
 * cost on a DescribeKey answer). The same bytes: test/protocols/jsonWriter.test.ts checks them
 * against the SDK's serializer for every KMS and QuickSight structure. What the compiled writer
 * does not cover (documents, unions, JSON media types, `__type` records) throws Unsupported and
 * the caller uses the SDK's serializer. One difference, on purpose: an absent idempotency-token
 * member stays absent, where the SDK's serializer (made for requests) would invent a token.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import { Unsupported } from "./compiledWriter.js";

type Write = (value: unknown) => unknown;

export interface JsonSettings {
  /** Member names from their jsonName trait (restJson1), or as modelled (awsJson). */
  jsonName: boolean;
  /** The timestamp format where a member names none: 5 date-time, 6 http-date, 7 epoch seconds. */
  timestampFormat: 5 | 6 | 7;
}

/** What the SDK writes for a value its schema's kind does not expect (null in a struct is left out). */
const plain = (value: unknown, inStruct: boolean): unknown => {
  if (value === null && inStruct) return undefined;
  if (typeof value === "number" && (Math.abs(value) === Infinity || Number.isNaN(value))) return String(value);
  if (typeof value === "bigint") throw new Unsupported("bigint");
  return value;
};

function compile(ns: NormalizedSchema, settings: JsonSettings, inStruct: boolean, cache: Map<unknown, Write>): Write {
  if (ns.isDocumentSchema() || ns.isUnionSchema()) throw new Unsupported(ns.getName(true) ?? "document");
  if (ns.isStructSchema()) {
    const key = `${ns.getName(true)}@${inStruct}`;
    let write = cache.get(key);
    if (!write) {
      // Recursive shapes: compiled on first use, once.
      let compiled: Write | undefined;
      write = (v) => (compiled ??= compileStruct(ns, settings, inStruct, cache))(v);
      cache.set(key, write);
    }
    return write;
  }
  if (ns.isListSchema()) {
    const item = compile(ns.getValueSchema(), settings, false, cache);
    const sparse = !!ns.getMergedTraits().sparse;
    return (value) => {
      if (!Array.isArray(value)) return plain(value, inStruct);
      const out: unknown[] = [];
      for (const x of value) if (sparse || x != null) out.push(item(x));
      return out;
    };
  }
  if (ns.isMapSchema()) {
    const item = compile(ns.getValueSchema(), settings, false, cache);
    const sparse = !!ns.getMergedTraits().sparse;
    return (value) => {
      if (value === null || typeof value !== "object") return plain(value, inStruct);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(value)) {
        if (k === "__proto__") throw new Unsupported("__proto__ key");
        if (sparse || x != null) out[k] = item(x);
      }
      return out;
    };
  }
  if (ns.isBlobSchema()) {
    return (value) => {
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      if (typeof value === "string") throw new Unsupported("string blob");
      return plain(value, inStruct);
    };
  }
  if (ns.isTimestampSchema()) {
    const own = ns.getSchema();
    const format = own === 5 || own === 6 || own === 7 ? own : settings.timestampFormat;
    const text =
      format === 5 ? (d: Date) => d.toISOString().replace(".000Z", "Z") : format === 6 ? (d: Date) => d.toUTCString() : (d: Date) => d.getTime() / 1000;
    // A stored ISO string (core/timestamps.ts) is a date too; the SDK's serializer would copy it as text.
    return (value) => (value instanceof Date ? text(value) : typeof value === "string" ? text(new Date(value)) : plain(value, inStruct));
  }
  if (ns.isStringSchema()) {
    // A JSON media type is written as embedded JSON by the SDK (LazyJsonString): left to it.
    if (ns.getMergedTraits().mediaType) throw new Unsupported("mediaType");
    return (value) => (value === null && inStruct ? undefined : value);
  }
  return (value) => plain(value, inStruct);
}

function compileStruct(ns: NormalizedSchema, settings: JsonSettings, inStruct: boolean, cache: Map<unknown, Write>): Write {
  const members: Array<{ name: string; key: string; write: Write }> = [];
  for (const [name, member] of ns.structIterator()) {
    const key = settings.jsonName ? ((member.getMergedTraits().jsonName as string | undefined) ?? name) : name;
    members.push({ name, key, write: compile(member, settings, true, cache) });
  }
  return (value) => {
    if (value === null || typeof value !== "object") return plain(value, inStruct);
    const record = value as Record<string, unknown>;
    // The SDK copies every key of a record with a `__type`: rare, and left to it.
    if (typeof record.__type === "string") throw new Unsupported("__type");
    const out: Record<string, unknown> = {};
    for (const m of members) {
      const v = record[m.name];
      if (v === undefined) continue;
      const w = m.write(v);
      if (w !== undefined) out[m.key] = w;
    }
    return out;
  };
}

/** The writer of a structure's JSON document, compiled once: the same bytes as JsonShapeSerializer. */
export function compileJson(schema: unknown, settings: JsonSettings): (value: unknown) => string {
  const ns = NormalizedSchema.of(schema as never);
  if (!ns.isStructSchema() || ns.isUnionSchema()) throw new Unsupported("root");
  const write = compile(ns, settings, false, new Map());
  return (value) => JSON.stringify(write(value));
}
