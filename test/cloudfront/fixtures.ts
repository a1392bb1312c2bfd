/** Shared set-up for the CloudFront tests: a client, real keys, and a snapshot of the state. */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import {
  CloudFrontClient,
  CreateKeyGroupCommand,
  CreatePublicKeyCommand,
  GetKeyGroupCommand,
  GetPublicKeyCommand,
  ListKeyGroupsCommand,
  ListPublicKeysCommand,
} from "@aws-sdk/client-cloudfront";
import { clientConfig, failure } from "../harness.js";

export const cloudFront = (endpoint: string) => new CloudFrontClient(clientConfig(endpoint));

const spki = (key: { export(o: { type: "spki"; format: "pem" }): string | Buffer }) => key.export({ type: "spki", format: "pem" }).toString();

/** A fresh RSA-2048 public key as PEM SPKI, without the trailing newline (AWS adds it). */
export const rsaPem = () => spki(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey).trimEnd();
/** A fresh EC P-256 public key as PEM SPKI. */
export const ecPem = () => spki(generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey);

let n = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

export async function createKey(client: CloudFrontClient, name = unique("key"), comment?: string) {
  const out = await client.send(
    new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: unique("ref"), Name: name, EncodedKey: rsaPem(), Comment: comment } }),
  );
  return { id: out.PublicKey!.Id!, etag: out.ETag!, out };
}

export async function createGroup(client: CloudFrontClient, items: string[], name = unique("group"), comment?: string) {
  const out = await client.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: name, Items: items, Comment: comment } }));
  return { id: out.KeyGroup!.Id!, etag: out.ETag!, out };
}

/** Every public key and key group with its ETag: compared before and after a failed call. */
export async function snapshot(client: CloudFrontClient) {
  const keys = (await client.send(new ListPublicKeysCommand({ MaxItems: 1000 }))).PublicKeyList?.Items ?? [];
  const groups = (await client.send(new ListKeyGroupsCommand({ MaxItems: 1000 }))).KeyGroupList?.Items ?? [];
  const state: Record<string, unknown> = {};
  for (const k of keys) {
    const got = await client.send(new GetPublicKeyCommand({ Id: k.Id }));
    state[k.Id!] = { etag: got.ETag, key: got.PublicKey };
  }
  for (const g of groups) {
    const got = await client.send(new GetKeyGroupCommand({ Id: g.KeyGroup!.Id }));
    state[g.KeyGroup!.Id!] = { etag: got.ETag, group: got.KeyGroup };
  }
  return state;
}

export const ETAG = /^E[A-Z0-9]{13}$/;
export const PUBLIC_KEY_ID = /^K[A-Z0-9]{13}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Empties CloudFront's state, so each test starts from no keys and no groups (quotas are small). */
export async function reset(endpoint: string) {
  const res = await fetch(`${endpoint}/_nubis/reset?service=cloudfront`, { method: "POST" });
  if (res.status !== 200) throw new Error(`reset failed: ${res.status}`);
}

export const CONNECTION_GROUP_ID = /^cg_[0-9A-Za-z]{27}$/;
export const ANYCAST_LIST_ID = /^aip_[0-9A-Za-z]{27}$/;
export const ROUTING_ENDPOINT = /^d[a-z0-9]{13}\.cloudfront\.net$/;

/**
 * Every CloudFront table row (resources, name and usage indexes, tags): equal before and after a
 * failed call means the call changed nothing at all.
 */
export async function storeState(store: { dump(): Promise<Record<string, unknown>> }) {
  const dump = await store.dump();
  return Object.fromEntries(Object.entries(dump).filter(([table]) => table.startsWith("cloudfront.")));
}

/** Calls `read` until `done` holds for its result (Terraform's waiters poll the same way). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `refused(call, code, status)`: the call must fail with that code and HTTP status, and `state()`
 * must read the same before and after it (a failed call changes nothing).
 */
export const refusal =
  (state: () => Promise<unknown>) =>
  async (call: () => Promise<unknown>, code: string, status: number) => {
    const before = await state();
    const error = await failure(call());
    assert.equal(error.name, code, error.message);
    assert.equal(error.$metadata.httpStatusCode, status);
    assert.deepEqual(await state(), before, "state unchanged after the failed call");
    return error;
  };

/** A minimal DistributionConfig (the AWS CLI's own shape), with `extra` merged over it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function distributionConfig(extra: Record<string, any> = {}, behaviour: Record<string, any> = {}): any {
  return {
    CallerReference: unique("dist"),
    Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "origin1",
      ViewerProtocolPolicy: "allow-all",
      ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
      TrustedSigners: { Enabled: false, Quantity: 0 },
      MinTTL: 0,
      ...behaviour,
    },
    Comment: "",
    Enabled: true,
    ...extra,
  };
}

export const DISTRIBUTION_ID = /^E[A-Z0-9]{13}$/;
export const DISTRIBUTION_DOMAIN = /^d[a-z0-9]{13}\.cloudfront\.net$/;
export const MANAGED_CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
