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
  query(service: string, version: string, action: string, params: Record<string, string | number> = {}, creds = credentials): Req {
    const form = new URLSearchParams({ Action: action, Version: version });
    for (const [k, v] of Object.entries(params)) form.set(k, String(v));
    const body = Buffer.from(form.toString());
    const headers = sdkHeaders(this.host, { "content-type": "application/x-www-form-urlencoded" });
    return { ...sign({ method: "POST", path: "/", headers, body }, creds, REGION, service), op: action };
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
  /** Runs `n` setup calls, `parallel` at a time. */
  async many(n: number, make: (i: number) => Req, parallel = 16): Promise<Reply[]> {
    const out: Reply[] = new Array(n);
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        out[i] = await this.call(make(i));
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
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

// ---------------------------------------------------------------- IAM roles and policy versions, STS

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });
const POLICY = (n: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${n}/*` }] });

const iamCreateRole: Workload<null> = {
  id: "iam.CreateRole",
  service: "iam",
  ops: ["CreateRole"],
  write: true,
  moto: true,
  setup: async () => null,
  source: (b, _s, size) => counter((i) => b.iam("CreateRole", { RoleName: `cr-${size.tag}-${i}`, AssumeRolePolicyDocument: TRUST })),
};

const ROLES = 50;
const iamGetRole: Workload<null> = {
  id: "iam.GetRole",
  service: "iam",
  ops: ["GetRole"],
  write: false,
  moto: true,
  setup: async (api) => {
    await api.many(ROLES, (i) => api.b.iam("CreateRole", { RoleName: `gr-${i}`, AssumeRolePolicyDocument: TRUST }));
    return null;
  },
  source: (b) => counter((k) => b.iam("GetRole", { RoleName: `gr-${k % ROLES}` })),
};

/**
 * Each request attaches a policy not yet on its role: roles x 10 policies (the per-role quota).
 * The pool outlasts every round at nubis's rate (a full run sends about 6 x 0.35 s x 10,000/s):
 * an exhausted pool would leave later rounds, and the ceiling's, with nothing to send.
 */
const iamAttachRolePolicy: Workload<string[]> = {
  id: "iam.AttachRolePolicy",
  service: "iam",
  ops: ["AttachRolePolicy"],
  write: true,
  moto: true,
  setup: async (api, size) => {
    const roles = size.quick ? 200 : 4000;
    // One at a time: moto answers 500 to CreateRole calls that race.
    await api.many(roles, (i) => api.b.iam("CreateRole", { RoleName: `ar-${i}`, AssumeRolePolicyDocument: TRUST }), 1);
    const replies = await api.many(10, (i) => api.b.iam("CreatePolicy", { PolicyName: `ap-${i}`, PolicyDocument: POLICY(i) }));
    return replies.map((r) => xmlText(r.body, "Arn") ?? "");
  },
  source: (b, arns, size) => {
    const roles = size.quick ? 200 : 4000;
    return counter((k) => b.iam("AttachRolePolicy", { RoleName: `ar-${k % roles}`, PolicyArn: arns[Math.floor(k / roles) % arns.length] }), roles * arns.length);
  },
};

/**
 * CreatePolicyVersion, as Terraform updates a policy: each policy keeps at most 5 versions, so
 * a chain per policy creates a version, then deletes the oldest before the next.
 */
const iamCreatePolicyVersion: Workload<string[]> = {
  id: "iam.CreatePolicyVersion",
  service: "iam",
  ops: ["CreatePolicyVersion"],
  write: true,
  moto: true,
  setup: async (api, size) => {
    const n = size.quick ? 2000 : 10000;
    const replies = await api.many(n, (i) => api.b.iam("CreatePolicy", { PolicyName: `pv-${i}`, PolicyDocument: POLICY(i) }));
    return replies.map((r) => xmlText(r.body, "Arn") ?? "");
  },
  // Four new versions per policy (v2..v5: the quota of 5 with v1): as many policies as requests.
  source: (b, arns) => counter((k) => b.iam("CreatePolicyVersion", { PolicyArn: arns[Math.floor(k / 4) % arns.length], PolicyDocument: POLICY(k), SetAsDefault: "true" }), arns.length * 4),
};

/** AssumeRole as an IAM user (roles may not be assumed by an account's root). */
const stsAssumeRole: Workload<Credentials> = {
  id: "sts.AssumeRole",
  service: "sts",
  ops: ["AssumeRole"],
  write: true,
  moto: true,
  setup: async (api) => {
    await api.call(api.b.iam("CreateRole", { RoleName: "bench-assume", AssumeRolePolicyDocument: TRUST }));
    await api.call(api.b.iam("CreateUser", { UserName: "bench-assumer" }));
    const key = await api.call(api.b.iam("CreateAccessKey", { UserName: "bench-assumer" }));
    return { accessKeyId: xmlText(key.body, "AccessKeyId") ?? "", secretAccessKey: xmlText(key.body, "SecretAccessKey") ?? "" };
  },
  source: (b, user) =>
    counter((k) => b.query("sts", "2011-06-15", "AssumeRole", { RoleArn: "arn:aws:iam::000000000000:role/bench-assume", RoleSessionName: `s${k}` }, user)),
};

// ---------------------------------------------------------------- KMS cryptography

const PLAINTEXT = Buffer.from("nubis benchmark plaintext, 64 bytes long, for each Encrypt call.").toString("base64");

async function kmsKey(api: Api, input: object): Promise<string> {
  const r = await api.call(api.b.kms("CreateKey", input));
  return (JSON.parse(r.body.toString("utf8")) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
}

const kmsEncrypt: Workload<string> = {
  id: "kms.Encrypt",
  service: "kms",
  ops: ["Encrypt"],
  write: false,
  moto: true,
  setup: (api) => kmsKey(api, {}),
  source: (b, key) => counter(() => b.kms("Encrypt", { KeyId: key, Plaintext: PLAINTEXT, EncryptionContext: { purpose: "bench" } })),
};

const kmsDecrypt: Workload<string> = {
  id: "kms.Decrypt",
  service: "kms",
  ops: ["Decrypt"],
  write: false,
  moto: true,
  setup: async (api) => {
    const key = await kmsKey(api, {});
    const r = await api.call(api.b.kms("Encrypt", { KeyId: key, Plaintext: PLAINTEXT, EncryptionContext: { purpose: "bench" } }));
    return (JSON.parse(r.body.toString("utf8")) as { CiphertextBlob: string }).CiphertextBlob;
  },
  source: (b, blob) => counter(() => b.kms("Decrypt", { CiphertextBlob: blob, EncryptionContext: { purpose: "bench" } })),
};

const kmsGenerateDataKey: Workload<string> = {
  id: "kms.GenerateDataKey",
  service: "kms",
  ops: ["GenerateDataKey"],
  write: false,
  moto: true,
  setup: (api) => kmsKey(api, {}),
  source: (b, key) => counter(() => b.kms("GenerateDataKey", { KeyId: key, KeySpec: "AES_256" })),
};

const DIGEST = Buffer.alloc(32, 7).toString("base64");
const MESSAGE = Buffer.from("a message of a few dozen bytes, signed as KMS's default RAW type").toString("base64");
/** Sign over a digest (DIGEST), or over the message itself (RAW, KMS's default: KMS hashes it). */
const kmsSign = (spec: string, algorithm: string, type: "DIGEST" | "RAW" = "DIGEST"): Workload<string> => ({
  id: `kms.Sign.${spec}${type === "RAW" ? ".RAW" : ""}`,
  service: "kms",
  ops: ["Sign"],
  write: false,
  moto: true,
  setup: (api) => kmsKey(api, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" }),
  source: (b, key) =>
    counter(() => b.kms("Sign", { KeyId: key, Message: type === "RAW" ? MESSAGE : DIGEST, MessageType: type, SigningAlgorithm: algorithm })),
});

// ---------------------------------------------------------------- CloudFront distributions

const distributionConfig = (ref: string, comment = "bench") =>
  `<?xml version="1.0" encoding="UTF-8"?><DistributionConfig xmlns="${CF_NS}"><CallerReference>${ref}</CallerReference>` +
  `<Origins><Quantity>1</Quantity><Items><Origin><Id>s3</Id><DomainName>bench.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig></Origin></Items></Origins>` +
  `<DefaultCacheBehavior><TargetOriginId>s3</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>` +
  `<ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues><MinTTL>0</MinTTL></DefaultCacheBehavior>` +
  `<Comment>${comment}</Comment><Enabled>true</Enabled></DistributionConfig>`;

async function distributions(api: Api, n: number, prefix: string): Promise<Array<{ id: string; etag: string }>> {
  const replies = await api.many(n, (i) => api.b.rest("cloudfront", "CreateDistribution", "POST", `${CF}/distribution`, { body: distributionConfig(`${prefix}-${i}`) }));
  return replies.map((r) => ({ id: xmlText(r.body, "Id") ?? "", etag: String(r.headers.etag ?? "") }));
}

const cfCreateDistribution: Workload<null> = {
  id: "cloudfront.CreateDistribution",
  service: "cloudfront",
  ops: ["CreateDistribution"],
  write: true,
  moto: true,
  setup: async () => null,
  source: (b, _s, size) => counter((i) => b.rest("cloudfront", "CreateDistribution", "POST", `${CF}/distribution`, { body: distributionConfig(`cd-${size.tag}-${i}`) })),
};

const cfGetDistribution: Workload<Array<{ id: string; etag: string }>> = {
  id: "cloudfront.GetDistribution",
  service: "cloudfront",
  ops: ["GetDistribution"],
  write: false,
  moto: true,
  setup: (api) => distributions(api, 20, "gd"),
  source: (b, ds) => counter((k) => b.rest("cloudfront", "GetDistribution", "GET", `${CF}/distribution/${ds[k % ds.length].id}`)),
};

/** UpdateDistribution with the current If-Match, one update in flight per distribution (as UpdateKeyGroup). */
const cfUpdateDistribution: Workload<Array<{ id: string; etag: string; ref: string }>> = {
  id: "cloudfront.UpdateDistribution",
  service: "cloudfront",
  ops: ["UpdateDistribution"],
  write: true,
  moto: true,
  setup: async (api) => (await distributions(api, 64, "ud")).map((d, i) => ({ ...d, ref: `ud-${i}` })),
  source: (b, ds) => {
    const idle = ds.map((d) => ({ ...d }));
    const busy = new Map<string, (typeof idle)[number]>();
    let n = 0;
    const s: Source = {
      lazy: 0,
      next: () => {
        const d = idle.shift();
        if (!d) return undefined;
        s.lazy++;
        const req = b.rest("cloudfront", "UpdateDistribution", "PUT", `${CF}/distribution/${d.id}/config`, { body: distributionConfig(d.ref, `update ${n++}`), headers: { "if-match": d.etag } });
        busy.set(req.headers.authorization, d);
        return req;
      },
      onReply: (req, reply) => {
        const d = busy.get(req.headers.authorization)!;
        busy.delete(req.headers.authorization);
        if (reply.headers.etag) d.etag = String(reply.headers.etag);
        idle.push(d);
      },
    };
    return s;
  },
};

// One path each, no wildcard: CloudFront allows 15 wildcard paths in progress (3,000 others).
const cfCreateInvalidation: Workload<Array<{ id: string; etag: string }>> = {
  id: "cloudfront.CreateInvalidation",
  service: "cloudfront",
  ops: ["CreateInvalidation"],
  write: true,
  moto: true,
  setup: (api) => distributions(api, 20, "ci"),
  source: (b, ds, size) =>
    counter((k) =>
      b.rest("cloudfront", "CreateInvalidation", "POST", `${CF}/distribution/${ds[k % ds.length].id}/invalidation`, {
        body: `<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="${CF_NS}"><Paths><Quantity>1</Quantity><Items><Path>/p${k}/index.html</Path></Items></Paths><CallerReference>${size.tag}-${k}</CallerReference></InvalidationBatch>`,
      }),
    ),
};

// ---------------------------------------------------------------- QuickSight users and assets

async function qsSubscribed(api: Api): Promise<string> {
  const who = await api.call(api.b.sts("GetCallerIdentity"));
  const account = xmlText(who.body, "Account") ?? "000000000000";
  await api.call(
    api.b.rest("quicksight", "CreateAccountSubscription", "POST", `/account/${account}`, {
      body: JSON.stringify({ Edition: "ENTERPRISE", AuthenticationMethod: "IAM_AND_QUICKSIGHT", AccountName: "bench", NotificationEmail: "bench@example.com" }),
      contentType: "application/json",
    }),
    // Already subscribed (409); moto has no subscription API (404) and needs none.
    (st) => st < 300 || st === 409 || st === 404,
  );
  return account;
}

const qsUser = (b: Build, account: string, name: string) =>
  b.rest("quicksight", "RegisterUser", "POST", `/accounts/${account}/namespaces/default/users`, {
    body: JSON.stringify({ IdentityType: "QUICKSIGHT", Email: `${name}@example.com`, UserRole: "READER", UserName: name }),
    contentType: "application/json",
  });

const qsRegisterUser: Workload<string> = {
  id: "quicksight.RegisterUser",
  service: "quicksight",
  ops: ["RegisterUser"],
  write: true,
  moto: true,
  setup: qsSubscribed,
  source: (b, account, size) => counter((i) => qsUser(b, account, `ru-${size.tag}-${i}`)),
};

const QS_USERS = 20;
const qsDescribeUser: Workload<string> = {
  id: "quicksight.DescribeUser",
  service: "quicksight",
  ops: ["DescribeUser"],
  write: false,
  moto: true,
  setup: async (api) => {
    const account = await qsSubscribed(api);
    await api.many(QS_USERS, (i) => qsUser(api.b, account, `du-${i}`));
    return account;
  },
  source: (b, account) => counter((k) => b.rest("quicksight", "DescribeUser", "GET", `/accounts/${account}/namespaces/default/users/du-${k % QS_USERS}`)),
};

const qsCreateDataSet: Workload<{ account: string; source: string }> = {
  id: "quicksight.CreateDataSet",
  service: "quicksight",
  ops: ["CreateDataSet"],
  write: true,
  moto: true,
  setup: async (api) => {
    const account = await qsSubscribed(api);
    const r = await api.call(
      api.b.rest("quicksight", "CreateDataSource", "POST", `/accounts/${account}/data-sources`, {
        body: JSON.stringify({ DataSourceId: "bench-source", Name: "bench", Type: "ATHENA", DataSourceParameters: { AthenaParameters: { WorkGroup: "primary" } } }),
        contentType: "application/json",
      }),
    );
    return { account, source: (JSON.parse(r.body.toString("utf8")) as { Arn: string }).Arn };
  },
  source: (b, s, size) =>
    counter((i) =>
      b.rest("quicksight", "CreateDataSet", "POST", `/accounts/${s.account}/data-sets`, {
        body: JSON.stringify({
          DataSetId: `ds-${size.tag}-${i}`,
          Name: `ds ${i}`,
          ImportMode: "DIRECT_QUERY",
          PhysicalTableMap: { t: { RelationalTable: { DataSourceArn: s.source, Name: "events", InputColumns: [{ Name: "id", Type: "STRING" }] } } },
        }),
        contentType: "application/json",
      }),
    ),
};

const qsListDashboards: Workload<string> = {
  id: "quicksight.ListDashboards",
  service: "quicksight",
  ops: ["ListDashboards"],
  write: false,
  moto: true,
  setup: qsSubscribed,
  source: (b, account) => counter(() => b.rest("quicksight", "ListDashboards", "GET", `/accounts/${account}/dashboards`)),
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
  iamCreateRole,
  iamGetRole,
  iamAttachRolePolicy,
  iamCreatePolicyVersion,
  stsAssumeRole,
  kmsEncrypt,
  kmsDecrypt,
  kmsGenerateDataKey,
  kmsSign("RSA_2048", "RSASSA_PSS_SHA_256"),
  kmsSign("RSA_2048", "RSASSA_PSS_SHA_256", "RAW"),
  kmsSign("ECC_NIST_P256", "ECDSA_SHA_256"),
  cfCreateDistribution,
  cfGetDistribution,
  cfUpdateDistribution,
  cfCreateInvalidation,
  qsRegisterUser,
  qsDescribeUser,
  qsCreateDataSet,
  qsListDashboards,
] as Workload<unknown>[];

/** Services a workload needs beyond its own (QuickSight registers KMS keys). */
export const needs: Record<string, string[]> = { quicksight: ["kms", "sts"], sts: ["iam"] };

export type { Reply };
