//! 舆情关键词 — watch words: letters containing them are flagged to the site's admins at once.

/// The configured words, as typed (one per line, or separated by commas, 、 or spaces).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchWords(Vec<String>);

/// The words a new site starts with (the seed's 舆情 work).
pub const DEFAULT_WATCH_WORDS: &str = "上访 群体 爆炸 自杀 跳楼 堵路 维权 集体";

impl WatchWords {
    pub fn parse(text: &str) -> WatchWords {
        let mut words: Vec<String> = vec![];
        for w in
            text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        {
            let w = w.trim();
            if !w.is_empty() && !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
        }
        WatchWords(words)
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// One word per line, the stored and edited form.
    pub fn to_text(&self) -> String {
        self.0.join("\n")
    }

    /// The words found in `text` (case-insensitive for Latin letters), in configured order.
    pub fn hits(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        self.0
            .iter()
            .filter(|w| lower.contains(&w.to_lowercase()))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_separator_and_finds_hits() {
        let w = WatchWords::parse("上访，群体、爆炸\n  PX  上访");
        assert_eq!(w.words(), ["上访", "群体", "爆炸", "PX"]);
        assert_eq!(w.hits("村民准备群体上访"), vec!["上访", "群体"]);
        assert_eq!(w.hits("反对px项目"), vec!["PX"]);
        assert!(w.hits("路灯不亮").is_empty());
        assert!(WatchWords::parse(" ，、 ").words().is_empty());
        assert!(!WatchWords::parse(DEFAULT_WATCH_WORDS).words().is_empty());
    }
}
