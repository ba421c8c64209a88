//! 收到申请之日 — how an application arrived, and which day therefore counts as its receipt (Art. 31).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// 提交渠道 — the channel an application came through.
///
/// Art. 29 requires writing, "including letters and data messages (数据电文)", so e-mail is a
/// channel; as an internet channel its receipt follows Art. 31(3). An oral application is allowed
/// only where writing is truly difficult, and then the office writes it down in the applicant's
/// presence, so it is received like one handed in. A telephone call is not a channel: the
/// regulation gives it no receipt rule and no written application comes into being.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptChannel {
    /// 当面提交 — handed in at the office: received the day it is handed in.
    InPerson,
    /// 口头提出 — oral, written down by the office (Art. 29): received that day.
    Oral,
    /// 邮寄（需签收）— registered letter, EMS or courier: received the day the agency signs for it.
    RegisteredPost,
    /// 平常信函 — ordinary letter, nobody signs: received the day the office confirms with the applicant.
    OrdinaryPost,
    /// 互联网渠道 — the online application platform: received the day both sides confirm.
    Online,
    /// 电子邮件 — e-mail, an internet channel: received the day both sides confirm.
    Email,
    /// 传真 — fax to the disclosure office: received the day both sides confirm.
    Fax,
}

impl ReceiptChannel {
    pub const ALL: [ReceiptChannel; 7] = [
        ReceiptChannel::InPerson,
        ReceiptChannel::Oral,
        ReceiptChannel::RegisteredPost,
        ReceiptChannel::OrdinaryPost,
        ReceiptChannel::Online,
        ReceiptChannel::Email,
        ReceiptChannel::Fax,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptChannel::InPerson => "in_person",
            ReceiptChannel::Oral => "oral",
            ReceiptChannel::RegisteredPost => "registered_post",
            ReceiptChannel::OrdinaryPost => "ordinary_post",
            ReceiptChannel::Online => "online",
            ReceiptChannel::Email => "email",
            ReceiptChannel::Fax => "fax",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReceiptChannel::InPerson => "当面提交",
            ReceiptChannel::Oral => "口头提出",
            ReceiptChannel::RegisteredPost => "邮寄（挂号信、EMS等需签收）",
            ReceiptChannel::OrdinaryPost => "平常信函",
            ReceiptChannel::Online => "互联网渠道",
            ReceiptChannel::Email => "电子邮件",
            ReceiptChannel::Fax => "传真",
        }
    }

    /// The provision that fixes the receipt date.
    pub fn article(self) -> &'static str {
        match self {
            ReceiptChannel::InPerson => "第三十一条第（一）项",
            ReceiptChannel::Oral => "第二十九条、第三十一条第（一）项",
            ReceiptChannel::RegisteredPost | ReceiptChannel::OrdinaryPost => "第三十一条第（二）项",
            ReceiptChannel::Online | ReceiptChannel::Email | ReceiptChannel::Fax => {
                "第三十一条第（三）项"
            }
        }
    }

    /// Which fact decides the receipt date on this channel.
    pub fn receipt_rule(self) -> ReceiptRule {
        match self {
            ReceiptChannel::InPerson | ReceiptChannel::Oral => ReceiptRule::DayHandedIn,
            ReceiptChannel::RegisteredPost => ReceiptRule::DaySignedFor,
            ReceiptChannel::OrdinaryPost => ReceiptRule::DayConfirmedWithApplicant,
            ReceiptChannel::Online | ReceiptChannel::Email | ReceiptChannel::Fax => {
                ReceiptRule::DayBothSidesConfirm
            }
        }
    }

    /// Only an applicant standing at the counter can be answered on the spot (Art. 33(1)).
    pub fn allows_answer_on_the_spot(self) -> bool {
        matches!(self, ReceiptChannel::InPerson | ReceiptChannel::Oral)
    }
}

impl fmt::Display for ReceiptChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ReceiptChannel {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid("receipt_channel", format!("unknown channel '{s}'"))
            })
    }
}

/// The fact Art. 31 takes as the day of receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptRule {
    /// 提交之日
    DayHandedIn,
    /// 签收之日
    DaySignedFor,
    /// 确认之日 — the office must confirm on the day the letter arrives.
    DayConfirmedWithApplicant,
    /// 双方确认之日
    DayBothSidesConfirm,
}

/// What is known about an application's arrival; [`received_on`](Self::received_on) applies Art. 31.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptFacts {
    pub channel: ReceiptChannel,
    /// The day the application reached the agency (handed in, delivered, transmitted).
    pub arrived: NaiveDate,
    /// For registered post: the day the agency signed for it.
    pub signed_for: Option<NaiveDate>,
    /// For ordinary post, online, e-mail and fax: the day of the confirmation the rule requires.
    pub confirmed: Option<NaiveDate>,
}

impl ReceiptFacts {
    pub fn new(channel: ReceiptChannel, arrived: NaiveDate) -> Self {
        ReceiptFacts {
            channel,
            arrived,
            signed_for: None,
            confirmed: None,
        }
    }

    pub fn signed_for(mut self, date: NaiveDate) -> Self {
        self.signed_for = Some(date);
        self
    }

    pub fn confirmed(mut self, date: NaiveDate) -> Self {
        self.confirmed = Some(date);
        self
    }

    /// 收到申请之日 — the day the reply period starts from (that day itself is not counted).
    /// Until the deciding fact is recorded the application is not yet received in law.
    pub fn received_on(&self) -> Result<NaiveDate, DomainError> {
        let (field, date, what) = match self.channel.receipt_rule() {
            ReceiptRule::DayHandedIn => return Ok(self.arrived),
            ReceiptRule::DaySignedFor => (
                "signed_for",
                self.signed_for,
                "the day the agency signed for the letter",
            ),
            ReceiptRule::DayConfirmedWithApplicant => (
                "confirmed",
                self.confirmed,
                "the day the office confirmed receipt with the applicant",
            ),
            ReceiptRule::DayBothSidesConfirm => {
                ("confirmed", self.confirmed, "the day both sides confirmed")
            }
        };
        let date = date.ok_or_else(|| {
            DomainError::invalid(
                field,
                format!(
                    "{}: the date of receipt is {what} ({}); record it first",
                    self.channel.label(),
                    self.channel.article()
                ),
            )
        })?;
        if date < self.arrived {
            return Err(DomainError::invalid(
                field,
                format!(
                    "{date} is before the application arrived ({})",
                    self.arrived
                ),
            ));
        }
        Ok(date)
    }

    /// Art. 31(2) obliges the office to confirm an ordinary letter on the day it arrives; a later
    /// confirmation still fixes the receipt date, but it is a lapse worth flagging.
    pub fn confirmation_was_late(&self) -> bool {
        self.channel == ReceiptChannel::OrdinaryPost
            && self.confirmed.is_some_and(|c| c > self.arrived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn receipt_date_follows_the_channel() {
        let arrived = d("2024-03-04");
        assert_eq!(
            ReceiptFacts::new(ReceiptChannel::InPerson, arrived).received_on(),
            Ok(arrived)
        );
        assert_eq!(
            ReceiptFacts::new(ReceiptChannel::Oral, arrived).received_on(),
            Ok(arrived)
        );
        let reg =
            ReceiptFacts::new(ReceiptChannel::RegisteredPost, arrived).signed_for(d("2024-03-05"));
        assert_eq!(reg.received_on(), Ok(d("2024-03-05")));
        let online = ReceiptFacts::new(ReceiptChannel::Online, arrived).confirmed(d("2024-03-06"));
        assert_eq!(online.received_on(), Ok(d("2024-03-06")));
        let fax = ReceiptFacts::new(ReceiptChannel::Fax, arrived).confirmed(arrived);
        assert_eq!(fax.received_on(), Ok(arrived));
    }

    #[test]
    fn missing_or_impossible_facts_are_refused() {
        let arrived = d("2024-03-04");
        // Registered post signed for is required, a confirmation does not stand in for it.
        let reg = ReceiptFacts::new(ReceiptChannel::RegisteredPost, arrived).confirmed(arrived);
        assert!(matches!(
            reg.received_on(),
            Err(DomainError::InvalidField {
                field: "signed_for",
                ..
            })
        ));
        assert!(ReceiptFacts::new(ReceiptChannel::Email, arrived)
            .received_on()
            .is_err());
        assert!(ReceiptFacts::new(ReceiptChannel::OrdinaryPost, arrived)
            .received_on()
            .is_err());
        let early = ReceiptFacts::new(ReceiptChannel::Online, arrived).confirmed(d("2024-03-01"));
        assert!(early.received_on().is_err());
    }

    #[test]
    fn late_confirmation_of_an_ordinary_letter_is_flagged() {
        let arrived = d("2024-03-04");
        let late =
            ReceiptFacts::new(ReceiptChannel::OrdinaryPost, arrived).confirmed(d("2024-03-07"));
        assert_eq!(late.received_on(), Ok(d("2024-03-07")));
        assert!(late.confirmation_was_late());
        assert!(!ReceiptFacts::new(ReceiptChannel::OrdinaryPost, arrived)
            .confirmed(arrived)
            .confirmation_was_late());
    }

    #[test]
    fn only_counter_channels_allow_answers_on_the_spot() {
        let spot: Vec<_> = ReceiptChannel::ALL
            .into_iter()
            .filter(|c| c.allows_answer_on_the_spot())
            .collect();
        assert_eq!(spot, [ReceiptChannel::InPerson, ReceiptChannel::Oral]);
        for c in ReceiptChannel::ALL {
            assert_eq!(c.as_str().parse::<ReceiptChannel>(), Ok(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        assert!("phone".parse::<ReceiptChannel>().is_err());
    }
}
