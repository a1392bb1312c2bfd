import { XmlShapeDeserializer } from "@aws-sdk/core/protocols";
import { parseXML } from "@aws-sdk/xml-builder";
import { getValueFromTextNode } from "@smithy/core/client";
import { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "../errors.js";
import { Validator } from "../validation.js";
import { BindingError, type BodyCodec, decodeHttpInput, encodeHttpOutput, missingRequired, operationByRoute, routeOf } from "./http.js";
import type { LoadedService, Protocol } from "./protocol.js";
import { errorResponseXml, writeXml, XML_FORBIDDEN } from "./xml.js";
import { writeXmlWithSdk } from "./xmlSdk.js";

const malformed = () =>
  new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.", 400);

const allowedCodePoint = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z_][\w.-]*));/g;
const PREDEFINED = new Set(["amp", "lt", "gt", "quot", "apos"]);

/**
 * Holds a request body to what AWS's XML front end accepts, in one linear pass before the SDK's
 * parser sees it: no DTD (AWS refuses document type declarations, and the parser would scan
 * the document once per declaration), no character XML 1.0 forbids, no entity but the five
 * predefined ones. Character references beyond U+FFFF become the character itself, which the
 * parser would otherwise truncate to 16 bits.
 */
function wellFormedText(text: string): string {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XML_FORBIDDEN.test(text)) throw malformed();
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (ref, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      if (!PREDEFINED.has(name)) throw malformed();
      return ref;
    }
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec!, 10);
    if (!allowedCodePoint(code)) throw malformed();
    return code > 0xffff ? String.fromCodePoint(code) : ref;
  });
}

/** The root element's name and content, or MalformedXML. */
function parseRoot(body: Buffer): [name: string, content: unknown] {
  const text = wellFormedText(body.toString("utf8"));
  let parsed: Record<string, unknown>;
  try {
    parsed = parseXML(text) as Record<string, unknown>;
  } catch {
    throw malformed();
  }
  const name = parsed && Object.keys(parsed)[0];
  if (!name) throw malformed();
  const content = parsed[name];
  if (!content || typeof content !== "object") return [name, content];
  // Text beside child elements of a structure root is ignored; `{ "#text": v }` nodes below it
  // become `v`, as in the SDK's own reader.
  const { "#text": _text, ...members } = content as Record<string, unknown>;
  return [name, getValueFromTextNode(members)];
}

/** Reads a root element's content by schema with the SDK's XML deserializer. */
function readXml(ns: NormalizedSchema, content: unknown): unknown {
  const reader = new XmlShapeDeserializer({ timestampFormat: { useTrait: true, default: 5 }, httpBindings: true } as never);
  // The parser puts attributes (xmlns) beside the members.
  if (content && typeof content === "object") {
    const { xmlns: _ns, ...rest } = content as Record<string, unknown>;
    content = rest;
  }
  try {
    return reader.readSchema(ns as never, content === "" && ns.isStructSchema() ? {} : content);
  } catch {
    // A structure where a scalar belongs, or the reverse: the body does not fit the schema.
    throw malformed();
  }
}

const xmlCodec = (service: LoadedService): BodyCodec => ({
  readPayload(member, body) {
    const [root, content] = parseRoot(body);
    const expected = (member.getMergedTraits().xmlName as string | undefined) ?? member.getName();
    if (expected && root !== expected) throw malformed();
    return readXml(member, content);
  },
  readBody(input, body, members) {
    // Unbound members of a restXml input live under the input's root element.
    const [, content] = parseRoot(body);
    const all = readXml(input, content) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(all).filter(([k]) => members.has(k)));
  },
  writePayload(member, value) {
    return { body: writeXml(member, value, service.def.xmlNamespace ?? "", 5, writeXmlWithSdk), contentType: "text/xml" };
  },
  writeBody(output, value) {
    if (!Object.keys(value).length) return undefined;
    return { body: writeXml(output, value, service.def.xmlNamespace ?? "", 5, writeXmlWithSdk), contentType: "text/xml" };
  },
});

const codecs = new WeakMap<LoadedService, BodyCodec>();
const codecOf = (service: LoadedService) => {
  let c = codecs.get(service);
  if (!c) codecs.set(service, (c = xmlCodec(service)));
  return c;
};

/** The route found by operationOf, kept for decodeInput (same request object). */

/** The restXml protocol (CloudFront): REST routes, XML payloads, `ErrorResponse` errors. */
export const restXml: Protocol = {
  operationOf(req, service) {
    return operationByRoute(req, service, () => new AwsError("UnknownOperation", `${service.def.title} has no operation at ${req.method} ${req.path}`, 404));
  },

  decodeInput(req, service, operation) {
    // An operation nubis does not serve answers NotImplemented whatever its body holds.
    if (!service.def.handlers[operation.name]) return {};
    const match = routeOf(req, operation);
    let input: Record<string, unknown>;
    try {
      input = decodeHttpInput(req, match, codecOf(service));
    } catch (error) {
      if (error instanceof BindingError) throw new AwsError(service.def.validationErrorCode, error.message, 400);
      throw error;
    }
    const missing = missingRequired(operation.input, input);
    if (!missing.length) return input;
    const ns = NormalizedSchema.of(operation.input as never);
    const problems = new Validator(service.def.validationErrorCode);
    for (const path of missing) {
      const traits = ns.isStructSchema() && !path.includes(".") ? ns.getMemberSchema(path).getMergedTraits() : {};
      // A required payload sent with no body at all: CloudFront's MissingBody.
      if (traits.httpPayload) {
        throw new AwsError("MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.", 400);
      }
      // Required headers are the service's to refuse: CloudFront answers a missing If-Match
      // with InvalidIfMatchVersion, not a validation error.
      if (!traits.httpHeader) problems.required(undefined, path);
    }
    problems.check();
    return input;
  },

  encodeOutput(service, operation, output, requestId) {
    const http = encodeHttpOutput(operation, output, codecOf(service));
    http.headers["x-amz-request-id"] = requestId;
    return http;
  },

  encodeError(service, error, status, requestId) {
    return {
      status,
      headers: { "content-type": "text/xml", "x-amz-request-id": requestId },
      body: errorResponseXml(error, status, requestId, service.def.xmlNamespace ?? ""),
    };
  },
};
