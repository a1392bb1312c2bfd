import { formOf } from "./protocols/form.js";
import type { HttpRequest } from "./protocols/protocol.js";
import type { ServiceDefinition } from "./service.js";

/** The SigV4 credential scope of a request: `AKID/yyyymmdd/region/service/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const header = (req: HttpRequest, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function credentialScopeOf(req: HttpRequest): CredentialScope | undefined {
  const auth = header(req, "authorization");
  const credential = auth ? /Credential=([^,\s]+)/.exec(auth)?.[1] : req.query.get("X-Amz-Credential") ?? undefined;
  if (!credential) return undefined;
  const [accessKeyId, date, region, service] = credential.split("/");
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}

/**
 * Which service a request is for: the SigV4 credential scope first, then the X-Amz-Target
 * prefix, the Host name, a REST path prefix, and last the query `Version` (unsigned calls).
 */
export function serviceOf(
  req: HttpRequest,
  services: readonly ServiceDefinition[],
  scope: CredentialScope | undefined,
): ServiceDefinition | undefined {
  if (scope) {
    const bySigning = services.find((s) => s.signingName === scope.service);
    if (bySigning) return bySigning;
  }
  const target = header(req, "x-amz-target");
  if (target) {
    const byTarget = services.find((s) => s.targetPrefix && target.startsWith(`${s.targetPrefix}.`));
    if (byTarget) return byTarget;
  }
  const host = header(req, "host")?.split(":")[0] ?? "";
  if (host.endsWith(".amazonaws.com")) {
    const label = host.split(".")[0];
    const byHost = services.find((s) => s.hostPrefixes.includes(label));
    if (byHost) return byHost;
  }
  const byPath = services.find((s) => s.pathPrefixes?.some((p) => req.path.startsWith(p)));
  if (byPath) return byPath;
  const version = req.query.get("Version") ?? versionInForm(req);
  if (version) return services.find((s) => s.apiVersion === version && s.protocol === "awsQuery");
  return undefined;
}

function versionInForm(req: HttpRequest): string | undefined {
  const type = header(req, "content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return undefined;
  return formOf(req).get("Version");
}
