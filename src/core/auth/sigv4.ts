import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AwsError } from "../errors.js";
import type { HttpRequest } from "../protocols/protocol.js";
import type { ProtocolName } from "../service.js";

/**
 * AWS Signature Version 4, server side: reads the Authorization header or the presigned query
 * string, rebuilds the canonical request the client signed and compares signatures.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

export const ALGORITHM = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** A presigned URL lives at most 7 days. */
const MAX_EXPIRES = 7 * 24 * 3600;

/** What a request claims about its signature, before any secret is looked at. */
export interface SignedRequest {
  presigned: boolean;
  accessKeyId: string;
  /** yyyymmdd/region/service/aws4_request */
  scope: string;
  scopeDate: string;
  region: string;
  service: string;
  /** yyyymmddThhmmssZ */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned: seconds the URL stays valid. */
  expires?: number;
  sessionToken?: string;
}

/** The error kinds of SPEC §8; each protocol spells them its own way (`authError`). */
export type AuthFailure =
  | "missing"
  | "incomplete"
  | "unknownKey"
  | "signature"
  | "expired"
  | "tokenExpired"
  | "accessDenied";

const CODES: Record<"query" | "json", Record<AuthFailure, string>> = {
  // awsQuery (IAM, STS) and restXml (CloudFront)
  query: {
    missing: "MissingAuthenticationToken",
    incomplete: "IncompleteSignature",
    unknownKey: "InvalidClientTokenId",
    signature: "SignatureDoesNotMatch",
    expired: "SignatureDoesNotMatch",
    // unconfirmed status for IAM/STS (iam-sts §13.6): 403 like the other authentication failures.
    tokenExpired: "ExpiredToken",
    accessDenied: "AccessDenied",
  },
  // restJson1 (QuickSight) and awsJson1_1 (KMS)
  json: {
    missing: "MissingAuthenticationTokenException",
    incomplete: "IncompleteSignatureException",
    unknownKey: "UnrecognizedClientException",
    signature: "InvalidSignatureException",
    expired: "InvalidSignatureException",
    tokenExpired: "ExpiredTokenException",
    accessDenied: "AccessDeniedException",
  },
};

/**
 * The error for an authentication or authorization failure in the protocol's spelling. The
 * status is 403 except: awsJson answers every client error 400 (its encoder does that), and a
 * service whose model gives the code another status (QuickSight's AccessDeniedException: 401)
 * keeps it, hence `modelStatus`.
 */
export function authError(protocol: ProtocolName, kind: AuthFailure, message: string, modelStatus?: (code: string) => number | undefined) {
  const family = protocol === "awsQuery" || protocol === "restXml" ? "query" : "json";
  const code = CODES[family][kind];
  const status = (kind === "accessDenied" ? modelStatus?.(code) : undefined) ?? (protocol === "awsJson1_1" ? 400 : 403);
  return new AwsError(code, message, status);
}

export const MESSAGES = {
  missing: "Request is missing Authentication Token",
  unknownKey: "The security token included in the request is invalid.",
  tokenExpired: "The security token included in the request is expired",
  signature:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
};

const header = (req: HttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
};

/** Reads what the request claims; throws `AuthProblem` for a malformed or absent signature. */
export class AuthProblem extends Error {
  constructor(
    readonly kind: AuthFailure,
    message: string,
  ) {
    super(message);
  }
}

export function parseSignedRequest(req: HttpRequest): SignedRequest {
  const authorization = header(req, "authorization");
  if (authorization !== undefined) return parseAuthorizationHeader(req, authorization);
  if (req.query.has("X-Amz-Algorithm") || req.query.has("X-Amz-Credential") || req.query.has("X-Amz-Signature")) {
    return parsePresigned(req);
  }
  throw new AuthProblem("missing", MESSAGES.missing);
}

function parseAuthorizationHeader(req: HttpRequest, authorization: string): SignedRequest {
  const space = authorization.indexOf(" ");
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new AuthProblem("incomplete", `Unsupported AWS 'algorithm': '${algorithm}'. Authorization=${authorization}`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const amzDate = header(req, "x-amz-date") ?? dateHeader(header(req, "date"));
  const missing: string[] = [];
  if (!fields.get("Credential")) missing.push("Authorization header requires 'Credential' parameter.");
  if (!fields.get("Signature")) missing.push("Authorization header requires 'Signature' parameter.");
  if (!fields.get("SignedHeaders")) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!amzDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length) throw new AuthProblem("incomplete", `${missing.join(" ")} Authorization=${authorization}`);
  return {
    presigned: false,
    ...credential(fields.get("Credential")!),
    amzDate: amzDate!,
    signedHeaders: fields.get("SignedHeaders")!.split(";"),
    signature: fields.get("Signature")!,
    sessionToken: header(req, "x-amz-security-token"),
  };
}

function parsePresigned(req: HttpRequest): SignedRequest {
  const q = req.query;
  const missing = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"].filter((p) => !q.get(p));
  if (missing.length) {
    throw new AuthProblem("incomplete", missing.map((p) => `AWS query-string parameters must include '${p}'.`).join(" ") + " Re-examine the query-string parameters.");
  }
  if (q.get("X-Amz-Algorithm") !== ALGORITHM) {
    throw new AuthProblem("incomplete", `Unsupported AWS 'algorithm': '${q.get("X-Amz-Algorithm")}'.`);
  }
  const expiresText = q.get("X-Amz-Expires");
  const expires = expiresText === null ? undefined : Number(expiresText);
  if (expires !== undefined && (!Number.isInteger(expires) || expires < 0 || expires > MAX_EXPIRES)) {
    throw new AuthProblem("incomplete", `X-Amz-Expires must be an integer between 0 and ${MAX_EXPIRES} seconds.`);
  }
  return {
    presigned: true,
    ...credential(q.get("X-Amz-Credential")!),
    amzDate: q.get("X-Amz-Date")!,
    signedHeaders: q.get("X-Amz-SignedHeaders")!.split(";"),
    signature: q.get("X-Amz-Signature")!,
    expires: expires ?? MAX_EXPIRES,
    sessionToken: q.get("X-Amz-Security-Token") ?? undefined,
  };
}

function credential(value: string) {
  const parts = value.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || parts.some((p) => !p)) {
    throw new AuthProblem(
      "incomplete",
      `Credential should be scoped to a valid region, service and 'aws4_request': '${value}'.`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = parts;
  return { accessKeyId, scope: parts.slice(1).join("/"), scopeDate, region, service };
}

/** `Date: Tue, 09 Apr 2024 10:00:00 GMT` as yyyymmddThhmmssZ. */
function dateHeader(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : amzDateOf(t);
}

export const amzDateOf = (t: Date) => t.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/**
 * The request's time against the server's: within the clock-skew window (5 minutes on most
 * services, 15 on IAM/STS) either way; a presigned URL also not after its date plus X-Amz-Expires.
 */
export function checkTime(signed: SignedRequest, now: Date, windowMinutes: number): void {
  const t = parseAmzDate(signed.amzDate);
  if (!t) {
    throw new AuthProblem("incomplete", `Date must be in ISO-8601 'basic format'. Got '${signed.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (signed.scopeDate !== signed.amzDate.slice(0, 8)) {
    throw new AuthProblem(
      "signature",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${signed.scopeDate}' != '${signed.amzDate.slice(0, 8)}', from '${signed.amzDate}'.`,
    );
  }
  const window = windowMinutes * 60_000;
  const nowText = amzDateOf(now);
  if (t.getTime() > now.getTime() + window) {
    throw new AuthProblem(
      "expired",
      `Signature not yet current: ${signed.amzDate} is still later than ${amzDateOf(new Date(now.getTime() + window))} (${nowText} + ${windowMinutes} min.)`,
    );
  }
  if (signed.presigned && now.getTime() > t.getTime() + signed.expires! * 1000) {
    // unconfirmed: the wording AWS's query and JSON services use for an expired presigned URL.
    throw new AuthProblem("expired", `Signature expired: ${signed.amzDate} is now earlier than ${nowText} (${signed.amzDate} + ${signed.expires} sec.)`);
  }
  // A presigned URL too: services other than S3 hold it to the skew window whatever its
  // X-Amz-Expires (STS presigned calls live 15 minutes: aws/aws-sdk-go#2167).
  if (t.getTime() < now.getTime() - window) {
    throw new AuthProblem(
      "expired",
      `Signature expired: ${signed.amzDate} is now earlier than ${amzDateOf(new Date(now.getTime() - window))} (${nowText} - ${windowMinutes} min.)`,
    );
  }
}

/** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 wants. */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * The path as clients sign it (every service but S3): dot segments and empty segments
 * removed, then the wire form (already percent-encoded once) encoded again.
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const path = `/${segments.join("/")}${segments.length && rawPath.endsWith("/") ? "/" : ""}`;
  return uriEncode(path).replace(/%2F/g, "/");
}

/**
 * The query string as clients sign it: each name and value decoded from the wire (a literal
 * `+` stays a plus: it is not form encoding), re-encoded per RFC 3986, sorted by name then
 * value; a presigned URL's own X-Amz-Signature left out.
 */
export function canonicalQuery(rawQuery: string, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decode(part.slice(eq + 1));
    if (presigned && name === "X-Amz-Signature") continue;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

/** The payload hashes the client may have signed. */
function payloadHashes(req: HttpRequest, signed: SignedRequest): string[] {
  const claimed = header(req, "x-amz-content-sha256");
  const actual = req.body.length ? sha256Hex(req.body) : EMPTY_SHA256;
  if (claimed !== undefined) {
    // A signed hash that is not the body's is a body changed in transit.
    if (claimed !== UNSIGNED_PAYLOAD && claimed !== actual) throw new AuthProblem("signature", MESSAGES.signature);
    return [claimed];
  }
  // botocore presigns with UNSIGNED-PAYLOAD, the JS SDK with the (empty) body's hash.
  return signed.presigned ? [actual, UNSIGNED_PAYLOAD] : [actual];
}

export function canonicalRequest(req: HttpRequest, signed: SignedRequest, payloadHash: string): string {
  const headers = signed.signedHeaders.map((name) => {
    const value = header(req, name) ?? "";
    return `${name}:${value.trim().replace(/\s+/g, " ")}\n`;
  });
  return [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.rawQuery ?? req.query.toString(), signed.presigned),
    headers.join(""),
    signed.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

export function signatureOf(req: HttpRequest, signed: SignedRequest, secret: string, payloadHash: string): string {
  const stringToSign = [ALGORITHM, signed.amzDate, signed.scope, sha256Hex(canonicalRequest(req, signed, payloadHash))].join("\n");
  return createHmac("sha256", signingKey(secret, signed.scopeDate, signed.region, signed.service)).update(stringToSign).digest("hex");
}

/** Throws `AuthProblem("signature")` unless the request was signed with `secret`. */
export function verifySignature(req: HttpRequest, signed: SignedRequest, secret: string): void {
  if (!signed.signedHeaders.includes("host")) {
    throw new AuthProblem("signature", MESSAGES.signature);
  }
  const given = Buffer.from(signed.signature.toLowerCase());
  for (const hash of payloadHashes(req, signed)) {
    const expected = Buffer.from(signatureOf(req, signed, secret, hash));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return;
  }
  throw new AuthProblem("signature", MESSAGES.signature);
}
