import type { IncomingHttpHeaders } from "node:http";
import { NormalizedSchema } from "@smithy/core/schema";
import type { AwsError } from "../errors.js";
import type { ServiceDefinition } from "../service.js";
import type { Form } from "./form.js";
import type { RouteMatch } from "./http.js";

export interface HttpRequest {
  method: string;
  /** The raw (still percent-encoded) path. */
  path: string;
  query: URLSearchParams;
  /** The query string as sent (SigV4 signs it before form decoding). */
  rawQuery?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The caller's address (aws:SourceIp). */
  sourceIp?: string;
  /**
   * What a protocol parsed of this request, kept for its next step: the query protocols' form
   * (form.ts), the route a REST protocol matched (http.ts). A field, not a WeakMap keyed by
   * the request: an entry per request in a long-lived WeakMap costs every young collection.
   */
  form?: Form;
  route?: RouteMatch;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An SDK static schema reference (array, number, string or thunk): read with NormalizedSchema. */
export type SchemaRef = unknown;

export interface OperationSchema {
  name: string;
  /** restXml/restJson1: [method, uri template, success status]. */
  http?: [string, string, number];
  input: SchemaRef;
  output: SchemaRef;
}

/** A service with its SDK schemas loaded: every operation and the status of every error code. */
export interface LoadedService {
  def: ServiceDefinition;
  operations: Map<string, OperationSchema>;
  /** HTTP status of an error code, from the error's schema. */
  errorStatus(code: string): number | undefined;
  /** The error's schema, to encode its extra members. */
  errorSchema(code: string): SchemaRef | undefined;
}

/** One AWS wire protocol: how to read an operation call and how to write its answers. */
export interface Protocol {
  /** The operation the request calls; throws the protocol's error when it names none. */
  operationOf(req: HttpRequest, service: LoadedService): string;
  /** The operation's input, decoded from the request by the input schema. */
  decodeInput(req: HttpRequest, service: LoadedService, operation: OperationSchema): Record<string, unknown>;
  encodeOutput(service: LoadedService, operation: OperationSchema, output: unknown, requestId: string): HttpResponse;
  encodeError(service: LoadedService, error: AwsError, status: number, requestId: string): HttpResponse;
}

export const isUnit = (ref: SchemaRef) => NormalizedSchema.of(ref as never).isUnitSchema();

/** Number of leading members of a structure the model marks required. */
export function requiredCount(ns: NormalizedSchema): number {
  const schema = ns.getSchema() as unknown[];
  return Array.isArray(schema) && typeof schema[6] === "number" ? schema[6] : 0;
}

/**
 * What every protocol's decoder leaves to one check: numbers where the model has integers are
 * whole and within 2^53 (the SDK's schemas do not tell an integer from a double, so a service
 * says which members are doubles with `fractionalNumbers`: all, or by member name), and lists
 * hold no null item. Recorded in `problems` with the member's path, as AWS reports violations.
 */
export function checkDecoded(
  ref: SchemaRef | NormalizedSchema,
  value: unknown,
  path: string,
  fractional: boolean | readonly string[],
  problems: { fail(value: unknown, member: string, constraint: string): unknown },
  member = "",
): void {
  if (value === null || value === undefined || value instanceof Date || value instanceof Uint8Array) return;
  const ns = ref instanceof NormalizedSchema ? ref : NormalizedSchema.of(ref as never);
  if (typeof value === "number") {
    const whole = fractional === true || (Array.isArray(fractional) && fractional.includes(member)) || Number.isSafeInteger(value);
    if (ns.isNumericSchema() && !whole) problems.fail(value, path, "Member must be an integer");
    return;
  }
  if (typeof value !== "object" || ns.isDocumentSchema()) return;
  if (ns.isListSchema() && Array.isArray(value)) {
    const item = ns.getValueSchema();
    value.forEach((v, n) => {
      const p = `${path}.${n + 1}.member`;
      if (v === null || v === undefined) problems.fail(v, p, "Member must not be null");
      else checkDecoded(item, v, p, fractional, problems, member);
    });
  } else if (ns.isMapSchema()) {
    for (const [k, v] of Object.entries(value)) checkDecoded(ns.getValueSchema(), v, `${path}.${k}`, fractional, problems, member);
  } else if (ns.isStructSchema()) {
    for (const [name, m] of ns.structIterator()) {
      const v = (value as Record<string, unknown>)[name];
      if (v !== undefined) checkDecoded(m, v, path ? `${path}.${name}` : name, fractional, problems, name);
    }
  }
}
