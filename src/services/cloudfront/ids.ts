import { BASE62, LOWER_ALNUM, randomString, UPPER_ALNUM, uuid } from "../../core/ids.js";

/** Public key ids: `K` + 13 of `[A-Z0-9]`, e.g. `K3P2N9XAOU6Q1Y`. */
export const publicKeyId = () => "K" + randomString(UPPER_ALNUM, 13);

/** Key group ids are lowercase UUIDs. */
export const keyGroupId = () => uuid();

/** Connection group ids: `cg_` + 27 base-62 characters (KSUID-like), e.g. `cg_2uVbA9KeWaADTbKzhj9lcKDoM25`. */
export const connectionGroupId = () => "cg_" + randomString(BASE62, 27);

/** Anycast IP list ids: `aip_` + base-62 characters; AWS's examples are anonymised, 27 like connection groups. */
export const anycastIpListId = () => "aip_" + randomString(BASE62, 27);

/** A connection group's DNS name: `d` + 13 lowercase alphanumerics, e.g. `d111111abcdef8.cloudfront.net`. */
export const routingEndpoint = () => `d${randomString(LOWER_ALNUM, 13)}.cloudfront.net`;

/** CloudFront ARNs carry no region: `arn:aws:cloudfront::{account}:{type}/{id}`. */
export const arnOf = (account: string, type: string, id: string) => `arn:aws:cloudfront::${account}:${type}/${id}`;

export const API_VERSION = "2020-05-31";
export const resourceUrl = (kind: string, id: string) => `https://cloudfront.amazonaws.com/${API_VERSION}/${kind}/${id}`;

/** CloudFront timestamps: ISO 8601 with milliseconds. */
export const isoMillis = (d: Date) => d.toISOString();

/** Distributions, OACs and OAIs: `E` + 13 of `[A-Z0-9]`, e.g. `E3S4CW6FECBL7Y`. */
export const distributionId = () => "E" + randomString(UPPER_ALNUM, 13);
/** Invalidations: `I` + 13 of `[A-Z0-9]`; a tenant's are longer (`I` + 24). */
export const invalidationId = (tenant = false) => "I" + randomString(UPPER_ALNUM, tenant ? 24 : 13);
/** Distribution tenants: `dt_` + 27 base-62 characters. */
export const tenantId = () => "dt_" + randomString(BASE62, 27);
/** An OAI's S3 canonical user id: 96 lowercase hex characters. */
export const canonicalUserId = () => randomString("0123456789abcdef", 96);
export { uuid };
/** The 13 characters of a distribution's `d…….cloudfront.net` domain name. */
export const LOWER_DOMAIN = () => randomString(LOWER_ALNUM, 13);
