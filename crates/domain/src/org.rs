//! Organisations (机关、单位): their national codes and their place in the local hierarchy.
//!
//! An index number (索引号) begins with the publishing body's code, so the code is validated here
//! once, with its check character, instead of being trusted as free text wherever it is used.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::doc_number::fold_width;
use crate::error::DomainError;

const FIELD: &str = "code";

/// GB 11714 weights of the eight body characters of an organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 32100 character set; its position is the character's value. I, O, S, V and Z are left out
/// so that a code read aloud or handwritten cannot be confused with 1, 0, 5, U and 2.
const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 weights (3^i mod 31) of the first seventeen characters.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Which national scheme a code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgCodeKind {
    /// 组织机构代码 (GB 11714): 8 body characters + 1 check character.
    OrganisationCode,
    /// 统一社会信用代码 (GB 32100): 17 characters + 1 check character; since 2015 it replaces
    /// the organisation code, which survives as its characters 9-17.
    UnifiedSocialCreditCode,
}

/// 机构代码 — the national code of a body, validated with its check character and stored in
/// canonical form: upper case, no dash.
///
/// Early pilot credit codes (issued before GB 32100 took effect in 2015) sometimes carry a check
/// character that does not follow the standard; they are rejected here, because a code that does
/// not check cannot be told apart from a mistyped one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgCode(String);

impl OrgCode {
    /// Parses a 9-character organisation code or an 18-character unified social credit code.
    /// Surrounding whitespace, lower case and a dash before the check character
    /// (`00001434-9`, the way the code is printed on certificates) are accepted.
    pub fn parse(raw: &str) -> Result<OrgCode, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(FIELD, "is empty"));
        }
        // Codes copied from Chinese documents often come in full-width letters and digits.
        let upper = fold_width(trimmed).to_ascii_uppercase();
        let chars: Vec<char> = upper.chars().collect();
        let compact: String = match chars.iter().position(|&c| c == '-') {
            // Only the printed form's dash before the check character is accepted; a dash
            // anywhere else means the text is something other than a code.
            Some(i) if i + 2 == chars.len() && i > 0 => {
                chars.iter().filter(|&&c| c != '-').collect()
            }
            Some(_) => {
                return Err(DomainError::invalid(
                    FIELD,
                    format!("`{trimmed}`: a dash may only stand before the check character"),
                ))
            }
            None => upper.clone(),
        };
        if !compact.is_ascii() {
            return Err(DomainError::invalid(
                FIELD,
                format!("`{trimmed}`: a code has only digits and Latin letters"),
            ));
        }
        let (body, check) = compact.split_at(compact.len().saturating_sub(1));
        let expected = match compact.len() {
            9 => organisation_code_check(body)?,
            18 => credit_code_check(body)?,
            n => {
                return Err(DomainError::invalid(
                    FIELD,
                    format!(
                        "`{trimmed}` has {n} characters; expected a 9-character organisation \
                         code or an 18-character unified social credit code"
                    ),
                ))
            }
        };
        if !check.starts_with(expected) {
            return Err(DomainError::invalid(
                FIELD,
                format!("`{trimmed}`: check character should be {expected}, not {check}"),
            ));
        }
        Ok(OrgCode(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> OrgCodeKind {
        if self.0.len() == 9 {
            OrgCodeKind::OrganisationCode
        } else {
            OrgCodeKind::UnifiedSocialCreditCode
        }
    }

    /// The organisation code inside a credit code (its characters 9-17), when those characters
    /// form a valid organisation code; for an organisation code, the code itself.
    pub fn organisation_code(&self) -> Option<OrgCode> {
        match self.kind() {
            OrgCodeKind::OrganisationCode => Some(self.clone()),
            OrgCodeKind::UnifiedSocialCreditCode => OrgCode::parse(&self.0[8..17]).ok(),
        }
    }
}

/// Computes the GB 11714 check character of an 8-character organisation code body
/// (digits and upper-case letters; A counts 10 … Z counts 35).
pub fn organisation_code_check(body8: &str) -> Result<char, DomainError> {
    let body = body8.to_ascii_uppercase();
    if body.chars().count() != 8 {
        return Err(DomainError::invalid(
            FIELD,
            format!("`{body8}`: an organisation code body has 8 characters"),
        ));
    }
    let mut sum = 0;
    for (c, w) in body.chars().zip(ORG_WEIGHTS) {
        let value = c
            .to_digit(36)
            .filter(|_| c.is_ascii_alphanumeric())
            .ok_or_else(|| {
                DomainError::invalid(
                    FIELD,
                    format!("`{body8}`: `{c}` is not a digit or a Latin letter"),
                )
            })?;
        sum += value * w;
    }
    Ok(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).expect("0..=9"),
    })
}

/// Computes the GB 32100 check character of the first 17 characters of a credit code.
pub fn credit_code_check(body17: &str) -> Result<char, DomainError> {
    let body = body17.to_ascii_uppercase();
    let chars: Vec<char> = body.chars().collect();
    if chars.len() != 17 {
        return Err(DomainError::invalid(
            FIELD,
            format!("`{body17}`: a credit code has 17 characters before its check character"),
        ));
    }
    // Characters 3-8 are the registering authority's administrative division code (GB/T 2260).
    if !chars[2..8].iter().all(char::is_ascii_digit) {
        return Err(DomainError::invalid(
            FIELD,
            format!("`{body17}`: characters 3-8 (the division code) must be digits"),
        ));
    }
    let mut sum = 0;
    for (&c, w) in chars.iter().zip(USCC_WEIGHTS) {
        let value = USCC_CHARSET.find(c).ok_or_else(|| {
            DomainError::invalid(
                FIELD,
                format!("`{body17}`: `{c}` is not allowed in a credit code (no I, O, S, V, Z)"),
            )
        })? as u32;
        sum += value * w;
    }
    let check = (31 - sum % 31) % 31;
    Ok(USCC_CHARSET.as_bytes()[check as usize] as char)
}

/// Mints an organisation code from its 8-character body by appending the check character; used
/// to give demo and test bodies codes that validate.
///
/// # Panics
/// If `body8` is not exactly 8 digits or Latin letters — the body is always a constant chosen
/// by the caller, so a bad one is a programming error.
pub fn org_code_with_check(body8: &str) -> OrgCode {
    let check =
        organisation_code_check(body8).unwrap_or_else(|e| panic!("org_code_with_check: {e}"));
    OrgCode(format!("{}{check}", body8.to_ascii_uppercase()))
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OrgCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgCode::parse(s)
    }
}

impl Serialize for OrgCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrgCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        OrgCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// 层级 — the tier of local government a body belongs to; the annual report and the site's
/// navigation are both organised by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgLevel {
    /// 市本级 — the city government and its departments.
    City,
    /// 县（市、区） — county-level governments and their departments.
    County,
    /// 乡镇（街道） — townships, towns and urban sub-districts.
    Township,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 3] = [OrgLevel::City, OrgLevel::County, OrgLevel::Township];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgLevel::City => "city",
            OrgLevel::County => "county",
            OrgLevel::Township => "township",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrgLevel::City => "市本级",
            OrgLevel::County => "县（市、区）",
            OrgLevel::Township => "乡镇（街道）",
        }
    }
}

impl fmt::Display for OrgLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgLevel {
    type Err = DomainError;
    /// Accepts the English name (any case) or the Chinese label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        OrgLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s) || l.label_zh() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "level",
                    format!("`{s}` is not one of city, county, township"),
                )
            })
    }
}

/// 机构类型 — what kind of body an organisation is; a government answers for its departments in
/// the annual report, a department only for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    /// 政府 — a people's government (人民政府) of a city or county.
    Government,
    /// 部门 — a working department of a government (委、办、局).
    Department,
    /// 乡镇街道 — a township or town government, or a sub-district office (街道办事处).
    Township,
}

impl OrgKind {
    pub const ALL: [OrgKind; 3] = [OrgKind::Government, OrgKind::Department, OrgKind::Township];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Government => "government",
            OrgKind::Department => "department",
            OrgKind::Township => "township",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            OrgKind::Government => "政府",
            OrgKind::Department => "部门",
            OrgKind::Township => "乡镇街道",
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgKind {
    type Err = DomainError;
    /// Accepts the English name (any case) or the Chinese label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s) || k.label_zh() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    format!("`{s}` is not one of government, department, township"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_organisation_code_is_valid() {
        let code = OrgCode::parse("000014349").unwrap();
        assert_eq!(code.as_str(), "000014349");
        assert_eq!(code.kind(), OrgCodeKind::OrganisationCode);
        assert_eq!(organisation_code_check("00001434").unwrap(), '9');
    }

    #[test]
    fn dash_lower_case_and_spaces_are_canonicalised() {
        assert_eq!(
            OrgCode::parse(" 00001434-9 ").unwrap().as_str(),
            "000014349"
        );
        // Full-width text, as copied from a Chinese document, folds to ASCII.
        assert_eq!(
            OrgCode::parse("０００01434－９").unwrap().as_str(),
            "000014349"
        );
        // 91350100M000100Y43 is a widely cited sample credit code.
        assert_eq!(
            OrgCode::parse("91350100m000100y4-3").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn wrong_check_characters_are_rejected_with_the_expected_one() {
        let err = OrgCode::parse("000014348").unwrap_err().to_string();
        assert!(err.starts_with("code:"), "{err}");
        assert!(err.contains("should be 9"), "{err}");
        let err = OrgCode::parse("91350100M000100Y42")
            .unwrap_err()
            .to_string();
        assert!(err.contains("should be 3"), "{err}");
    }

    #[test]
    fn check_char_x_and_0_cases() {
        // Search the body space for the two special remainders instead of trusting a table.
        let mut seen_x = false;
        let mut seen_0 = false;
        for n in 0..200u32 {
            let body = format!("{n:08}");
            let check = organisation_code_check(&body).unwrap();
            let sum: u32 = body
                .chars()
                .zip(ORG_WEIGHTS)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            match sum % 11 {
                1 => {
                    assert_eq!(check, 'X');
                    seen_x = true;
                }
                0 => {
                    assert_eq!(check, '0');
                    seen_0 = true;
                }
                r => assert_eq!(check, char::from_digit(11 - r, 10).unwrap()),
            }
            assert!(OrgCode::parse(&format!("{body}{check}")).is_ok());
        }
        assert!(seen_x && seen_0);
        // 3*0+…+2*6 = 12, 12 mod 11 = 1 → X; a lower-case x is accepted and stored upper-case.
        assert_eq!(OrgCode::parse("00000006-x").unwrap().as_str(), "00000006X");
    }

    #[test]
    fn letters_count_from_ten_in_organisation_codes() {
        // MA1 bodies are how post-2015 codes look; A=10, B=11 …
        let code = org_code_with_check("MA1ABC12");
        assert_eq!(code.as_str().len(), 9);
        assert!(OrgCode::parse(code.as_str()).is_ok());
        let sum = 22 * 3 + 10 * 7 + 9 + 10 * 10 + 11 * 5 + 12 * 8 + 4 + 2 * 2;
        let expected = match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            d => char::from_digit(d, 10).unwrap(),
        };
        assert_eq!(code.as_str().chars().last(), Some(expected));
    }

    #[test]
    fn credit_code_embeds_organisation_code() {
        let code = OrgCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.kind(), OrgCodeKind::UnifiedSocialCreditCode);
        assert_eq!(code.organisation_code().unwrap().as_str(), "M000100Y4");
    }

    #[test]
    fn credit_code_rejects_excluded_letters_and_bad_division() {
        assert!(OrgCode::parse("91350100M000100I43").is_err());
        let err = OrgCode::parse("9135A100M000100Y43")
            .unwrap_err()
            .to_string();
        assert!(err.contains("division code"), "{err}");
    }

    #[test]
    fn wrong_lengths_and_stray_dashes_are_rejected() {
        for bad in [
            "",
            "   ",
            "0000143",
            "0000-14349",
            "000014349000",
            "00001434--9",
            "-000014349",
            "中中中中中中中中0",
        ] {
            assert!(OrgCode::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn minted_codes_round_trip() {
        for body in ["11330100", "00247581", "ma2c3d4e"] {
            let code = org_code_with_check(body);
            assert_eq!(OrgCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    #[should_panic(expected = "org_code_with_check")]
    fn minting_from_a_bad_body_panics() {
        org_code_with_check("1234");
    }

    #[test]
    fn org_code_serde_is_a_validated_string() {
        let code = OrgCode::parse("00001434-9").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"000014349\"");
        let back: OrgCode = serde_json::from_str("\"00001434-9\"").unwrap();
        assert_eq!(back, code);
        assert!(serde_json::from_str::<OrgCode>("\"000014340\"").is_err());
        assert_eq!(code.to_string(), "000014349");
        assert_eq!("000014349".parse::<OrgCode>().unwrap(), code);
    }

    #[test]
    fn levels_and_kinds_round_trip() {
        for level in OrgLevel::ALL {
            assert_eq!(level.as_str().parse::<OrgLevel>().unwrap(), level);
            assert_eq!(level.label_zh().parse::<OrgLevel>().unwrap(), level);
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
            assert_eq!(serde_json::from_str::<OrgLevel>(&json).unwrap(), level);
        }
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>().unwrap(), kind);
            assert_eq!(kind.label_zh().parse::<OrgKind>().unwrap(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!("County".parse::<OrgLevel>().unwrap(), OrgLevel::County);
        assert_eq!(OrgLevel::County.label_zh(), "县（市、区）");
        assert_eq!(OrgKind::Township.label_zh(), "乡镇街道");
        let err = "province".parse::<OrgLevel>().unwrap_err().to_string();
        assert!(err.starts_with("level:"), "{err}");
        assert!("bureau".parse::<OrgKind>().is_err());
    }
}
