/**
 * IAM's front door: what the core and other services may use of it. Each function loads its
 * module on first use, so a service that calls one (STS, QuickSight, KMS) does not load IAM's
 * operations with its own.
 */
export { iam } from "./definition.js";
export type { RoleView } from "./roles.js";

type Roles = typeof import("./roles.js");
type Policies = typeof import("./policies.js");
type Model = typeof import("./model.js");
type Mfa = typeof import("./mfa.js");
type Oidc = typeof import("./oidcProviders.js");
type Saml = typeof import("./samlProviders.js");
type Account = typeof import("./account.js");

/** Read-only views for other services (QuickSight users and policy assignments): an IAM user by name, a managed policy by ARN. */
export const findIamUser: Model["findIamUser"] = async (...a) => (await import("./model.js")).findIamUser(...a);
export const findPolicy: Policies["findPolicy"] = async (...a) => (await import("./policies.js")).findPolicy(...a);

/** Roles, for STS (AssumeRole) and QuickSight (users registered for a role). */
export const findRole: Roles["findRole"] = async (...a) => (await import("./roles.js")).findRole(...a);
export const recordRoleUse: Roles["recordRoleUse"] = async (...a) => (await import("./roles.js")).recordRoleUse(...a);

/** For STS: MFA codes (GetSessionToken, AssumeRole with SerialNumber), identity providers (AssumeRoleWithWebIdentity/WithSAML). */
export const checkMfaCode: Mfa["checkMfaCode"] = async (...a) => (await import("./mfa.js")).checkMfaCode(...a);
export const findOidcProvider: Oidc["findOidcProvider"] = async (...a) => (await import("./oidcProviders.js")).findOidcProvider(...a);
export const findSamlProvider: Saml["findSamlProvider"] = async (...a) => (await import("./samlProviders.js")).findSamlProvider(...a);
export const outboundFederation: Account["outboundFederation"] = async (...a) => (await import("./account.js")).outboundFederation(...a);
