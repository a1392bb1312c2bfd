import type { NubisConfig } from "../config.js";
import type { HttpRequest, LoadedService } from "../protocols/protocol.js";
import type { Principal, RequestContext, ServiceDefinition } from "../service.js";
import type { Store } from "../store/store.js";
import { findCredential } from "./credentials.js";
import { evaluate, type PolicySource } from "./policy.js";
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
): Promise<Principal> {
  const def = service.def;
  try {
    const signed = parseSignedRequest(request);
    const credential = await findCredential(signed.accessKeyId, config, store, services);
    if (!credential || !credential.active) throw new AuthProblem("unknownKey", MESSAGES.unknownKey);
    checkTime(signed, now, def.signatureWindowMinutes ?? 5);
    verifySignature(request, signed, credential.secretAccessKey);
    return credential.principal;
  } catch (error) {
    if (error instanceof AuthProblem) throw authError(def.protocol, error.kind, error.message);
    throw error;
  }
}

/** The global condition keys of a request (service keys come from the operation's declaration). */
export function globalContext(ctx: RequestContext, sourceIp: string | undefined): Record<string, string[]> {
  const p = ctx.principal;
  const context: Record<string, string[]> = {
    "aws:userid": [p.userId],
    "aws:PrincipalArn": [p.arn],
    "aws:PrincipalAccount": [p.account],
    "aws:PrincipalType": [p.type === "root" ? "Account" : "User"],
    "aws:RequestedRegion": [ctx.region],
    "aws:CurrentTime": [ctx.now.toISOString().replace(/\.\d{3}Z$/, "Z")],
    "aws:EpochTime": [String(Math.floor(ctx.now.getTime() / 1000))],
    // nubis serves plain HTTP.
    "aws:SecureTransport": ["false"],
  };
  if (p.userName !== undefined) context["aws:username"] = [p.userName];
  if (sourceIp) context["aws:SourceIp"] = [sourceIp.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1")];
  return context;
}

/**
 * `--auth iam`, step two: may this principal do this operation on every resource it touches?
 * Root always may. An operation that declares nothing is denied: never silently allowed.
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
  if (p.type === "root") return;
  const denied = (message: string) => authError(def.protocol, "accessDenied", message, (code) => service.errorStatus(code));
  const declare = def.authorization?.[ctx.operation];
  if (!declare) {
    throw denied(
      `User: ${p.arn} is not authorized to perform: ${def.signingName}:${ctx.operation} because nubis has no authorization declaration for ${def.title} ${ctx.operation}`,
    );
  }
  const declared = await declare(input, ctx);
  if (declared.noPermissionRequired) return;
  const facts = { ...globalContext(ctx, sourceIp), ...declared.context };
  const policies: PolicySource[] = [];
  for (const s of services) {
    if (s.identity) policies.push(...(await store.transaction((tx) => s.identity!.policies(tx, p))));
  }
  for (const { action, resources } of [declared, ...(declared.also ?? [])]) {
    for (const resource of resources) {
      const { decision } = evaluate(policies, { action, resource, context: facts });
      if (decision === "allowed") continue;
      // AWS names no resource for an action without resource types (its docs' ListRepositories example).
      const what = `User: ${p.arn} is not authorized to perform: ${action}${resource === "*" ? "" : ` on resource: ${resource}`}`;
      throw denied(
        decision === "explicitDeny"
          ? `${what} with an explicit deny in an identity-based policy`
          : `${what} because no identity-based policy allows the ${action} action`,
      );
    }
  }
}
