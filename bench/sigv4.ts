/**
 * AWS Signature Version 4, as the AWS SDKs sign a request (header auth, `aws4_request` scope),
 * with node:crypto only. The signing key is derived once per (date, region, service) and cached,
 * so signing one request costs two SHA-256 digests and one HMAC, as in an SDK.
 */
import { createHash, createHmac } from "node:crypto";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface UnsignedRequest {
  method: string;
  /** Path without the query string, already URI-encoded as it goes on the wire. */
  path: string;
  /** Query parameters (unencoded); sent in this order, canonicalised sorted. */
  query?: Array<[string, string]>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SignedRequest {
  method: string;
  /** Path and query string, as written on the request line. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The operation it calls, for reports. */
  op?: string;
  /** The request serialised for the wire (by the load generator, ahead of the timed part). */
  wire?: Buffer;
}

const sha256hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone). */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const keyCache = new Map<string, Buffer>();

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = keyCache.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
    keyCache.set(id, key);
  }
  return key;
}

/** `20261122T020000Z` */
export const amzDate = (d = new Date()) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

export function sign(req: UnsignedRequest, creds: Credentials, region: string, service: string, now = new Date()): SignedRequest {
  const datetime = amzDate(now);
  const date = datetime.slice(0, 8);
  const payloadHash = sha256hex(req.body);
  const headers: Record<string, string> = { ...req.headers, "x-amz-date": datetime };
  if (req.body.length || req.method === "POST" || req.method === "PUT") headers["content-length"] = String(req.body.length);
  // The SDKs sign every header but a few hop-by-hop / client ones.
  const names = Object.keys(headers)
    .filter((n) => n !== "user-agent" && n !== "content-length" && n !== "expect")
    .sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const query = req.query ?? [];
  const canonicalQuery = query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  // Non-S3 services: each path segment is encoded a second time in the canonical URI.
  const canonicalUri = req.path
    .split("/")
    .map((seg) => uriEncode(seg))
    .join("/");
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${sha256hex(canonicalRequest)}`;
  const signature = createHmac("sha256", signingKey(creds.secretAccessKey, date, region, service)).update(stringToSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const qs = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join("&");
  return { method: req.method, url: qs ? `${req.path}?${qs}` : req.path, headers, body: req.body };
}
