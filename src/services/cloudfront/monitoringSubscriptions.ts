import type {
  CreateMonitoringSubscriptionRequest,
  CreateMonitoringSubscriptionResult,
  DeleteMonitoringSubscriptionRequest,
  GetMonitoringSubscriptionRequest,
  GetMonitoringSubscriptionResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { requireDistribution } from "./distributions.js";
import { key, missingBody, oneOf } from "./model.js";

/** A distribution's additional real-time metrics switch: one per distribution, gone with it. */
export const TABLE = "cloudfront.monitoringSubscriptions"; // acct/distributionId -> status

const noSuch = () => new AwsError("NoSuchMonitoringSubscription", "A monitoring subscription does not exist for the specified distribution.", 404);

export const CreateMonitoringSubscription: Handler<CreateMonitoringSubscriptionRequest, CreateMonitoringSubscriptionResult> = async (input, ctx) => {
  const config = input.MonitoringSubscription?.RealtimeMetricsSubscriptionConfig;
  if (!input.MonitoringSubscription) throw missingBody();
  const status = oneOf(config?.RealtimeMetricsSubscriptionStatus, ["Enabled", "Disabled"] as const, "RealtimeMetricsSubscriptionStatus");
  return ctx.transaction(async (tx) => {
    const d = await requireDistribution(tx, ctx.account, input.DistributionId);
    if (await tx.get(TABLE, key(ctx.account, d.Id))) {
      throw new AwsError("MonitoringSubscriptionAlreadyExists", "A monitoring subscription already exists for the specified distribution.", 409);
    }
    await tx.put(TABLE, key(ctx.account, d.Id), status);
    return { MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: status } } };
  });
};

export const GetMonitoringSubscription: Handler<GetMonitoringSubscriptionRequest, GetMonitoringSubscriptionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const d = await requireDistribution(tx, ctx.account, input.DistributionId);
    const status = await tx.get<"Enabled" | "Disabled">(TABLE, key(ctx.account, d.Id));
    if (!status) throw noSuch();
    return { MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: status } } };
  });

export const DeleteMonitoringSubscription: Handler<DeleteMonitoringSubscriptionRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const d = await requireDistribution(tx, ctx.account, input.DistributionId);
    if (!(await tx.delete(TABLE, key(ctx.account, d.Id)))) throw noSuch();
    return {};
  });
