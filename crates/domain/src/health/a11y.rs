//! 无障碍 — accessibility problems an editor can fix before publishing (WCAG 2.1: 1.1.1 text
//! alternatives, 2.4.4 link purpose): images without alternative text and links without text.

use once_cell::sync::Lazy;
use regex::Regex;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct A11yIssue {
    /// 1-based order of the element among its kind in the body (the 2nd image, the 3rd link).
    pub nth: usize,
    pub what: &'static str,
    /// The element's source, shortened.
    pub snippet: String,
}

static IMG: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?is)<img\b[^>]*>").unwrap());
static ALT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"(?is)\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).unwrap());
static LINK: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?is)<a\b([^>]*)>(.*?)</a\s*>").unwrap());
static LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"(?is)\b(?:aria-label|title)\s*=\s*(?:"([^"]*\S[^"]*)"|'([^']*\S[^']*)')"#)
        .unwrap()
});

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Images without alt text and links with nothing to read (no text, no labelled image inside).
/// An image may carry `alt=""` on purpose only when it is decorative, which an editor's body image
/// never is, so an empty alt counts too.
pub fn check_html(html: &str) -> Vec<A11yIssue> {
    let mut out = vec![];
    for (i, m) in IMG.find_iter(html).enumerate() {
        let alt = ALT
            .captures(m.as_str())
            .and_then(|c| c.get(1).or(c.get(2)).or(c.get(3)))
            .map(|a| a.as_str().trim().to_string());
        if alt.is_none_or(|a| a.is_empty()) {
            out.push(A11yIssue {
                nth: i + 1,
                what: "图片缺少替代文字（alt）",
                snippet: short(m.as_str()),
            });
        }
    }
    for (i, c) in LINK.captures_iter(html).enumerate() {
        let inner = &c[2];
        let text = super::words::visible_text(inner);
        let labelled_img = IMG.find_iter(inner).any(|img| {
            ALT.captures(img.as_str())
                .and_then(|c| c.get(1).or(c.get(2)).or(c.get(3)))
                .is_some_and(|a| !a.as_str().trim().is_empty())
        });
        if text.trim().is_empty() && !labelled_img && !LABEL.is_match(&c[1]) {
            out.push(A11yIssue {
                nth: i + 1,
                what: "链接没有文字",
                snippet: short(&c[0]),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_without_alt_and_empty_links() {
        let html = r#"<p><img src="/a.png" alt="示意图"><img src="/b.png"><img src='/c.png' alt=" "></p>
<a href="/x">正文链接</a><a href="/y"> </a><a href="/z"><img src="/d.png" alt="返回首页"></a><a href="/w" title="下载附件"></a>"#;
        let issues = check_html(html);
        let found: Vec<(usize, &str)> = issues.iter().map(|i| (i.nth, i.what)).collect();
        assert_eq!(
            found,
            [
                (2, "图片缺少替代文字（alt）"),
                (3, "图片缺少替代文字（alt）"),
                (2, "链接没有文字")
            ]
        );
        assert!(check_html("<p>没有问题</p>").is_empty());
    }
}
