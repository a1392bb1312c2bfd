/** Shared pieces of the auth tests: signing by hand, users with keys and policies, the CLI with other keys. */
import { execFile } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  type IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import type { CliResult } from "../harness.js";

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

export const ROOT: Creds = { accessKeyId: "test", secretAccessKey: "test" };

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === "string" ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** node:crypto as the signer's hash (it wants a constructor, with an optional HMAC key). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

export const signer = (service: string, creds: Creds, region = "us-east-1") =>
  new SignatureV4({ service, region, credentials: creds, sha256: Sha256 });

export interface RawRequest {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

const smithyRequest = (endpoint: string, r: RawRequest) => {
  const url = new URL(endpoint);
  return {
    method: r.method ?? "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: r.path ?? "/",
    query: r.query ?? {},
    headers: { host: url.host, ...(r.headers ?? {}) },
    body: r.body,
  };
};

const urlOf = (endpoint: string, path: string, query: Record<string, string | string[] | null>) => {
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${endpoint}${path}${qs ? `?${qs}` : ""}`;
};

/** Signs a request with the Authorization header (optionally at another time) and sends it. */
export async function signedFetch(endpoint: string, service: string, creds: Creds, r: RawRequest, signingDate?: Date, region = "us-east-1") {
  const signed = await signer(service, creds, region).sign(smithyRequest(endpoint, r), { signingDate });
  const { host: _host, ...headers } = signed.headers;
  return fetch(urlOf(endpoint, signed.path, signed.query as Record<string, string>), {
    method: signed.method,
    headers,
    body: signed.body,
  });
}

/** A presigned GET URL. */
export async function presignedUrl(endpoint: string, service: string, creds: Creds, r: RawRequest, expiresIn: number, signingDate?: Date) {
  const signed = await signer(service, creds).presign(smithyRequest(endpoint, { ...r, method: "GET" }), { expiresIn, signingDate });
  return urlOf(endpoint, signed.path, signed.query as Record<string, string>);
}

/** The IAM query form of an action. */
export const iamForm = (action: string, params: Record<string, string> = {}) =>
  new URLSearchParams({ Action: action, Version: "2010-05-08", ...params }).toString();

export const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

/** The `<Code>` and `<Message>` of an XML error body. */
export const xmlError = (body: string) => ({
  code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
  message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
  type: /<Type>([^<]*)<\/Type>/.exec(body)?.[1],
});

export const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

let counter = 0;
export const unique = (base: string) => `${base}${++counter}`;

/** A user with an access key and, optionally, one inline policy; answers its credentials. */
export async function userWithKey(iam: IAMClient, name: string, document?: string): Promise<Creds> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (document) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "inline", PolicyDocument: document }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

/** Puts `user` in a new group holding `document` as an inline policy. */
export async function groupPolicyFor(iam: IAMClient, user: string, document: string) {
  const group = unique("g");
  await iam.send(new CreateGroupCommand({ GroupName: group }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "p", PolicyDocument: document }));
  await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
  return group;
}

/** Attaches a new customer managed policy holding `document` to `user`. */
export async function managedPolicyFor(iam: IAMClient, user: string, document: string) {
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: unique("mp"), PolicyDocument: document }));
  await iam.send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: Policy!.Arn! }));
  return Policy!.Arn!;
}

/** `aws ...` with the given credentials (the harness's `aws` signs as test/test). */
export function awsAs(endpoint: string, creds: Creds, ...args: string[]): Promise<CliResult> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_PAGER: "",
  };
  return new Promise((resolve) => {
    execFile("aws", ["--endpoint-url", endpoint, "--output", "json", ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}
