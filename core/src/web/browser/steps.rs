//! Form steps in the browser, written one per line (the model's `browser` tool and `agent browse
//! --step`): `fill SELECTOR=TEXT`, `click SELECTOR`, `wait SELECTOR`.

use std::time::Duration;

use super::Browser;
use crate::web::error::WebError;

/// How long `wait` waits for its selector.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10);

/// One step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Type `text` into the first field matching `selector`.
    Fill { selector: String, text: String },
    /// Click the first element matching `selector`, then wait for the page to settle.
    Click { selector: String },
    /// Wait until an element matches `selector`.
    Wait { selector: String },
}

impl Step {
    /// Parses one line. In `fill`, the text starts after the first `=` outside brackets and
    /// quotes, so `fill input[name="q"]=rust` fills `input[name="q"]`.
    pub fn parse(line: &str) -> Result<Self, WebError> {
        let line = line.trim();
        let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let bad = |reason: &str| WebError::BadStep {
            step: line.to_owned(),
            reason: reason.to_owned(),
        };
        if rest.is_empty() {
            return Err(bad("a CSS selector must follow"));
        }
        match verb.to_ascii_lowercase().as_str() {
            "fill" => {
                let at = fill_separator(rest).ok_or_else(|| bad("write fill SELECTOR=TEXT"))?;
                let selector = rest[..at].trim();
                if selector.is_empty() {
                    return Err(bad("write fill SELECTOR=TEXT"));
                }
                Ok(Step::Fill {
                    selector: selector.to_owned(),
                    text: rest[at + 1..].to_owned(),
                })
            }
            "click" => Ok(Step::Click {
                selector: rest.to_owned(),
            }),
            "wait" => Ok(Step::Wait {
                selector: rest.to_owned(),
            }),
            _ => Err(bad("the steps are fill, click and wait")),
        }
    }

    /// Parses every non-blank line of `text`.
    pub fn parse_lines(text: &str) -> Result<Vec<Self>, WebError> {
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(Self::parse)
            .collect()
    }

    /// Does the step in `browser`.
    pub async fn run(&self, browser: &Browser) -> Result<(), WebError> {
        match self {
            Step::Fill { selector, text } => browser.fill(selector, text).await,
            Step::Click { selector } => browser.click(selector).await,
            Step::Wait { selector } => browser.wait_for(selector, WAIT_LIMIT).await,
        }
    }
}

/// Where the `=` between selector and text is: the first outside `[...]` and quotes.
fn fill_separator(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '=') if depth == 0 => return Some(at),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_with_selectors_that_hold_equals_signs() {
        assert_eq!(
            Step::parse(r#"fill input[name="q"]=rust = fast"#).unwrap(),
            Step::Fill {
                selector: r#"input[name="q"]"#.into(),
                text: "rust = fast".into()
            }
        );
        assert_eq!(
            Step::parse("  CLICK  button.go ").unwrap(),
            Step::Click {
                selector: "button.go".into()
            }
        );
        assert_eq!(Step::parse_lines("wait #done\n\nclick a").unwrap().len(), 2);
        for bad in ["fill #q", "click", "scroll #x", "fill =x"] {
            let error = Step::parse(bad).unwrap_err();
            assert!(error.to_string().contains(bad.trim()), "{error}");
        }
    }
}
