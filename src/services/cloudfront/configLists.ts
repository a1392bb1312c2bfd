import { AwsError } from "../../core/errors.js";

/**
 * The `{Quantity, Items}` lists of the configs of issue 19's families (field-level encryption,
 * continuous deployment, VPC origins): every pair anywhere in a body must agree, and reads echo
 * Quantity always and Items only when there are some.
 */
export function checkQuantities(value: unknown): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) return value.forEach(checkQuantities);
  const o = value as Record<string, unknown>;
  if (typeof o.Quantity === "number") {
    const n = Array.isArray(o.Items) ? o.Items.length : 0;
    if (n !== o.Quantity) throw new AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400);
  }
  for (const v of Object.values(o)) checkQuantities(v);
}

/** A read's list: Quantity, and Items only when not empty. */
export const listOf = <T>(items: T[] | undefined) => ({ Quantity: items?.length ?? 0, ...(items?.length ? { Items: items } : {}) });

export const invalid = (message: string) => new AwsError("InvalidArgument", message, 400);

export const required = (value: unknown, member: string) => {
  if (value === undefined || value === null || value === "") throw invalid(`The parameter ${member} is required.`);
};

/** A deep copy of a config as sent, so stored records never share objects with the request. */
export const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));
