import type { PolicyRecord } from "./model.js";

/**
 * AWS managed policies (`arn:aws:iam::aws:policy/...`): the same for every account, so they are
 * code, not state; only how many entities of an account attach one is stored
 * (`iam.awsPolicyAttachments`). One entry so far, the one test suites attach most; a policy not
 * listed here answers NoSuchEntity like any unknown policy.
 */
const catalog: Array<Omit<PolicyRecord, "AttachmentCount">> = [
  {
    PolicyName: "AdministratorAccess",
    PolicyId: "ANPAIWMBCKSKIEE64ZLYK",
    Arn: "arn:aws:iam::aws:policy/AdministratorAccess",
    Path: "/",
    Description: "Provides full access to AWS services and resources.",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
    CreateDate: "2015-02-06T18:39:46Z",
    UpdateDate: "2015-02-06T18:39:46Z",
  },
];

export const awsManagedPolicies: ReadonlyArray<Omit<PolicyRecord, "AttachmentCount">> = catalog.sort((a, b) =>
  a.PolicyName.toLowerCase() < b.PolicyName.toLowerCase() ? -1 : 1,
);

export const awsManagedPolicy = (arn: string) => awsManagedPolicies.find((p) => p.Arn === arn);
