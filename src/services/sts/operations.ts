/** What STS does, loaded on its first call (its definition is ./definition.ts). */
import { onFirstCall } from "../../core/service.js";
import { DecodeAuthorizationMessage, GetAccessKeyInfo, GetCallerIdentity } from "./identityInfo.js";

export { authorization } from "./authorization.js";
// The temporary credentials STS issues: the core resolves ASIA… keys here.
export { identity } from "./sessions.js";

// The identity calls load with the service; each family of credentials loads on its first call.
const tokens = () => import("./tokens.js");
export const handlers = {
  GetCallerIdentity,
  GetAccessKeyInfo,
  DecodeAuthorizationMessage,
  AssumeRole: onFirstCall(() => import("./assumeRole.js"), "AssumeRole"),
  AssumeRoleWithWebIdentity: onFirstCall(() => import("./webIdentity.js"), "AssumeRoleWithWebIdentity"),
  AssumeRoleWithSAML: onFirstCall(() => import("./saml.js"), "AssumeRoleWithSAML"),
  GetSessionToken: onFirstCall(tokens, "GetSessionToken"),
  GetFederationToken: onFirstCall(tokens, "GetFederationToken"),
  GetWebIdentityToken: onFirstCall(() => import("./outboundTokens.js"), "GetWebIdentityToken"),
};
