//! Which variables of the agent's environment a command does not get: credentials. A built-in
//! list of name patterns (API keys, tokens, secrets, passwords, AWS, the SSH agent's socket),
//! plus the names configured in `sandbox.env_remove`, less those in `sandbox.env_keep`.

use std::ffi::OsString;

/// Name patterns of variables that hold credentials. `*` matches any run of characters;
/// matching ignores case.
const SECRET_PATTERNS: &[&str] = &[
    "*API_KEY*",
    "*APIKEY*",
    "*_KEY",
    "*ACCESS_KEY*",
    "*PRIVATE_KEY*",
    "TOKEN",
    "*_TOKEN",
    "*_TOKENS",
    "*AUTH_TOKEN*",
    "*SESSION_TOKEN*",
    "*SECRET*",
    "*PASSWORD*",
    "*PASSWD*",
    "*CREDENTIAL*",
    "AWS_*",
    "MYSQL_PWD",
    "DOCKER_AUTH_CONFIG",
    // Not a secret itself, but it lets a command sign in anywhere with the user's SSH keys.
    "SSH_AUTH_SOCK",
];

/// Whether a variable named `name` looks like it holds a credential (the built-in list).
pub fn looks_secret(name: &str) -> bool {
    SECRET_PATTERNS
        .iter()
        .any(|pattern| glob_matches(pattern, name))
}

/// The variables that hold GitHub tokens (for github.com and GitHub Enterprise Server).
pub const GITHUB_TOKEN_VARIABLES: &[&str] = &[
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
];

/// The variables commands do not get: the built-in list and `remove`, except `keep`. Patterns
/// may use `*`; matching ignores case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFilter {
    remove: Vec<String>,
    keep: Vec<String>,
    /// For tasks started from untrusted text: `keep` cannot bring back a variable that looks
    /// secret or holds a GitHub token.
    strict: bool,
}

impl EnvFilter {
    /// The built-in list plus `remove`, less `keep`.
    pub fn new(remove: Vec<String>, keep: Vec<String>) -> Self {
        Self {
            remove,
            keep,
            strict: false,
        }
    }

    /// This filter for commands of a task started from untrusted text: every variable that
    /// looks secret and the GitHub token variables are removed whatever `keep` says.
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// Whether a command does not get the variable `name`.
    pub fn removes(&self, name: &str) -> bool {
        if self.strict
            && (looks_secret(name)
                || GITHUB_TOKEN_VARIABLES
                    .iter()
                    .any(|variable| variable.eq_ignore_ascii_case(name)))
        {
            return true;
        }
        let kept = self.keep.iter().any(|pattern| glob_matches(pattern, name));
        let removed = looks_secret(name)
            || self
                .remove
                .iter()
                .any(|pattern| glob_matches(pattern, name));
        removed && !kept
    }

    /// The variables of `vars` a command gets.
    pub fn apply(
        &self,
        vars: impl IntoIterator<Item = (String, OsString)>,
    ) -> Vec<(String, OsString)> {
        vars.into_iter()
            .filter(|(name, _)| !self.removes(name))
            .collect()
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters and case is
/// ignored.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim().to_ascii_uppercase();
    let name = name.to_ascii_uppercase();
    let mut pieces = pattern.split('*');
    let Some(first) = pieces.next() else {
        return false;
    };
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*`: the whole name.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_shell_globs_ignoring_case() {
        assert!(glob_matches("AWS_*", "AWS_SECRET_ACCESS_KEY"));
        assert!(glob_matches("aws_*", "AWS_PROFILE"));
        assert!(!glob_matches("AWS_*", "XAWS_PROFILE"));
        assert!(glob_matches("*_TOKEN", "GITHUB_TOKEN"));
        assert!(!glob_matches("*_TOKEN", "TOKENIZERS_PARALLELISM"));
        assert!(glob_matches("*SECRET*", "client_secret_file"));
        assert!(glob_matches("DATABASE_URL", "database_url"));
        assert!(!glob_matches("DATABASE_URL", "DATABASE_URL2"));
        assert!(glob_matches("A*B*C", "AxxBxxC"));
        assert!(!glob_matches("A*B*C", "AxxCxxB"));
        assert!(
            !glob_matches("AB*B", "AB"),
            "the tail may not overlap the head"
        );
        assert!(glob_matches("*", "ANYTHING"));
    }

    #[test]
    fn credentials_are_recognised_and_ordinary_variables_are_not() {
        for secret in [
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "GH_TOKEN",
            "GITHUB_TOKEN",
            "HF_TOKEN",
            "NPM_TOKEN",
            "CARGO_REGISTRY_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AZURE_CLIENT_SECRET",
            "PGPASSWORD",
            "MYSQL_PWD",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "STRIPE_KEY",
            "SSH_AUTH_SOCK",
        ] {
            assert!(looks_secret(secret), "{secret}");
        }
        for ordinary in [
            "PATH",
            "HOME",
            "LANG",
            "TERM",
            "CARGO_TARGET_DIR",
            "TOKENIZERS_PARALLELISM",
            "KEYBOARD_LAYOUT",
            "RUST_LOG",
            "PYTHONPATH",
        ] {
            assert!(!looks_secret(ordinary), "{ordinary}");
        }
    }

    #[test]
    fn configuration_adds_names_and_keeps_others() {
        let filter = EnvFilter::new(
            vec!["DATABASE_URL".into(), "MY_*".into()],
            vec!["CI_JOB_TOKEN".into()],
        );
        let vars = [
            ("PATH", "/bin"),
            ("DATABASE_URL", "postgres://u:p@h/db"),
            ("MY_THING", "x"),
            ("OPENAI_API_KEY", "sk-test"),
            ("CI_JOB_TOKEN", "kept"),
        ]
        .map(|(name, value)| (name.to_string(), OsString::from(value)));
        let names: Vec<String> = filter.apply(vars).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["PATH", "CI_JOB_TOKEN"]);
    }

    #[test]
    fn a_strict_filter_keeps_no_secret_whatever_env_keep_says() {
        let filter = EnvFilter::new(
            vec!["DATABASE_URL".into()],
            vec![
                "*".into(),
                "GH_TOKEN".into(),
                "CI_JOB_TOKEN".into(),
                "DATABASE_URL".into(),
            ],
        )
        .strict();
        let vars = [
            ("PATH", "/bin"),
            ("GH_TOKEN", "ghp_x"),
            ("github_token", "ghp_y"),
            ("GH_ENTERPRISE_TOKEN", "ghe"),
            ("CI_JOB_TOKEN", "kept before"),
            ("OPENAI_API_KEY", "sk-test"),
            ("DATABASE_URL", "kept: it only matched env_remove"),
            ("HOME", "/home/u"),
        ]
        .map(|(name, value)| (name.to_string(), OsString::from(value)));
        let names: Vec<String> = filter.apply(vars).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["PATH", "DATABASE_URL", "HOME"]);
    }
}
