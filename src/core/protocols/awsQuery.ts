import { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "../errors.js";
import { Validator } from "../validation.js";
import { type HttpRequest, type Protocol, isUnit, requiredCount } from "./protocol.js";
import { type Form, formOf as form } from "./form.js";
import { errorResponseXml, queryResponseEnvelope, writeXml } from "./xml.js";

/**
 * Reads `Name`, `Name.member.N`, `Name.entry.N.key` ... into the shape `ns` describes: the
 * inverse of the SDK's QueryShapeSerializer. Missing required members and values of the wrong
 * type are collected in `problems` and reported together, as AWS does.
 */
class QueryReader {
  constructor(
    private readonly params: Form,
    private readonly problems: Validator,
  ) {}

  private has(prefix: string): boolean {
    return this.params.has(prefix);
  }

  read(ns: NormalizedSchema, key: string, path: string): unknown {
    if (ns.isStructSchema()) return this.readStruct(ns, key, path);
    if (ns.isListSchema()) return this.readList(ns, key, path);
    if (ns.isMapSchema()) return this.readMap(ns, key, path);
    const raw = this.params.get(key);
    if (raw === undefined) return undefined;
    return this.readScalar(ns, raw, path);
  }

  private readScalar(ns: NormalizedSchema, raw: string, path: string): unknown {
    if (ns.isBooleanSchema()) {
      if (raw === "true" || raw === "false") return raw === "true";
      return this.wrongType(raw, path, "Member must be a boolean");
    }
    if (ns.isNumericSchema()) {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) return this.wrongType(raw, path, "Member must be a number");
      return n;
    }
    if (ns.isTimestampSchema()) {
      const t = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(t.getTime())) return this.wrongType(raw, path, "Member must be a timestamp");
      return t;
    }
    if (ns.isBlobSchema()) return Buffer.from(raw, "base64");
    return raw;
  }

  private wrongType(raw: string, path: string, constraint: string): undefined {
    this.problems.fail(raw, path, constraint);
    return undefined;
  }

  private readStruct(ns: NormalizedSchema, key: string, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const required = requiredCount(ns);
    let i = 0;
    for (const [name, member] of ns.structIterator()) {
      const wire = (member.getMergedTraits().xmlName as string | undefined) ?? name;
      const memberKey = key ? `${key}.${wire}` : wire;
      const memberPath = path ? `${path}.${name}` : name;
      const present = member.isStructSchema() || member.isListSchema() || member.isMapSchema() ? this.has(memberKey) : this.params.get(memberKey) !== undefined;
      if (present) {
        const value = this.read(member, memberKey, memberPath);
        if (value !== undefined) out[name] = value;
      } else if (i < required) {
        this.problems.required(undefined, memberPath);
      }
      i++;
    }
    return out;
  }

  private readList(ns: NormalizedSchema, key: string, path: string): unknown[] {
    if (this.params.get(key) === "") return [];
    const item = ns.getValueSchema();
    const flat = !!ns.getMergedTraits().xmlFlattened;
    const itemName = (item.getMergedTraits().xmlName as string | undefined) ?? "member";
    const out: unknown[] = [];
    for (let n = 1; ; n++) {
      const itemKey = flat ? `${key}.${n}` : `${key}.${itemName}.${n}`;
      if (!this.has(itemKey)) break;
      out.push(this.read(item, itemKey, `${path}.${n}.member`));
    }
    return out;
  }

  private readMap(ns: NormalizedSchema, key: string, path: string): Record<string, unknown> {
    const flat = !!ns.getMergedTraits().xmlFlattened;
    const out: Record<string, unknown> = {};
    for (let n = 1; ; n++) {
      const entry = flat ? `${key}.${n}` : `${key}.entry.${n}`;
      const k = this.params.get(`${entry}.key`);
      if (k === undefined) break;
      out[k] = this.read(ns.getValueSchema(), `${entry}.value`, `${path}.${n}.value`);
    }
    return out;
  }
}

/** The awsQuery protocol (IAM, STS): form-encoded `Action=...` requests, XML answers. */
export const awsQuery: Protocol = {
  operationOf(req, service) {
    const action = form(req).get("Action");
    if (!action) throw new AwsError("MissingAction", "Missing Action", 400);
    if (!service.operations.has(action)) {
      throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${service.def.apiVersion}`, 400);
    }
    return action;
  },

  decodeInput(req, service, operation) {
    // An operation nubis does not serve answers NotImplemented whatever its parameters hold.
    if (!service.def.handlers[operation.name]) return {};
    const problems = new Validator(service.def.validationErrorCode);
    const input = new QueryReader(form(req), problems).read(NormalizedSchema.of(operation.input as never), "", "") as Record<string, unknown>;
    problems.check();
    return input;
  },

  encodeOutput(service, operation, output, requestId) {
    const envelope = queryResponseEnvelope(operation.name, isUnit(operation.output) ? undefined : operation.output);
    const value = { [`${operation.name}Result`]: output ?? {}, ResponseMetadata: { RequestId: requestId } };
    return {
      status: 200,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: writeXml(envelope, value, service.def.xmlNamespace ?? ""),
    };
  },

  encodeError(service, error, status, requestId) {
    return {
      status,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: errorResponseXml(error, status, requestId, service.def.xmlNamespace ?? ""),
    };
  },
};

