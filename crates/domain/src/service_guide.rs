//! 办事指南 — a service guide of 互联网+政务服务, with the elements the national checks require,
//! and the completeness check that lists what a guide still lacks.

use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

/// Longest text of one element; real guides list materials at length, but not beyond this.
pub const MAX_ELEMENT_CHARS: usize = 10_000;
pub const MAX_NAME_CHARS: usize = 200;

/// The nine required elements (要素) in the order a guide prints them: field name and label.
pub const REQUIRED_ELEMENTS: [(&str, &str); 9] = [
    ("name", "事项名称"),
    ("basis", "设定依据"),
    ("conditions", "受理条件"),
    ("materials", "申请材料"),
    ("procedure", "办理流程"),
    ("time_limit", "办理时限"),
    ("fee", "收费标准"),
    ("place_hours", "办理地点与时间"),
    ("phone", "咨询电话"),
];

/// A guide as typed: every element text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuideInput {
    pub name: String,
    pub org_id: String,
    /// 主题 — the life event or theme a citizen looks under (生育收养, 户籍办理 …).
    pub theme: String,
    pub basis: String,
    pub conditions: String,
    pub materials: String,
    pub procedure: String,
    pub time_limit: String,
    /// 收费标准; “不收费” is a complete answer.
    pub fee: String,
    pub place_hours: String,
    pub phone: String,
    /// 在线办理 — the address where the service can be done online.
    pub online_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidGuide {
    pub name: String,
    pub org_id: i64,
    pub theme: String,
    pub basis: String,
    pub conditions: String,
    pub materials: String,
    pub procedure: String,
    pub time_limit: String,
    pub fee: String,
    pub place_hours: String,
    pub phone: String,
    pub online_url: String,
}

impl GuideInput {
    /// A guide may be saved while elements are still missing (the completeness check lists
    /// them); only the name, the department and malformed values stop it.
    pub fn validate(&self) -> Result<ValidGuide, FieldErrors> {
        let mut e = FieldErrors::default();
        let t = |s: &String| s.trim().to_string();
        let name = t(&self.name);
        if name.is_empty() {
            e.add("name", "事项名称必填");
        } else if name.chars().count() > MAX_NAME_CHARS {
            e.add("name", format!("事项名称不能超过 {MAX_NAME_CHARS} 个字"));
        }
        let org_id = match self.org_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => id,
            _ => {
                e.add("org_id", "请选择实施部门");
                0
            }
        };
        for (field, value) in [
            ("theme", &self.theme),
            ("basis", &self.basis),
            ("conditions", &self.conditions),
            ("materials", &self.materials),
            ("procedure", &self.procedure),
            ("time_limit", &self.time_limit),
            ("fee", &self.fee),
            ("place_hours", &self.place_hours),
        ] {
            if value.trim().chars().count() > MAX_ELEMENT_CHARS {
                e.add(field, format!("不能超过 {MAX_ELEMENT_CHARS} 个字"));
            }
        }
        let phone = t(&self.phone);
        if !phone.is_empty()
            && !phone.chars().all(|c| {
                c.is_ascii_digit()
                    || matches!(
                        c,
                        '-' | ' ' | '(' | ')' | '（' | '）' | '、' | ',' | '，' | '/'
                    )
            })
        {
            e.add(
                "phone",
                "咨询电话只能包含数字、连字符和括号，多个号码用顿号分隔",
            );
        }
        let online_url = t(&self.online_url);
        if !(online_url.is_empty()
            || online_url.starts_with("https://")
            || online_url.starts_with("http://"))
        {
            e.add("online_url", "在线办理地址须以 http:// 或 https:// 开头");
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidGuide {
            name,
            org_id,
            theme: t(&self.theme),
            basis: t(&self.basis),
            conditions: t(&self.conditions),
            materials: t(&self.materials),
            procedure: t(&self.procedure),
            time_limit: t(&self.time_limit),
            fee: t(&self.fee),
            place_hours: t(&self.place_hours),
            phone,
            online_url,
        })
    }
}

/// The labels of the required elements a guide lacks, in print order. `element(field)` gives
/// the stored text of a field.
pub fn missing_elements<'a>(element: impl Fn(&str) -> &'a str) -> Vec<&'static str> {
    REQUIRED_ELEMENTS
        .iter()
        .filter(|(field, _)| element(field).trim().is_empty())
        .map(|(_, label)| *label)
        .collect()
}

/// Guides counted per level: the total is the sum of the levels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideCounts {
    per_level: std::collections::BTreeMap<crate::org::OrgLevel, i64>,
}

impl GuideCounts {
    pub fn add(&mut self, level: crate::org::OrgLevel, n: i64) {
        *self.per_level.entry(level).or_default() += n;
    }
    pub fn of(&self, level: crate::org::OrgLevel) -> i64 {
        self.per_level.get(&level).copied().unwrap_or(0)
    }
    pub fn total(&self) -> i64 {
        crate::org::OrgLevel::ALL.iter().map(|l| self.of(*l)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> GuideInput {
        GuideInput {
            name: "城乡居民基本养老保险参保登记".into(),
            org_id: "4".into(),
            theme: "社会保障".into(),
            basis: "《国务院关于建立统一的城乡居民基本养老保险制度的意见》".into(),
            conditions: "年满16周岁、不在校的城乡居民".into(),
            materials: "居民身份证原件".into(),
            procedure: "申请—受理—审核—办结".into(),
            time_limit: "即办".into(),
            fee: "不收费".into(),
            place_hours: "示范市政务服务中心一楼，工作日 9:00-17:00".into(),
            phone: "0571-12345678".into(),
            online_url: "https://zwfw.example.gov.cn/item/1".into(),
        }
    }

    #[test]
    fn complete_guide_lacks_nothing() {
        let v = full().validate().unwrap();
        let m = missing_elements(|f| match f {
            "name" => &v.name,
            "basis" => &v.basis,
            "conditions" => &v.conditions,
            "materials" => &v.materials,
            "procedure" => &v.procedure,
            "time_limit" => &v.time_limit,
            "fee" => &v.fee,
            "place_hours" => &v.place_hours,
            "phone" => &v.phone,
            _ => "",
        });
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn incomplete_guide_saves_and_lists_its_gaps() {
        let mut g = full();
        g.fee = " ".into();
        g.phone = String::new();
        let v = g.validate().unwrap();
        let m = missing_elements(|f| match f {
            "fee" => &v.fee,
            "phone" => &v.phone,
            _ => "x",
        });
        assert_eq!(m, ["收费标准", "咨询电话"]);
    }

    #[test]
    fn malformed_values_are_field_errors() {
        let mut g = full();
        g.name = String::new();
        g.phone = "请拨打热线".into();
        g.online_url = "zwfw.example.gov.cn".into();
        let e = g.validate().unwrap_err();
        assert!(e.get("name").is_some());
        assert!(e.get("phone").is_some());
        assert!(e.get("online_url").is_some());
    }

    #[test]
    fn total_is_sum_of_levels() {
        use crate::org::OrgLevel;
        let mut c = GuideCounts::default();
        c.add(OrgLevel::City, 3);
        c.add(OrgLevel::Township, 2);
        assert_eq!(c.total(), 5);
        assert_eq!(c.of(OrgLevel::County), 0);
    }
}
