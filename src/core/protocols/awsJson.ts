import { AwsError } from "../errors.js";
import { Validator } from "../validation.js";
import { checkJson, jsonCodec, messageMember, parseJsonObject, readJson, writeJson } from "./json.js";
import { type HttpRequest, type Protocol, isUnit } from "./protocol.js";

const codec = jsonCodec(false);

const serializationError = (message: string) => new AwsError("SerializationException", message, 400);

const targetOf = (req: HttpRequest) => {
  const v = req.headers["x-amz-target"];
  return (Array.isArray(v) ? v[0] : v) ?? "";
};

/**
 * The awsJson1_1 protocol (KMS): `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and a JSON
 * body; answers are JSON, errors `{"__type","message"}`. Every client error is HTTP 400 on the
 * wire whatever status the model's httpError trait gives it (KMS's NotFoundException says 404,
 * KMSInvalidStateException 409: those are for its query-compatible mode), server errors keep theirs.
 */
export const awsJson1_1: Protocol = {
  operationOf(req, service) {
    const target = targetOf(req);
    const prefix = `${service.def.targetPrefix}.`;
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : "";
    if (!service.operations.has(name) || req.method !== "POST") {
      throw new AwsError("UnknownOperationException", target ? `Unknown operation ${target}` : "Missing X-Amz-Target header", 400);
    }
    return name;
  },

  decodeInput(req, service, operation) {
    // An operation nubis does not serve answers NotImplemented whatever its body holds.
    if (!service.def.handlers[operation.name]) return {};
    const body = parseJsonObject(req.body, serializationError);
    if (isUnit(operation.input)) return {};
    const problems = new Validator(service.def.validationErrorCode);
    checkJson(operation.input, body, "", { problems, wrongType: serializationError, jsonName: false });
    problems.check();
    return readJson(codec, operation.input, body);
  },

  encodeOutput(_service, operation, output, requestId) {
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId },
      // Operations without output (EnableKey, DisableKey) answer an empty body, as KMS does.
      body: isUnit(operation.output) ? "" : writeJson(codec, operation.output, output ?? {}),
    };
  },

  encodeError(service, error, status, requestId) {
    const message = messageMember(service.errorSchema(error.code), "message");
    return {
      status: status < 500 ? 400 : status,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId },
      body: JSON.stringify({ __type: error.code, [message]: error.message, ...error.fields }),
    };
  },
};
