import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { childKey, listPage, requireUser, T, type UserRecord } from "./model.js";
import { renameUserInMfa } from "./mfa.js";
import * as check from "./validation.js";

/**
 * The life every credential of a user shares (SSH keys, signing certificates, service-specific
 * credentials, login profile, MFA devices, access keys): rows under `acct/userId/`, so a rename
 * keeps them and DeleteUser counts them; a status Active/Inactive; a per-user quota; a
 * NoSuchEntity of its own wording. Outputs take the user's name from the user; the few rows
 * that must name it without one (see renameUserInCredentials) follow renames.
 */
export interface CredentialKind {
  table: string;
  /** DeleteUser's refusal while the user holds one. */
  conflict: string;
  /** NoSuchEntity text for an id. */
  missing: (id: string) => string;
}

export const KINDS = {
  loginProfile: { table: T.loginProfiles, conflict: "Cannot delete entity, must delete login profile first.", missing: (user: string) => `Login Profile for User ${user} cannot be found.` },
  accessKey: { table: T.accessKeys, conflict: "Cannot delete entity, must delete access keys first.", missing: (id: string) => `The Access Key with id ${id} cannot be found.` },
  signingCert: { table: T.signingCerts, conflict: "Cannot delete entity, must delete signing certificates first.", missing: (id: string) => `The Certificate with id ${id} cannot be found.` },
  sshKey: { table: T.sshKeys, conflict: "Cannot delete entity, must delete SSH public keys first.", missing: (id: string) => `The Public Key with id ${id} cannot be found.` },
  serviceCred: { table: T.serviceCreds, conflict: "Cannot delete entity, must delete service specific credentials first.", missing: (id: string) => `No such credential ${id} exists` },
  mfa: { table: T.userMfa, conflict: "Cannot delete entity, must delete MFA device first.", missing: (id: string) => `MFA Device with serial number ${id} does not exist.` },
} satisfies Record<string, CredentialKind>;

/** DeleteUser: refused while any credential remains, in this order. */
export async function refuseWhileCredentials(tx: Transaction, account: string, userId: string) {
  const under = childKey(account, userId);
  for (const kind of [KINDS.loginProfile, KINDS.accessKey, KINDS.signingCert, KINDS.sshKey, KINDS.serviceCred, KINDS.mfa]) {
    if (await tx.count(kind.table, under)) throw new AwsError("DeleteConflict", kind.conflict);
  }
}

/**
 * UpdateUser: rows that carry the user's name (an enabled MFA device, so ListVirtualMFADevices
 * can show its user; a service-specific credential, so AllUsers lists page without a user scan).
 */
export async function renameUserInCredentials(tx: Transaction, account: string, userId: string, newName: string) {
  await renameUserInMfa(tx, account, userId, newName);
  for (const [key, c] of await tx.scan<{ UserName?: string }>(T.serviceCreds, { prefix: childKey(account, userId), limit: 100 })) {
    await tx.put(T.serviceCreds, key, { ...c, UserName: newName });
  }
}

/** The user a call is about: the one named, or (when the member may be left out) the calling IAM user. */
export async function subject(tx: Transaction, ctx: RequestContext, userName: string | undefined): Promise<UserRecord> {
  const name = userName ?? ctx.principal.userName;
  if (name === undefined) {
    // The root has none of these credentials in nubis; AWS answers for the caller's (absent) user.
    throw new AwsError("NoSuchEntity", "The user with name root cannot be found.");
  }
  return requireUser(tx, ctx.account, name);
}

export async function requireCredential<R>(tx: Transaction, kind: CredentialKind, account: string, userId: string, id: string): Promise<R> {
  const row = await tx.get<R>(kind.table, childKey(account, userId, id));
  if (!row) throw new AwsError("NoSuchEntity", kind.missing(id));
  return row;
}

/** Active/Inactive, as Update{SSHPublicKey,SigningCertificate,ServiceSpecificCredential} set it. */
export async function setStatus(tx: Transaction, kind: CredentialKind, account: string, userId: string, id: string, status: string) {
  const row = await requireCredential<{ Status: string }>(tx, kind, account, userId, id);
  await tx.put(kind.table, childKey(account, userId, id), { ...row, Status: status });
}

export async function remove(tx: Transaction, kind: CredentialKind, account: string, userId: string, id: string) {
  if (!(await tx.delete(kind.table, childKey(account, userId, id)))) throw new AwsError("NoSuchEntity", kind.missing(id));
}

/** One page of a user's credentials of `kind`, in id order. */
export async function page<R, O, K extends string>(
  tx: Transaction,
  kind: CredentialKind,
  account: string,
  userId: string,
  member: K,
  input: { Marker?: string; MaxItems?: number },
  out: (row: R) => O,
  filter?: (row: R) => boolean,
) {
  const p = await paginate<R>(tx, kind.table, childKey(account, userId), { marker: input.Marker, maxItems: input.MaxItems ?? 100, filter });
  return listPage(member, { items: p.items.map(out), next: p.next });
}

/** Every row of a user's credentials of `kind` (a user holds a handful). */
export const all = async <R>(tx: Transaction, kind: CredentialKind, account: string, userId: string) =>
  (await tx.scan<R>(kind.table, { prefix: childKey(account, userId), limit: 1000 })).map(([, r]) => r);

/** The validators each of these operations runs on its id, status and page. */
export const status = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) => v.oneOf(value, "Status", ["Active", "Inactive", "Expired"]);
export const credentialId = (v: ReturnType<typeof check.iamValidator>, value: string | undefined, member: string, min = 20) =>
  v.length(value, member, min, 128).pattern(value, member, /^[\w]+$/, "[\\w]+");
export const paging = (v: ReturnType<typeof check.iamValidator>, input: { Marker?: string; MaxItems?: number }) => {
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
};
