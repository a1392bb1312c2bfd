import { createHash, createHmac } from "node:crypto";
import type { NubisConfig } from "./config.js";

/**
 * Objects a service reads from S3 (a CloudFront trust store's CA bundle). nubis has no S3: the
 * user may point `--s3-endpoint` at an S3-compatible server (MinIO, moto_server, LocalStack),
 * which the core reads path-style with a SigV4-signed GET. Credentials come from the URL's user
 * info (`http://KEY:SECRET@host:port`), else `test`/`test`. Services never see HTTP: they get
 * the bytes or why there are none.
 */
export interface ObjectLocation {
  bucket: string;
  key: string;
  region: string;
  version?: string;
}

export type ObjectRead =
  | { ok: true; body: Buffer }
  | { ok: false; reason: "NotConfigured" | "NoSuchBucket" | "NoSuchKey" | "NoSuchVersion" | "AccessDenied" | "TooLarge" | "Unreachable"; message: string };

/** Largest object read (a CA bundle is a few kilobytes). */
const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 5000;

const hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded (S3's canonical form).
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

export async function readObject(config: NubisConfig, loc: ObjectLocation, now = new Date()): Promise<ObjectRead> {
  if (!config.s3Endpoint) return { ok: false, reason: "NotConfigured", message: "nubis has no S3 endpoint to read the object from (--s3-endpoint)." };
  const base = new URL(config.s3Endpoint);
  const accessKey = decodeURIComponent(base.username) || "test";
  const secret = decodeURIComponent(base.password) || "test";
  const basePath = base.pathname.replace(/\/+$/, "");
  const path = `${basePath}/${encode(loc.bucket)}/${loc.key.split("/").map(encode).join("/")}`;
  const query = loc.version ? `versionId=${encode(loc.version)}` : "";
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const payload = hex("");
  const headers: Record<string, string> = { host: base.host, "x-amz-content-sha256": payload, "x-amz-date": amzDate };
  const signed = Object.keys(headers).sort();
  const canonical = ["GET", path, query, ...signed.map((h) => `${h}:${headers[h]}`), "", signed.join(";"), payload].join("\n");
  const scope = `${date}/${loc.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4" + secret, date), loc.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const url = `${base.protocol}//${base.host}${path}${query ? "?" + query : ""}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        "x-amz-content-sha256": payload,
        "x-amz-date": amzDate,
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`,
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, reason: "Unreachable", message: `The S3 endpoint ${base.host} could not be reached: ${(e as Error).message}` };
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (res.ok) {
    if (body.length > MAX_BYTES) return { ok: false, reason: "TooLarge", message: `The object is larger than ${MAX_BYTES} bytes.` };
    return { ok: true, body };
  }
  const code = /<Code>([^<]+)<\/Code>/.exec(body.toString("utf8"))?.[1];
  if (code === "NoSuchBucket" || code === "NoSuchKey" || code === "NoSuchVersion") return { ok: false, reason: code, message: `s3://${loc.bucket}/${loc.key}: ${code}` };
  if (res.status === 404) return { ok: false, reason: "NoSuchKey", message: `s3://${loc.bucket}/${loc.key}: NoSuchKey` };
  if (res.status === 403) return { ok: false, reason: "AccessDenied", message: `s3://${loc.bucket}/${loc.key}: AccessDenied` };
  return { ok: false, reason: "Unreachable", message: `The S3 endpoint answered ${res.status}${code ? ` ${code}` : ""}.` };
}
