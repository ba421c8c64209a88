//! 角色 — staff roles, each scoped to an organisation and its children.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 平台管理员 — runs the whole platform.
    PlatformAdmin,
    /// 单位管理员 — manages one organisation's sites, columns and users.
    OrgAdmin,
    /// 编辑 — drafts items.
    Editor,
    /// 审核 — reviews and publishes items.
    Reviewer,
    /// 依申请办理人 — handles on-application requests (sees personal data whole).
    RequestHandler,
}

/// Things staff do; each role grants a set of them within its organisation scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    EditItems,
    ReviewItems,
    ManageSites,
    ManageUsers,
    ManageOrganisations,
    ViewAudit,
    HandleRequests,
}

impl Role {
    pub const ALL: &'static [Role] =
        &[Role::PlatformAdmin, Role::OrgAdmin, Role::Editor, Role::Reviewer, Role::RequestHandler];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::OrgAdmin => "org_admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::RequestHandler => "request_handler",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "平台管理员",
            Role::OrgAdmin => "单位管理员",
            Role::Editor => "编辑",
            Role::Reviewer => "审核员",
            Role::RequestHandler => "依申请办理人",
        }
    }

    pub fn grants(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::PlatformAdmin => true,
            Role::OrgAdmin => matches!(p, EditItems | ReviewItems | ManageSites | ManageUsers | ViewAudit),
            Role::Editor => matches!(p, EditItems),
            Role::Reviewer => matches!(p, EditItems | ReviewItems),
            Role::RequestHandler => matches!(p, HandleRequests),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s.trim() || r.label_zh() == s.trim())
            .ok_or_else(|| DomainError::invalid("role", format!("unknown role {s:?}")))
    }
}

/// A role held over an organisation. `scope_path` is the organisation's materialised path
/// (e.g. `/1/7/`), so "this organisation or one of its children" is a prefix test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope_path: String,
}

impl Grant {
    /// Whether this grant allows `p` on something owned by the organisation at `target_path`.
    pub fn allows(&self, p: Permission, target_path: &str) -> bool {
        self.role.grants(p) && (self.role == Role::PlatformAdmin || target_path.starts_with(&self.scope_path))
    }
}

/// Whether any of a user's grants allows `p` on the organisation at `target_path`.
pub fn allowed(grants: &[Grant], p: Permission, target_path: &str) -> bool {
    grants.iter().any(|g| g.allows(p, target_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, path: &str) -> Grant {
        Grant { role, scope_path: path.into() }
    }

    #[test]
    fn scope_covers_children_not_siblings() {
        let g = [grant(Role::Editor, "/1/7/")];
        assert!(allowed(&g, Permission::EditItems, "/1/7/"));
        assert!(allowed(&g, Permission::EditItems, "/1/7/12/"));
        assert!(!allowed(&g, Permission::EditItems, "/1/8/"));
        // "/1/7" must not match "/1/70/": paths end with a slash for that reason.
        assert!(!allowed(&g, Permission::EditItems, "/1/70/"));
        assert!(!allowed(&g, Permission::ReviewItems, "/1/7/"));
    }

    #[test]
    fn platform_admin_reaches_everything() {
        let g = [grant(Role::PlatformAdmin, "/1/")];
        assert!(allowed(&g, Permission::ManageOrganisations, "/2/"));
    }

    #[test]
    fn request_handler_cannot_edit() {
        let g = [grant(Role::RequestHandler, "/1/")];
        assert!(!allowed(&g, Permission::EditItems, "/1/"));
        assert!(allowed(&g, Permission::HandleRequests, "/1/3/"));
    }
}
