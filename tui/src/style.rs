//! Colour policy and a tiny ANSI painter: colour only when asked for or when a TTY wants it.

use agent_core::config::ColorMode;
use agent_core::env::{CLICOLOR_FORCE, EnvSnapshot, NO_COLOR};

/// What a piece of text is, which decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Headings and names.
    Strong,
    /// Secondary details: times, counts, ids.
    Dim,
    /// A search match.
    Highlight,
    /// Something that worked.
    Good,
    /// Something that failed.
    Bad,
    /// Something to look at.
    Warn,
    /// The user's words.
    User,
    /// The model's words.
    Assistant,
    /// Tool traffic and system text.
    Tool,
}

/// Paints text with ANSI colour, or leaves it plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Painter {
    color: bool,
}

impl Painter {
    /// Decides whether to colour: `always`/`never` win; `auto` colours a TTY unless `NO_COLOR` is
    /// set, and colours anything when `CLICOLOR_FORCE` is set.
    pub fn new(mode: ColorMode, env: &EnvSnapshot, is_tty: bool) -> Self {
        let color = match mode {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                if env.is_set(NO_COLOR) {
                    false
                } else if env
                    .get(CLICOLOR_FORCE)
                    .is_some_and(|v| !v.is_empty() && v != "0")
                {
                    true
                } else {
                    is_tty
                }
            }
        };
        Self { color }
    }

    /// A painter that never colours.
    pub fn plain() -> Self {
        Self { color: false }
    }

    /// True when this painter emits ANSI codes.
    pub fn is_color(&self) -> bool {
        self.color
    }

    /// `text` in the given tone.
    pub fn paint(&self, tone: Tone, text: &str) -> String {
        if !self.color || text.is_empty() {
            return text.to_string();
        }
        let code = match tone {
            Tone::Strong => "1",
            Tone::Dim => "2",
            Tone::Highlight => "1;4;33",
            Tone::Good => "32",
            Tone::Bad => "1;31",
            Tone::Warn => "33",
            Tone::User => "1;36",
            Tone::Assistant => "1;35",
            Tone::Tool => "1;34",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_beats_a_tty_but_not_an_explicit_choice() {
        let no_color = EnvSnapshot::from_pairs([(NO_COLOR, "1")]);
        let empty = EnvSnapshot::default();
        assert!(!Painter::new(ColorMode::Auto, &no_color, true).is_color());
        assert!(Painter::new(ColorMode::Auto, &empty, true).is_color());
        assert!(!Painter::new(ColorMode::Auto, &empty, false).is_color());
        assert!(Painter::new(ColorMode::Always, &no_color, false).is_color());
        assert!(!Painter::new(ColorMode::Never, &empty, true).is_color());
        let forced = EnvSnapshot::from_pairs([(CLICOLOR_FORCE, "1")]);
        assert!(Painter::new(ColorMode::Auto, &forced, false).is_color());
    }

    #[test]
    fn plain_painting_leaves_text_alone() {
        assert_eq!(Painter::plain().paint(Tone::Bad, "x"), "x");
        let color = Painter::new(ColorMode::Always, &EnvSnapshot::default(), false);
        assert_eq!(color.paint(Tone::Good, "ok"), "\x1b[32mok\x1b[0m");
    }
}
