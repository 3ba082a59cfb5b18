//! A/B tests: two variants of settings (`model`, `<role>_model`, `strategy`, `prompt`,
//! `<role>_prompt`), a task assigned to one when it starts, and the settings applied over the
//! configuration and the router.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::protocol::{AbVariantRef, AgentRole, StrategyChoice, TaskSpec};
use crate::store::{AbTestRecord, Store};

/// The keys a variant may set, with what each does.
pub const KEYS: &[(&str, &str)] = &[
    ("model", "the model of every role"),
    ("planner_model", "the planner's model"),
    ("coder_model", "the coder's model"),
    ("reviewer_model", "the reviewer's model"),
    ("tester_model", "the tester's model"),
    ("strategy", "auto, single, iterative or multi"),
    ("prompt", "a file with the coder's system prompt"),
    ("planner_prompt", "a file with the planner's system prompt"),
    ("coder_prompt", "a file with the coder's system prompt"),
    (
        "reviewer_prompt",
        "a file with the reviewer's system prompt",
    ),
    ("tester_prompt", "a file with the tester's system prompt"),
];

/// The names of the two variants.
pub const VARIANTS: [&str; 2] = ["a", "b"];

/// One variant of a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// `a` or `b`.
    pub name: String,
    /// What it sets, as given (a prompt as its file's path).
    pub settings: BTreeMap<String, String>,
    /// The prompt texts it sets, read when the test was created.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prompts: BTreeMap<AgentRole, String>,
    /// Its share of the tasks relative to the other's.
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

fn invalid(message: String, hint: &str) -> Error {
    Error::AbTest {
        message,
        hint: hint.to_string(),
    }
}

/// The role a `<role>_model` or `<role>_prompt` key names (`prompt` is the coder's).
fn role_of(key: &str, suffix: &str) -> Option<AgentRole> {
    if key == "prompt" && suffix == "_prompt" {
        return Some(AgentRole::Coder);
    }
    AgentRole::from_name(key.strip_suffix(suffix)?)
        .filter(|role| AgentRole::TASK_ROLES.contains(role))
}

impl Variant {
    /// A variant from `KEY=VALUE` pairs; prompt files are read now (relative to `base_dir`), so
    /// the test keeps what it started with.
    pub fn parse(name: &str, pairs: &[String], base_dir: &Path) -> Result<Variant> {
        let mut settings = BTreeMap::new();
        let mut prompts = BTreeMap::new();
        for pair in pairs {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(invalid(
                    format!("`{pair}` is not KEY=VALUE"),
                    "write it as --a model=qwen2.5-coder:7b",
                ));
            };
            let (key, value) = (key.trim(), value.trim());
            if !KEYS.iter().any(|(known, _)| *known == key) {
                let known: Vec<&str> = KEYS.iter().map(|(known, _)| *known).collect();
                return Err(invalid(
                    format!("unknown A/B key `{key}`"),
                    &format!("use one of: {}", known.join(", ")),
                ));
            }
            if value.is_empty() {
                return Err(invalid(
                    format!("`{key}` has no value"),
                    "write it as KEY=VALUE",
                ));
            }
            if key == "strategy" && StrategyChoice::from_name(value).is_none() {
                return Err(invalid(
                    format!("unknown strategy `{value}`"),
                    &format!("use one of: {}", StrategyChoice::NAMES.join(", ")),
                ));
            }
            if let Some(role) = role_of(key, "_prompt") {
                let file = base_dir.join(value);
                let text = std::fs::read_to_string(&file).map_err(|error| {
                    invalid(
                        format!("cannot read the prompt file {}: {error}", file.display()),
                        "give a readable Markdown file with the role's system prompt",
                    )
                })?;
                if prompts.insert(role, text).is_some() {
                    return Err(invalid(
                        format!("the {role} prompt is set twice"),
                        "`prompt` is the coder's: set it or coder_prompt, not both",
                    ));
                }
            }
            if settings
                .insert(key.to_string(), value.to_string())
                .is_some()
            {
                return Err(invalid(
                    format!("`{key}` is set twice in variant {name}"),
                    "give each key once per variant",
                ));
            }
        }
        if settings.is_empty() {
            return Err(invalid(
                format!("variant {name} sets nothing"),
                "give it at least one KEY=VALUE, e.g. --a model=NAME --b model=OTHER",
            ));
        }
        Ok(Variant {
            name: name.to_string(),
            settings,
            prompts,
            weight: 1,
        })
    }

    /// The roles whose model it sets, with the model.
    pub fn models(&self) -> BTreeMap<AgentRole, String> {
        let mut models = BTreeMap::new();
        if let Some(model) = self.settings.get("model") {
            for role in AgentRole::TASK_ROLES {
                models.insert(role, model.clone());
            }
        }
        for (key, value) in &self.settings {
            if let Some(role) = role_of(key, "_model") {
                models.insert(role, value.clone());
            }
        }
        models
    }

    /// What it touches: role models, `strategy`, role prompts (for overlaps between tests).
    fn touches(&self) -> BTreeSet<String> {
        let mut touched: BTreeSet<String> = self
            .models()
            .keys()
            .map(|role| format!("{role}_model"))
            .collect();
        touched.extend(self.prompts.keys().map(|role| format!("{role}_prompt")));
        if self.settings.contains_key("strategy") {
            touched.insert("strategy".into());
        }
        touched
    }
}

/// The variants of a stored test.
pub fn variants_of(test: &AbTestRecord) -> Result<Vec<Variant>> {
    serde_json::from_str(&test.variants).map_err(|error| {
        invalid(
            format!(
                "the variants of A/B test `{}` cannot be read: {error}",
                test.name
            ),
            "stop it (`agent ab stop NAME`) and create it again",
        )
    })
}

/// Checks a new test's two variants against each other and the running tests, and stores it.
pub fn create(store: &Store, name: &str, a: Variant, b: Variant) -> Result<AbTestRecord> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(invalid(
            format!("`{name}` is not a test name"),
            "name it with one word, e.g. coder-7b-vs-14b",
        ));
    }
    if a.settings.keys().ne(b.settings.keys()) {
        return Err(invalid(
            "the two variants must set the same keys".into(),
            "give --a and --b the same KEYs with different values",
        ));
    }
    if a.settings == b.settings && a.prompts == b.prompts {
        return Err(invalid(
            "the two variants are the same".into(),
            "give --b a different value for at least one key",
        ));
    }
    let touched = a.touches();
    for running in store.running_ab_tests()? {
        let overlap: Vec<String> = variants_of(&running)?
            .iter()
            .flat_map(Variant::touches)
            .filter(|key| touched.contains(key))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !overlap.is_empty() {
            return Err(invalid(
                format!(
                    "A/B test `{}` already sets {} for every task",
                    running.name,
                    overlap.join(", ")
                ),
                &format!("stop it first: agent ab stop {}", running.name),
            ));
        }
    }
    let variants = serde_json::to_string(&[a, b])?;
    store.create_ab_test(&crate::ids::new_id(), name, &variants)?;
    store.ab_test(name)
}

/// What the running tests did to one task.
#[derive(Debug, Clone, Default)]
pub struct Enrollment {
    /// Each test the task takes part in (its id) and the variant it got.
    pub assignments: Vec<(String, AbVariantRef)>,
    /// Role models the variants set.
    pub models: BTreeMap<AgentRole, String>,
    /// Role prompts (templates) the variants set.
    pub prompts: HashMap<AgentRole, String>,
}

/// Assigns a task to a variant of every running test and applies the variants' settings to
/// `spec`. A test that sets the model of a role the front named itself
/// ([`TaskSpec::pinned_roles`]) leaves the task out. The variant with fewer tasks so far
/// (relative to its weight) gets the task; a tie goes to `coin` (true: `b`).
pub fn enroll(
    store: &Store,
    spec: &mut TaskSpec,
    coin: &mut dyn FnMut() -> bool,
) -> Result<Enrollment> {
    let mut enrollment = Enrollment::default();
    for test in store.running_ab_tests()? {
        let variants = variants_of(&test)?;
        let sets_pinned = variants.iter().any(|variant| {
            variant
                .models()
                .keys()
                .any(|role| spec.pinned_roles.contains(role))
        });
        if sets_pinned || variants.len() != 2 {
            continue;
        }
        let totals = store.ab_variant_totals(&test.id)?;
        let load = |variant: &Variant| {
            let assigned = totals
                .iter()
                .find(|total| total.variant == variant.name)
                .map_or(0, |total| total.assigned);
            assigned as f64 / f64::from(variant.weight.max(1))
        };
        let (a, b) = (&variants[0], &variants[1]);
        let variant = match load(a).partial_cmp(&load(b)) {
            Some(std::cmp::Ordering::Less) => a,
            Some(std::cmp::Ordering::Greater) => b,
            _ if coin() => b,
            _ => a,
        };
        apply(variant, spec, &mut enrollment);
        enrollment.assignments.push((
            test.id.clone(),
            AbVariantRef {
                test: test.name.clone(),
                variant: variant.name.clone(),
                settings: variant.settings.clone(),
            },
        ));
    }
    Ok(enrollment)
}

/// A variant's settings over the task's: models (and the roles they pin), strategy, prompts.
fn apply(variant: &Variant, spec: &mut TaskSpec, enrollment: &mut Enrollment) {
    if let Some(model) = variant.settings.get("model") {
        spec.model = Some(model.clone());
        spec.role_models.clear();
    }
    for (role, model) in variant.models() {
        if variant.settings.contains_key(&format!("{role}_model")) {
            spec.role_models.insert(role, model.clone());
        }
        enrollment.models.insert(role, model);
    }
    if let Some(strategy) = variant
        .settings
        .get("strategy")
        .and_then(|name| StrategyChoice::from_name(name))
    {
        spec.strategy = strategy;
    }
    for (role, text) in &variant.prompts {
        enrollment.prompts.insert(*role, text.clone());
    }
}
