import ipaddr from "ipaddr.js";

/**
 * Which addresses webhooks may reach: public unicast only, plus the configured CIDR allowlist
 * (WEBHOOK_ALLOWED_CIDRS, e.g. 127.0.0.0/8 in tests). The same rule request-filtering-agent
 * applies at connect time; here it checks literal IPs at registration.
 */
export interface AddressPolicy {
  readonly allowedCidrs: readonly string[];
}

/** Whether a literal IP address may be connected to. IPv4-mapped IPv6 is judged as the IPv4 it carries. */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  let parsed = ipaddr.parse(address);
  for (const cidr of policy.allowedCidrs) {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (parsed.kind() === range.kind() && parsed.match(range, bits)) return true;
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  // ipaddr.js names every special range (loopback, private, linkLocal, carrierGradeNat,
  // uniqueLocal, rfc6052 NAT64, 6to4, teredo, multicast, reserved, …); only "unicast" is public.
  return parsed.range() === "unicast";
}
