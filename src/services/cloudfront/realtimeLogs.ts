import type {
  CreateRealtimeLogConfigRequest,
  CreateRealtimeLogConfigResult,
  DeleteRealtimeLogConfigRequest,
  EndPoint,
  GetRealtimeLogConfigRequest,
  GetRealtimeLogConfigResult,
  ListDistributionsByRealtimeLogConfigRequest,
  ListDistributionsByRealtimeLogConfigResult,
  ListRealtimeLogConfigsRequest,
  ListRealtimeLogConfigsResult,
  RealtimeLogConfig,
  UpdateRealtimeLogConfigRequest,
  UpdateRealtimeLogConfigResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { invalid } from "./configLists.js";
import { distributionsUsing } from "./distributions.js";
import { arnOf } from "./ids.js";
import { key, listPage, maxItemsOf } from "./model.js";
import { refuseInUse } from "./references.js";
import * as check from "./validation.js";

/**
 * Real-time log configs: named (the name is the id), no ETag, and a POST-style API (Get and
 * Delete take the Name or the ARN in a body; the Name wins when both are sent). Cache
 * behaviours reference a config by ARN, declared in references.ts, which blocks the delete
 * (RealtimeLogConfigInUse) and answers ListDistributionsByRealtimeLogConfig.
 */
const TABLE = "cloudfront.realtimeLogConfigs"; // acct/name -> Record
const TYPE = "realtime-log-config";

interface Record_ {
  Name: string;
  SamplingRate: number;
  EndPoints: EndPoint[];
  Fields: string[];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[\w.-]+$/;

const noSuch = () => new AwsError("NoSuchRealtimeLogConfig", "The real-time log configuration does not exist.", 404);

const of = (account: string, r: Record_): RealtimeLogConfig => ({ ARN: arnOf(account, TYPE, r.Name), ...r });

/** The config name a request names: its Name, else the name in its ARN (which must be this account's). */
function nameOf(account: string, input: { Name?: string; ARN?: string }): string {
  if (input.Name) return input.Name;
  if (!input.ARN) throw invalid("You must specify the Name or the ARN of the real-time log configuration.");
  const prefix = arnOf(account, TYPE, "");
  return input.ARN.startsWith(prefix) ? input.ARN.slice(prefix.length) : "\u0000";
}

async function requireConfig(tx: Transaction, account: string, name: string) {
  const r = await tx.get<Record_>(TABLE, key(account, name));
  if (!r) throw noSuch();
  return r;
}

/** Whether a cache behaviour's RealtimeLogConfigArn names a config of the account. */
export async function realtimeLogConfigExists(tx: Transaction, account: string, arn: string): Promise<boolean> {
  const prefix = arnOf(account, TYPE, "");
  return arn.startsWith(prefix) && !!(await tx.get(TABLE, key(account, arn.slice(prefix.length))));
}

function valid(input: { SamplingRate?: number; EndPoints?: EndPoint[]; Fields?: string[] }): Omit<Record_, "Name"> {
  const rate = input.SamplingRate;
  if (rate === undefined || !Number.isInteger(rate) || rate < 1 || rate > 100) throw invalid("SamplingRate must be an integer from 1 to 100.");
  const endpoints = input.EndPoints ?? [];
  if (endpoints.length !== 1) throw invalid("A real-time log configuration must have exactly one endpoint.");
  for (const e of endpoints) {
    if (e.StreamType !== "Kinesis") throw invalid("The StreamType of an endpoint must be Kinesis.");
    const k = e.KinesisStreamConfig;
    if (!k || !ROLE_ARN.test(k.RoleARN ?? "")) throw invalid("KinesisStreamConfig.RoleARN must be the ARN of an IAM role.");
    if (!STREAM_ARN.test(k.StreamARN ?? "")) throw invalid("KinesisStreamConfig.StreamARN must be the ARN of a Kinesis data stream.");
  }
  const fields = input.Fields ?? [];
  if (!fields.length) throw invalid("A real-time log configuration must include at least one field.");
  if (new Set(fields).size !== fields.length) throw invalid("A field is listed more than once.");
  if (fields.some((f) => !/^[a-z][a-z0-9-]*(\(ms\))?$/.test(f))) throw invalid("One or more of the fields is not a real-time log field.");
  return {
    SamplingRate: rate,
    EndPoints: endpoints.map((e) => ({ StreamType: e.StreamType, KinesisStreamConfig: { RoleARN: e.KinesisStreamConfig!.RoleARN, StreamARN: e.KinesisStreamConfig!.StreamARN } })),
    Fields: [...fields],
  };
}

export const CreateRealtimeLogConfig: Handler<CreateRealtimeLogConfigRequest, CreateRealtimeLogConfigResult> = async (input, ctx) => {
  check.text(input.Name, "Name");
  if (!/^[\w-]+$/.test(input.Name!)) throw invalid("The Name of a real-time log configuration may contain letters, numbers, hyphens and underscores.");
  const config = { Name: input.Name!, ...valid(input) };
  return ctx.transaction(async (tx) => {
    if (await tx.get(TABLE, key(ctx.account, config.Name))) {
      throw new AwsError("RealtimeLogConfigAlreadyExists", "A real-time log configuration with this name already exists.", 409);
    }
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("RealtimeLogConfigsPerAccount")) {
      throw new AwsError("TooManyRealtimeLogConfigs", "You have reached the maximum number of real-time log configurations for this AWS account.", 400);
    }
    await tx.put(TABLE, key(ctx.account, config.Name), config);
    return { RealtimeLogConfig: of(ctx.account, config) };
  });
};

export const GetRealtimeLogConfig: Handler<GetRealtimeLogConfigRequest, GetRealtimeLogConfigResult> = async (input, ctx) => {
  const name = nameOf(ctx.account, input);
  return ctx.transaction(async (tx) => ({ RealtimeLogConfig: of(ctx.account, await requireConfig(tx, ctx.account, name)) }));
};

/** Replaces EndPoints, Fields and SamplingRate; no If-Match (the API has none). */
export const UpdateRealtimeLogConfig: Handler<UpdateRealtimeLogConfigRequest, UpdateRealtimeLogConfigResult> = async (input, ctx) => {
  const name = nameOf(ctx.account, input);
  return ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, name);
    const updated = { Name: r.Name, ...valid(input) };
    await tx.put(TABLE, key(ctx.account, r.Name), updated);
    return { RealtimeLogConfig: of(ctx.account, updated) };
  });
};

export const DeleteRealtimeLogConfig: Handler<DeleteRealtimeLogConfigRequest, Record<string, never>> = async (input, ctx) => {
  const name = nameOf(ctx.account, input);
  return ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, name);
    await refuseInUse(tx, ctx.account, "realtime-log-config", arnOf(ctx.account, TYPE, r.Name));
    await tx.delete(TABLE, key(ctx.account, r.Name));
    return {};
  });
};

export const ListRealtimeLogConfigs: Handler<ListRealtimeLogConfigsRequest, ListRealtimeLogConfigsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  return ctx.transaction(async (tx) => {
    const page = await listPage<Record_>(tx, TABLE, ctx.account, input.Marker, maxItems);
    return {
      RealtimeLogConfigs: {
        MaxItems: maxItems,
        ...(page.items.length ? { Items: page.items.map((r) => of(ctx.account, r)) } : {}),
        IsTruncated: !!page.nextMarker,
        Marker: input.Marker ?? "",
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      },
    };
  });
};

export const ListDistributionsByRealtimeLogConfig: Handler<ListDistributionsByRealtimeLogConfigRequest, ListDistributionsByRealtimeLogConfigResult> = async (
  input,
  ctx,
) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  const name = nameOf(ctx.account, { Name: input.RealtimeLogConfigName, ARN: input.RealtimeLogConfigArn });
  return ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, name);
    return { DistributionList: await distributionsUsing(tx, ctx, "realtime-log-config", arnOf(ctx.account, TYPE, r.Name), input.Marker, maxItems) };
  });
};
