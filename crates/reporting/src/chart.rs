//! Server-rendered SVG bar charts comparing two series (this year and the year before) over
//! categories (months, organisations). No JavaScript; the SVG names itself (`role="img"`,
//! `<title>`, `<desc>`), each bar carries its value as a tooltip, and [`Chart::table`] gives the
//! same figures as a table to show beside it, so nothing is only in the picture.

use std::fmt::Write;

use crate::html::escape;
use crate::{Cell, Table};

/// A grouped bar chart: for each category, one bar per series.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub categories: Vec<String>,
    /// (series name, one value per category)
    pub series: Vec<(String, Vec<i64>)>,
}

/// Series colours: dark enough against white for graphics (WCAG 1.4.11, 3:1) and told apart by
/// the legend's order as well as by hue.
const COLOURS: [&str; 3] = ["#1d4f91", "#6b6b6b", "#a0522d"];
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 64.0;
const TOP: f64 = 36.0;

impl Chart {
    fn max(&self) -> i64 {
        self.series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// A round upper bound for the axis and its step (1, 2 or 5 times a power of ten).
    fn scale(&self) -> (i64, i64) {
        let max = self.max();
        let mut step = 1i64;
        loop {
            for m in [1, 2, 5] {
                let s = step * m;
                if max <= s * 5 {
                    return ((max + s - 1) / s * s, s);
                }
            }
            step *= 10;
        }
    }

    /// The chart as an inline SVG element; `id` makes its title and description referable.
    pub fn svg(&self, id: &str) -> String {
        let id = escape(id);
        let (top_value, step) = self.scale();
        let plot_w = WIDTH - LEFT - 12.0;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let y_of = |v: i64| TOP + plot_h - (v as f64 / top_value as f64) * plot_h;
        let mut s = String::new();
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
             class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">"
        );
        let _ = write!(s, "<title id=\"{id}-t\">{}</title>", escape(&self.title));
        let desc: Vec<String> = self
            .series
            .iter()
            .map(|(name, v)| format!("{}合计{}", name, v.iter().sum::<i64>()))
            .collect();
        let _ = write!(
            s,
            "<desc id=\"{id}-d\">{}；逐项数字见图旁表格。</desc>",
            escape(&desc.join("，"))
        );
        // Grid lines and the value axis.
        let mut v = 0;
        while v <= top_value {
            let y = y_of(v);
            let _ = write!(
                s,
                "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d0d0\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{v}</text>",
                LEFT + plot_w,
                LEFT - 6.0,
                y + 4.0
            );
            v += step;
        }
        let n = self.categories.len().max(1) as f64;
        let group_w = plot_w / n;
        let k = self.series.len().max(1) as f64;
        let bar_w = (group_w * 0.8 / k).max(1.0);
        for (ci, cat) in self.categories.iter().enumerate() {
            let gx = LEFT + group_w * ci as f64 + group_w * 0.1;
            for (si, (name, values)) in self.series.iter().enumerate() {
                let value = values.get(ci).copied().unwrap_or(0);
                let y = y_of(value);
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{}\">\
                     <title>{} {}：{value}</title></rect>",
                    gx + bar_w * si as f64,
                    (TOP + plot_h - y).max(0.0),
                    COLOURS[si % COLOURS.len()],
                    escape(cat),
                    escape(name)
                );
            }
            let label: String = cat.chars().take(6).collect();
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">{}</text>",
                gx + group_w * 0.4,
                TOP + plot_h + 16.0,
                escape(&label)
            );
        }
        // Legend, in series order.
        for (si, (name, _)) in self.series.iter().enumerate() {
            let x = LEFT + 140.0 * si as f64;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#222\">{}</text>",
                HEIGHT - 22.0,
                COLOURS[si % COLOURS.len()],
                x + 18.0,
                HEIGHT - 12.0,
                escape(name)
            );
        }
        s.push_str("</svg>");
        s
    }

    /// The chart's figures as a table (a row per category, a column per series).
    pub fn table(&self) -> Table {
        let mut header = vec![Cell::text("项目")];
        header.extend(self.series.iter().map(|(n, _)| Cell::text(n.clone())));
        let mut t = Table::new(self.title.clone()).header_row(header);
        for (ci, cat) in self.categories.iter().enumerate() {
            let mut row = vec![Cell::label(cat.clone(), 0)];
            row.extend(
                self.series
                    .iter()
                    .map(|(_, v)| Cell::int(v.get(ci).copied().unwrap_or(0))),
            );
            t.push_row(row);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            title: "主动公开信息（按月）".into(),
            categories: (1..=12).map(|m| format!("{m}月")).collect(),
            series: vec![
                ("2025年".into(), vec![3, 5, 8, 0, 1, 2, 3, 4, 5, 6, 7, 41]),
                ("2024年".into(), vec![1; 12]),
            ],
        }
    }

    #[test]
    fn svg_is_labelled_and_has_a_bar_per_value() {
        let svg = chart().svg("m");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"m-t m-d\""));
        assert!(svg.contains("<title id=\"m-t\">主动公开信息（按月）</title>"));
        assert!(svg.contains("2025年合计85"));
        // 24 bars and 2 legend swatches.
        assert_eq!(svg.matches("<rect").count(), 26);
        assert!(svg.contains("<title>12月 2025年：41</title>"));
        // The axis tops out at a round number at or above the largest value.
        assert_eq!(chart().scale(), (50, 10));
    }

    #[test]
    fn table_beside_the_chart_holds_the_same_figures() {
        let t = chart().table();
        let g = t.grid().unwrap();
        assert_eq!((g.rows, g.columns), (13, 3));
        let html = crate::html::table(&t);
        assert!(html.contains("<th scope=\"row\">12月</th><td class=\"num\">41</td>"));
    }

    #[test]
    fn empty_and_hostile_input_is_safe() {
        let c = Chart {
            title: "<b>".into(),
            categories: vec![],
            series: vec![],
        };
        let svg = c.svg("x\"y");
        assert!(!svg.contains("<b>") && !svg.contains("x\"y"));
        assert_eq!(c.scale(), (1, 1));
    }
}
