/** Shared pieces of the role tests: trust policies and a snapshot of everything a role holds. */
import {
  GetRoleCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
} from "@aws-sdk/client-iam";

export const ROLE_ID = /^AROA[A-Z2-7]{17}$/;
export const PROFILE_ID = /^AIPA[A-Z2-7]{17}$/;

/** A trust policy letting `service` assume the role. */
export const trust = (service = "ec2.amazonaws.com", extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...extra }] });

export const trustStatement = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

/** Everything a failed call must leave as it was. */
export async function roleState(iam: IAMClient, RoleName: string) {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
  return {
    Role,
    inline: (await iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames,
    attached: (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies,
    tags: (await iam.send(new ListRoleTagsCommand({ RoleName }))).Tags,
    profiles: (await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }))).InstanceProfiles?.map((p) => p.InstanceProfileName),
  };
}
