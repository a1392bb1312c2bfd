import type {
  CreateIAMPolicyAssignmentRequest,
  CreateIAMPolicyAssignmentResponse,
  DeleteIAMPolicyAssignmentRequest,
  DeleteIAMPolicyAssignmentResponse,
  DescribeIAMPolicyAssignmentRequest,
  DescribeIAMPolicyAssignmentResponse,
  ListIAMPolicyAssignmentsForUserRequest,
  ListIAMPolicyAssignmentsForUserResponse,
  ListIAMPolicyAssignmentsRequest,
  ListIAMPolicyAssignmentsResponse,
  UpdateIAMPolicyAssignmentRequest,
  UpdateIAMPolicyAssignmentResponse,
} from "@aws-sdk/client-quicksight";
import { uuid } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { findPolicy } from "../iam/index.js";
import { compact, exists, invalid, notFound, pageArray, pageOf, quicksightValidator, requireEnterprise, scanAll, T } from "./model.js";
import { requireUsableNamespace } from "./namespaces.js";
import { requireUser } from "./users.js";

/**
 * IAM policy assignments: an IAM managed policy (which must exist) given to users and groups of
 * a namespace by name. Names are unique in the account, across namespaces.
 */
interface AssignmentRecord {
  AssignmentId: string;
  AssignmentName: string;
  AssignmentStatus: "ENABLED" | "DRAFT" | "DISABLED";
  PolicyArn?: string;
  Identities?: Record<string, string[]>;
  Namespace: string;
}

const NAME = /^(?=.{2,256}$)(?!.*\s)[0-9a-zA-Z\-_.:=+@]*$/;
const STATUSES = ["ENABLED", "DRAFT", "DISABLED"];

const key = (account: string, ns: string, name: string) => `${account}/${ns}/${name}`;

async function begin(tx: Transaction, ctx: RequestContext, input: { AwsAccountId?: string; Namespace?: string }) {
  const { sub } = await requireUsableNamespace(tx, ctx, input.AwsAccountId, input.Namespace);
  requireEnterprise(sub, ctx);
  return input.Namespace!;
}

async function requireAssignment(tx: Transaction, ctx: RequestContext, ns: string, name: string) {
  const a = await tx.get<AssignmentRecord>(T.assignments, key(ctx.account, ns, name));
  if (!a) throw notFound(`IAM policy assignment ${name} not found in namespace ${ns}.`, "IAMPOLICY_ASSIGNMENT");
  return a;
}

async function checkMembers(tx: Transaction, ctx: RequestContext, input: { AssignmentStatus?: string; PolicyArn?: string; Identities?: Record<string, string[]> }) {
  quicksightValidator().oneOf(input.AssignmentStatus, "AssignmentStatus", STATUSES).check();
  if (input.PolicyArn !== undefined) {
    if (!/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/.+$/.test(input.PolicyArn)) throw invalid(`PolicyArn ${input.PolicyArn} is not an IAM policy ARN.`);
    if (!(await findPolicy(tx, ctx.account, input.PolicyArn))) throw invalid(`PolicyArn ${input.PolicyArn} does not name an IAM managed policy of account ${ctx.account}.`);
  }
  for (const k of Object.keys(input.Identities ?? {})) if (k !== "user" && k !== "group") throw invalid(`Identities keys are user and group; ${k} is not one of them.`);
}

const output = (a: AssignmentRecord) => compact({ AssignmentName: a.AssignmentName, AssignmentId: a.AssignmentId, AssignmentStatus: a.AssignmentStatus, PolicyArn: a.PolicyArn, Identities: a.Identities });

export const CreateIAMPolicyAssignment: Handler<CreateIAMPolicyAssignmentRequest, CreateIAMPolicyAssignmentResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    quicksightValidator().pattern(input.AssignmentName, "AssignmentName", NAME, "(?=^.{2,256}$)(?!.*\\s)[0-9a-zA-Z-_.:=+@]*$").check();
    await checkMembers(tx, ctx, input);
    if (input.AssignmentStatus !== "DRAFT" && !input.PolicyArn) throw invalid("PolicyArn is required unless AssignmentStatus is DRAFT.");
    const taken = (await scanAll<AssignmentRecord>(tx, T.assignments, `${ctx.account}/`)).some(([, a]) => a.AssignmentName === input.AssignmentName);
    if (taken) throw exists(`IAM policy assignment ${input.AssignmentName} already exists in account ${ctx.account}.`, "IAMPOLICY_ASSIGNMENT");
    const record: AssignmentRecord = compact({
      AssignmentId: uuid(),
      AssignmentName: input.AssignmentName!,
      AssignmentStatus: input.AssignmentStatus!,
      PolicyArn: input.PolicyArn,
      Identities: input.Identities,
      Namespace: ns,
    });
    await tx.put(T.assignments, key(ctx.account, ns, record.AssignmentName), record);
    return { ...output(record), RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeIAMPolicyAssignment: Handler<DescribeIAMPolicyAssignmentRequest, DescribeIAMPolicyAssignmentResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    const a = await requireAssignment(tx, ctx, ns, input.AssignmentName!);
    return { IAMPolicyAssignment: { AwsAccountId: ctx.account, ...output(a) }, RequestId: ctx.requestId, Status: 200 };
  });

/** Each member given replaces the stored one. */
export const UpdateIAMPolicyAssignment: Handler<UpdateIAMPolicyAssignmentRequest, UpdateIAMPolicyAssignmentResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    const a = await requireAssignment(tx, ctx, ns, input.AssignmentName!);
    await checkMembers(tx, ctx, input);
    const updated: AssignmentRecord = compact({
      ...a,
      AssignmentStatus: (input.AssignmentStatus ?? a.AssignmentStatus) as AssignmentRecord["AssignmentStatus"],
      PolicyArn: input.PolicyArn ?? a.PolicyArn,
      Identities: input.Identities ?? a.Identities,
    });
    if (updated.AssignmentStatus !== "DRAFT" && !updated.PolicyArn) throw invalid("PolicyArn is required unless AssignmentStatus is DRAFT.");
    await tx.put(T.assignments, key(ctx.account, ns, a.AssignmentName), updated);
    return { ...output(updated), RequestId: ctx.requestId, Status: 200 };
  });

export const DeleteIAMPolicyAssignment: Handler<DeleteIAMPolicyAssignmentRequest, DeleteIAMPolicyAssignmentResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    const a = await requireAssignment(tx, ctx, ns, input.AssignmentName!);
    await tx.delete(T.assignments, key(ctx.account, ns, a.AssignmentName));
    return { AssignmentName: a.AssignmentName, RequestId: ctx.requestId, Status: 200 };
  });

export const ListIAMPolicyAssignments: Handler<ListIAMPolicyAssignmentsRequest, ListIAMPolicyAssignmentsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    quicksightValidator().oneOf(input.AssignmentStatus, "AssignmentStatus", STATUSES).check();
    const page = await pageOf<AssignmentRecord>(tx, ctx, T.assignments, `${ctx.account}/${ns}/`, input, (a) => !input.AssignmentStatus || a.AssignmentStatus === input.AssignmentStatus);
    return {
      IAMPolicyAssignments: page.items.map((a) => ({ AssignmentName: a.AssignmentName, AssignmentStatus: a.AssignmentStatus })),
      NextToken: page.NextToken,
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

/** The ENABLED assignments that name the user, directly or through one of its groups. */
export const ListIAMPolicyAssignmentsForUser: Handler<ListIAMPolicyAssignmentsForUserRequest, ListIAMPolicyAssignmentsForUserResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const ns = await begin(tx, ctx, input);
    const user = await requireUser(tx, ctx, ns, input.UserName!);
    const groups = new Set((await scanAll<{ GroupName: string }>(tx, T.userGroups, `${ctx.account}/${ns}/${user.UserName}\n`)).map(([, m]) => m.GroupName));
    const active = (await scanAll<AssignmentRecord>(tx, T.assignments, `${ctx.account}/${ns}/`))
      .map(([, a]) => a)
      .filter((a) => a.AssignmentStatus === "ENABLED" && (a.Identities?.user?.includes(user.UserName!) || a.Identities?.group?.some((g) => groups.has(g))))
      .map((a) => ({ AssignmentName: a.AssignmentName, PolicyArn: a.PolicyArn }));
    const page = pageArray(ctx, `${user.Arn}/assignments`, active, input);
    return { ActiveAssignments: page.items, NextToken: page.NextToken, RequestId: ctx.requestId, Status: 200 };
  });
