import { XmlShapeSerializer } from "@aws-sdk/core/protocols";
import type { AwsError } from "../errors.js";
import type { SchemaRef } from "./protocol.js";

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

/** awsQuery: `<{Op}Response><{Op}Result>output</{Op}Result><ResponseMetadata/></{Op}Response>`. */
export function queryResponseEnvelope(operation: string, output: SchemaRef | undefined): SchemaRef {
  const names = output ? [`${operation}Result`, "ResponseMetadata"] : ["ResponseMetadata"];
  const schemas = output ? [output, ResponseMetadata] : [ResponseMetadata];
  return [3, "nubis", `${operation}Response`, 0, names, schemas];
}

/** Writes `value` as the XML of `schema` with the SDK's serializer. */
export function writeXml(schema: SchemaRef, value: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5): string {
  const serializer = new XmlShapeSerializer({
    xmlNamespace,
    serviceNamespace: "",
    timestampFormat: { useTrait: true, default: timestampFormat },
    httpBindings: false,
  });
  serializer.write(schema as never, value);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializer.flush() as string}`;
}
