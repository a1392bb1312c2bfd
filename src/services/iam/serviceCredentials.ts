import type {
  CreateServiceSpecificCredentialRequest,
  CreateServiceSpecificCredentialResponse,
  DeleteServiceSpecificCredentialRequest,
  ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse,
  ResetServiceSpecificCredentialRequest,
  ResetServiceSpecificCredentialResponse,
  ServiceSpecificCredential,
  ServiceSpecificCredentialMetadata,
  UpdateServiceSpecificCredentialRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import * as cred from "./credentials.js";
import { uniqueId } from "./ids.js";
import { childKey, isoSeconds, limitExceeded, listPage, T } from "./model.js";
import * as check from "./validation.js";
import { secureRandom } from "../../core/ids.js";

/**
 * Service-specific credentials: a user name and password for CodeCommit (Git over HTTPS) or
 * Keyspaces, or an API key for Bedrock (alias and secret, with an expiry). 2 per user and service.
 */
export interface ServiceCredentialRecord {
  ServiceSpecificCredentialId: string;
  UserId: string;
  /** Kept in step by UpdateUser, for lists across users. */
  UserName: string;
  ServiceName: string;
  ServiceUserName?: string;
  ServicePassword?: string;
  ServiceCredentialAlias?: string;
  ServiceCredentialSecret?: string;
  Status: string;
  CreateDate: string;
  ExpirationDate?: string;
}

const SERVICES = ["codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com"];
const PER_SERVICE = 2;
const DAY = 86_400_000;

const notSupported = (service: string) => new AwsError("NotSupportedService", `The specified service ${service} is not supported.`);

const password = () => secureRandom(33).toString("base64"); // 44 characters

function metadata(userName: string, c: ServiceCredentialRecord): ServiceSpecificCredentialMetadata {
  return {
    UserName: userName,
    Status: c.Status as "Active",
    ...(c.ServiceUserName ? { ServiceUserName: c.ServiceUserName } : {}),
    ...(c.ServiceCredentialAlias ? { ServiceCredentialAlias: c.ServiceCredentialAlias } : {}),
    CreateDate: new Date(c.CreateDate),
    ...(c.ExpirationDate ? { ExpirationDate: new Date(c.ExpirationDate) } : {}),
    ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
    ServiceName: c.ServiceName,
  };
}

/** With the secret: only Create and Reset show it. */
const withSecret = (userName: string, c: ServiceCredentialRecord): ServiceSpecificCredential => ({
  ...metadata(userName, c),
  ...(c.ServicePassword ? { ServicePassword: c.ServicePassword } : {}),
  ...(c.ServiceCredentialSecret ? { ServiceCredentialSecret: c.ServiceCredentialSecret } : {}),
});

const credId = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) => cred.credentialId(v, value, "ServiceSpecificCredentialId");

export const CreateServiceSpecificCredential: Handler<CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  v.range(input.CredentialAgeDays, "CredentialAgeDays", 1, 36600);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    const service = input.ServiceName!;
    if (!SERVICES.includes(service)) throw notSupported(service);
    const mine = (await cred.all<ServiceCredentialRecord>(tx, cred.KINDS.serviceCred, ctx.account, user.UserId)).filter((c) => c.ServiceName === service);
    if (mine.length >= PER_SERVICE) throw limitExceeded("ServiceSpecificCredentialsPerUserPerService", PER_SERVICE);
    const id = uniqueId("ACCA");
    const bedrock = service === "bedrock.amazonaws.com";
    // A second credential for the same service gets its own Git user name.
    const taken = new Set(mine.map((c) => c.ServiceUserName));
    const base = `${user.UserName}-at-${ctx.account}`;
    const serviceUserName = taken.has(base) ? `${user.UserName}+1-at-${ctx.account}` : base;
    const record: ServiceCredentialRecord = {
      ServiceSpecificCredentialId: id,
      UserId: user.UserId,
      UserName: user.UserName,
      ServiceName: service,
      ...(bedrock
        ? { ServiceCredentialAlias: `BedrockAPIKey-${id.slice(4, 8).toLowerCase()}-at-${ctx.account}`, ServiceCredentialSecret: password() }
        : { ServiceUserName: serviceUserName, ServicePassword: password() }),
      Status: "Active",
      CreateDate: isoSeconds(ctx.now),
      ...(input.CredentialAgeDays !== undefined ? { ExpirationDate: isoSeconds(new Date(ctx.now.getTime() + input.CredentialAgeDays * DAY)) } : {}),
    };
    await tx.put(T.serviceCreds, childKey(ctx.account, user.UserId, id), record);
    return { ServiceSpecificCredential: withSecret(user.UserName, record) };
  });
};

/** The caller's or a user's credentials, or with AllUsers every user's, optionally of one service. */
export const ListServiceSpecificCredentials: Handler<ListServiceSpecificCredentialsRequest, ListServiceSpecificCredentialsResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  cred.paging(v, input);
  v.check();
  if (input.ServiceName !== undefined && !SERVICES.includes(input.ServiceName)) throw notSupported(input.ServiceName);
  const service = input.ServiceName;
  const filter = service ? (c: ServiceCredentialRecord) => c.ServiceName === service : undefined;
  return ctx.transaction(async (tx) => {
    if (input.AllUsers) {
      const p = await paginate<ServiceCredentialRecord>(tx, T.serviceCreds, `${ctx.account}/`, { marker: input.Marker, maxItems: input.MaxItems ?? 100, filter });
      return listPage("ServiceSpecificCredentials", { items: p.items.map((c) => metadata(c.UserName, c)), next: p.next });
    }
    if (input.UserName === undefined && ctx.principal.userName === undefined) return { ServiceSpecificCredentials: [], IsTruncated: false };
    const user = await cred.subject(tx, ctx, input.UserName);
    return cred.page(tx, cred.KINDS.serviceCred, ctx.account, user.UserId, "ServiceSpecificCredentials", input, (c: ServiceCredentialRecord) => metadata(user.UserName, c), filter);
  });
};

/** A new password (or Bedrock secret) for the same credential. */
export const ResetServiceSpecificCredential: Handler<ResetServiceSpecificCredentialRequest, ResetServiceSpecificCredentialResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  credId(v, input.ServiceSpecificCredentialId);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    const c = await cred.requireCredential<ServiceCredentialRecord>(tx, cred.KINDS.serviceCred, ctx.account, user.UserId, input.ServiceSpecificCredentialId!);
    const reset = { ...c, ...(c.ServicePassword ? { ServicePassword: password() } : { ServiceCredentialSecret: password() }) };
    await tx.put(T.serviceCreds, childKey(ctx.account, user.UserId, c.ServiceSpecificCredentialId), reset);
    return { ServiceSpecificCredential: withSecret(user.UserName, reset) };
  });
};

export const UpdateServiceSpecificCredential: Handler<UpdateServiceSpecificCredentialRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  credId(v, input.ServiceSpecificCredentialId);
  cred.status(v, input.Status);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    await cred.setStatus(tx, cred.KINDS.serviceCred, ctx.account, user.UserId, input.ServiceSpecificCredentialId!, input.Status!);
    return {};
  });
};

export const DeleteServiceSpecificCredential: Handler<DeleteServiceSpecificCredentialRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  credId(v, input.ServiceSpecificCredentialId);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    await cred.remove(tx, cred.KINDS.serviceCred, ctx.account, user.UserId, input.ServiceSpecificCredentialId!);
    return {};
  });
};
