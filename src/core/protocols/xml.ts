import type { AwsError } from "../errors.js";
import type { SchemaRef } from "./protocol.js";
import { findWriter, keepWriter, keyable } from "./compiledWriter.js";
import { compileXml } from "./xmlWriter.js";

const ResponseMetadata = [3, "nubis", "ResponseMetadata", 0, ["RequestId"], [0]];

const ErrorDetail = [3, "nubis", "Error", 0, ["Type", "Code", "Message"], [0, 0, 0]];

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, shared by awsQuery and restXml. */
const ErrorResponse = [3, "nubis", "ErrorResponse", 0, ["Error", "RequestId"], [ErrorDetail, 0]];

/** The `ErrorResponse` document of awsQuery and restXml errors. */
export const errorResponseXml = (error: AwsError, status: number, requestId: string, xmlNamespace: string) =>
  writeXml(
    ErrorResponse,
    { Error: { Type: status >= 500 ? "Receiver" : "Sender", Code: error.code, Message: error.message }, RequestId: requestId },
    xmlNamespace,
  );

const envelopes = new Map<string, SchemaRef>();

/** awsQuery: `<{Op}Response><{Op}Result>output</{Op}Result><ResponseMetadata/></{Op}Response>` (one schema per operation). */
export function queryResponseEnvelope(operation: string, output: SchemaRef | undefined): SchemaRef {
  let envelope = envelopes.get(operation);
  if (!envelope) {
    const names = output ? [`${operation}Result`, "ResponseMetadata"] : ["ResponseMetadata"];
    const schemas = output ? [output, ResponseMetadata] : [ResponseMetadata];
    envelopes.set(operation, (envelope = [3, "nubis", `${operation}Response`, 0, names, schemas]));
  }
  return envelope;
}

// Every XML answer is representable (xmlWriter.ts): the compiled writers make each value so, the SDK's serializer's document is made so whole.
export { XML_FORBIDDEN } from "./xmlWriter.js";

/** What writes the shapes the compiled writers leave (unions): the SDK's serializer (./xmlSdk.ts). */
export type XmlFallback = (schema: SchemaRef, value: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7) => string;

/**
 * Writes `value` as the XML document of `schema`, with a writer compiled once per schema (xmlWriter.ts).
 * restXml passes the SDK's serializer as `fallback`, since it loads the SDK's XML code to read
 * requests anyway; awsQuery passes none, so IAM's and STS's first call does not load it: no
 * awsQuery output holds a union (test/protocols/xmlWriter.test.ts writes every one without it).
 */
export function writeXml(schema: SchemaRef, value: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5, fallback?: XmlFallback): string {
  const settings = `${timestampFormat} ${xmlNamespace}`;
  const found = keyable(schema) ? findWriter(schema, settings) : undefined;
  if (found) return found(value);
  const left = (v: unknown) => {
    if (!fallback) throw new Error(`no XML writer for ${String(schema)}: the compiled writers leave it to the SDK's serializer, which this protocol does not load`);
    return fallback(schema, v, xmlNamespace, timestampFormat);
  };
  if (!keyable(schema)) return left(value);
  return keepWriter(schema, settings, () => compileXml(schema, xmlNamespace, timestampFormat), left)(value);
}
