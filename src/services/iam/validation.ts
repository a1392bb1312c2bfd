import { AwsError } from "../../core/errors.js";
import { Validator } from "../../core/validation.js";

export const NAME_PATTERN = /^[\w+=,.@-]+$/;
const NAME_PATTERN_TEXT = "[\\w+=,.@-]+";
const PATH_PATTERN = /^(\/|\/[\u0021-\u007F]+\/)$/;
const PATH_PATTERN_TEXT = "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)";
const PATH_PREFIX_PATTERN = /^\/[\u0021-\u007F]*$/;
const PATH_PREFIX_PATTERN_TEXT = "\\u002F[\\u0021-\\u007F]*";
const POLICY_DOCUMENT_PATTERN = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;
const POLICY_DOCUMENT_PATTERN_TEXT = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_PATTERN_TEXT = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

/** IAM's validation: every failure is a `ValidationError` listing each violated constraint. */
export const iamValidator = () => new Validator("ValidationError");

export const entityName = (v: Validator, value: string | undefined, member: string, max: number) =>
  v.length(value, member, 1, max).pattern(value, member, NAME_PATTERN, NAME_PATTERN_TEXT);

export const path = (v: Validator, value: string | undefined, member: string) =>
  v.length(value, member, 1, 512).pattern(value, member, PATH_PATTERN, PATH_PATTERN_TEXT);

export const pathPrefix = (v: Validator, value: string | undefined, member = "PathPrefix") =>
  v.length(value, member, 1, 512).pattern(value, member, PATH_PREFIX_PATTERN, PATH_PREFIX_PATTERN_TEXT);

export const maxItems = (v: Validator, value: number | undefined) => v.range(value, "MaxItems", 1, 1000);

export const marker = (v: Validator, value: string | undefined) => v.length(value, "Marker", 1, 320);

export const policyDocument = (v: Validator, value: string | undefined, member = "PolicyDocument") =>
  v.length(value, member, 1, 131072).pattern(value, member, POLICY_DOCUMENT_PATTERN, POLICY_DOCUMENT_PATTERN_TEXT);

export const arn = (v: Validator, value: string | undefined, member: string) => v.length(value, member, 20, 2048);

export interface Tag {
  Key: string;
  Value: string;
}

const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_KEY_PATTERN_TEXT = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+";

export const tagKey = (v: Validator, key: string | undefined, member: string) =>
  v.required(key, member).length(key, member, 1, 128).pattern(key, member, TAG_KEY_PATTERN, TAG_KEY_PATTERN_TEXT);

/** Tags of CreateUser / CreatePolicy: at most 50, key 1–128, value 0–256, keys unique ignoring case. */
export function tags(v: Validator, value: Tag[] | undefined) {
  if (!value) return;
  if (value.length > 50) v.fail(`[${value.map((t) => `${t.Key}=${t.Value}`).join(", ")}]`, "Tags", "Member must have length less than or equal to 50");
  value.forEach((tag, i) => {
    const at = `Tags.${i + 1}.member`;
    tagKey(v, tag.Key, `${at}.Key`);
    v.length(tag.Value, `${at}.Value`, 0, 256).pattern(tag.Value, `${at}.Value`, TAG_PATTERN, TAG_PATTERN_TEXT);
  });
  v.check();
  const keys = new Set(value.map((t) => t.Key.toLowerCase()));
  if (keys.size !== value.length) {
    throw new AwsError("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  }
}

/** Size of a policy as IAM counts it against quotas: characters other than whitespace. */
export const policySize = (document: string) => document.replace(/\s/g, "").length;

/** ARN of a managed policy: `arn:aws:iam::{account|aws}:policy{path}{name}`. */
export function parsePolicyArn(value: string): { account: string; path: string; name: string } {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[\u0021-\u007F]*\/)?)([\w+=,.@-]+)$/.exec(value);
  if (!m) throw new AwsError("InvalidInput", `ARN ${value} is not valid.`);
  return { account: m[1], path: m[2], name: m[3] };
}
