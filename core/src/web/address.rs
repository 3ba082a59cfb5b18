//! Which addresses `fetch` and the browser may reach: every public address, and loopback,
//! private, link-local, metadata and other special addresses only when `fetch.allow_hosts`
//! names them (a host name, an address or a CIDR range). Checked on the addresses a name
//! resolves to, not on the name, so a public name pointing at 127.0.0.1 is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Why an address is not public, or `None` for a public address.
pub fn special_use(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        return Some("a cloud metadata address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if ip.is_private() {
        return Some("a private address");
    }
    if ip.is_link_local() {
        return Some("a link-local address");
    }
    if a == 100 && (64..128).contains(&b) {
        return Some("a shared (carrier-grade NAT) address");
    }
    if a == 0 || ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        return Some("a reserved address");
    }
    if (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || ip.is_documentation()
    {
        return Some("a reserved address");
    }
    None
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    // Addresses that carry an IPv4 address: judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4);
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return special_v4(embedded_v4(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return special_v4(embedded_v4(segments[1], segments[2]));
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if ip.is_unspecified() || segments[..6] == [0; 6] {
        return Some("a reserved address");
    }
    if segments[0] & 0xfe00 == 0xfc00 {
        return Some("a private (unique local) address");
    }
    if segments[0] & 0xffc0 == 0xfe80 || segments[0] & 0xffc0 == 0xfec0 {
        return Some("a link-local address");
    }
    if ip.is_multicast() {
        return Some("a reserved address");
    }
    if (segments[0] == 0x2001 && matches!(segments[1], 0 | 0xdb8))
        || segments[..4] == [0x100, 0, 0, 0]
        || segments[..3] == [0x64, 0xff9b, 1]
    {
        return Some("a reserved address");
    }
    None
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// A request that the policy refuses: the host as written, the address, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub host: String,
    pub address: IpAddr,
    pub reason: &'static str,
}

/// The hosts `fetch` and the browser may reach although their addresses are not public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    names: Vec<String>,
    nets: Vec<IpNet>,
}

impl AddressPolicy {
    /// The policy of `fetch.allow_hosts`: each entry a host name (any address it resolves to is
    /// allowed), an address, or a CIDR range. `[::1]` may be written with brackets.
    pub fn new(allow_hosts: &[String]) -> Self {
        let mut policy = Self::default();
        for entry in allow_hosts {
            let entry = entry.trim().trim_start_matches('[').trim_end_matches(']');
            if entry.is_empty() {
                continue;
            }
            if let Ok(net) = entry.parse::<IpNet>() {
                policy.nets.push(net);
            } else if let Ok(ip) = entry.parse::<IpAddr>() {
                policy.nets.push(IpNet::from(ip));
            } else {
                policy.names.push(normal_name(entry));
            }
        }
        policy
    }

    /// Whether the host name `name` is allowed whatever it resolves to.
    pub fn allows_name(&self, name: &str) -> bool {
        let name = normal_name(name);
        self.names.contains(&name)
    }

    /// Checks one address `host` resolved to (or `host` itself, an address).
    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), Refusal> {
        let ip = canonical(ip);
        let Some(reason) = special_use(ip) else {
            return Ok(());
        };
        if self.nets.iter().any(|net| net.contains(&ip)) || self.allows_name(host) {
            return Ok(());
        }
        Err(Refusal {
            host: host.to_owned(),
            address: ip,
            reason,
        })
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// A host name compared without case or a trailing dot.
fn normal_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn special_addresses_are_named_and_public_ones_pass() {
        for (address, reason) in [
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "metadata"),
            ("169.254.1.1", "link-local"),
            ("100.64.0.1", "carrier-grade"),
            ("100.100.100.200", "metadata"),
            ("0.0.0.0", "reserved"),
            ("255.255.255.255", "reserved"),
            ("224.0.0.1", "reserved"),
            ("::1", "loopback"),
            ("::", "reserved"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "metadata"),
            ("64:ff9b::a00:1", "private"),
            ("2002:7f00:1::", "loopback"),
            ("fd00:ec2::254", "unique local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "reserved"),
            ("2001:db8::1", "reserved"),
        ] {
            let named = special_use(ip(address));
            assert!(
                named.is_some_and(|named| named.contains(reason)),
                "{address}: {named:?}"
            );
        }
        for public in ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "172.32.0.1"] {
            assert_eq!(special_use(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn the_allow_list_takes_names_addresses_and_ranges() {
        let policy = AddressPolicy::new(&[
            "LocalHost.".into(),
            "[::1]".into(),
            "10.0.0.0/8".into(),
            " ".into(),
        ]);
        assert!(policy.check("localhost", ip("127.0.0.1")).is_ok());
        assert!(policy.check("x", ip("::1")).is_ok());
        assert!(policy.check("x", ip("10.9.8.7")).is_ok());
        assert!(policy.check("x", ip("93.184.215.14")).is_ok());
        let refused = policy.check("evil.example", ip("127.0.0.1")).unwrap_err();
        assert_eq!(refused.reason, "a loopback address");
        assert!(policy.check("x", ip("192.168.0.1")).is_err());
        assert!(policy.check("x", ip("::ffff:192.168.0.1")).is_err());
        assert!(AddressPolicy::default().check("x", ip("10.0.0.1")).is_err());
    }
}
