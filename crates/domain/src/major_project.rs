//! 重大项目 — a major construction project and the eight kinds of information the national
//! guidance requires for it (批准服务 … 竣工), each published as catalogue items filed under the
//! project.

use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

vocabulary!(
    /// 信息类别 — one of the eight kinds of a major project's information, in the order a
    /// project goes through them.
    ProjectInfoKind, "kind" {
        ApprovalService => "approval_service", "批准服务";
        ApprovalResult => "approval_result", "批准结果";
        Tendering => "tendering", "招标投标";
        LandExpropriation => "land_expropriation", "征收土地";
        DesignChange => "design_change", "重大设计变更";
        ConstructionManagement => "construction_management", "施工管理";
        QualitySafety => "quality_safety", "质量安全";
        Completion => "completion", "竣工";
    }
);

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_SUMMARY_CHARS: usize = 2_000;

/// A project as typed in the back office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectInput {
    pub name: String,
    /// 项目代码 — the code of the national investment project platform, unique.
    pub code: String,
    pub org_id: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProject {
    pub name: String,
    pub code: String,
    pub org_id: i64,
    pub summary: String,
}

impl ProjectInput {
    /// Every field's problem at once, or the valid project.
    pub fn validate(&self) -> Result<ValidProject, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.add("name", "项目名称必填");
        } else if name.chars().count() > MAX_NAME_CHARS {
            e.add("name", format!("项目名称不能超过 {MAX_NAME_CHARS} 个字"));
        }
        let code = self.code.trim().to_string();
        if code.is_empty() {
            e.add("code", "项目代码必填");
        } else if code.chars().count() > MAX_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            e.add(
                "code",
                "项目代码只能由字母、数字和连字符组成（不超过 64 位）",
            );
        }
        let org_id = match self.org_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => id,
            _ => {
                e.add("org_id", "请选择项目主管单位");
                0
            }
        };
        let summary = self.summary.trim().to_string();
        if summary.chars().count() > MAX_SUMMARY_CHARS {
            e.add(
                "summary",
                format!("项目概况不能超过 {MAX_SUMMARY_CHARS} 个字"),
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidProject {
            name,
            code,
            org_id,
            summary,
        })
    }
}

/// Which of the eight kinds have no published item yet, in order: what the project page marks
/// as empty and what staff still owe.
pub fn empty_kinds(filled: &[ProjectInfoKind]) -> Vec<ProjectInfoKind> {
    ProjectInfoKind::ALL
        .iter()
        .copied()
        .filter(|k| !filled.contains(k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProjectInput {
        ProjectInput {
            name: "示范市轨道交通1号线一期工程".into(),
            code: "2026-330100-48-01-000123".into(),
            org_id: "3".into(),
            summary: "线路全长21.4公里。".into(),
        }
    }

    #[test]
    fn eight_kinds_in_order() {
        let labels: Vec<&str> = ProjectInfoKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(
            labels,
            [
                "批准服务",
                "批准结果",
                "招标投标",
                "征收土地",
                "重大设计变更",
                "施工管理",
                "质量安全",
                "竣工"
            ]
        );
    }

    #[test]
    fn valid_project() {
        let v = input().validate().unwrap();
        assert_eq!(v.org_id, 3);
        assert_eq!(v.code, "2026-330100-48-01-000123");
    }

    #[test]
    fn every_problem_reported() {
        let e = ProjectInput {
            name: " ".into(),
            code: "项目 1".into(),
            org_id: "x".into(),
            summary: String::new(),
        }
        .validate()
        .unwrap_err();
        assert!(e.get("name").is_some());
        assert!(e.get("code").is_some());
        assert!(e.get("org_id").is_some());
    }

    #[test]
    fn empty_kinds_keep_order() {
        let empty = empty_kinds(&[ProjectInfoKind::Tendering, ProjectInfoKind::ApprovalService]);
        assert_eq!(empty.len(), 6);
        assert_eq!(empty[0], ProjectInfoKind::ApprovalResult);
        assert_eq!(empty[5], ProjectInfoKind::Completion);
    }
}
