import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { NubisConfig } from "../core/config.js";

/** The cookie the console sets once opened with `?token=`, so its fetches and event stream carry it. */
export const ADMIN_COOKIE = "nubis_admin_token";

/**
 * Who may use the console and the mutating internal endpoints (reset, POST state):
 * - `--admin-token` given: only requests carrying it (header `x-nubis-admin-token`,
 *   `Authorization: Bearer …`, or the console's cookie), whatever the auth mode;
 * - no token, `--auth none`: everyone, as before;
 * - no token, `--auth signature|iam`: everyone may read, nobody may change state.
 */
export type Access = "admin" | "readOnly" | "refused";

export function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers["x-nubis-admin-token"];
  if (typeof direct === "string" && direct) return direct;
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  if (bearer) return bearer[1];
  const cookie = headers.cookie?.split(/;\s*/).find((c) => c.startsWith(ADMIN_COOKIE + "="));
  return cookie ? decodeURIComponent(cookie.slice(ADMIN_COOKIE.length + 1)) : undefined;
}

export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function accessOf(config: NubisConfig, headers: IncomingHttpHeaders): Access {
  if (config.adminToken) return sameToken(tokenOf(headers), config.adminToken) ? "admin" : "refused";
  return config.auth === "none" ? "admin" : "readOnly";
}

/** Why a state-changing internal call is refused, or undefined when it may go ahead. */
export function mutationRefusal(config: NubisConfig, headers: IncomingHttpHeaders): string | undefined {
  const access = accessOf(config, headers);
  if (access === "admin") return undefined;
  return access === "refused"
    ? "this nubis requires its admin token (--admin-token) for this: send it as x-nubis-admin-token or Authorization: Bearer"
    : `under --auth ${config.auth} the internal endpoints are read-only unless nubis is started with --admin-token`;
}
