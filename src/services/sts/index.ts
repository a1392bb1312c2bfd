/** STS's front door: what the core and other services may use of it. */
export { sts } from "./definition.js";

/** The public keys of an account's GetWebIdentityToken tokens (a JWKS), for whoever serves the issuer's keys. */
export { tokenKeys } from "./outboundTokens.js";
