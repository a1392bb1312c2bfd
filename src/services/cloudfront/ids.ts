import { randomString, UPPER_ALNUM, uuid } from "../../core/ids.js";

/** Public key ids: `K` + 13 of `[A-Z0-9]`, e.g. `K3P2N9XAOU6Q1Y`. */
export const publicKeyId = () => "K" + randomString(UPPER_ALNUM, 13);

/** Key group ids are lowercase UUIDs. */
export const keyGroupId = () => uuid();

export const API_VERSION = "2020-05-31";
export const resourceUrl = (kind: "public-key" | "key-group", id: string) => `https://cloudfront.amazonaws.com/${API_VERSION}/${kind}/${id}`;

/** CloudFront timestamps: ISO 8601 with milliseconds. */
export const isoMillis = (d: Date) => d.toISOString();
