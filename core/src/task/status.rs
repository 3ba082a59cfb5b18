//! The life cycle of a task and the transitions allowed between its statuses.

pub use crate::protocol::TaskStatus;

impl TaskStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Pending,
        TaskStatus::Running,
        TaskStatus::Verifying,
        TaskStatus::Succeeded,
        TaskStatus::Failed,
        TaskStatus::Cancelled,
    ];

    /// The status as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Running => "running",
            TaskStatus::Verifying => "verifying",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// The status stored as `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the task is over: nothing moves it again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }

    /// Whether a task may move from `self` to `next`.
    pub fn can_become(self, next: TaskStatus) -> bool {
        use TaskStatus::*;
        match (self, next) {
            (Pending, Running) => true,
            (Running, Verifying | Succeeded) => true,
            (Verifying, Running | Succeeded) => true,
            (from, Failed | Cancelled) => !from.is_final(),
            _ => false,
        }
    }
}

impl std::fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::TaskStatus::{self, *};

    /// Every pair of statuses, checked against the table written out by hand.
    #[test]
    fn transitions_are_exactly_the_legal_ones() {
        let legal = [
            (Pending, Running),
            (Pending, Failed),
            (Pending, Cancelled),
            (Running, Verifying),
            (Running, Succeeded),
            (Running, Failed),
            (Running, Cancelled),
            (Verifying, Running),
            (Verifying, Succeeded),
            (Verifying, Failed),
            (Verifying, Cancelled),
        ];
        for from in TaskStatus::ALL {
            for to in TaskStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn final_statuses_go_nowhere() {
        for from in TaskStatus::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(TaskStatus::ALL.iter().all(|to| !from.can_become(*to)));
        }
    }

    #[test]
    fn names_round_trip() {
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::from_name(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert_eq!(TaskStatus::from_name("done"), None);
    }
}
