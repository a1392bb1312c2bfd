/**
 * The workloads: for each, a setup (plain calls, untimed) and a stream of requests built and
 * signed like an SDK's (same method, path, headers, body and SigV4 header auth as
 * @aws-sdk/client-* v3 sends), in the service's own protocol.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { type Endpoint, Queue, type Reply, send, type Source, wire } from "./load.js";
import { type Credentials, type SignedRequest, sign } from "./sigv4.js";

export const credentials: Credentials = { accessKeyId: "test", secretAccessKey: "test" };
const REGION = "us-east-1";

/** A request with the operation it calls (for the ceiling's canned answers and error notes). */
export type Req = SignedRequest & { op: string };

const sdkHeaders = (host: string, extra: Record<string, string>) => ({
  host,
  "amz-sdk-invocation-id": randomUUID(),
  "amz-sdk-request": "attempt=1; max=1",
  "user-agent": "aws-sdk-js/3 ua/2.1 os/linux lang/js md/nodejs#20 api/bench nubis-bench",
  ...extra,
});

/** Builds signed requests for one target (its Host header is part of the signature). */
export class Build {
  constructor(readonly host: string) {}

  /** awsQuery (IAM, STS): POST / with a form body. */
  query(service: string, version: string, action: string, params: Record<string, string | number> = {}): Req {
    const form = new URLSearchParams({ Action: action, Version: version });
    for (const [k, v] of Object.entries(params)) form.set(k, String(v));
    const body = Buffer.from(form.toString());
    const headers = sdkHeaders(this.host, { "content-type": "application/x-www-form-urlencoded" });
    return { ...sign({ method: "POST", path: "/", headers, body }, credentials, REGION, service), op: action };
  }

  iam(action: string, params: Record<string, string | number> = {}) {
    return this.query("iam", "2010-05-08", action, params);
  }

  sts(action: string) {
    return this.query("sts", "2011-06-15", action);
  }

  /** awsJson1_1 (KMS): POST / with X-Amz-Target. */
  json(service: string, targetPrefix: string, action: string, input: unknown): Req {
    const body = Buffer.from(JSON.stringify(input));
    const headers = sdkHeaders(this.host, { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${targetPrefix}.${action}` });
    return { ...sign({ method: "POST", path: "/", headers, body }, credentials, REGION, service), op: action };
  }

  kms(action: string, input: unknown) {
    return this.json("kms", "TrentService", action, input);
  }

  /** restXml / restJson1: method, URI, query, headers and an optional body. */
  rest(
    service: string,
    op: string,
    method: string,
    path: string,
    opts: { query?: Array<[string, string]>; body?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Req {
    const body = Buffer.from(opts.body ?? "");
    const extra: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) extra["content-type"] = opts.contentType ?? "application/xml";
    const headers = sdkHeaders(this.host, extra);
    return { ...sign({ method, path, query: opts.query, headers, body }, credentials, REGION, service), op };
  }
}

/** Setup calls: one request at a time, failing loudly on a non-2xx answer. */
export class Api {
  readonly b: Build;
  constructor(readonly ep: Endpoint) {
    this.b = new Build(ep.host);
  }
  async call(req: Req, ok = (s: number) => s >= 200 && s < 300): Promise<Reply> {
    const reply = await send(this.ep, req);
    if (!ok(reply.status)) throw new SetupFailed(`${req.op} answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 300)}`);
    return reply;
  }
  /** Runs `n` setup calls, 16 at a time. */
  async many(n: number, make: (i: number) => Req): Promise<Reply[]> {
    const out: Reply[] = new Array(n);
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        out[i] = await this.call(make(i));
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, n) }, worker));
    return out;
  }
}

export class SetupFailed extends Error {}

const xmlText = (body: Buffer, tag: string): string | undefined => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body.toString("utf8"))?.[1];

/** A workload: what it calls, how to prepare a target for it, and its request stream. */
export interface Workload<S = unknown> {
  id: string;
  /** Service whose arrival the workload waits for (`/_nubis/health` names it). */
  service: string;
  /** Operations it calls (what moto must serve for a comparison). */
  ops: string[];
  /** Part of the write mix (the SQLite goal). */
  write: boolean;
  /** Whether moto serves every operation here (checked again by a probe). */
  moto: boolean | string;
  /** The ceiling goal applies to it. */
  mix?: boolean;
  setup(api: Api, size: Size): Promise<S>;
  source(b: Build, state: S, size: Size): Source;
}

/** Sizes of setups: smaller in --quick. */
export interface Size {
  quick: boolean;
  /** Unique tag of this run, so names never collide across targets that share nothing. */
  tag: string;
}

/** A stream from an index function (`limit` requests, or endless); prepared ahead. */
export function counter(make: (i: number) => Req, limit = Number.POSITIVE_INFINITY): Source {
  let i = 0;
  const ready = new Queue<Req>();
  const s: Source = {
    lazy: 0,
    prepare(n) {
      while (ready.length < n && i < limit) ready.push(prepared(make(i++)));
    },
    next() {
      const r = ready.shift();
      if (r) return r;
      if (i >= limit) return undefined;
      s.lazy++;
      return make(i++);
    },
  };
  return s;
}

const prepared = (r: Req) => {
  wire(r);
  return r;
};

/**
 * `pool` chains of requests where request r of chain i may only be sent once request r-1 of
 * the same chain has answered (a rename of what the previous one renamed). Requests are still
 * prepared ahead, per chain; next() takes from a chain that has nothing in flight.
 */
function chained(pool: number, make: (i: number, r: number) => Req): Source {
  const gen = new Array<number>(pool).fill(0);
  const ready = Array.from({ length: pool }, () => new Queue<Req>());
  const idle = new Queue<number>();
  for (let i = 0; i < pool; i++) idle.push(i);
  const owner = new Map<SignedRequest, number>();
  let turn = 0;
  let prepared = 0;
  const build = (i: number) => {
    const r = make(i, gen[i]++);
    owner.set(r, i);
    return r;
  };
  const s: Source = {
    lazy: 0,
    prepare(n) {
      for (; prepared < n; prepared++) {
        const i = turn++ % pool;
        const r = build(i);
        wire(r);
        ready[i].push(r);
      }
    },
    next() {
      const i = idle.shift();
      if (i === undefined) return undefined;
      const r = ready[i].shift();
      if (r) prepared--;
      else s.lazy++;
      return r ?? build(i);
    },
    onReply(req) {
      const i = owner.get(req);
      if (i === undefined) return;
      owner.delete(req);
      idle.push(i);
    },
  };
  return s;
}

// ---------------------------------------------------------------- IAM

const iamCreateGroup: Workload<null> = {
  id: "iam.CreateGroup",
  service: "iam",
  ops: ["CreateGroup"],
  write: true,
  moto: true,
  setup: async () => null,
  source: (b, _s, size) => counter((i) => b.iam("CreateGroup", { GroupName: `cg-${size.tag}-${i}`, Path: "/bench/" })),
};

// Chains of renames; at least twice the requests in flight so that no request waits for its chain.
const updatePool = (size: Size) => (size.quick ? 96 : 256);
const iamUpdateGroup: Workload<null> = {
  id: "iam.UpdateGroup",
  service: "iam",
  ops: ["UpdateGroup"],
  write: true,
  moto: true,
  setup: async (api, size) => {
    await api.many(updatePool(size), (i) => api.b.iam("CreateGroup", { GroupName: `ug-${i}-0`, Path: "/p0/" }));
    return null;
  },
  // Each request renames a group from generation r to r+1 and moves it to a new path; the next
  // rename of that group is sent only once this one has answered.
  source: (b, _s, size) =>
    chained(updatePool(size), (i, r) => b.iam("UpdateGroup", { GroupName: `ug-${i}-${r}`, NewGroupName: `ug-${i}-${r + 1}`, NewPath: `/p${(r + 1) % 2}/` })),
};

const getGroups = (size: Size) => (size.quick ? 40 : 100);
const iamGetGroup: Workload<null> = {
  id: "iam.GetGroup",
  service: "iam",
  ops: ["GetGroup"],
  write: false,
  moto: true,
  setup: async (api, size) => {
    const n = getGroups(size);
    await api.many(n, (i) => api.b.iam("CreateGroup", { GroupName: `gg-${i}` }));
    await api.many(n / 10, (i) => api.b.iam("CreateUser", { UserName: `gu-${i}` }));
    // Each group has one member: user j is in groups 10j .. 10j+9 (10 groups per user, the default quota).
    await api.many(n, (i) => api.b.iam("AddUserToGroup", { GroupName: `gg-${i}`, UserName: `gu-${Math.floor(i / 10)}` }));
    return null;
  },
  source: (b, _s, size) => counter((k) => b.iam("GetGroup", { GroupName: `gg-${k % getGroups(size)}` })),
};

const addSizes = (size: Size) => (size.quick ? { users: 100, groups: 50 } : { users: 500, groups: 100 });
const iamAddUserToGroup: Workload<null> = {
  id: "iam.AddUserToGroup",
  service: "iam",
  ops: ["AddUserToGroup"],
  write: true,
  moto: true,
  setup: async (api, size) => {
    const { users, groups } = addSizes(size);
    await api.many(users, (i) => api.b.iam("CreateUser", { UserName: `au-${i}` }));
    await api.many(groups, (i) => api.b.iam("CreateGroup", { GroupName: `ag-${i}` }));
    return null;
  },
  // Each request adds a new (user, group) pair: users x groups pairs before any repeats.
  source: (b, _s, size) => {
    const { users, groups } = addSizes(size);
    return counter((k) => b.iam("AddUserToGroup", { UserName: `au-${k % users}`, GroupName: `ag-${Math.floor(k / users) % groups}` }));
  },
};

// moto ignores MaxItems and Marker (it always answers every group), so the account holds
// exactly one page: 100 groups, listed with MaxItems=100, the same answer from both.
const LIST_GROUPS = 100;
const iamListGroups: Workload<null> = {
  id: "iam.ListGroups",
  service: "iam",
  ops: ["ListGroups"],
  write: false,
  moto: true,
  setup: async (api) => {
    await api.many(LIST_GROUPS, (i) => api.b.iam("CreateGroup", { GroupName: `lg-${String(i).padStart(3, "0")}`, Path: "/list/" }));
    return null;
  },
  source: (b) => counter(() => b.iam("ListGroups", { MaxItems: 100 })),
};

/** Equal parts of several workloads, their requests interleaved in turn. */
function mix(id: string, parts: Workload<unknown>[], moto: boolean | string): Workload<unknown[]> {
  return {
    id,
    service: parts[0].service,
    ops: parts.flatMap((p) => p.ops),
    write: false,
    moto,
    mix: true,
    setup: async (api, size) => {
      const states: unknown[] = [];
      for (const p of parts) states.push(await p.setup(api, size));
      return states;
    },
    source: (b, states, size) => {
      const sources = parts.map((p, i) => p.source(b, states[i], size));
      const from = new Map<SignedRequest, Source>();
      let k = 0;
      const s: Source = {
        get lazy() {
          return sources.reduce((a, x) => a + x.lazy, 0);
        },
        prepare(n) {
          for (const x of sources) x.prepare?.(Math.ceil(n / sources.length));
        },
        // In turn; a part with nothing to send right now (all its chains busy) passes its turn.
        next() {
          for (let tries = 0; tries < sources.length; tries++) {
            const x = sources[k++ % sources.length];
            const r = x.next();
            if (r) {
              if (x.onReply) from.set(r, x);
              return r;
            }
          }
          return undefined;
        },
        onReply(req, reply) {
          const x = from.get(req);
          if (!x) return;
          from.delete(req);
          x.onReply!(req, reply);
        },
      };
      return s;
    },
  };
}

// In the mix, CreateGroup grows the account: moto would list every group it holds (it has no
// pagination) while nubis lists one page of 100, so the mix is not compared with moto.
const iamMix = mix(
  "iam.mix",
  [iamCreateGroup, iamUpdateGroup, iamGetGroup, iamAddUserToGroup, iamListGroups] as Workload<unknown>[],
  "not compared: moto's ListGroups answers every group in the account (no MaxItems/Marker), which CreateGroup grows during the run",
);

// ---------------------------------------------------------------- CloudFront key groups

const CF = "/2020-05-31";
const CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
let pem: string | undefined;
const publicKeyPem = () =>
  (pem ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString());

const keyGroupConfig = (name: string, keyId: string, comment?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><KeyGroupConfig xmlns="${CF_NS}"><Name>${name}</Name><Items><PublicKey>${keyId}</PublicKey></Items>${
    comment === undefined ? "" : `<Comment>${comment}</Comment>`
  }</KeyGroupConfig>`;

async function createPublicKey(api: Api, name: string): Promise<string> {
  const body = `<?xml version="1.0" encoding="UTF-8"?><PublicKeyConfig xmlns="${CF_NS}"><CallerReference>${name}</CallerReference><Name>${name}</Name><EncodedKey>${publicKeyPem()}</EncodedKey></PublicKeyConfig>`;
  const reply = await api.call(api.b.rest("cloudfront", "CreatePublicKey", "POST", `${CF}/public-key`, { body }));
  const id = xmlText(reply.body, "Id");
  if (!id) throw new SetupFailed("CreatePublicKey answered no Id");
  return id;
}

interface KeyGroupState {
  publicKey: string;
  groups: Array<{ id: string; name: string; etag: string }>;
}

async function keyGroupSetup(api: Api, n: number, prefix: string): Promise<KeyGroupState> {
  const publicKey = await createPublicKey(api, `pk-${prefix}`);
  const replies = await api.many(n, (i) =>
    api.b.rest("cloudfront", "CreateKeyGroup", "POST", `${CF}/key-group`, { body: keyGroupConfig(`${prefix}-${String(i).padStart(3, "0")}`, publicKey) }),
  );
  const groups = replies.map((r, i) => ({
    id: xmlText(r.body, "Id") ?? "",
    name: `${prefix}-${String(i).padStart(3, "0")}`,
    etag: String(r.headers.etag ?? ""),
  }));
  if (groups.some((g) => !g.id)) throw new SetupFailed("CreateKeyGroup answered no Id");
  return { publicKey, groups };
}

const cfCreateKeyGroup: Workload<KeyGroupState> = {
  id: "cloudfront.CreateKeyGroup",
  service: "cloudfront",
  ops: ["CreateKeyGroup"],
  write: true,
  moto: true,
  setup: (api) => keyGroupSetup(api, 0, "ck"),
  source: (b, s, size) =>
    counter((i) => b.rest("cloudfront", "CreateKeyGroup", "POST", `${CF}/key-group`, { body: keyGroupConfig(`kg-${size.tag}-${i}`, s.publicKey) })),
};

const cfGetKeyGroup: Workload<KeyGroupState> = {
  id: "cloudfront.GetKeyGroup",
  service: "cloudfront",
  ops: ["GetKeyGroup"],
  write: false,
  moto: true,
  setup: (api) => keyGroupSetup(api, 50, "gk"),
  source: (b, s) => counter((k) => b.rest("cloudfront", "GetKeyGroup", "GET", `${CF}/key-group/${s.groups[k % s.groups.length].id}`)),
};

/**
 * UpdateKeyGroup with the current If-Match: each update answers a new ETag that the next
 * update of that group must send, so these requests are signed when sent (not prebuilt).
 */
const cfUpdateKeyGroup: Workload<KeyGroupState> = {
  id: "cloudfront.UpdateKeyGroup",
  service: "cloudfront",
  ops: ["UpdateKeyGroup"],
  write: true,
  moto: "moto 5.2 has no UpdateKeyGroup",
  setup: (api) => keyGroupSetup(api, 64, "uk"),
  source: (b, st) => {
    const idle = st.groups.map((g) => ({ ...g }));
    const busy = new Map<string, (typeof idle)[number]>();
    let n = 0;
    const s: Source = {
      lazy: 0,
      next: () => {
        const g = idle.shift();
        if (!g) return undefined;
        s.lazy++;
        const req = b.rest("cloudfront", "UpdateKeyGroup", "PUT", `${CF}/key-group/${g.id}`, {
          body: keyGroupConfig(g.name, st.publicKey, `update ${n++}`),
          headers: { "if-match": g.etag },
        });
        busy.set(req.headers.authorization, g);
        return req;
      },
      onReply: (req, reply) => {
        const g = busy.get(req.headers.authorization)!;
        busy.delete(req.headers.authorization);
        if (reply.headers.etag) g.etag = String(reply.headers.etag);
        idle.push(g);
      },
    };
    return s;
  },
};

// As for IAM: moto answers every key group whatever MaxItems says, so the account holds one page.
const cfListKeyGroups: Workload<KeyGroupState> = {
  id: "cloudfront.ListKeyGroups",
  service: "cloudfront",
  ops: ["ListKeyGroups"],
  write: false,
  moto: true,
  setup: (api) => keyGroupSetup(api, 100, "lk"),
  source: (b) => counter(() => b.rest("cloudfront", "ListKeyGroups", "GET", `${CF}/key-group`, { query: [["MaxItems", "100"]] })),
};

// ---------------------------------------------------------------- KMS and QuickSight

const kmsDescribeKey: Workload<string[]> = {
  id: "kms.DescribeKey",
  service: "kms",
  ops: ["DescribeKey"],
  write: false,
  moto: true,
  setup: async (api) => {
    const replies = await api.many(20, () => api.b.kms("CreateKey", { Description: "bench" }));
    return replies.map((r) => (JSON.parse(r.body.toString("utf8")) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId);
  },
  source: (b, keys) => counter((k) => b.kms("DescribeKey", { KeyId: keys[k % keys.length] })),
};

interface QsState {
  account: string;
  keyArns: string[];
}

async function qsSetup(api: Api): Promise<QsState> {
  const who = await api.call(api.b.sts("GetCallerIdentity"));
  const account = xmlText(who.body, "Account") ?? "000000000000";
  const keyArns: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await api.call(api.b.kms("CreateKey", { Description: "quicksight" }));
    keyArns.push((JSON.parse(r.body.toString("utf8")) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn);
  }
  return { account, keyArns };
}

const registration = (b: Build, s: QsState, arn: string) =>
  b.rest("quicksight", "UpdateKeyRegistration", "POST", `/accounts/${s.account}/key-registration`, {
    body: JSON.stringify({ KeyRegistration: [{ KeyArn: arn, DefaultKey: true }] }),
    contentType: "application/json",
  });

const qsUpdateKeyRegistration: Workload<QsState> = {
  id: "quicksight.UpdateKeyRegistration",
  service: "quicksight",
  ops: ["UpdateKeyRegistration"],
  write: true,
  moto: "moto 5.2 has no QuickSight key registration",
  setup: qsSetup,
  source: (b, s) => counter((k) => registration(b, s, s.keyArns[k % 2])),
};

const qsDescribeKeyRegistration: Workload<QsState> = {
  id: "quicksight.DescribeKeyRegistration",
  service: "quicksight",
  ops: ["DescribeKeyRegistration"],
  write: false,
  moto: "moto 5.2 has no QuickSight key registration",
  setup: async (api) => {
    const s = await qsSetup(api);
    await api.call(registration(api.b, s, s.keyArns[0]));
    return s;
  },
  source: (b, s) => counter(() => b.rest("quicksight", "DescribeKeyRegistration", "GET", `/accounts/${s.account}/key-registration`)),
};

export const workloads = [
  iamCreateGroup,
  iamUpdateGroup,
  iamGetGroup,
  iamAddUserToGroup,
  iamListGroups,
  iamMix,
  cfCreateKeyGroup,
  cfGetKeyGroup,
  cfUpdateKeyGroup,
  cfListKeyGroups,
  kmsDescribeKey,
  qsUpdateKeyRegistration,
  qsDescribeKeyRegistration,
] as Workload<unknown>[];

/** Services a workload needs beyond its own (QuickSight registers KMS keys). */
export const needs: Record<string, string[]> = { quicksight: ["kms", "sts"] };

export type { Reply };
