//! Keeping secrets out of what agent writes down: the [`Redactor`] (credential values replaced by
//! `[redacted]`) and [`redact_url_credentials`] (`user:pass@` in URLs).
//!
//! The binary builds one redactor from the credentials it knows (the API key, the variables
//! configuration names as key variables, and every variable whose name looks secret, see
//! [`is_secret_name`]) and gives it to the store, which redacts every text it writes. Values
//! shorter than [`MIN_SECRET_LEN`] are left alone: they would redact ordinary words.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::env::EnvSnapshot;

/// What a secret is replaced by.
pub const REDACTED: &str = "[redacted]";

/// Secrets shorter than this are not redacted (`true`, `1`, a short user name).
pub const MIN_SECRET_LEN: usize = 8;

/// Replaces known secret values, and passwords in URLs, with [`REDACTED`].
///
/// Cheap when nothing matches: one scan for all the secrets at once (the regex engine's
/// multi-literal search) and one for `://`, and no allocation.
#[derive(Clone, Default)]
pub struct Redactor {
    /// The secrets' values, raw and as they appear inside a JSON string, longest first.
    matcher: Option<Regex>,
    /// How many distinct secrets it redacts.
    count: usize,
}

/// Never prints the secrets.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.count)
            .finish()
    }
}

impl Redactor {
    /// A redactor for these secret values; values shorter than [`MIN_SECRET_LEN`] (after trimming
    /// whitespace) are skipped.
    pub fn new<I, S>(secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values: Vec<String> = secrets
            .into_iter()
            .map(|s| s.as_ref().trim().to_string())
            .filter(|s| s.chars().count() >= MIN_SECRET_LEN)
            .collect();
        values.sort();
        values.dedup();
        let count = values.len();
        // A secret with a quote, a backslash or a control character is written differently
        // inside JSON text (an event's payload); both spellings are searched for.
        let escaped: Vec<String> = values
            .iter()
            .filter_map(|v| {
                let json = serde_json::to_string(v).ok()?;
                let inner = json.get(1..json.len().saturating_sub(1))?.to_string();
                (inner != *v).then_some(inner)
            })
            .collect();
        values.extend(escaped);
        // Longest first: at one position the regex takes the first alternative that matches, so
        // a secret that contains another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        let pattern = values
            .iter()
            .map(|v| regex::escape(v))
            .collect::<Vec<_>>()
            .join("|");
        let matcher = if values.is_empty() {
            None
        } else {
            // Literal alternations this size compile; a failure (a pathological size limit)
            // degrades to URL redaction only rather than failing the command.
            regex::RegexBuilder::new(&pattern)
                .size_limit(64 << 20)
                .build()
                .ok()
        };
        Redactor { matcher, count }
    }

    /// A redactor for the values of the environment variables that hold credentials: those
    /// named in `key_variables` (configuration such as `openai.api_key_env`) and every variable
    /// whose name looks secret ([`is_secret_name`]), plus `extra` values (a key read from a
    /// file or the keyring).
    pub fn from_env<'a>(
        env: &EnvSnapshot,
        key_variables: impl IntoIterator<Item = &'a str>,
        extra: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut secrets: Vec<String> = key_variables
            .into_iter()
            .filter_map(|name| env.get(name).map(str::to_string))
            .collect();
        secrets.extend(
            env.iter()
                .filter(|(name, _)| is_secret_name(name))
                .filter_map(|(_, value)| value.to_str().map(str::to_string)),
        );
        secrets.extend(extra);
        Redactor::new(secrets)
    }

    /// How many distinct secret values it redacts.
    pub fn secret_count(&self) -> usize {
        self.count
    }

    /// `text` with every known secret and every URL password replaced by [`REDACTED`];
    /// borrowed, without allocating, when there is nothing to replace.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secrets_out = match &self.matcher {
            Some(matcher) => matcher.replace_all(text, REDACTED),
            None => Cow::Borrowed(text),
        };
        match secrets_out {
            Cow::Borrowed(text) => redact_url_credentials(text),
            Cow::Owned(text) => match redact_url_credentials(&text) {
                Cow::Borrowed(_) => Cow::Owned(text),
                Cow::Owned(again) => Cow::Owned(again),
            },
        }
    }

    /// Whether [`Redactor::redact`] would change `text`.
    pub fn finds(&self, text: &str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(text)) || has_url_credentials(text)
    }

    /// JSON text with every string in it redacted; the structure is kept (a secret that looks
    /// like a number or a key is not touched). Text that is not JSON is redacted as text.
    pub fn redact_json<'a>(&self, json: &'a str) -> Cow<'a, str> {
        if !self.finds(json) {
            return Cow::Borrowed(json);
        }
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(mut value) => {
                self.redact_value(&mut value);
                match serde_json::to_string(&value) {
                    Ok(text) => Cow::Owned(text),
                    Err(_) => self.redact(json),
                }
            }
            Err(_) => self.redact(json),
        }
    }

    /// Redacts every string inside `value`, in place.
    pub fn redact_value(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(redacted) = self.redact(text) {
                    *text = redacted;
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    self.redact_value(item);
                }
            }
            serde_json::Value::Object(map) => {
                for (_, item) in map.iter_mut() {
                    self.redact_value(item);
                }
            }
            _ => {}
        }
    }

    /// An optional text, redacted.
    pub fn redact_option(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.redact(t).into_owned())
    }
}

/// True for environment variable names that usually hold credentials: `*_API_KEY`, `*_TOKEN`,
/// `*SECRET*`, `*PASSWORD*`, `*PASSWD*`, `*CREDENTIAL*`, `*_ACCESS_KEY*`, `*_PRIVATE_KEY*`,
/// `*_AUTH*` (any case), e.g. `OPENAI_API_KEY`, `AWS_SECRET_ACCESS_KEY`, `GH_TOKEN`,
/// `GITHUB_TOKEN`.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const CONTAINS: &[&str] = &[
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "AUTH_TOKEN",
    ];
    const ENDS: &[&str] = &["_TOKEN", "_PAT", "_AUTH"];
    const EXACT: &[&str] = &["TOKEN", "PASSWORD"];
    CONTAINS.iter().any(|part| upper.contains(part))
        || ENDS.iter().any(|end| upper.ends_with(end))
        || EXACT.contains(&upper.as_str())
}

/// `scheme://user:password@` anywhere in a text: the user information ends at the last `@`
/// before the host, and stops at whitespace, quotes and the path.
static URL_CREDENTIALS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z][A-Za-z0-9+.\-]*://)([^\s/?#"'<>\\`@]*(?:@[^\s/?#"'<>\\`@]*)*)@"#).ok()
});

/// `text` with the user and password of every URL that has a password (`user:pass@`) replaced
/// by `[redacted]@`; borrowed when there is none. A URL with only a user name (`git@`) keeps it.
pub fn redact_url_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let Some(pattern) = URL_CREDENTIALS.as_ref() else {
        return Cow::Borrowed(text);
    };
    let mut out = String::new();
    let mut copied = 0;
    for caps in pattern.captures_iter(text) {
        let (Some(user_info), Some(whole)) = (caps.get(2), caps.get(0)) else {
            continue;
        };
        if !user_info.as_str().contains(':') {
            continue;
        }
        out.push_str(&text[copied..user_info.start()]);
        out.push_str(REDACTED);
        copied = whole.end() - 1;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn has_url_credentials(text: &str) -> bool {
    text.contains("://") && matches!(redact_url_credentials(text), Cow::Owned(_))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn secrets_are_replaced_wherever_they_occur() {
        let redactor = Redactor::new(["sk-test-0123456789abcdef", "hunter2hunter2"]);
        assert_eq!(redactor.secret_count(), 2);
        assert_eq!(
            redactor.redact("OPENAI_API_KEY=sk-test-0123456789abcdef\nPW=hunter2hunter2!"),
            "OPENAI_API_KEY=[redacted]\nPW=[redacted]!"
        );
        assert_eq!(
            redactor.redact("x sk-test-0123456789abcdefsk-test-0123456789abcdef y"),
            "x [redacted][redacted] y"
        );
    }

    #[test]
    fn nothing_to_redact_borrows() {
        let redactor = Redactor::new(["sk-test-0123456789abcdef"]);
        assert!(matches!(
            redactor.redact("plain output, no secret"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            Redactor::default().redact("https://example.com/path"),
            Cow::Borrowed(_)
        ));
        assert!(!redactor.finds("plain"));
    }

    #[test]
    fn short_and_blank_values_are_not_secrets() {
        let redactor = Redactor::new(["true", "1234567", "   ", "", "abc"]);
        assert_eq!(redactor.secret_count(), 0);
        assert_eq!(redactor.redact("true 1234567 abc"), "true 1234567 abc");
        // Eight characters is enough; whitespace around a value is not part of it.
        let redactor = Redactor::new([" 12345678\n"]);
        assert_eq!(redactor.redact("pin 12345678"), "pin [redacted]");
    }

    #[test]
    fn the_longest_secret_wins_where_two_overlap() {
        let redactor = Redactor::new(["abcdefgh", "abcdefghijkl"]);
        assert_eq!(redactor.redact("abcdefghijkl"), "[redacted]");
        assert_eq!(redactor.redact("abcdefgh-x"), "[redacted]-x");
    }

    #[test]
    fn secrets_with_regex_characters_are_literal() {
        let redactor = Redactor::new(["a.b*c+d?(e)[f]", "........"]);
        assert_eq!(redactor.redact("a.b*c+d?(e)[f]"), "[redacted]");
        assert_eq!(redactor.redact("aXbbcdde"), "aXbbcdde");
        assert_eq!(redactor.redact("..........").matches(REDACTED).count(), 1);
    }

    #[test]
    fn json_keeps_its_shape_and_escaped_secrets_are_found() {
        let redactor = Redactor::new(["pa\"ss\\word-1", "12345678901"]);
        let json = serde_json::json!({
            "output": "key=pa\"ss\\word-1 done",
            "n": 12345678901u64,
            "list": ["12345678901", "ok"],
        })
        .to_string();
        let redacted = redactor.redact_json(&json);
        let value: serde_json::Value = serde_json::from_str(&redacted).unwrap();
        assert_eq!(value["output"], "key=[redacted] done");
        assert_eq!(value["n"], 12345678901u64);
        assert_eq!(value["list"][0], "[redacted]");
        assert_eq!(value["list"][1], "ok");
        assert!(redactor.finds(&json));
        let clean = r#"{"output":"fine"}"#;
        assert!(matches!(redactor.redact_json(clean), Cow::Borrowed(_)));
    }

    #[test]
    fn url_passwords_are_replaced() {
        assert_eq!(
            redact_url_credentials(
                "error sending request for url (http://user:hunter2pass@127.0.0.1:9/v1/chat)"
            ),
            "error sending request for url (http://[redacted]@127.0.0.1:9/v1/chat)"
        );
        assert_eq!(
            redact_url_credentials(
                "https://x-access-token:ghs_abc@github.com/o/r.git and ftp://a:b@h"
            ),
            "https://[redacted]@github.com/o/r.git and ftp://[redacted]@h"
        );
        // An `@` inside the password (unencoded): everything up to the last `@` is user info.
        assert_eq!(
            redact_url_credentials("http://u:p@ss@host/x"),
            "http://[redacted]@host/x"
        );
        // A user without a password, an e-mail after a URL, and JSON around a URL are kept.
        for kept in [
            "ssh://git@github.com/o/r.git",
            "see http://host/path?mail=a:b@c.d",
            r#"{"url":"http://host","mail":"me:x@example.com"}"#,
            "no url here: a:b@c",
        ] {
            assert!(
                matches!(redact_url_credentials(kept), Cow::Borrowed(_)),
                "{kept}"
            );
        }
        assert!(Redactor::default().finds("http://a:b@h"));
        assert_eq!(
            Redactor::default().redact("http://a:b@h"),
            "http://[redacted]@h"
        );
    }

    #[test]
    fn secret_looking_names() {
        for name in [
            "OPENAI_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "GH_TOKEN",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "my_secret",
            "AWS_ACCESS_KEY_ID",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "SLACK_AUTH_TOKEN",
            "TOKEN",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PATH",
            "HOME",
            "TOKENIZERS_PARALLELISM",
            "KEYMAP",
            "EDITOR",
            "AGENT_HOME",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn from_env_takes_named_and_secret_looking_variables() {
        let env = EnvSnapshot::from_pairs([
            ("OPENAI_API_KEY", "sk-test-0123456789abcdef"),
            ("MY_KEY_VAR", "custom-key-value-1"),
            ("GH_TOKEN", "ghp_short"),
            ("HOME", "/home/someone"),
            ("SHORT_TOKEN", "abc"),
        ]);
        let redactor = Redactor::from_env(
            &env,
            ["MY_KEY_VAR", "UNSET_VAR"],
            ["from-file-key-1".into()],
        );
        assert_eq!(redactor.secret_count(), 4);
        assert_eq!(
            redactor.redact("sk-test-0123456789abcdef custom-key-value-1 ghp_short /home/someone abc from-file-key-1"),
            "[redacted] [redacted] [redacted] /home/someone abc [redacted]"
        );
        assert_eq!(format!("{redactor:?}"), "Redactor { secrets: 4 }");
    }
}
