import { AwsError } from "../../core/errors.js";
import type { ResourceKind } from "../../core/service.js";
import { parseKeyArn } from "../kms/index.js";
import { DescribeKeyRegistration } from "./keyRegistration.js";
import { T } from "./model.js";

/** QuickSight's resource kinds for the web console (regional), read through QuickSight's own handlers. */

/** One row per registered KMS key of the account and region; the detail is DescribeKeyRegistration's entry. */
const keyRegistrations: ResourceKind = {
  name: "keyRegistrations",
  title: "Key registrations",
  table: T.keyRegistrations,
  columns: ["KeyArn", "DefaultKey"],
  async list(ctx) {
    const out = await DescribeKeyRegistration({ AwsAccountId: ctx.account }, ctx);
    return { rows: (out.KeyRegistration ?? []).map((k) => ({ id: k.KeyArn!, columns: { KeyArn: k.KeyArn, DefaultKey: k.DefaultKey } })) };
  },
  async get(ctx, keyArn) {
    const out = await DescribeKeyRegistration({ AwsAccountId: ctx.account }, ctx);
    const entry = out.KeyRegistration?.find((k) => k.KeyArn === keyArn);
    if (!entry) throw new AwsError("ResourceNotFoundException", `KMS key ${keyArn} is not registered in account ${ctx.account}.`, 404);
    return { AwsAccountId: out.AwsAccountId, KeyRegistration: [entry] };
  },
  async links(_ctx, keyArn) {
    const arn = parseKeyArn(keyArn);
    if (!arn) return [];
    return [{ service: "kms", kind: "keys", id: arn.keyId, account: arn.account, region: arn.region, direction: "references", relation: "KMS key" }];
  },
};

export const resources: ResourceKind[] = [keyRegistrations];
