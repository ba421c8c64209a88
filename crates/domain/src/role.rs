//! 角色 — staff roles, each scoped to an organisation and its children.

vocabulary!(
    /// Staff roles: 平台管理员 runs the platform; 单位管理员 manages one organisation's sites, columns and
    /// users; 编辑 drafts; 审核员 reviews and publishes; 依申请办理人 handles requests (sees personal data whole).
    Role, "role" {
        PlatformAdmin => "platform_admin", "平台管理员";
        OrgAdmin => "org_admin", "单位管理员";
        Editor => "editor", "编辑";
        Reviewer => "reviewer", "审核员";
        RequestHandler => "request_handler", "依申请办理人";
        LetterHandler => "letter_handler", "信箱办理人";
    }
);

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
    /// 领导信箱: handle letters and see their writers' contact details; 单位管理员 also gets the
    /// watch-word alerts and the mailbox settings through it.
    HandleLetters,
}

impl Role {
    pub fn grants(self, p: Permission) -> bool {
        use Permission::*;
        if p == HandleLetters {
            return matches!(
                self,
                Role::PlatformAdmin | Role::OrgAdmin | Role::LetterHandler
            );
        }
        match self {
            Role::PlatformAdmin => true,
            Role::OrgAdmin => matches!(
                p,
                EditItems | ReviewItems | ManageSites | ManageUsers | ViewAudit
            ),
            Role::Editor => matches!(p, EditItems),
            Role::Reviewer => matches!(p, EditItems | ReviewItems),
            Role::RequestHandler => matches!(p, HandleRequests),
            Role::LetterHandler => false,
        }
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
        self.role.grants(p)
            && (self.role == Role::PlatformAdmin || target_path.starts_with(&self.scope_path))
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
        Grant {
            role,
            scope_path: path.into(),
        }
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
    fn letter_handlers_and_org_admins_handle_letters_in_scope() {
        let h = [grant(Role::LetterHandler, "/1/7/")];
        assert!(allowed(&h, Permission::HandleLetters, "/1/7/9/"));
        assert!(!allowed(&h, Permission::HandleLetters, "/1/8/"));
        assert!(!allowed(&h, Permission::HandleRequests, "/1/7/"));
        assert!(!allowed(&h, Permission::EditItems, "/1/7/"));
        assert!(allowed(
            &[grant(Role::OrgAdmin, "/1/")],
            Permission::HandleLetters,
            "/1/7/"
        ));
        assert!(!allowed(
            &[grant(Role::Editor, "/1/")],
            Permission::HandleLetters,
            "/1/"
        ));
    }

    #[test]
    fn request_handler_cannot_edit() {
        let g = [grant(Role::RequestHandler, "/1/")];
        assert!(!allowed(&g, Permission::EditItems, "/1/"));
        assert!(allowed(&g, Permission::HandleRequests, "/1/3/"));
    }
}
