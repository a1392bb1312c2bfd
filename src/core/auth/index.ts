import type { NubisConfig } from "../config.js";
import type { HttpRequest, LoadedService } from "../protocols/protocol.js";
import { identitySources, type Principal, type RequestContext, type ServiceDefinition } from "../service.js";
import type { Store } from "../store/store.js";
import { inPartition } from "../partition.js";
import { findCredential } from "./credentials.js";
import { ALLOW_ALL, decide, type DeniedBy, type Layers } from "./engine.js";
import type { CallerIds, PolicySource } from "./policy.js";
import { AuthProblem, authError, checkTime, MESSAGES, parseSignedRequest, verifySignature } from "./sigv4.js";


/**
 * `--auth signature|iam`, step one: who signed the request. Answers the principal of a valid
 * signature by a known, active key; throws the protocol's error otherwise (SPEC §8).
 */
export async function authenticate(
  request: HttpRequest,
  service: LoadedService,
  config: NubisConfig,
  store: Store,
  services: readonly ServiceDefinition[],
  now: Date,
): Promise<Principal | undefined> {
  const def = service.def;
  try {
    let signed;
    try {
      signed = parseSignedRequest(request);
    } catch (error) {
      // Operations made without credentials (STS AssumeRoleWithWebIdentity/SAML) pass unsigned.
      if (error instanceof AuthProblem && error.kind === "missing" && def.unsignedOperations) {
        const operation = queryAction(request);
        if (operation && def.unsignedOperations.includes(operation)) return undefined;
      }
      throw error;
    }
    const credential = await findCredential(signed.accessKeyId, config, store, services);
    if (!credential || !credential.active) throw new AuthProblem("unknownKey", MESSAGES.unknownKey);
    if (credential.sessionToken !== undefined) {
      // Temporary credentials: the token must come with the key; then it must not have expired.
      if (signed.sessionToken !== credential.sessionToken) throw new AuthProblem("unknownKey", MESSAGES.unknownKey);
      if (credential.expiration && now.getTime() >= Date.parse(credential.expiration)) {
        throw new AuthProblem("tokenExpired", MESSAGES.tokenExpired);
      }
    }
    checkTime(signed, now, def.signatureWindowMinutes ?? 5);
    verifySignature(request, signed, credential.secretAccessKey);
    return credential.principal;
  } catch (error) {
    if (error instanceof AuthProblem) throw authError(def.protocol, error.kind, error.message);
    throw error;
  }
}

/** The `Action` of a query-protocol request (STS), from its query string or form body. */
function queryAction(request: HttpRequest): string | undefined {
  const inQuery = request.query.get("Action");
  if (inQuery) return inQuery;
  const type = String(request.headers["content-type"] ?? "");
  if (!type.startsWith("application/x-www-form-urlencoded")) return undefined;
  return new URLSearchParams(request.body.toString("utf8")).get("Action") ?? undefined;
}

/** The global condition keys of a request (service keys come from the operation's declaration). */
const PRINCIPAL_TYPES: Record<Principal["type"], string> = {
  root: "Account",
  user: "User",
  "assumed-role": "AssumedRole",
  "federated-user": "FederatedUser",
};

export function globalContext(ctx: RequestContext, sourceIp: string | undefined): Record<string, string[]> {
  const p = ctx.principal;
  const session = p.session;
  const context: Record<string, string[]> = {
    "aws:userid": [p.userId],
    // A role session's aws:PrincipalArn is its role's ARN (with path), not the session ARN.
    "aws:PrincipalArn": [p.type === "assumed-role" && session ? session.sourceArn : p.arn],
    "aws:PrincipalAccount": [p.account],
    "aws:PrincipalType": [PRINCIPAL_TYPES[p.type]],
    "aws:RequestedRegion": [ctx.region],
    "aws:CurrentTime": [ctx.now.toISOString().replace(/\.\d{3}Z$/, "Z")],
    "aws:EpochTime": [String(Math.floor(ctx.now.getTime() / 1000))],
    // nubis serves plain HTTP.
    "aws:SecureTransport": ["false"],
  };
  if (p.userName !== undefined) context["aws:username"] = [p.userName];
  if (session) {
    // Present only for temporary credentials, as AWS documents.
    context["aws:MultiFactorAuthPresent"] = [String(session.mfa)];
    if (session.mfa) context["aws:MultiFactorAuthAge"] = [String(Math.max(0, Math.floor((ctx.now.getTime() - Date.parse(session.issuedAt)) / 1000)))];
    context["aws:TokenIssueTime"] = [session.issuedAt];
    if (session.sourceIdentity) context["aws:SourceIdentity"] = [session.sourceIdentity];
    for (const [k, v] of Object.entries(session.tags ?? {})) context[`aws:PrincipalTag/${k}`] = [v];
  }
  if (sourceIp) context["aws:SourceIp"] = [sourceIp.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1")];
  return context;
}

/** How a resource-based policy's `Principal` may name this principal. */
export function callerIds(p: Principal): CallerIds {
  const aws = [p.arn];
  if (p.type === "assumed-role" && p.session) aws.unshift(p.session.sourceArn);
  return { direct: { AWS: aws }, account: p.account };
}

/** Every layer of policy in force for a principal (the session's role's, its boundary, its session policies). */
export async function layersOf(store: Store, services: readonly ServiceDefinition[], p: Principal): Promise<Layers> {
  const session = p.session;
  const identity: PolicySource[] = [];
  let boundary: PolicySource | undefined;
  // Root's own sessions (GetFederationToken as root) keep root's unlimited identity.
  if (p.type === "root" || (session && /:root$/.test(session.sourceArn))) identity.push(ALLOW_ALL);
  else {
    const sources = await identitySources(services);
    await store.transaction(async (tx) => {
      for (const source of sources) {
        identity.push(...(await source.policies(tx, p)));
        boundary ??= await source.boundary?.(tx, p);
      }
    });
  }
  return { identity, ...(boundary ? { boundary } : {}), ...(session?.policies ? { session: session.policies } : {}), callerAccount: p.account };
}

const ARTICLE: Record<DeniedBy, string> = {
  "identity-based policy": "an identity-based policy",
  "permissions boundary": "a permissions boundary",
  "session policy": "a session policy",
  "resource-based policy": "a resource-based policy",
};

/** AWS's AccessDenied text for a denial, naming the layer that decided it. */
export function denialMessage(p: Principal, action: string, resource: string, decision: "explicitDeny" | "implicitDeny", by: DeniedBy, terse = false, kind?: string) {
  // AWS names no resource for an action without resource types (its docs' ListRepositories example).
  const what = `User: ${p.arn} is not authorized to perform: ${action}${resource === "*" ? "" : ` on resource: ${resource}`}`;
  if (terse) return what;
  const layer = by === "resource-based policy" && kind ? kind : by;
  return decision === "explicitDeny"
    ? `${what} with an explicit deny in ${by === "resource-based policy" && kind ? `a ${kind}` : ARTICLE[by]}`
    : `${what} because no ${layer} allows the ${action} action`;
}

/**
 * `--auth iam`, step two: may this principal do this operation on every resource it touches?
 * Root always may in its own account. An operation that declares nothing is denied: never
 * silently allowed.
 */
export async function authorize(
  input: Record<string, unknown>,
  ctx: RequestContext,
  service: LoadedService,
  store: Store,
  services: readonly ServiceDefinition[],
  sourceIp: string | undefined,
): Promise<void> {
  const def = service.def;
  const p = ctx.principal;
  const denied = (message: string) => authError(def.protocol, "accessDenied", message, (code) => service.errorStatus(code));
  const declare = def.authorization?.[ctx.operation];
  // Root may do anything in its own account; for services with resource policies (KMS), its
  // calls are declared too, since another account's resource policy still has its say.
  if (p.type === "root" && !p.session?.policies && !def.resourcePolicies) return;
  if (!declare) {
    if (p.type === "root" && !p.session?.policies) return;
    throw denied(
      `User: ${p.arn} is not authorized to perform: ${def.signingName}:${ctx.operation} because nubis has no authorization declaration for ${def.title} ${ctx.operation}`,
    );
  }
  const declared = await declare(input, ctx);
  if (declared.noPermissionRequired) return;
  const rp = declared.resourcePolicy;
  if (p.type === "root" && (!rp || rp.account === p.account) && !p.session?.policies) return;
  // ARNs are stored in the aws partition; policies of a cn-*/us-gov-* caller name arn:aws-cn:…, arn:aws-us-gov:….
  const part = (arn: string) => inPartition(arn, ctx.region);
  const global = globalContext(ctx, sourceIp);
  global["aws:PrincipalArn"] = global["aws:PrincipalArn"].map(part);
  const facts = { ...global, ...declared.context };
  const layers: Layers = { ...(await layersOf(store, services, p)), ...(rp ? { resource: rp } : {}) };
  const ids = callerIds(p);
  const caller = { ...ids, direct: Object.fromEntries(Object.entries(ids.direct).map(([k, v]) => [k, v.map(part)])) };
  const shown = { ...p, arn: part(p.arn) };
  for (const { action, resources } of [declared, ...(declared.also ?? [])]) {
    for (const declaredResource of resources) {
      const resource = part(declaredResource);
      const verdict = decide(layers, { action, resource, context: facts, caller });
      if (verdict.decision === "allowed") continue;
      throw denied(denialMessage(shown, action, resource, verdict.decision, verdict.deniedBy ?? "identity-based policy", declared.terseDenial, rp?.kind));
    }
  }
}
