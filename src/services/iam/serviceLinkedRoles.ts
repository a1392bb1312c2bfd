import { randomUUID } from "node:crypto";
import type {
  CreateServiceLinkedRoleRequest,
  CreateServiceLinkedRoleResponse,
  DeleteServiceLinkedRoleRequest,
  DeleteServiceLinkedRoleResponse,
  GetServiceLinkedRoleDeletionStatusRequest,
  GetServiceLinkedRoleDeletionStatusResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { uniqueId } from "./ids.js";
import { type Attachment, childKey, isoSeconds, limitExceeded, nameKey, T } from "./model.js";
import { findPolicy } from "./policies.js";
import { addUse, removeUse } from "./policyUsage.js";
import { description, putRole, requireRole, roleEntity, type RoleRecord, roleOutput } from "./roles.js";
import * as check from "./validation.js";

/**
 * Service-linked roles (spec iam-sts §3): roles a service creates for itself, under
 * `/aws-service-role/{service}/`, trusting only that service and protected from changes but
 * their description. Deletion is a task; nubis completes it within the call, so the first
 * GetServiceLinkedRoleDeletionStatus already answers SUCCEEDED (or FAILED, with the reason).
 */

/** Role names and managed policies the services choose (names from the services' documentation). */
const SERVICES: Record<string, { suffix: string; policy?: string }> = {
  "autoscaling.amazonaws.com": { suffix: "AutoScaling", policy: "AutoScalingServiceRolePolicy" },
  "elasticloadbalancing.amazonaws.com": { suffix: "ElasticLoadBalancing", policy: "AWSElasticLoadBalancingServiceRolePolicy" },
  "ecs.amazonaws.com": { suffix: "ECS", policy: "AmazonECSServiceRolePolicy" },
  "spot.amazonaws.com": { suffix: "EC2Spot", policy: "AWSEC2SpotServiceRolePolicy" },
  "rds.amazonaws.com": { suffix: "RDS", policy: "AmazonRDSServiceRolePolicy" },
  "es.amazonaws.com": { suffix: "AmazonOpenSearchService", policy: "AmazonOpenSearchServiceRolePolicy" },
  "opensearchservice.amazonaws.com": { suffix: "AmazonOpenSearchService", policy: "AmazonOpenSearchServiceRolePolicy" },
  "organizations.amazonaws.com": { suffix: "Organizations", policy: "AWSOrganizationsServiceTrustPolicy" },
  "eks.amazonaws.com": { suffix: "AmazonEKS", policy: "AmazonEKSServiceRolePolicy" },
  "eks-nodegroup.amazonaws.com": { suffix: "AmazonEKSNodegroup", policy: "AWSServiceRoleForAmazonEKSNodegroup" },
  "elasticache.amazonaws.com": { suffix: "ElastiCache", policy: "ElastiCacheServiceRolePolicy" },
  "dynamodb.application-autoscaling.amazonaws.com": { suffix: "ApplicationAutoScaling_DynamoDBTable", policy: "AWSApplicationAutoscalingDynamoDBTablePolicy" },
};

interface DeletionTask {
  RoleName: string;
  Service: string;
  Status: "SUCCEEDED" | "FAILED";
  Reason?: string;
}

function roleNameFor(service: string, customSuffix?: string) {
  const known = SERVICES[service];
  const label = service.split(".")[0];
  const base = `AWSServiceRoleFor${known?.suffix ?? label.charAt(0).toUpperCase() + label.slice(1)}`;
  return customSuffix ? `${base}_${customSuffix}` : base;
}

export const CreateServiceLinkedRole: Handler<CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.AWSServiceName, "AWSServiceName", 128);
  description(v, input.Description);
  check.entityName(v, input.CustomSuffix, "CustomSuffix", 64);
  v.check();
  const service = input.AWSServiceName!;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(service)) throw new AwsError("InvalidInput", `Unknown service name: ${service}`);
  const name = roleNameFor(service, input.CustomSuffix);
  return ctx.transaction(async (tx) => {
    if (await tx.get(T.roles, nameKey(ctx.account, name))) {
      throw new AwsError("InvalidInput", `Service role name ${name} has been taken in this account, please try a different suffix.`);
    }
    const limit = ctx.quota("RolesPerAccount");
    if ((await tx.count(T.roles, `${ctx.account}/`)) >= limit) throw limitExceeded("RolesPerAccount", limit);
    const role: RoleRecord = {
      RoleName: name,
      RoleId: uniqueId("AROA"),
      Path: `/aws-service-role/${service}/`,
      CreateDate: isoSeconds(ctx.now),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: [service] }, Action: ["sts:AssumeRole"] }],
      }),
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: 3600,
      ServiceLinked: service,
    };
    await putRole(tx, ctx.account, role);
    // The service's own policy, when nubis knows it (awsManagedPolicies.ts).
    const policyName = SERVICES[service]?.policy;
    const policy = policyName && (await findPolicy(tx, ctx.account, `arn:aws:iam::aws:policy/aws-service-role/${policyName}`));
    if (policy) {
      await tx.put<Attachment>(T.roleAttached, childKey(ctx.account, role.RoleId, `${policy.PolicyName.toLowerCase()} ${policy.Arn}`), { PolicyArn: policy.Arn, PolicyName: policy.PolicyName });
      await addUse(tx, ctx.account, policy, { ...roleEntity(role), usage: "PermissionsPolicy" });
    }
    return { Role: roleOutput(ctx.account, role, "create") };
  });
};

export const DeleteServiceLinkedRole: Handler<DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.RoleName, "RoleName", 64);
  v.check();
  return ctx.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.account, input.RoleName!);
    if (!role.ServiceLinked) throw new AwsError("InvalidInput", `Role ${role.RoleName} is not a service-linked role.`);
    const taskId = `task/aws-service-role/${role.ServiceLinked}/${role.RoleName}/${randomUUID()}`;
    const under = childKey(ctx.account, role.RoleId);
    // The service still uses a role that an instance profile holds: the task fails, the role stays.
    if (await tx.count(T.roleProfiles, under)) {
      await tx.put<DeletionTask>(T.slrDeletions, `${ctx.account}/${taskId}`, {
        RoleName: role.RoleName,
        Service: role.ServiceLinked,
        Status: "FAILED",
        Reason: "The role is in use by an instance profile.",
      });
      return { DeletionTaskId: taskId };
    }
    for (const [key, a] of await tx.scan<Attachment>(T.roleAttached, { prefix: under, limit: 1000 })) {
      await tx.delete(T.roleAttached, key);
      await removeUse(tx, ctx.account, a.PolicyArn, { type: "Role", id: role.RoleId, usage: "PermissionsPolicy" }, true);
    }
    for (const [key] of await tx.scan(T.rolePolicies, { prefix: under, limit: 1000 })) await tx.delete(T.rolePolicies, key);
    await tx.delete(T.roles, nameKey(ctx.account, role.RoleName));
    await tx.put<DeletionTask>(T.slrDeletions, `${ctx.account}/${taskId}`, { RoleName: role.RoleName, Service: role.ServiceLinked, Status: "SUCCEEDED" });
    return { DeletionTaskId: taskId };
  });
};

export const GetServiceLinkedRoleDeletionStatus: Handler<GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.DeletionTaskId, "DeletionTaskId", 1, 1000);
  v.check();
  if (!/^task\/aws-service-role\/[^/]+\/[^/]+\/[^/]+$/.test(input.DeletionTaskId!)) {
    throw new AwsError("InvalidInput", `Invalid deletion task id: ${input.DeletionTaskId}`);
  }
  return ctx.transaction(async (tx) => {
    const task = await tx.get<DeletionTask>(T.slrDeletions, `${ctx.account}/${input.DeletionTaskId}`);
    if (!task) throw new AwsError("NoSuchEntity", `Deletion task ${input.DeletionTaskId} cannot be found.`);
    return {
      Status: task.Status,
      ...(task.Status === "FAILED" ? { Reason: { Reason: task.Reason, RoleUsageList: [] } } : {}),
    };
  });
};
