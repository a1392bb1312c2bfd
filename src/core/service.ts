import type { PolicySource } from "./auth/policy.js";
import type { NubisConfig } from "./config.js";
import type { ObjectLocation, ObjectRead } from "./objects.js";
import type { Transaction } from "./store/store.js";

export type ProtocolName = "awsQuery" | "restXml" | "restJson1" | "awsJson1_1";

/**
 * Who is calling: the root of an account, an IAM user through one of its access keys, or the
 * holder of temporary credentials (STS): an assumed-role session, a federated user, or a
 * root/user behind GetSessionToken credentials (same type and ARN as the long-term identity).
 */
export interface Principal {
  type: "root" | "user" | "assumed-role" | "federated-user";
  account: string;
  /** `arn:aws:iam::A:user/U`, `arn:aws:sts::A:assumed-role/R/S`, `arn:aws:sts::A:federated-user/N`. */
  arn: string;
  /** The account id for root, the AIDA… id for a user, `AROA…:session` for a session, `A:name` for a federated user. */
  userId: string;
  userName?: string;
  /** Temporary credentials: what the session carries beyond its identity. */
  session?: SessionFacts;
}

/** A session's facts that authorization reads (policies are snapshots taken when it was issued). */
export interface SessionFacts {
  /** The long-term identity whose policies apply: a role ARN (assumed-role), else the user or root that asked. */
  sourceArn: string;
  /** The AIDA/AROA id (or account id for root) of `sourceArn`: a role recreated under the same name is another role. */
  sourceId: string;
  /** Session policies (AssumeRole/GetFederationToken `Policy`, `PolicyArns`): when present, they also must allow. */
  policies?: PolicySource[];
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /** Authenticated with an MFA code (aws:MultiFactorAuthPresent). */
  mfa: boolean;
  /** An assumed-role session that was itself made with session credentials (1 hour at most). */
  chained?: boolean;
  issuedAt: string;
  expiration: string;
}

export interface RequestContext {
  readonly requestId: string;
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  /** The signing region; global services (IAM, CloudFront) still see where the call was signed. */
  readonly region: string;
  readonly principal: Principal;
  readonly accessKeyId: string;
  /** The request's clock: one instant for every timestamp an operation writes. */
  readonly now: Date;
  readonly config: NubisConfig;
  /** The quota in force: the configured override, else the service's default. */
  quota(name: string): number;
  /** Runs `work` as one serializable transaction; a throw rolls its writes back. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Reads an S3 object through the configured S3 endpoint (core/objects.ts); call it outside a transaction. */
  readObject(location: ObjectLocation): Promise<ObjectRead>;
}

// Handlers receive the SDK's input type and return its output type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler<I = any, O = any> = (input: I, ctx: RequestContext) => Promise<O>;

/**
 * A handler whose module loads on its first call: a service's rarer families stay out of the
 * cost of its first call (GetCallerIdentity need not load SAML's XML signature checking).
 */
export function onFirstCall<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): Handler {
  let handler: Handler | undefined;
  return async (input, ctx) => (handler ??= (await load())[name] as Handler)(input, ctx);
}

/** What an operation does, for identity-based policy evaluation (`--auth iam`). */
export interface Authorization {
  /** `iam:UpdateGroup`. */
  action: string;
  /** Every resource ARN the call touches ("*" when the action has no resource type); each must be allowed. */
  resources: string[];
  /** Service condition keys of the request (`iam:PolicyARN`), by key name. */
  context?: Record<string, string[]>;
  /** Allowed whatever the policies say (sts:GetCallerIdentity needs no permission). */
  noPermissionRequired?: boolean;
  /** Further actions the call needs (tags on a create also need the tagging action). */
  also?: Array<{ action: string; resources: string[] }>;
  /**
   * The resource-based policy of the resource touched (a KMS key policy, a role's trust policy),
   * evaluated with the caller's identity policies on ONE engine (core/auth/policy.ts `decide`):
   * - an explicit Deny in it denies;
   * - same account: a statement whose Principal names the caller (its user/role/session ARN)
   *   allows without any identity policy; one that names only the account (`arn:aws:iam::A:root`
   *   or `A`) delegates to the identity policies, which must then allow;
   * - `required` (KMS key policies, trust policies): without an Allow in it nothing is allowed,
   *   whatever the identity policies say; otherwise (S3-like) identity policies alone suffice;
   * - cross account (caller's account != `account`): both the resource policy (naming the caller
   *   or its account) and the caller's identity policies must allow.
   * The statements need `Principal`/`NotPrincipal`; parse documents with `parseResourcePolicy`.
   */
  resourcePolicy?: ResourcePolicy;
  /** AWS words the denial without a reason (sts:AssumeRole: "... on resource: R"). */
  terseDenial?: boolean;
}

export interface ResourcePolicy {
  /** Account that owns the resource. */
  account: string;
  policy: PolicySource;
  /** No access unless this policy allows (KMS key policies, role trust policies). */
  required?: boolean;
  /** How the denial message names the policy kind ("resource-based policy"). */
  kind?: string;
}

/** Declares an operation's authorization; may read the state (a group's current path). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Authorizer<I = any> = (input: I, ctx: RequestContext) => Authorization | Promise<Authorization>;

/** A credential found for an access key id, with what SigV4 verification needs. */
export interface Credential {
  principal: Principal;
  secretAccessKey: string;
  /** An Inactive key is refused like an unknown one. */
  active: boolean;
  /** Temporary credentials: the token the request must carry (X-Amz-Security-Token). */
  sessionToken?: string;
  /** Temporary credentials: ISO-8601 instant after which the key answers ExpiredToken. */
  expiration?: string;
}

/** How a service that issues identities (IAM) lends them to the core, without the core reading its tables. */
export interface IdentitySource {
  accessKey(tx: Transaction, accessKeyId: string): Promise<Credential | undefined>;
  /** Every identity-based policy in force for a principal: a user's own and its groups', a session's role's. */
  policies(tx: Transaction, principal: Principal): Promise<PolicySource[]>;
  /** The permissions boundary of the user or role behind the principal, if it has one. */
  boundary?(tx: Transaction, principal: Principal): Promise<PolicySource | undefined>;
  /** Records that a request was signed with an issued key (IAM GetAccessKeyLastUsed). */
  used?(tx: Transaction, accessKeyId: string, use: { service: string; region: string; now: Date }): Promise<void>;
}

export interface ServiceDefinition {
  /** The id used in store tables, `/_nubis/reset?service=`, health and the coverage table. */
  name: string;
  /** SigV4 signing name, as in the credential scope. */
  signingName: string;
  /** Display name for documentation. */
  title: string;
  protocol: ProtocolName;
  /** Global services keep one state per account; regional ones one per account and region. */
  global: boolean;
  apiVersion: string;
  xmlNamespace?: string;
  /** awsJson: the X-Amz-Target prefix (`TrentService`). */
  targetPrefix?: string;
  /** First labels of the service's hostnames (`iam` for iam.amazonaws.com). */
  hostPrefixes: string[];
  /** REST protocols: path prefixes that identify the service without a signature. */
  pathPrefixes?: string[];
  /**
   * Where the model has doubles: every number (QuickSight), or the members of these names
   * (CloudFront's `Weight`). Elsewhere every number is an integer.
   */
  fractionalNumbers?: boolean | string[];
  /** Code of the error for a missing required member or a wrong type. */
  validationErrorCode: string;
  /** Code of the error for an unexpected failure. */
  internalErrorCode: string;
  /** Loads the `@aws-sdk/client-*` module whose schemas define the service (on first use). */
  loadSchemas: () => Promise<Record<string, unknown>>;
  /**
   * Loads what the service does (its handlers, authorization declarations and identities) on
   * its first call, so start-up and idle memory do not grow with its operations. Until then
   * `handlers` is empty: read them through `withBehaviour`. A service without `load` carries
   * its behaviour in the definition itself.
   */
  load?: () => Promise<ServiceBehaviour>;
  /** It issues identities (`identity`), so a request signed with an unknown key loads it. */
  issuesIdentities?: boolean;
  handlers: Record<string, Handler>;
  /** Default quotas by name; overridable with `--quota <service>.<Name>=N`. */
  quotas?: Record<string, number>;
  /** Signatures older or newer than this are refused (default 5 minutes). */
  signatureWindowMinutes?: number;
  /** The identities this service issues (IAM): who owns a key (every mode), its secret and the owner's policies (`--auth signature|iam`). */
  identity?: IdentitySource;
  /** Action and resources of each operation; under `--auth iam` an operation without one is denied. */
  authorization?: Record<string, Authorizer>;
  /**
   * The tables this service keeps (family of `<name>.<family>`), each with a check of one row,
   * run on snapshots (`--init-state`, POST /_nubis/state) before anything changes: a reason when
   * the row is not one this service writes. When given, a snapshot table of the service that
   * is not listed is refused.
   */
  tables?: Record<string, (key: string, value: unknown) => string | undefined>;
  /** Its declarations carry `resourcePolicy` (KMS key policies): root's calls are declared and checked too, for the cross-account rule. */
  resourcePolicies?: boolean;
  /** Operations callers make without credentials (STS AssumeRoleWithWebIdentity): accepted unsigned in every mode. */
  unsignedOperations?: string[];
  /** The resource kinds the web console browses; loaded on the console's first use only. */
  resources?: () => Promise<ResourceKind[]>;
}

/** A resource another one points at, in the console's terms (service + kind + id). */
export interface ResourceRef {
  service: string;
  kind: string;
  id: string;
  /** What to show instead of the id (a name). */
  label?: string;
  /** When the resource lives in another account or region than the one being browsed. */
  account?: string;
  region?: string;
}

/** A link from one resource to another: what it references, or what references it. */
export interface ResourceLink extends ResourceRef {
  direction: "references" | "referencedBy";
  /** How they are related: `member of`, `attached policy`, `alias`. */
  relation: string;
}

/** One row of a resource table: the id `get` accepts, and the columns to show. */
export interface ResourceRow {
  id: string;
  columns: Record<string, string | number | boolean | null | undefined>;
}

/**
 * A resource kind as the web console browses it (DESIGN "A console that reads, services that
 * declare"). Each call runs with a root context of the browsed account and region, through the
 * service's own handlers, so the console shows what the API answers.
 */
export interface ResourceKind {
  /** Stable id in URLs: `users`, `keyGroups`. */
  name: string;
  title: string;
  /** The store table whose keys start with the account (and region, for regional services): where the console finds who holds state. */
  table: string;
  /** Keys start with the account only, in a regional service (QuickSight's identities live in one region). */
  accountKeyed?: boolean;
  /** Column names, in order, as found in `ResourceRow.columns`. */
  columns: string[];
  /** One page, in the service's order; `next` is passed back as `cursor`. */
  list(ctx: RequestContext, cursor?: string): Promise<{ rows: ResourceRow[]; next?: string }>;
  /** The resource as the service's own Get/Describe answers it (throws its AwsError when absent). */
  get(ctx: RequestContext, id: string): Promise<unknown>;
  /** What it references and what references it; `resource` is what `get` returned. */
  links?(ctx: RequestContext, id: string, resource: unknown): Promise<ResourceLink[]>;
}

/** Every item of a paged list, up to `max` (a detail view's links: bounded, never the whole account). */
export async function allPages<T>(page: (cursor?: string) => Promise<{ items: T[] | undefined; next?: string }>, max = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...(p.items ?? []));
    cursor = p.next;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/** What a service does, as its `load` gives it. */
export type ServiceBehaviour = Pick<ServiceDefinition, "handlers" | "authorization" | "identity">;

const loaded = new WeakMap<ServiceDefinition, Promise<ServiceDefinition>>();
const ready = new WeakSet<ServiceDefinition>();

/** Its behaviour is in place (loaded, or carried by the definition): reading `handlers` is meaningful. */
export const behaviourLoaded = (def: ServiceDefinition) => !def.load || ready.has(def);

/** The definition with its behaviour in place, loaded once on first use (DESIGN "Lazy by service"). */
export function withBehaviour(def: ServiceDefinition): Promise<ServiceDefinition> {
  if (!def.load) return Promise.resolve(def);
  let done = loaded.get(def);
  if (!done) {
    done = def.load().then((behaviour) => {
      ready.add(def);
      return Object.assign(def, behaviour);
    });
    loaded.set(def, done);
  }
  return done;
}

/** The identities the services issue (IAM users' keys, STS sessions), loading those services. */
export async function identitySources(services: readonly ServiceDefinition[]): Promise<IdentitySource[]> {
  const issuers = services.filter((s) => s.identity || s.issuesIdentities);
  return (await Promise.all(issuers.map(withBehaviour))).flatMap((s) => (s.identity ? [s.identity] : []));
}
