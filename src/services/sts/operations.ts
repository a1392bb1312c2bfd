/** What STS does, loaded on its first call (its definition is ./definition.ts). */
import { AssumeRole } from "./assumeRole.js";
import { GetWebIdentityToken } from "./outboundTokens.js";
import { AssumeRoleWithSAML } from "./saml.js";
import { AssumeRoleWithWebIdentity } from "./webIdentity.js";
import { DecodeAuthorizationMessage, GetAccessKeyInfo, GetCallerIdentity } from "./identityInfo.js";
import { GetFederationToken, GetSessionToken } from "./tokens.js";

export { authorization } from "./authorization.js";
// The temporary credentials STS issues: the core resolves ASIA… keys here.
export { identity } from "./sessions.js";

export const handlers = { AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetCallerIdentity, GetSessionToken, GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage, GetWebIdentityToken };
