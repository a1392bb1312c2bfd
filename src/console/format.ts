import type { IncomingHttpHeaders } from "node:http";
import { unpackHeaders, type LogEntry } from "./requestLog.js";

/**
 * Turns request-log entries into what the console and `GET /_nubis/requests` show: secrets
 * redacted, bodies pretty-printed and cut. Runs only when someone reads the log.
 */

export const REDACTED = "***";

/** Bodies longer than this (after pretty-printing) are cut, with a note of the full size. */
export const MAX_SHOWN_BODY_CHARS = 64 * 1024;

/** Headers whose whole value is secret. */
const SECRET_HEADERS = new Set(["x-amz-security-token", "x-nubis-admin-token", "cookie", "set-cookie", "proxy-authorization"]);

/** Query parameters whose value is secret (presigned URLs). */
const SECRET_QUERY = new Set(["x-amz-signature", "x-amz-security-token", "token"]);

/**
 * Members whose value is a secret, in any protocol (compared in lower case): access key
 * secrets and session tokens (IAM CreateAccessKey, STS credentials), passwords (login
 * profiles, service-specific credentials), MFA seeds, identity-provider assertions and tokens,
 * private keys, KMS plaintext key material and derived shared secrets.
 */
const SECRET_MEMBERS = new Set(
  [
    "SecretAccessKey",
    "SessionToken",
    "SecurityToken",
    "Password",
    "OldPassword",
    "NewPassword",
    "ServicePassword",
    "Base32StringSeed",
    "QRCodePNG",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "SAMLAssertion",
    "WebIdentityToken",
    "PrivateKey",
    "Plaintext",
    "PrivateKeyPlaintext",
    "SharedSecret",
    "ServiceCredentialSecret",
    "ClientSecret",
    "ProviderToken",
  ].map((m) => m.toLowerCase()),
);

const isSecretMember = (name: string) => SECRET_MEMBERS.has(name.toLowerCase());

/** `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`: keeps who signed, hides the signature. */
export function redactAuthorization(value: string): string {
  if (/^AWS4-HMAC-SHA256\s/i.test(value)) return value.replace(/Signature=[^,\s]*/i, `Signature=${REDACTED}`);
  const scheme = /^(\S+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

export function redactHeaders(headers: IncomingHttpHeaders | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : String(raw);
    const lower = name.toLowerCase();
    if (lower === "authorization") out[name] = redactAuthorization(value);
    else if (SECRET_HEADERS.has(lower)) out[name] = REDACTED;
    else out[name] = value;
  }
  return out;
}

/** A path with its query string, presigned-URL signatures and tokens hidden. */
export function redactQuery(rawQuery: string | undefined): string {
  if (!rawQuery || rawQuery === "?") return "";
  const parts = rawQuery.replace(/^\?/, "").split("&");
  return (
    "?" +
    parts
      .map((part) => {
        const eq = part.indexOf("=");
        const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
        return eq >= 0 && (SECRET_QUERY.has(name) || isSecretMember(lastSegment(name))) ? `${part.slice(0, eq)}=${REDACTED}` : part;
      })
      .join("&")
  );
}

/** awsQuery members are flattened: `LoginProfile.Password`, `Credentials.member.1.SessionToken`. */
const lastSegment = (name: string) => name.slice(name.lastIndexOf(".") + 1);

function redactJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJsonValue);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretMember(k) && v !== null && typeof v !== "object" ? REDACTED : redactJsonValue(v);
    return out;
  }
  return value;
}

const SECRET_NAMES = [...SECRET_MEMBERS].join("|");
const XML_SECRET = new RegExp(`<((?:[\\w-]+:)?(?:${SECRET_NAMES}))(\\s[^>]*)?>[^<]*</\\1>`, "gi");
const JSON_SECRET = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"?`, "gi");

export type BodyFormat = "json" | "xml" | "form" | "text" | "binary" | "empty";

export interface ShownBody {
  format: BodyFormat;
  text: string;
  /** Characters (or bytes, when cut at capture) of the full body, when `text` is cut. */
  truncatedFrom?: number;
}

function formatOf(text: string, contentType: string): BodyFormat {
  const t = text.trimStart();
  if (!t) return "empty";
  if (/json/i.test(contentType) || t.startsWith("{") || t.startsWith("[")) return "json";
  if (/xml/i.test(contentType) || t.startsWith("<")) return "xml";
  if (/x-www-form-urlencoded/i.test(contentType) || /^[\w.%-]+=[^\s]*(&[\w.%-]+=[^\s]*)*$/.test(t)) return "form";
  return "text";
}

/** Indents XML one element per line; the text nodes are left as they are. */
export function prettyXml(xml: string): string {
  const tokens = xml.replace(/>\s+</g, "><").split(/(<[^>]+>)/).filter((t) => t !== "");
  let depth = 0;
  const lines: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      lines.push("  ".repeat(depth) + t);
    } else if (t.startsWith("<?") || t.startsWith("<!") || t.endsWith("/>")) {
      lines.push("  ".repeat(depth) + t);
    } else if (t.startsWith("<")) {
      // <a>text</a> stays on one line.
      if (tokens[i + 1] !== undefined && !tokens[i + 1].startsWith("<") && tokens[i + 2]?.startsWith("</")) {
        lines.push("  ".repeat(depth) + t + tokens[i + 1] + tokens[i + 2]);
        i += 2;
      } else {
        lines.push("  ".repeat(depth) + t);
        depth++;
      }
    } else lines.push("  ".repeat(depth) + t);
  }
  return lines.join("\n");
}

/** Redacts and pretty-prints a body of any protocol. */
export function showBody(body: string | Buffer, contentType = "", cutAtCapture?: number): ShownBody {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (typeof body !== "string" && text.includes("\uFFFD")) {
    return { format: "binary", text: `(${body.length} bytes of binary data)` };
  }
  const format = formatOf(text, contentType);
  let shown: string;
  switch (format) {
    case "json":
      try {
        shown = JSON.stringify(redactJsonValue(JSON.parse(text)), null, 2);
      } catch {
        shown = text.replace(JSON_SECRET, `$1"${REDACTED}"`);
      }
      break;
    case "xml":
      shown = prettyXml(text.replace(XML_SECRET, (_m, name: string, attrs = "") => `<${name}${attrs}>${REDACTED}</${name}>`));
      break;
    case "form":
      shown = text
        .split("&")
        .map((pair) => {
          const eq = pair.indexOf("=");
          const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
          const value = eq < 0 ? "" : safeDecode(pair.slice(eq + 1));
          return `${name}=${isSecretMember(lastSegment(name)) ? REDACTED : value}`;
        })
        .join("\n");
      break;
    default:
      shown = text;
  }
  const out: ShownBody = { format, text: shown };
  if (shown.length > MAX_SHOWN_BODY_CHARS) {
    out.text = shown.slice(0, MAX_SHOWN_BODY_CHARS) + `\n… (cut: ${shown.length} characters in all)`;
    out.truncatedFrom = shown.length;
  }
  if (cutAtCapture !== undefined) {
    out.truncatedFrom = cutAtCapture;
    if (!out.text.includes("… (cut")) out.text += `\n… (cut: ${cutAtCapture} bytes in all)`;
  }
  return out;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
};

/** The error code of a failed answer, read from the body as each protocol writes it. */
export function errorCodeOf(status: number, headers: Record<string, string>, body: string | Buffer): string | undefined {
  if (status < 400) return undefined;
  const type = headers["x-amzn-errortype"] ?? headers["X-Amzn-ErrorType"];
  if (type) return type.split(":")[0];
  const text = typeof body === "string" ? body : body.toString("utf8");
  const xml = /<Code>([^<]+)<\/Code>/.exec(text);
  if (xml) return xml[1];
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const code = doc.__type ?? doc.code ?? doc.Code;
    if (typeof code === "string") return code.slice(code.lastIndexOf("#") + 1).split(":")[0];
  } catch {
    // not JSON
  }
  return undefined;
}

/** What a table row of the log shows; `account` is resolved by the caller. */
export interface EntrySummary {
  seq: number;
  time: string;
  method: string;
  path: string;
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
  durationMs: number;
  account: string;
  region?: string;
  accessKeyId?: string;
}

export interface EntryDetail extends EntrySummary {
  requestHeaders: Record<string, string>;
  requestBody: ShownBody;
  responseHeaders: Record<string, string>;
  responseBody: ShownBody;
}

export function summarize(entry: LogEntry, account: string, scope?: { accessKeyId: string; region: string }): EntrySummary {
  const summary: EntrySummary = {
    seq: entry.seq,
    time: new Date(entry.time).toISOString(),
    method: entry.method,
    path: entry.path + redactQuery(entry.rawQuery),
    service: entry.service,
    operation: entry.operation,
    status: entry.status,
    durationMs: Math.round(entry.durationMs * 10) / 10,
    account,
  };
  if (entry.status >= 400) {
    const code = errorCodeOf(entry.status, unpackHeaders(entry).response, entry.responseBody);
    if (code) summary.errorCode = code;
  }
  if (scope) {
    summary.region = scope.region;
    summary.accessKeyId = scope.accessKeyId;
  }
  return summary;
}

export function detail(entry: LogEntry, summary: EntrySummary): EntryDetail {
  const headers = unpackHeaders(entry);
  return {
    ...summary,
    requestHeaders: redactHeaders(headers.request),
    requestBody: showBody(entry.requestBody, headers.request["content-type"] ?? "", entry.cut?.request),
    responseHeaders: redactHeaders(headers.response),
    responseBody: showBody(entry.responseBody, headers.response["content-type"] ?? "", entry.cut?.response),
  };
}

export interface LogFilter {
  service?: string;
  operation?: string;
  /** `404`, `4xx`, `5xx`, `error` (>= 400) or `ok` (< 400). */
  status?: string;
  account?: string;
  /** Case-insensitive, over the path, operation, error code and the redacted bodies. */
  text?: string;
}

export function statusMatches(status: number, wanted: string): boolean {
  const w = wanted.trim().toLowerCase();
  if (!w) return true;
  if (w === "error") return status >= 400;
  if (w === "ok") return status < 400;
  if (/^\dxx$/.test(w)) return Math.floor(status / 100) === Number(w[0]);
  return String(status) === w;
}

/** Checks the cheap fields first; bodies are formatted only for a text filter. */
export function matches(entry: LogEntry, summary: EntrySummary, filter: LogFilter): boolean {
  if (filter.service && summary.service !== filter.service) return false;
  if (filter.operation && summary.operation.toLowerCase() !== filter.operation.toLowerCase()) return false;
  if (filter.status && !statusMatches(summary.status, filter.status)) return false;
  if (filter.account && summary.account !== filter.account) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const head = `${summary.method} ${summary.path} ${summary.service} ${summary.operation} ${summary.status} ${summary.errorCode ?? ""}`;
    if (head.toLowerCase().includes(needle)) return true;
    const d = detail(entry, summary);
    return (d.requestBody.text + "\n" + d.responseBody.text).toLowerCase().includes(needle);
  }
  return true;
}
