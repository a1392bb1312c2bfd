import type { GenerateCredentialReportResponse, GetCredentialReportResponse } from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { lastUse } from "./accessKeys.js";
import { type LoginProfileRecord } from "./loginProfiles.js";
import { type AccessKeyRecord, childKey, T, type UserRecord } from "./model.js";
import { readPasswordPolicy } from "./passwordPolicy.js";
import type { SigningCertRecord } from "./signingCertificates.js";

/**
 * The credential report: one CSV line for the root, then one per user, in AWS's columns. It is
 * a snapshot taken by GenerateCredentialReport; a report is kept 4 hours, but generating again
 * after a change makes a new one at once (so tests see the change).
 */

const COLUMNS = [
  "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed", "password_next_rotation",
  "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
  "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
  "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
];

const FOUR_HOURS = 4 * 3_600_000;
const DAY = 86_400_000;

interface ReportRecord {
  GeneratedTime: string;
  Content: string;
}

const key = (account: string) => `${account}/credentialReport`;

/** `2023-01-02T03:04:05+00:00`, as the report writes times. */
const time = (iso: string | undefined) => (iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, "+00:00") : "N/A");

async function keyColumns(tx: Transaction, keys: AccessKeyRecord[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const k = keys[i];
    if (!k) {
      out.push("false", "N/A", "N/A", "N/A", "N/A");
      continue;
    }
    const used = await lastUse(tx, k.AccessKeyId);
    out.push(String(k.Status === "Active"), time(k.CreateDate), time(used?.LastUsedDate), used?.Region ?? "N/A", used?.ServiceName ?? "N/A");
  }
  return out;
}

const certColumns = (certs: SigningCertRecord[]) =>
  [0, 1].flatMap((i) => (certs[i] ? [String(certs[i].Status === "Active"), time(certs[i].UploadDate)] : ["false", "N/A"]));

const rows = async <R>(tx: Transaction, table: string, account: string, ownerId: string) =>
  (await tx.scan<R>(table, { prefix: childKey(account, ownerId), limit: 100 })).map(([, r]) => r);

/** Keys in the order they were made, as the report numbers them. */
const byCreation = (keys: AccessKeyRecord[]) => [...keys].sort((a, b) => (a.CreateDate < b.CreateDate ? -1 : a.CreateDate > b.CreateDate ? 1 : 0));

export async function buildReport(tx: Transaction, account: string): Promise<string> {
  const policy = await readPasswordPolicy(tx, account);
  const lines = [COLUMNS.join(",")];
  const rootKeys = byCreation(await rows<AccessKeyRecord>(tx, T.accessKeys, account, "root"));
  lines.push(
    [
      "<root_account>", `arn:aws:iam::${account}:root`, "N/A", "not_supported", "no_information", "not_supported", "not_supported", "false",
      ...(await keyColumns(tx, rootKeys)),
      ...certColumns(await rows<SigningCertRecord>(tx, T.signingCerts, account, "root")),
    ].join(","),
  );
  let after: string | undefined;
  for (;;) {
    const users = await tx.scan<UserRecord>(T.users, { prefix: `${account}/`, after, limit: 500 });
    for (const [, u] of users) {
      const profile = await tx.get<LoginProfileRecord>(T.loginProfiles, childKey(account, u.UserId));
      const rotation =
        profile && policy?.MaxPasswordAge !== undefined ? time(new Date(new Date(profile.PasswordLastChanged).getTime() + policy.MaxPasswordAge * DAY).toISOString()) : "N/A";
      lines.push(
        [
          u.UserName,
          `arn:aws:iam::${account}:user${u.Path}${u.UserName}`,
          time(u.CreateDate),
          String(profile !== undefined),
          profile ? "no_information" : "N/A",
          profile ? time(profile.PasswordLastChanged) : "N/A",
          rotation,
          String((await tx.count(T.userMfa, childKey(account, u.UserId))) > 0),
          ...(await keyColumns(tx, byCreation(await rows<AccessKeyRecord>(tx, T.accessKeys, account, u.UserId)))),
          ...certColumns(await rows<SigningCertRecord>(tx, T.signingCerts, account, u.UserId)),
        ].join(","),
      );
    }
    if (users.length < 500) break;
    after = users[users.length - 1][0];
  }
  return lines.join("\n") + "\n";
}

/**
 * STARTED when no report exists or it is stale (older than 4 hours, or the account changed
 * since); the new report is then ready for the next call: COMPLETE.
 */
export const GenerateCredentialReport: Handler<Record<string, never>, GenerateCredentialReportResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const existing = await tx.get<ReportRecord>(T.account, key(ctx.account));
    const content = await buildReport(tx, ctx.account);
    const fresh = existing && ctx.now.getTime() - new Date(existing.GeneratedTime).getTime() < FOUR_HOURS && existing.Content === content;
    if (fresh) return { State: "COMPLETE" };
    await tx.put<ReportRecord>(T.account, key(ctx.account), { GeneratedTime: ctx.now.toISOString().replace(/\.\d{3}Z$/, "Z"), Content: content });
    return { State: "STARTED", Description: existing ? "Starting a new report generation task" : "No report exists. Starting a new report generation task" };
  });

export const GetCredentialReport: Handler<Record<string, never>, GetCredentialReportResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const report = await tx.get<ReportRecord>(T.account, key(ctx.account));
    if (!report) throw new AwsError("ReportNotPresent", "Credential report not present. Call GenerateCredentialReport to generate a report.");
    if (ctx.now.getTime() - new Date(report.GeneratedTime).getTime() >= FOUR_HOURS) {
      throw new AwsError("ReportExpired", "The credential report is expired. Call GenerateCredentialReport to generate a new report.");
    }
    return { Content: Buffer.from(report.Content, "utf8"), ReportFormat: "text/csv", GeneratedTime: new Date(report.GeneratedTime) };
  });
