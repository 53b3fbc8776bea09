import ipaddr from "ipaddr.js";

/** The entries of a CIDR list that are not CIDRs ("10.0.0.0/8" and "fd00::/8" are). */
export function invalidCidrs(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => {
    try {
      ipaddr.parseCIDR(c);
      return false;
    } catch {
      return true;
    }
  });
}
