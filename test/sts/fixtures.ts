/** Shared pieces of the STS tests: clients with any credentials, error checks. */
import assert from "node:assert/strict";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure } from "../harness.js";

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ROOT: Creds = { accessKeyId: "test", secretAccessKey: "test" };

export const sts = (endpoint: string, creds: Creds = ROOT, region = "us-east-1") => new STSClient(clientConfig(endpoint, region, creds as never));
export const iam = (endpoint: string, creds: Creds = ROOT) => new IAMClient(clientConfig(endpoint, "us-east-1", creds as never));

/** The credentials of an STS answer, as a client takes them. */
export const credsOf = (out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Creds => ({
  accessKeyId: out.Credentials!.AccessKeyId!,
  secretAccessKey: out.Credentials!.SecretAccessKey!,
  sessionToken: out.Credentials!.SessionToken!,
});

/** Checks the query error code, status and (exact or pattern) message of a failed call. */
export async function refused(promise: Promise<unknown>, code: string, status: number, message?: string | RegExp) {
  const error = (await failure(promise)) as Awaited<ReturnType<typeof failure>> & { Code?: string };
  assert.equal(error.Code ?? error.name, code, `error code (got ${error.name}: ${error.message})`);
  assert.equal(error.$metadata.httpStatusCode, status, `HTTP status of ${code}`);
  if (typeof message === "string") assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  return error;
}

export const CREDENTIALS = {
  accessKeyId: /^ASIA[A-Z2-7]{16}$/,
  secret: /^[A-Za-z0-9+/]{40}$/,
};

let counter = 0;
export const unique = (base: string) => `${base}${++counter}`;

export const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
