//! 发布流程 — the publishing workflow of a catalogue item.
//!
//! draft → submitted → approved | rejected (with reason) → published (now, or scheduled for a time)
//! → withdrawn (stays readable with a notice) | removed (gone, answers 410).

use crate::DomainError;

vocabulary!(
    /// 状态 — where an item is in the publishing workflow.
    ItemStatus, "status" {
        Draft => "draft", "草稿";
        Submitted => "submitted", "待审核";
        Approved => "approved", "已审核";
        Rejected => "rejected", "已退回";
        Scheduled => "scheduled", "定时发布";
        Published => "published", "已发布";
        Withdrawn => "withdrawn", "已撤回";
        Removed => "removed", "已删除";
    }
);

/// What a member of staff asks to do to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowAction {
    Submit,
    Approve,
    Reject {
        reason: String,
    },
    Publish,
    Schedule,
    /// 撤回 — taken down but still readable with a withdrawal notice.
    Withdraw {
        reason: String,
    },
    /// 删除 — gone from the public site.
    Remove {
        reason: String,
    },
    /// A rejected or withdrawn item goes back to draft for rework.
    Reopen,
}

impl WorkflowAction {
    pub fn name(&self) -> &'static str {
        match self {
            WorkflowAction::Submit => "submit",
            WorkflowAction::Approve => "approve",
            WorkflowAction::Reject { .. } => "reject",
            WorkflowAction::Publish => "publish",
            WorkflowAction::Schedule => "schedule",
            WorkflowAction::Withdraw { .. } => "withdraw",
            WorkflowAction::Remove { .. } => "remove",
            WorkflowAction::Reopen => "reopen",
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            WorkflowAction::Reject { reason }
            | WorkflowAction::Withdraw { reason }
            | WorkflowAction::Remove { reason } => Some(reason),
            _ => None,
        }
    }
}

impl ItemStatus {
    /// Whether the public can open the item's page (withdrawn items show their notice).
    pub fn is_public(self) -> bool {
        matches!(self, ItemStatus::Published | ItemStatus::Withdrawn)
    }

    /// Whether an item in this state has been published once, so it carries a 索引号 that never changes.
    pub fn has_been_published(self) -> bool {
        matches!(
            self,
            ItemStatus::Published | ItemStatus::Withdrawn | ItemStatus::Removed
        )
    }

    /// Editing content in place is allowed before review; after publication an edit makes a new version.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ItemStatus::Draft | ItemStatus::Rejected | ItemStatus::Published
        )
    }

    /// The next state, or the rule that forbids the action.
    pub fn apply(self, action: &WorkflowAction) -> Result<ItemStatus, DomainError> {
        use ItemStatus::*;
        use WorkflowAction as A;
        if let Some(reason) = action.reason() {
            if reason.trim().is_empty() {
                return Err(DomainError::invalid("reason", "a reason is required"));
            }
        }
        let next = match (self, action) {
            (Draft, A::Submit) => Some(Submitted),
            (Submitted, A::Approve) => Some(Approved),
            (Submitted, A::Reject { .. }) => Some(Rejected),
            (Approved, A::Publish) | (Scheduled, A::Publish) => Some(Published),
            (Approved, A::Schedule) => Some(Scheduled),
            (Published, A::Withdraw { .. }) => Some(Withdrawn),
            (Published, A::Remove { .. }) | (Withdrawn, A::Remove { .. }) => Some(Removed),
            (Rejected, A::Reopen) | (Scheduled, A::Reopen) => Some(Draft),
            (Withdrawn, A::Publish) => Some(Published),
            _ => None,
        };
        next.ok_or_else(|| DomainError::Transition {
            from: self.as_str().into(),
            to: action.name().into(),
            reason: match self {
                Draft => "a draft must be submitted for review first".into(),
                Submitted => "the item is waiting for review".into(),
                Removed => "a removed item cannot change".into(),
                Published => "a published item can only be edited, withdrawn or removed".into(),
                _ => format!("{} is not possible from {}", action.name(), self.label_zh()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ItemStatus::*;
    use super::*;

    #[test]
    fn happy_path() {
        let s = Draft.apply(&WorkflowAction::Submit).unwrap();
        let s = s.apply(&WorkflowAction::Approve).unwrap();
        let s = s.apply(&WorkflowAction::Publish).unwrap();
        assert_eq!(s, Published);
        let s = s
            .apply(&WorkflowAction::Withdraw {
                reason: "政策已调整".into(),
            })
            .unwrap();
        assert_eq!(s, Withdrawn);
        assert!(s.is_public());
        assert_eq!(
            s.apply(&WorkflowAction::Remove {
                reason: "重复".into()
            })
            .unwrap(),
            Removed
        );
    }

    #[test]
    fn rejection_needs_reason_and_returns_to_draft() {
        assert!(Submitted
            .apply(&WorkflowAction::Reject { reason: " ".into() })
            .is_err());
        let r = Submitted
            .apply(&WorkflowAction::Reject {
                reason: "文号有误".into(),
            })
            .unwrap();
        assert_eq!(r.apply(&WorkflowAction::Reopen).unwrap(), Draft);
    }

    #[test]
    fn forbidden_transitions_say_why() {
        let err = Draft.apply(&WorkflowAction::Publish).unwrap_err();
        assert!(err.to_string().contains("submitted for review"), "{err}");
        assert!(Removed.apply(&WorkflowAction::Publish).is_err());
        assert!(Submitted.apply(&WorkflowAction::Submit).is_err());
        assert!(Draft.apply(&WorkflowAction::Approve).is_err());
    }

    #[test]
    fn only_published_states_carry_index_numbers() {
        assert!(!Approved.has_been_published());
        assert!(Withdrawn.has_been_published());
        assert!(!Removed.is_public());
    }
}
