//! The planner's plan: steps (with the files each touches) and acceptance criteria, parsed
//! forgivingly from the planner's reply and rendered back into the coder's and tester's prompts.

pub use crate::protocol::{Plan, PlanStep};

/// The most steps a plan keeps (a planner that lists fifty steps is not helping).
pub const MAX_STEPS: usize = 8;

impl Plan {
    /// The plan from the planner's reply: the JSON object in it (fenced or bare), or, when there
    /// is none, one step per numbered or bulleted line, or the whole reply as one step.
    pub fn parse(reply: &str) -> Plan {
        let mut plan = json_object(reply)
            .and_then(|json| serde_json::from_str::<Plan>(json).ok())
            .filter(|plan| !plan.steps.is_empty())
            .unwrap_or_else(|| from_lines(reply));
        plan.steps.retain(|step| !step.title.trim().is_empty());
        plan.steps.truncate(MAX_STEPS);
        if plan.steps.is_empty() {
            plan.steps.push(PlanStep {
                title: "Do the task".into(),
                files: Vec::new(),
                details: reply.trim().chars().take(2000).collect(),
            });
        }
        plan
    }

    /// The plan as Markdown for another role's prompt.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if !self.summary.trim().is_empty() {
            text.push_str(self.summary.trim());
            text.push_str("\n\n");
        }
        for (index, step) in self.steps.iter().enumerate() {
            text.push_str(&format!("{}. {}", index + 1, step.title.trim()));
            if !step.files.is_empty() {
                text.push_str(&format!(" ({})", step.files.join(", ")));
            }
            text.push('\n');
            if !step.details.trim().is_empty() {
                text.push_str(&format!("   {}\n", step.details.trim()));
            }
        }
        if !self.acceptance.is_empty() {
            text.push_str("\nDone when:\n");
            for item in &self.acceptance {
                text.push_str(&format!("- {}\n", item.trim()));
            }
        }
        text
    }
}

/// The outermost `{ … }` of the reply, if it has one.
fn json_object(reply: &str) -> Option<&str> {
    let start = reply.find('{')?;
    let end = reply.rfind('}')?;
    (end > start).then(|| &reply[start..=end])
}

fn from_lines(reply: &str) -> Plan {
    let steps = reply
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            let rest = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix("* "))
                .or_else(|| {
                    let digits = line.find(|c: char| !c.is_ascii_digit())?;
                    (digits > 0)
                        .then(|| {
                            line[digits..]
                                .strip_prefix(". ")
                                .or(line[digits..].strip_prefix(") "))
                        })
                        .flatten()
                })?;
            Some(PlanStep {
                title: rest.trim().to_string(),
                files: Vec::new(),
                details: String::new(),
            })
        })
        .collect();
    Plan {
        summary: String::new(),
        steps,
        acceptance: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fenced_json_plan_is_read() {
        let reply = "Here is the plan:\n```json\n{\"summary\": \"Split the store\", \"steps\": [{\"title\": \"Move SQL\", \"files\": [\"src/db.rs\"]}, {\"title\": \"Add tests\"}], \"acceptance\": [\"cargo test passes\"]}\n```";
        let plan = Plan::parse(reply);
        assert_eq!(plan.summary, "Split the store");
        assert_eq!(plan.steps.len(), 2);
        assert_eq!(plan.steps[0].files, ["src/db.rs"]);
        assert_eq!(plan.acceptance, ["cargo test passes"]);
        let text = plan.render();
        assert!(text.contains("1. Move SQL (src/db.rs)"), "{text}");
        assert!(text.contains("- cargo test passes"), "{text}");
    }

    #[test]
    fn a_list_becomes_steps_and_prose_one_step() {
        let plan = Plan::parse("1. Read the parser\n2) Fix the loop\n- Add a test");
        let titles: Vec<&str> = plan.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Read the parser", "Fix the loop", "Add a test"]);
        let plan = Plan::parse("Just fix it.");
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].details, "Just fix it.");
        let plan = Plan::parse("");
        assert_eq!(plan.steps.len(), 1);
    }

    #[test]
    fn long_plans_are_cut() {
        let reply: String = (1..=20).map(|i| format!("{i}. step {i}\n")).collect();
        assert_eq!(Plan::parse(&reply).steps.len(), MAX_STEPS);
    }
}
