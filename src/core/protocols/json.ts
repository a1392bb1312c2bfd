import { JsonCodec } from "@aws-sdk/core/protocols";
import { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "../errors.js";
import type { Validator } from "../validation.js";
import { findWriter, keepWriter, keyable } from "./compiledWriter.js";
import { compileJson, type JsonSettings } from "./jsonWriter.js";
import { requiredCount, type SchemaRef } from "./protocol.js";

/**
 * What the JSON protocols (awsJson1_x, restJson1) share: the SDK's JSON codec, and a check of a
 * parsed request body against the input schema before the codec reads it. The codec trusts its
 * input (a string where a number belongs passes through), so wrong types and missing required
 * members are caught here and answered as AWS does instead of reaching a handler.
 */

const settingsOf = new WeakMap<JsonCodec, JsonSettings>();

/** Epoch-seconds timestamps unless a member says otherwise, as both AWS JSON protocols write them. */
export function jsonCodec(jsonName: boolean): JsonCodec {
  const codec = new JsonCodec({ timestampFormat: { useTrait: true, default: 7 }, jsonName });
  settingsOf.set(codec, { jsonName, timestampFormat: 7 });
  return codec;
}

/** Parses a request body: empty means `{}`; anything but a JSON object is `malformed`. */
export function parseJsonObject(body: Buffer, malformed: (message: string) => AwsError): Record<string, unknown> {
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw malformed((error as Error).message);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(Array.isArray(value) ? "Start of list found where not expected" : "Start of structure or map expected");
  }
  return value as Record<string, unknown>;
}

/** How a JSON value is named in Coral's type errors ("STRING_VALUE can not be converted to ..."). */
const token = (v: unknown) =>
  typeof v === "string" ? "STRING_VALUE" : typeof v === "number" ? "NUMBER_VALUE" : typeof v === "boolean" ? `VALUE_${String(v).toUpperCase()}` : "VALUE_NULL";

export interface JsonCheck {
  /** Where missing required members are recorded (the service's validation error). */
  problems: Validator;
  /** The error for a value of the wrong JSON type. */
  wrongType: (message: string) => AwsError;
  /** restJson1 reads members by their `jsonName`. */
  jsonName: boolean;
  /** Members bound elsewhere (labels, query, headers) that the body does not carry. */
  skip?: (member: NormalizedSchema) => boolean;
}

/** Checks `value` against the shape `ns`: types strictly, required members into `problems`. */
export function checkJson(ref: SchemaRef | NormalizedSchema, value: unknown, path: string, check: JsonCheck): void {
  const ns = ref instanceof NormalizedSchema ? ref : NormalizedSchema.of(ref as never);
  if (value === null || value === undefined) return;
  const isObject = typeof value === "object" && !Array.isArray(value);
  if (ns.isDocumentSchema()) return;
  if (ns.isStructSchema() || ns.isMapSchema()) {
    if (!isObject) throw check.wrongType(Array.isArray(value) ? "Start of list found where not expected" : `${token(value)} can not be converted to a structure`);
    if (ns.isMapSchema()) {
      for (const [k, v] of Object.entries(value as object)) checkJson(ns.getValueSchema(), v, `${path}.${k}`, check);
      return;
    }
    const record = value as Record<string, unknown>;
    const required = requiredCount(ns);
    let i = 0;
    for (const [name, member] of ns.structIterator()) {
      const index = i++;
      if (check.skip?.(member)) continue;
      const key = check.jsonName ? ((member.getMergedTraits().jsonName as string | undefined) ?? name) : name;
      const memberPath = path ? `${path}.${name}` : name;
      if (record[key] === null || record[key] === undefined) {
        if (index < required) check.problems.required(undefined, memberPath);
        continue;
      }
      checkJson(member, record[key], memberPath, check);
    }
    return;
  }
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) throw check.wrongType(isObject ? "Start of structure or map found where not expected." : `${token(value)} can not be converted to a list`);
    value.forEach((item, n) => checkJson(ns.getValueSchema(), item, `${path}.${n + 1}.member`, check));
    return;
  }
  if (isObject || Array.isArray(value)) {
    throw check.wrongType(Array.isArray(value) ? "Start of list found where not expected" : "Start of structure or map found where not expected.");
  }
  if (ns.isBooleanSchema()) {
    if (typeof value !== "boolean") throw check.wrongType(`${token(value)} can not be converted to a Boolean`);
  } else if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) {
    if (typeof value !== "number") throw check.wrongType(`${token(value)} can not be converted to a Number`);
  } else if (ns.isTimestampSchema()) {
    if (typeof value !== "number" && typeof value !== "string") throw check.wrongType(`${token(value)} can not be converted to a Timestamp`);
    const t = typeof value === "number" ? value : Number.isNaN(Number(value)) ? Date.parse(value) : Number(value);
    if (!Number.isFinite(t)) throw check.wrongType(`${token(value)} can not be converted to a Timestamp`);
  } else if (ns.isBlobSchema()) {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw check.wrongType(`${token(value)} can not be converted to a Blob`);
  } else if (ns.isStringSchema()) {
    if (typeof value !== "string") throw check.wrongType(`${token(value)} can not be converted to a String`);
  }
}

/** Writes `value` as the JSON of shape `ref`, with a writer compiled once per schema (jsonWriter.ts). */
export function writeJson(codec: JsonCodec, ref: SchemaRef, value: unknown): string {
  const settings = settingsOf.get(codec);
  if (!keyable(ref) || !settings) return writeJsonWithSdk(codec, ref, value);
  const writer = findWriter(ref, codec) ?? keepWriter(ref, codec, () => compileJson(ref, settings), (v) => writeJsonWithSdk(codec, ref, v));
  return writer(value);
}

/** Writes `value` as the JSON of shape `ref` with the SDK's serializer: the reference the compiled writers match. */
export function writeJsonWithSdk(codec: JsonCodec, ref: SchemaRef, value: unknown): string {
  const serializer = codec.createSerializer();
  serializer.write(ref as never, value);
  return serializer.flush() as string;
}

/** Reads a checked JSON object into the SDK's input form (Dates, Uint8Arrays) with the SDK's deserializer. */
export const readJson = (codec: JsonCodec, ref: SchemaRef, value: unknown) =>
  codec.createDeserializer().readObject(ref as never, value as never) as Record<string, unknown>;

/** The member of an error shape that carries its message: KMS says `message`, QuickSight `Message`. */
export function messageMember(errorSchema: SchemaRef | undefined, fallback: string): string {
  if (!errorSchema) return fallback;
  const ns = NormalizedSchema.of(errorSchema as never);
  for (const [name] of ns.structIterator()) if (name.toLowerCase() === "message") return name;
  return fallback;
}
