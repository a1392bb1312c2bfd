import type { Credentials } from "@aws-sdk/client-sts";
import { accountKeyId, secureRandom } from "../../core/ids.js";
import type { Credential, IdentitySource, Principal, RequestContext, SessionFacts } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";

/**
 * Temporary credentials (iam-sts §13.1, §13.6). Each session is a row keyed by its access key
 * id, so the core resolves `ASIA…` keys with one read in every region; Expiration is a stored
 * instant compared with the request's clock, never a timer.
 */

export const T = {
  sessions: "sts.sessions", // accessKeyId -> SessionRecord
} as const;

export interface SessionRecord {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  principal: Principal;
}

/** A secret in AWS's shape: 40 characters of base64's alphabet. */
const secret = () => secureRandom(30).toString("base64");

/**
 * An opaque token of several hundred characters. AWS's start with the base64 of a small
 * protobuf header (`IQoJb3JpZ2luX2Vj`); what follows is random.
 */
const sessionToken = () => `IQoJb3JpZ2luX2Vj${secureRandom(300).toString("base64")}`;

export interface NewSession {
  /** The account the credentials act in (the role's for AssumeRole). */
  account: string;
  type: Principal["type"];
  arn: string;
  userId: string;
  userName?: string;
  durationSeconds: number;
  facts: Omit<SessionFacts, "issuedAt" | "expiration">;
}

/** Stores a new session and answers its `Credentials`. */
export async function issue(tx: Transaction, ctx: RequestContext, s: NewSession): Promise<Credentials> {
  const accessKeyId = accountKeyId("ASIA", s.account);
  const expiration = new Date(ctx.now.getTime() + s.durationSeconds * 1000);
  const record: SessionRecord = {
    AccessKeyId: accessKeyId,
    SecretAccessKey: secret(),
    SessionToken: sessionToken(),
    principal: {
      type: s.type,
      account: s.account,
      arn: s.arn,
      userId: s.userId,
      ...(s.userName !== undefined ? { userName: s.userName } : {}),
      session: { ...s.facts, issuedAt: iso(ctx.now), expiration: iso(expiration) },
    },
  };
  await tx.put(T.sessions, accessKeyId, record);
  return {
    AccessKeyId: record.AccessKeyId,
    SecretAccessKey: record.SecretAccessKey,
    SessionToken: record.SessionToken,
    Expiration: expiration,
  };
}

/** ISO-8601 without milliseconds, as AWS writes instants. */
export const iso = (t: Date) => t.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The core's view of STS's sessions: who holds an `ASIA…` key, its secret, token and expiry. */
export const identity: IdentitySource = {
  async accessKey(tx, accessKeyId): Promise<Credential | undefined> {
    if (!accessKeyId.startsWith("ASIA")) return undefined;
    const record = await tx.get<SessionRecord>(T.sessions, accessKeyId);
    if (!record) return undefined;
    return {
      principal: record.principal,
      secretAccessKey: record.SecretAccessKey,
      active: true,
      sessionToken: record.SessionToken,
      expiration: record.principal.session?.expiration,
    };
  },
  // Sessions hold no identity policies of their own: IAM lends the role's or the user's.
  async policies() {
    return [];
  },
};
