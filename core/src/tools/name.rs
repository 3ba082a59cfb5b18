//! The tools' names: a closed set, matched in one place each (the dispatch, the effect, the
//! schemas, which roles may use them). What a model asks for stays a string until it is one.

use super::EditForm;

/// A tool of the toolbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolName {
    Read,
    List,
    Search,
    Edit,
    Write,
    Run,
    Diff,
    Fetch,
    Browser,
    Symbols,
}

impl ToolName {
    /// Every tool, in the order the model sees them.
    pub const ALL: [ToolName; 10] = [
        ToolName::Read,
        ToolName::List,
        ToolName::Search,
        ToolName::Edit,
        ToolName::Write,
        ToolName::Run,
        ToolName::Diff,
        ToolName::Fetch,
        ToolName::Browser,
        ToolName::Symbols,
    ];

    /// The name the model calls it by.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::Read => "read",
            ToolName::List => "list",
            ToolName::Search => "search",
            ToolName::Edit => "edit",
            ToolName::Write => "write",
            ToolName::Run => "run",
            ToolName::Diff => "diff",
            ToolName::Fetch => "fetch",
            ToolName::Browser => "browser",
            ToolName::Symbols => "symbols",
        }
    }

    /// The tool called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tool| tool.as_str() == name)
    }

    /// Whether it reaches the web (offered only when `fetch.tool` is on).
    pub fn is_web(self) -> bool {
        matches!(self, ToolName::Fetch | ToolName::Browser)
    }

    /// Whether it only reads (what a read-only role may use). The web tools are not: what they
    /// ask for leaves the machine.
    pub fn reads_only(self) -> bool {
        matches!(
            self,
            ToolName::Read | ToolName::List | ToolName::Search | ToolName::Diff | ToolName::Symbols
        )
    }

    /// How the tool edits a file, for the edit outcomes kept per model.
    pub fn edit_form(self) -> Option<EditForm> {
        match self {
            ToolName::Edit => Some(EditForm::SearchReplace),
            ToolName::Write => Some(EditForm::WholeFile),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_every_tool_has_its_schema() {
        for tool in ToolName::ALL {
            assert_eq!(ToolName::from_name(tool.as_str()), Some(tool));
        }
        assert_eq!(ToolName::from_name("rm"), None);
        let schemas: Vec<String> = super::super::specs::all()
            .into_iter()
            .map(|spec| spec.name)
            .collect();
        let names: Vec<&str> = ToolName::ALL.map(ToolName::as_str).to_vec();
        assert_eq!(schemas, names);
        let read_only: Vec<&str> = ToolName::ALL
            .into_iter()
            .filter(|tool| tool.reads_only())
            .map(ToolName::as_str)
            .collect();
        assert_eq!(read_only, ["read", "list", "search", "diff", "symbols"]);
    }
}
