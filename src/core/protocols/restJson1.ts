import { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "../errors.js";
import { Validator } from "../validation.js";
import { BindingError, type BodyCodec, decodeHttpInput, encodeHttpOutput, missingRequired, operationByRoute, routeOf } from "./http.js";
import { checkJson, jsonCodec, messageMember, parseJsonObject, readJson, writeJson } from "./json.js";
import type { LoadedService, Protocol } from "./protocol.js";

const codec = jsonCodec(true);

/** Members the HTTP binding carries outside the JSON body. */
const boundElsewhere = (member: NormalizedSchema) => {
  const t = member.getMergedTraits();
  return !!(t.httpLabel || t.httpQuery || t.httpQueryParams || t.httpHeader || t.httpPrefixHeaders !== undefined || t.httpPayload);
};

/**
 * The JSON side of the REST binding: type-checks a body against the schema (the SDK codec
 * trusts its input), then reads it with the SDK's deserializer, by `jsonName`. A malformed body
 * or a wrong type is the service's validation error (QuickSight: InvalidParameterValueException).
 */
const jsonBody = (service: LoadedService): BodyCodec => {
  const invalid = (message: string) => new AwsError(service.def.validationErrorCode, message, 400);
  const check = (ref: NormalizedSchema, value: unknown, skip?: (m: NormalizedSchema) => boolean) =>
    // Missing required members are reported once, for the whole input, by decodeInput.
    checkJson(ref, value, "", { problems: new Validator(), wrongType: invalid, jsonName: true, skip });
  return {
    readPayload(member, body) {
      const value = parseJsonObject(body, invalid);
      check(member, value);
      return readJson(codec, member, value);
    },
    readBody(input, body, members) {
      const value = parseJsonObject(body, invalid);
      check(input, value, boundElsewhere);
      const read = readJson(codec, input, value);
      // A body must not override a member bound to the URI, query or headers.
      return Object.fromEntries(Object.entries(read).filter(([k]) => members.has(k)));
    },
    writePayload(member, value) {
      return { body: writeJson(codec, member, value), contentType: "application/json" };
    },
    writeBody(output, value) {
      return { body: writeJson(codec, output, value), contentType: "application/json" };
    },
  };
};


/**
 * The restJson1 protocol (QuickSight): the operation comes from method + URI template, its input
 * from labels, query, headers and a JSON body (http.ts); errors carry their code in the
 * `X-Amzn-ErrorType` header and `{"Message","RequestId"}` in the body, with the status of the
 * error's schema (QuickSight's AccessDeniedException is 401).
 */
export const restJson1: Protocol = {
  operationOf(req, service) {
    return operationByRoute(req, service, () => new AwsError("UnknownOperationException", `No ${service.def.title} operation matches ${req.method} ${req.path}`, 404));
  },

  decodeInput(req, service, operation) {
    // An operation nubis does not serve answers NotImplemented whatever its body holds.
    if (!service.def.handlers[operation.name]) return {};
    const match = routeOf(req, operation);
    let input: Record<string, unknown>;
    try {
      input = decodeHttpInput(req, match, jsonBody(service));
    } catch (error) {
      if (!(error instanceof BindingError)) throw error;
      new Validator(service.def.validationErrorCode).fail(error.value, error.member, `Member must be ${error.expected}`).check();
      throw error;
    }
    const problems = new Validator(service.def.validationErrorCode);
    for (const path of missingRequired(operation.input, input)) problems.required(undefined, path);
    problems.check();
    return input;
  },

  encodeOutput(service, operation, output, requestId) {
    const http = encodeHttpOutput(operation, output, jsonBody(service));
    return { ...http, headers: { ...http.headers, "x-amzn-requestid": requestId } };
  },

  encodeError(service, error, status, requestId) {
    const message = messageMember(service.errorSchema(error.code), "Message");
    return {
      status,
      headers: { "content-type": "application/json", "x-amzn-errortype": error.code, "x-amzn-requestid": requestId },
      body: JSON.stringify({ [message]: error.message, RequestId: requestId, ...error.fields }),
    };
  },
};
