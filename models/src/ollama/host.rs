//! The Ollama base URL from an `OLLAMA_HOST` value, read the way the `ollama` CLI reads it.
//!
//! A pure function of the value: the binary reads the environment, this crate never does.

use std::net::IpAddr;

/// Ollama's port when `OLLAMA_HOST` names none and no scheme.
pub const DEFAULT_PORT: u16 = 11434;

/// Where Ollama listens by default.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434";

/// The base URL for an `OLLAMA_HOST` value (`None` or blank: [`DEFAULT_BASE_URL`]).
///
/// Follows Ollama's own parsing (`envconfig`): surrounding spaces and quotes are dropped;
/// without a scheme it is `http` and the default port is 11434; `http://` without a port means
/// port 80 and `https://` port 443, as for any URL; a host without a port gets the default port;
/// a bad port is replaced by the default; a path after the host is kept (for reverse proxies).
/// One thing is added for a client: the listen-everywhere addresses `0.0.0.0` and `::`, which
/// a server binds but a client cannot always connect to, become `127.0.0.1` and `::1`.
///
/// ```
/// use agent_models::ollama::base_url_from_host;
/// assert_eq!(base_url_from_host(None), "http://127.0.0.1:11434");
/// assert_eq!(base_url_from_host(Some("0.0.0.0")), "http://127.0.0.1:11434");
/// assert_eq!(base_url_from_host(Some("gpu-box:8000")), "http://gpu-box:8000");
/// assert_eq!(base_url_from_host(Some("https://ollama.example")), "https://ollama.example:443");
/// ```
pub fn base_url_from_host(value: Option<&str>) -> String {
    let value = value
        .unwrap_or("")
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim();
    let (scheme, rest, default_port) = match value.split_once("://") {
        None => ("http", value, DEFAULT_PORT),
        Some(("http", rest)) => ("http", rest, 80),
        Some(("https", rest)) => ("https", rest, 443),
        Some((scheme, rest)) => (scheme, rest, DEFAULT_PORT),
    };
    let rest = rest.trim_end_matches('/');
    let (host_port, path) = match rest.split_once('/') {
        Some((host_port, path)) => (host_port, Some(path)),
        None => (rest, None),
    };

    let (host, port) = match split_host_port(host_port) {
        Some((host, port)) => (host.to_owned(), port.parse::<u16>().unwrap_or(default_port)),
        None => {
            let bare = host_port.trim_start_matches('[').trim_end_matches(']');
            let host = if bare.parse::<IpAddr>().is_ok() || !host_port.is_empty() {
                bare.to_owned()
            } else {
                "127.0.0.1".to_owned()
            };
            (host, default_port)
        }
    };

    let host = match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        Ok(ip) if ip.is_unspecified() => "[::1]".to_owned(),
        Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
        Ok(IpAddr::V4(ip)) => ip.to_string(),
        Err(_) if host.is_empty() => "127.0.0.1".to_owned(),
        Err(_) => host,
    };
    match path {
        Some(path) if !path.is_empty() => format!("{scheme}://{host}:{port}/{path}"),
        _ => format!("{scheme}://{host}:{port}"),
    }
}

/// Go's `net.SplitHostPort`: `host:port` or `[v6]:port`; `None` when there is no port part
/// (or a bare IPv6 address, whose colons are not a port separator).
fn split_host_port(text: &str) -> Option<(&str, &str)> {
    if let Some(bracketed) = text.strip_prefix('[') {
        let (host, rest) = bracketed.split_once(']')?;
        let port = rest.strip_prefix(':')?;
        return Some((host, port));
    }
    let (host, port) = text.split_once(':')?;
    if port.contains(':') {
        return None;
    }
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_blank_is_the_default() {
        assert_eq!(base_url_from_host(None), DEFAULT_BASE_URL);
        assert_eq!(base_url_from_host(Some("")), DEFAULT_BASE_URL);
        assert_eq!(base_url_from_host(Some("  \"\"  ")), DEFAULT_BASE_URL);
    }

    #[test]
    fn host_and_port_forms() {
        assert_eq!(
            base_url_from_host(Some("10.0.0.5")),
            "http://10.0.0.5:11434"
        );
        assert_eq!(
            base_url_from_host(Some("10.0.0.5:9000")),
            "http://10.0.0.5:9000"
        );
        assert_eq!(base_url_from_host(Some("gpu-box")), "http://gpu-box:11434");
        assert_eq!(base_url_from_host(Some(":9000")), "http://127.0.0.1:9000");
        assert_eq!(
            base_url_from_host(Some("http://gpu-box:9000/")),
            "http://gpu-box:9000"
        );
        assert_eq!(
            base_url_from_host(Some("'gpu-box:1234'")),
            "http://gpu-box:1234"
        );
    }

    #[test]
    fn an_explicit_scheme_brings_its_own_default_port() {
        assert_eq!(
            base_url_from_host(Some("http://gpu-box")),
            "http://gpu-box:80"
        );
        assert_eq!(
            base_url_from_host(Some("https://gpu-box")),
            "https://gpu-box:443"
        );
        assert_eq!(
            base_url_from_host(Some("https://proxy.example:8443/ollama")),
            "https://proxy.example:8443/ollama"
        );
    }

    #[test]
    fn listen_everywhere_addresses_become_loopback() {
        assert_eq!(base_url_from_host(Some("0.0.0.0")), DEFAULT_BASE_URL);
        assert_eq!(
            base_url_from_host(Some("0.0.0.0:8080")),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base_url_from_host(Some("http://0.0.0.0:11434")),
            DEFAULT_BASE_URL
        );
        assert_eq!(base_url_from_host(Some("[::]:11434")), "http://[::1]:11434");
        assert_eq!(base_url_from_host(Some("::")), "http://[::1]:11434");
    }

    #[test]
    fn ipv6_addresses_are_bracketed() {
        assert_eq!(base_url_from_host(Some("::1")), "http://[::1]:11434");
        assert_eq!(base_url_from_host(Some("[::1]:9000")), "http://[::1]:9000");
        assert_eq!(
            base_url_from_host(Some("[fe80::1]")),
            "http://[fe80::1]:11434"
        );
    }

    #[test]
    fn a_bad_port_falls_back_to_the_default() {
        assert_eq!(
            base_url_from_host(Some("gpu-box:99999")),
            "http://gpu-box:11434"
        );
        assert_eq!(
            base_url_from_host(Some("gpu-box:abc")),
            "http://gpu-box:11434"
        );
        assert_eq!(
            base_url_from_host(Some("https://gpu-box:x")),
            "https://gpu-box:443"
        );
    }
}
