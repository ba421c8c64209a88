//! 政策解读 — an interpretation of one or more policies, presented as text, a graphic (图解) or a
//! video. The interpretation is a catalogue item of genre 政策解读; this module holds its form.

use crate::item::FieldErrors;

vocabulary!(
    /// 解读形式 — how an interpretation is presented.
    InterpretationForm, "form" {
        Text => "text", "文字解读";
        Graphic => "graphic", "图解";
        Video => "video", "视频解读";
    }
);

/// Checks a form and its video link: a video interpretation needs an `http(s)` link, the others
/// take none. Returns the link to store.
pub fn check_form(
    form: &str,
    video_url: &str,
) -> Result<(InterpretationForm, Option<String>), FieldErrors> {
    let mut e = FieldErrors::default();
    let Ok(form) = form.parse::<InterpretationForm>() else {
        e.add("form", "请选择解读形式");
        return Err(e);
    };
    let url = video_url.trim();
    match form {
        InterpretationForm::Video => {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 500
                && !url.contains(char::is_whitespace)
                && !url.contains(['"', '<', '>']);
            if !ok {
                e.add(
                    "video_url",
                    "视频解读请填写以 http:// 或 https:// 开头的视频链接",
                );
                return Err(e);
            }
            Ok((form, Some(url.to_string())))
        }
        _ if url.is_empty() => Ok((form, None)),
        _ => {
            e.add("video_url", "只有视频解读需要填写视频链接");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_needs_a_link_and_others_none() {
        assert_eq!(
            check_form("video", " https://v.example.gov.cn/1.mp4 ").unwrap(),
            (
                InterpretationForm::Video,
                Some("https://v.example.gov.cn/1.mp4".into())
            )
        );
        assert!(check_form("video", "").is_err());
        assert!(check_form("video", "javascript:alert(1)").is_err());
        assert!(check_form("视频解读", "https://a.b/\"><x").is_err());
        assert_eq!(
            check_form("图解", "").unwrap(),
            (InterpretationForm::Graphic, None)
        );
        assert!(check_form("text", "https://a.b/").is_err());
        assert!(check_form("podcast", "").unwrap_err().get("form").is_some());
    }
}
