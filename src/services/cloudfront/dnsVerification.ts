import type { DnsConfiguration, VerifyDnsConfigurationRequest, VerifyDnsConfigurationResult } from "@aws-sdk/client-cloudfront";
import type { Handler } from "../../core/service.js";
import { requireTenant } from "./tenants.js";

/**
 * VerifyDnsConfiguration, answered from what nubis holds: nubis resolves no DNS, so a domain of
 * the tenant counts as pointed at the tenant's connection group (valid, as its managed
 * certificate is issued), and a domain the tenant does not serve is invalid for it.
 */
export const VerifyDnsConfiguration: Handler<VerifyDnsConfigurationRequest, VerifyDnsConfigurationResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const tenant = await requireTenant(tx, ctx.account, input.Identifier);
    const held = new Set(tenant.Domains.map((d) => d.toLowerCase()));
    const domains = input.Domain ? [input.Domain] : tenant.Domains;
    const list: DnsConfiguration[] = domains.map((Domain) =>
      held.has(Domain.toLowerCase())
        ? { Domain, Status: "valid-configuration" }
        : { Domain, Status: "invalid-configuration", Reason: `The domain ${Domain} is not a domain of the distribution tenant ${tenant.Id}.` },
    );
    return { DnsConfigurationList: list };
  });
