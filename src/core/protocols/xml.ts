import { XmlShapeSerializer } from "@aws-sdk/core/protocols";
import type { AwsError } from "../errors.js";
import type { SchemaRef } from "./protocol.js";
import { compileXml, representable, Unsupported } from "./xmlWriter.js";

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

type Writer = (value: unknown) => string;
const writers = new WeakMap<object, Map<string, Writer>>();

/** Writes `value` as the XML document of `schema`, with a writer compiled once per schema (xmlWriter.ts). */
export function writeXml(schema: SchemaRef, value: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5): string {
  if (typeof schema !== "object" || schema === null) return writeXmlWithSdk(schema, value, xmlNamespace, timestampFormat);
  let bySettings = writers.get(schema);
  if (!bySettings) writers.set(schema, (bySettings = new Map()));
  const key = `${timestampFormat} ${xmlNamespace}`;
  let writer = bySettings.get(key);
  if (!writer) {
    const compiled = compileXml(schema, xmlNamespace, timestampFormat);
    writer = (v) => {
      try {
        return compiled(v);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        bySettings!.set(key, (w) => writeXmlWithSdk(schema, w, xmlNamespace, timestampFormat));
        return writeXmlWithSdk(schema, v, xmlNamespace, timestampFormat);
      }
    };
    bySettings.set(key, writer);
  }
  return writer(value);
}

/** Writes `value` as the XML of `schema` with the SDK's serializer: the reference the compiled writers match. */
export function writeXmlWithSdk(schema: SchemaRef, value: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5): string {
  const serializer = new XmlShapeSerializer({
    xmlNamespace,
    serviceNamespace: "",
    timestampFormat: { useTrait: true, default: timestampFormat },
    httpBindings: false,
  });
  serializer.write(schema as never, value);
  return representable(`<?xml version="1.0" encoding="UTF-8"?>\n${serializer.flush() as string}`);
}
