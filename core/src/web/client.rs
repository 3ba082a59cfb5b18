//! One HTTP request under the address policy: no redirect followed, no proxy, every host name
//! resolved once by [`PolicyResolver`] and the connection made to the addresses it checked (so a
//! name cannot resolve to a public address for the check and a private one for the connection),
//! addresses written in the URL checked before connecting, the body read up to a byte limit.

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::address::{AddressPolicy, Refusal};
use super::error::WebError;

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("agent/", env!("CARGO_PKG_VERSION"), " (fetch)");

/// Request headers never passed on from a browser's request: the client sets them itself.
const OWN_HEADERS: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "accept-encoding",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "upgrade",
];

/// One request.
#[derive(Debug, Clone)]
pub struct HopRequest {
    pub method: String,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl HopRequest {
    /// A plain `GET` of `url`.
    pub fn get(url: Url) -> Self {
        Self {
            method: "GET".into(),
            url,
            headers: vec![(
                "accept".into(),
                "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8".into(),
            )],
            body: None,
        }
    }
}

/// One response, its body complete.
#[derive(Debug, Clone)]
pub struct Hop {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Hop {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `Content-Type`, or empty.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

/// The HTTP client of `fetch` and the browser.
#[derive(Debug, Clone)]
pub struct WebClient {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
    max_bytes: u64,
    timeout: Duration,
}

impl WebClient {
    /// A client under `policy`, reading at most `max_bytes` of a body, each request done within
    /// `timeout`.
    pub fn new(policy: AddressPolicy, max_bytes: u64, timeout: Duration) -> Result<Self, WebError> {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(PolicyResolver {
                policy: Arc::clone(&policy),
            }))
            .connect_timeout(timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|error| WebError::Request {
                url: String::new(),
                message: crate::text::error_chain(&error),
            })?;
        Ok(Self {
            client,
            policy,
            max_bytes,
            timeout,
        })
    }

    /// The policy requests are checked against.
    pub fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// The most bytes of a body read.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// How long one request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends one request and reads its whole body (no redirect is followed).
    pub async fn hop(&self, request: &HopRequest) -> Result<Hop, WebError> {
        check_scheme(&request.url)?;
        self.check_literal(&request.url)?;
        let url_text = request.url.to_string();
        let exchange = self.exchange(request);
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(WebError::Timeout {
                url: url_text,
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    async fn exchange(&self, request: &HopRequest) -> Result<Hop, WebError> {
        let url_text = request.url.to_string();
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            WebError::InvalidUrl {
                url: url_text.clone(),
                reason: format!("unknown method {}", request.method),
            }
        })?;
        let mut builder = self.client.request(method, request.url.clone());
        for (name, value) in &request.headers {
            if !OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                builder = builder.header(name, value);
            }
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|error| request_error(&url_text, &error, self.timeout))?;
        let too_large = || WebError::TooLarge {
            url: url_text.clone(),
            limit: self.max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_bytes)
        {
            return Err(too_large());
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| request_error(&url_text, &error, self.timeout))?
        {
            if (body.len() + chunk.len()) as u64 > self.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Hop {
            status,
            headers,
            body,
        })
    }

    /// Refuses an address written in the URL that the policy refuses (names are checked when
    /// they resolve).
    pub fn check_literal(&self, url: &Url) -> Result<(), WebError> {
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => ip.into(),
            Some(Host::Ipv6(ip)) => ip.into(),
            Some(Host::Domain(_)) => return Ok(()),
            None => {
                return Err(WebError::InvalidUrl {
                    url: url.to_string(),
                    reason: "it has no host".into(),
                });
            }
        };
        let host = url.host_str().unwrap_or_default();
        self.policy
            .check(host.trim_start_matches('[').trim_end_matches(']'), ip)
            .map_err(|refusal| refused(url.as_str(), refusal))
    }

    /// Checks where `url` would go without sending anything: its scheme, an address in it, and
    /// the addresses its host name resolves to.
    pub async fn check_destination(&self, url: &Url) -> Result<(), WebError> {
        check_scheme(url)?;
        self.check_literal(url)?;
        let Some(Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        resolve_checked(&self.policy, name)
            .await
            .map(|_| ())
            .map_err(|error| match error {
                ResolveError::Refused(refusal) => refused(url.as_str(), refusal),
                ResolveError::Failed { host, message } => WebError::Resolve { host, message },
            })
    }
}

/// Parses `text` as an absolute http(s) URL.
pub fn parse_url(text: &str) -> Result<Url, WebError> {
    let url = Url::parse(text.trim()).map_err(|error| WebError::InvalidUrl {
        url: text.to_owned(),
        reason: error.to_string(),
    })?;
    check_scheme(&url)?;
    Ok(url)
}

fn check_scheme(url: &Url) -> Result<(), WebError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(WebError::InvalidUrl {
            url: url.to_string(),
            reason: format!("only http and https are fetched, not {other}"),
        }),
    }
}

fn refused(url: &str, refusal: Refusal) -> WebError {
    WebError::Refused {
        url: url.to_owned(),
        host: refusal.host,
        address: refusal.address,
        reason: refusal.reason,
    }
}

/// A reqwest error as a [`WebError`]: a refusal or resolution failure of the resolver found in
/// its causes, a timeout, or a connection failure with its causes.
fn request_error(url: &str, error: &reqwest::Error, timeout: Duration) -> WebError {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(resolve) = current.downcast_ref::<ResolveError>() {
            return match resolve.clone() {
                ResolveError::Refused(refusal) => refused(url, refusal),
                ResolveError::Failed { host, message } => WebError::Resolve { host, message },
            };
        }
        cause = current.source();
    }
    if error.is_timeout() {
        return WebError::Timeout {
            url: url.to_owned(),
            seconds: timeout.as_secs(),
        };
    }
    WebError::Request {
        url: url.to_owned(),
        message: crate::text::error_chain(error),
    }
}

/// What the resolver fails with (found again in a reqwest error's causes).
#[derive(Debug, Clone, thiserror::Error)]
enum ResolveError {
    #[error("{} is {} ({})", .0.host, .0.reason, .0.address)]
    Refused(Refusal),
    #[error("cannot resolve {host}: {message}")]
    Failed { host: String, message: String },
}

/// Resolves `name` and checks every address: all must be allowed.
async fn resolve_checked(
    policy: &AddressPolicy,
    name: &str,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let failed = |message: String| ResolveError::Failed {
        host: name.to_owned(),
        message,
    };
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name, 0))
        .await
        .map_err(|error| failed(error.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(failed("no address".into()));
    }
    for address in &addresses {
        policy
            .check(name, address.ip())
            .map_err(ResolveError::Refused)?;
    }
    Ok(addresses)
}

/// reqwest's resolver: the addresses a name resolves to, all of them checked, or an error. The
/// connection goes to exactly these addresses.
struct PolicyResolver {
    policy: Arc<AddressPolicy>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = resolve_checked(&policy, &name)
                .await
                .map_err(|error| Box::new(error) as Box<dyn StdError + Send + Sync>)?;
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}
