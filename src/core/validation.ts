import { AwsError } from "./errors.js";

/**
 * Collects constraint violations in the form AWS's Coral-based services report them:
 * "2 validation errors detected: Value 'x' at 'groupName' failed to satisfy constraint: ...; ...".
 * Member names are the lowerCamel form of the input member, as AWS writes them.
 */
export class Validator {
  private readonly failures: string[] = [];

  constructor(private readonly code = "ValidationError") {}

  /** Records one violation of `constraint` by the member's value. */
  fail(value: unknown, member: string, constraint: string) {
    const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
    this.failures.push(`Value ${shown} at '${lowerCamel(member)}' failed to satisfy constraint: ${constraint}`);
    return this;
  }

  required(value: unknown, member: string) {
    if (value === undefined || value === null) this.fail(value, member, "Member must not be null");
    return this;
  }

  /** Length in characters (code points, as AWS counts them); absent values pass. */
  length(value: string | undefined, member: string, min: number, max: number) {
    if (value === undefined || value === null) return this;
    const n = [...value].length;
    if (n < min) this.fail(value, member, `Member must have length greater than or equal to ${min}`);
    else if (n > max) this.fail(value, member, `Member must have length less than or equal to ${max}`);
    return this;
  }

  pattern(value: string | undefined, member: string, re: RegExp, shown: string = re.source) {
    if (value === undefined || value === null) return this;
    if (!re.test(value)) this.fail(value, member, `Member must satisfy regular expression pattern: ${shown}`);
    return this;
  }

  range(value: number | undefined, member: string, min: number, max: number) {
    if (value === undefined || value === null) return this;
    if (value < min) this.fail(value, member, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.fail(value, member, `Member must have value less than or equal to ${max}`);
    return this;
  }

  oneOf(value: string | undefined, member: string, allowed: readonly string[]) {
    if (value === undefined || value === null) return this;
    if (!allowed.includes(value)) this.fail(value, member, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
    return this;
  }

  get failed() {
    return this.failures.length > 0;
  }

  /** Throws one error listing every violation found so far. */
  check() {
    if (!this.failures.length) return;
    const n = this.failures.length;
    throw new AwsError(this.code, `${n} validation error${n > 1 ? "s" : ""} detected: ${this.failures.join("; ")}`);
  }
}

export const lowerCamel = (name: string) =>
  name
    .split(".")
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join(".");
