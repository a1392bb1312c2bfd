import type { NubisConfig } from "./config.js";
import type { Transaction } from "./store/store.js";

export type ProtocolName = "awsQuery" | "restXml" | "restJson1" | "awsJson1_1";

/** Who is calling: the root of an account, or an IAM user through one of its access keys. */
export interface Principal {
  type: "root" | "user";
  account: string;
  arn: string;
  /** The account id for root, the AIDA… id for a user. */
  userId: string;
  userName?: string;
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
}

// Handlers receive the SDK's input type and return its output type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler<I = any, O = any> = (input: I, ctx: RequestContext) => Promise<O>;

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
  /** Code of the error for a missing required member or a wrong type. */
  validationErrorCode: string;
  /** Code of the error for an unexpected failure. */
  internalErrorCode: string;
  /** Loads the `@aws-sdk/client-*` module whose schemas define the service (on first use). */
  loadSchemas: () => Promise<Record<string, unknown>>;
  handlers: Record<string, Handler>;
  /** Default quotas by name; overridable with `--quota <service>.<Name>=N`. */
  quotas?: Record<string, number>;
  /** Maps an access key id to the principal that owns it, when this service issues keys. */
  resolveAccessKey?: (tx: Transaction, accessKeyId: string) => Promise<Principal | undefined>;
}
