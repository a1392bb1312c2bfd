import type { ServiceDefinition } from "../../core/service.js";
import { AssumeRole } from "./assumeRole.js";
import { authorization } from "./authorization.js";
import { GetWebIdentityToken } from "./outboundTokens.js";
import { AssumeRoleWithSAML } from "./saml.js";
import { AssumeRoleWithWebIdentity } from "./webIdentity.js";
import { DecodeAuthorizationMessage, GetAccessKeyInfo, GetCallerIdentity } from "./identityInfo.js";
import { identity } from "./sessions.js";
import { GetFederationToken, GetSessionToken } from "./tokens.js";

/** The public keys of an account's GetWebIdentityToken tokens (a JWKS), for whoever serves the issuer's keys. */
export { tokenKeys } from "./outboundTokens.js";

export const sts: ServiceDefinition = {
  name: "sts",
  title: "STS",
  signingName: "sts",
  protocol: "awsQuery",
  global: false,
  apiVersion: "2011-06-15",
  xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
  hostPrefixes: ["sts"],
  validationErrorCode: "ValidationError",
  internalErrorCode: "InternalFailure",
  loadSchemas: () => import("@aws-sdk/client-sts"),
  // STS allows 15 minutes of clock skew (SPEC §8).
  signatureWindowMinutes: 15,
  // The temporary credentials STS issues: the core resolves ASIA… keys here.
  identity,
  // Web identity and SAML callers have no AWS credentials yet (iam-sts §13.3).
  unsignedOperations: ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"],
  handlers: { AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetCallerIdentity, GetSessionToken, GetFederationToken, GetAccessKeyInfo, DecodeAuthorizationMessage, GetWebIdentityToken },
  authorization,
};
