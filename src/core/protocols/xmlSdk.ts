import { XmlShapeSerializer } from "@aws-sdk/core/protocols";
import type { SchemaRef } from "./protocol.js";
import { representable } from "./xmlWriter.js";

/**
 * Writes `value` as the XML of `schema` with the SDK's serializer: the reference the compiled
 * writers match (test/protocols/xmlWriter.test.ts), and restXml's writer for what they leave (unions).
 */
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
