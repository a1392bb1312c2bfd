import type {
  CreateFunctionRequest,
  CreateFunctionResult,
  DeleteFunctionRequest,
  DescribeFunctionRequest,
  DescribeFunctionResult,
  FunctionSummary,
  GetFunctionRequest,
  GetFunctionResult,
  ListFunctionsRequest,
  ListFunctionsResult,
  PublishFunctionRequest,
  PublishFunctionResult,
  TestFunctionRequest,
  TestFunctionResult,
  UpdateFunctionRequest,
  UpdateFunctionResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { runFunction } from "./functionRuntime.js";
import { arnOf, resourceUrl } from "./ids.js";
import { key, maxItemsOf, shortList } from "./model.js";
import { functionConfigOf, kvsRefs, pickStage, publishStage, type Staged, stagedPage, stagedStatus, stageNameOf, testEvent, validStage } from "./functionStages.js";
import { refuseInUse, setReferences } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch } from "./versioning.js";

/**
 * CloudFront Functions: a function has a DEVELOPMENT stage (created and updated) and, once
 * published, a LIVE stage (a copy of DEVELOPMENT). Each stage has its own ETag. Distributions
 * associate the function's ARN and run LIVE; those associations are references (references.ts).
 */
const TABLE = "cloudfront.functions";
const FUNCTION = "function";

export interface FunctionRecord extends Staged {
  Name: string;
  CreatedTime: string;
}

taggable({ type: FUNCTION, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const noSuch = (name?: string) => new AwsError("NoSuchFunctionExists", `The function ${name ?? ""} does not exist.`, 404);

export async function findFunction(tx: Transaction, account: string, name: string): Promise<FunctionRecord | undefined> {
  return NAME.test(name) ? tx.get<FunctionRecord>(TABLE, key(account, name)) : undefined;
}

async function requireFunction(tx: Transaction, account: string, name: string | undefined): Promise<FunctionRecord> {
  const found = name ? await findFunction(tx, account, name) : undefined;
  if (!found) throw noSuch(name);
  return found;
}

const stageOf = (r: FunctionRecord, stage: string | undefined) => pickStage(r, stage, () => noSuch(r.Name));
const statusOf = (tx: Transaction, ctx: RequestContext, r: FunctionRecord) => stagedStatus(tx, ctx.account, "function", r.Name, r);
const tooLarge = (limit: number) => new AwsError("FunctionSizeLimitExceeded", `The function code is larger than the maximum allowed size (${limit} bytes).`, 413);

async function summaryOf(tx: Transaction, ctx: RequestContext, r: FunctionRecord, stage: "DEVELOPMENT" | "LIVE"): Promise<FunctionSummary> {
  const s = stage === "LIVE" ? r.Live! : r.Development;
  return {
    Name: r.Name,
    Status: await statusOf(tx, ctx, r),
    FunctionConfig: functionConfigOf(s),
    FunctionMetadata: {
      FunctionARN: arnOf(ctx.account, FUNCTION, r.Name),
      Stage: stage,
      CreatedTime: new Date(r.CreatedTime),
      LastModifiedTime: new Date(s.LastModifiedTime),
    },
  };
}

export const CreateFunction: Handler<CreateFunctionRequest, CreateFunctionResult> = async (input, ctx) => {
  if (!input.Name || !NAME.test(input.Name)) throw new AwsError("InvalidArgument", "The function Name must be 1 to 64 characters: letters, digits, hyphens and underscores.");
  const tags = validTags(input.Tags);
  return ctx.transaction(async (tx) => {
    const stage = await validStage(tx, ctx, input.FunctionConfig, input.FunctionCode, ctx.quota("FunctionCodeBytes"), tooLarge);
    if (await tx.get(TABLE, key(ctx.account, input.Name!))) throw new AwsError("FunctionAlreadyExists", `A function with the name ${input.Name} already exists.`, 409);
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("FunctionsPerAccount")) {
      throw new AwsError("TooManyFunctions", "You have reached the maximum number of CloudFront functions for this AWS account.", 400);
    }
    const record: FunctionRecord = { Name: input.Name!, CreatedTime: ctx.now.toISOString(), Development: stage };
    await tx.put(TABLE, key(ctx.account, record.Name), record);
    await setReferences(tx, ctx.account, `function:${record.Name}`, [], kvsRefs(record));
    await initTags(tx, ctx, FUNCTION, record.Name, tags);
    const arn = arnOf(ctx.account, FUNCTION, record.Name);
    return { FunctionSummary: await summaryOf(tx, ctx, record, "DEVELOPMENT"), Location: resourceUrl("function", arn), ETag: record.Development.ETag };
  });
};

export const DescribeFunction: Handler<DescribeFunctionRequest, DescribeFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    const [s, stage] = stageOf(r, input.Stage);
    return { FunctionSummary: await summaryOf(tx, ctx, r, stage), ETag: s.ETag };
  });

export const GetFunction: Handler<GetFunctionRequest, GetFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    const [s] = stageOf(r, input.Stage);
    return { FunctionCode: Buffer.from(s.Code, "base64"), ETag: s.ETag, ContentType: "application/octet-stream" };
  });

export const UpdateFunction: Handler<UpdateFunctionRequest, UpdateFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    checkIfMatch(r.Development, input.IfMatch);
    const stage = await validStage(tx, ctx, input.FunctionConfig, input.FunctionCode, ctx.quota("FunctionCodeBytes"), tooLarge);
    const updated: FunctionRecord = { ...r, Development: stage };
    await tx.put(TABLE, key(ctx.account, r.Name), updated);
    await setReferences(tx, ctx.account, `function:${r.Name}`, kvsRefs(r), kvsRefs(updated));
    // The model reads this ETag from a header spelled `ETtag`; the codec writes it there.
    return { FunctionSummary: await summaryOf(tx, ctx, updated, "DEVELOPMENT"), ETag: updated.Development.ETag };
  });

/** Copies DEVELOPMENT to LIVE (functionStages.ts). */
export const PublishFunction: Handler<PublishFunctionRequest, PublishFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    checkIfMatch(r.Development, input.IfMatch);
    const updated = publishStage(r, ctx);
    await tx.put(TABLE, key(ctx.account, r.Name), updated);
    await setReferences(tx, ctx.account, `function:${r.Name}`, kvsRefs(r), kvsRefs(updated));
    return { FunctionSummary: await summaryOf(tx, ctx, updated, "LIVE") };
  });

export const DeleteFunction: Handler<DeleteFunctionRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    checkIfMatch(r.Development, input.IfMatch);
    await refuseInUse(tx, ctx.account, "function", r.Name);
    await tx.delete(TABLE, key(ctx.account, r.Name));
    await setReferences(tx, ctx.account, `function:${r.Name}`, kvsRefs(r), []);
    await dropTags(tx, ctx.account, FUNCTION, r.Name);
    return {};
  });

/** Stage=LIVE lists only published functions, with their LIVE summary. */
export const ListFunctions: Handler<ListFunctionsRequest, ListFunctionsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const stage = stageNameOf(input.Stage);
  return ctx.transaction(async (tx) => {
    const page = await stagedPage<FunctionRecord>(tx, TABLE, ctx.account, input.Marker, maxItems, stage, (r) => r.Name);
    const summaries: FunctionSummary[] = [];
    for (const r of page.items) summaries.push(await summaryOf(tx, ctx, r, stage));
    return { FunctionList: shortList(maxItems, { items: summaries, nextMarker: page.nextMarker }, (s) => s) };
  });
};

/** Runs the stage's code on the event (functionRuntime.ts); a failing function is a 200 with FunctionErrorMessage. */
export const TestFunction: Handler<TestFunctionRequest, TestFunctionResult> = async (input, ctx) => {
  // The run happens outside the transaction: it takes milliseconds and reads nothing else.
  const { stage, summary } = await ctx.transaction(async (tx) => {
    const r = await requireFunction(tx, ctx.account, input.Name);
    const [s, which] = stageOf(r, input.Stage);
    checkIfMatch(s, input.IfMatch);
    return { stage: s, summary: await summaryOf(tx, ctx, r, which) };
  });
  const event = testEvent(input.EventObject, "EventObject");
  const run = await runFunction(Buffer.from(stage.Code, "base64").toString("utf8"), event, stage.Runtime);
  return {
    TestResult: {
      FunctionSummary: summary,
      ComputeUtilization: run.utilization,
      FunctionExecutionLogs: run.logs,
      ...(run.error ? { FunctionErrorMessage: run.error } : { FunctionOutput: run.output }),
    },
  };
};

/** A LIVE function of the account, for distribution associations. */
export async function publishedFunction(tx: Transaction, account: string, arn: string): Promise<FunctionRecord | undefined> {
  const m = /^arn:aws:cloudfront::(\d{12}):function\/([a-zA-Z0-9-_]{1,64})$/.exec(arn);
  if (!m || m[1] !== account) return undefined;
  const r = await findFunction(tx, account, m[2]);
  return r?.Live ? r : undefined;
}
