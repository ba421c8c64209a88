//! 申请人类型 — who asked, as the annual report's table 三 counts them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The applicant columns of table 三 (自然人 | 法人或其他组织: five kinds). The table has no
/// subtotal column for 法人或其他组织, so neither does this type; 总计 is a sum, not a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApplicantType {
    /// 自然人
    #[serde(rename = "natural_person")]
    NaturalPerson,
    /// 商业企业
    #[serde(rename = "commercial_enterprise")]
    CommercialEnterprise,
    /// 科研机构
    #[serde(rename = "research_institution")]
    ResearchInstitution,
    /// 社会公益组织
    #[serde(rename = "public_welfare_organization")]
    PublicWelfareOrganization,
    /// 法律服务机构
    #[serde(rename = "legal_service_institution")]
    LegalServiceInstitution,
    /// 其他 (法人或其他组织 of no kind above)
    #[serde(rename = "other_organization")]
    OtherOrganization,
}

impl ApplicantType {
    /// In the order of the table's columns.
    pub const ALL: [ApplicantType; 6] = [
        ApplicantType::NaturalPerson,
        ApplicantType::CommercialEnterprise,
        ApplicantType::ResearchInstitution,
        ApplicantType::PublicWelfareOrganization,
        ApplicantType::LegalServiceInstitution,
        ApplicantType::OtherOrganization,
    ];

    /// Stable code for storage and URLs (the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "natural_person",
            ApplicantType::CommercialEnterprise => "commercial_enterprise",
            ApplicantType::ResearchInstitution => "research_institution",
            ApplicantType::PublicWelfareOrganization => "public_welfare_organization",
            ApplicantType::LegalServiceInstitution => "legal_service_institution",
            ApplicantType::OtherOrganization => "other_organization",
        }
    }

    /// The column heading as printed in the table.
    pub fn label(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "自然人",
            ApplicantType::CommercialEnterprise => "商业企业",
            ApplicantType::ResearchInstitution => "科研机构",
            ApplicantType::PublicWelfareOrganization => "社会公益组织",
            ApplicantType::LegalServiceInstitution => "法律服务机构",
            ApplicantType::OtherOrganization => "其他",
        }
    }

    /// The heading above the column: 法人或其他组织 for the five organisation kinds.
    pub fn group_label(self) -> Option<&'static str> {
        self.is_organization().then_some("法人或其他组织")
    }

    /// A label that stands on its own ("其他" alone would be ambiguous outside the table).
    pub fn full_label(self) -> String {
        match self.group_label() {
            Some(group) => format!("{group}-{}", self.label()),
            None => self.label().to_string(),
        }
    }

    pub fn is_organization(self) -> bool {
        self != ApplicantType::NaturalPerson
    }

    /// Zero-based column index in table 三 (总计 follows at index 6).
    pub fn column(self) -> usize {
        Self::ALL
            .iter()
            .position(|t| *t == self)
            .expect("ALL lists every variant")
    }
}

impl fmt::Display for ApplicantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Accepts the code, or the label (其他 meaning the organisation column, 法人或其他组织-… the full label).
impl FromStr for ApplicantType {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.label() == s || t.full_label() == s)
            .ok_or_else(|| {
                DomainError::invalid("applicant_type", format!("unknown applicant type '{s}'"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_table_order_with_labels() {
        let labels: Vec<_> = ApplicantType::ALL.iter().map(|t| t.label()).collect();
        assert_eq!(
            labels,
            [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他"
            ]
        );
        assert_eq!(ApplicantType::NaturalPerson.group_label(), None);
        assert_eq!(
            ApplicantType::OtherOrganization.full_label(),
            "法人或其他组织-其他"
        );
        assert_eq!(ApplicantType::LegalServiceInstitution.column(), 4);
    }

    #[test]
    fn codes_round_trip_through_serde_and_from_str() {
        for t in ApplicantType::ALL {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<ApplicantType>(&json).unwrap(), t);
            assert_eq!(t.as_str().parse::<ApplicantType>().unwrap(), t);
            assert_eq!(t.label().parse::<ApplicantType>().unwrap(), t);
        }
        assert!(
            "法人或其他组织".parse::<ApplicantType>().is_err(),
            "a group is not a column"
        );
    }
}
