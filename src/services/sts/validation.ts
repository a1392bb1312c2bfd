import { AwsError } from "../../core/errors.js";
import { Validator } from "../../core/validation.js";

export type { Validator };

/** STS's input constraints (botocore sts/2011-06-15), in AWS's "N validation errors detected" form. */

export const stsValidator = () => new Validator("ValidationError");

export const NAME = /^[\w+=,.@-]*$/;
export const NAME_SHOWN = "[\\w+=,.@-]*";

export function sessionName(v: Validator, value: string | undefined, member: string, min = 2, max = 64) {
  v.required(value, member).length(value, member, min, max).pattern(value, member, NAME, NAME_SHOWN);
}

export function duration(v: Validator, value: number | undefined, min: number, max: number) {
  v.range(value, "DurationSeconds", min, max);
}

export function policyText(v: Validator, value: string | undefined) {
  // The plain-text limit of a session policy (AWS: 2,048 characters).
  v.length(value, "Policy", 1, 2048).pattern(value, "Policy", /^[\u0009\u000A\u000D\u0020-\u00FF]+$/u, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
}

export function policyArns(v: Validator, value: Array<{ arn?: string }> | undefined) {
  if (value === undefined) return;
  if (value.length > 10) v.fail(`[${value.map((p) => `PolicyDescriptorType(arn=${p.arn})`).join(", ")}]`, "PolicyArns", "Member must have length less than or equal to 10");
  value.forEach((p, i) => v.length(p.arn, `PolicyArns.${i + 1}.member.arn`, 20, 2048));
}

export function tags(v: Validator, value: Array<{ Key?: string; Value?: string }> | undefined) {
  if (value === undefined) return;
  if (value.length > 50) v.fail("[...]", "Tags", "Member must have length less than or equal to 50");
  value.forEach((t, i) => {
    const at = `Tags.${i + 1}.member`;
    v.required(t.Key, `${at}.key`).length(t.Key, `${at}.key`, 1, 128).pattern(t.Key, `${at}.key`, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    v.required(t.Value, `${at}.value`).length(t.Value, `${at}.value`, 0, 256).pattern(t.Value, `${at}.value`, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  });
}

export function mfa(v: Validator, serial: string | undefined, code: string | undefined) {
  v.length(serial, "SerialNumber", 9, 256).pattern(serial, "SerialNumber", /^[\w+=/:,.@-]*$/, "[\\w+=/:,.@-]*");
  v.length(code, "TokenCode", 6, 6).pattern(code, "TokenCode", /^[\d]*$/, "[\\d]*");
}

export const invalidParameter = (message: string) => new AwsError("InvalidParameterValue", message, 400);
