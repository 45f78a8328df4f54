//! Charts as inline SVG, drawn on the server: a trend line over days and horizontal bars with
//! their values. No script, no inline style (the CSP allows neither): shapes carry classes
//! that `static/app.css` colours. Each chart has a `<title>` (its accessible name); the page
//! puts the same figures in a table under it.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const LINE_HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 28.0;
const BAR_HEIGHT: f64 = 22.0;
const BAR_GAP: f64 = 8.0;
const BAR_LABEL: f64 = 170.0;
const BAR_VALUE: f64 = 90.0;

/// Text for SVG content and attributes.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The axis top for values up to `max`: the next 1, 2 or 5 × 10ⁿ at or above it (1 for
/// nothing), so the four gridlines fall on round numbers.
pub fn nice_max(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        // A little slack for float error: 3 * 0.1 is 0.30000000000000004.
        if step * magnitude >= max * (1.0 - 1e-9) {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// A gridline's label: at most two decimals, no trailing zeros ("1.25", "2.5", "5").
fn tick(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn open(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        esc(title)
    );
}

fn empty(out: &mut String, text: &str, height: f64) {
    let _ = write!(
        out,
        r#"<text class="chart-empty" x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
        WIDTH / 2.0,
        height / 2.0,
        esc(text)
    );
}

/// A trend line over `points` (label, value), e.g. one per day. The y axis starts at zero;
/// the first, middle and last labels are written under the x axis.
pub fn line(title: &str, points: &[(String, f64)], no_data: &str) -> String {
    let mut out = String::new();
    open(&mut out, title, LINE_HEIGHT);
    if points.is_empty() {
        empty(&mut out, no_data, LINE_HEIGHT);
        return out;
    }
    let top = nice_max(points.iter().map(|p| p.1).fold(0.0, f64::max));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = LINE_HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        if points.len() == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - v.max(0.0) / top);
    for g in 0..=4 {
        let v = top * g as f64 / 4.0;
        let _ = write!(
            out,
            r#"<line class="chart-grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="chart-tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            tick(v),
            y = y(v)
        );
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    let _ = write!(
        out,
        r#"<polyline class="chart-line" fill="none" points="{}"/>"#,
        path.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            out,
            r#"<circle class="chart-dot" cx="{:.1}" cy="{:.1}" r="2.5"><title>{}: {}</title></circle>"#,
            x(i),
            y(p.1),
            esc(&p.0),
            tick(p.1)
        );
    }
    let mut labelled = vec![0, points.len() / 2, points.len() - 1];
    labelled.dedup();
    for i in labelled {
        let anchor = match i {
            0 if points.len() > 1 => "start",
            i if i == points.len() - 1 && points.len() > 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            r#"<text class="chart-tick" x="{:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
            x(i),
            LINE_HEIGHT - 8.0,
            esc(&points[i].0)
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars (label, value, shown value), longest first as given, each with its value
/// written beside it.
pub fn bars(title: &str, bars: &[(String, f64, String)], no_data: &str) -> String {
    let height = if bars.is_empty() {
        LINE_HEIGHT / 2.0
    } else {
        TOP + bars.len() as f64 * (BAR_HEIGHT + BAR_GAP)
    };
    let mut out = String::new();
    open(&mut out, title, height);
    if bars.is_empty() {
        empty(&mut out, no_data, height);
        return out;
    }
    let top = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let room = WIDTH - BAR_LABEL - BAR_VALUE;
    for (i, (label, value, shown)) in bars.iter().enumerate() {
        let y = TOP / 2.0 + i as f64 * (BAR_HEIGHT + BAR_GAP);
        let w = if top > 0.0 {
            (room * value.max(0.0) / top).max(1.0)
        } else {
            1.0
        };
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="chart-bar" x="{BAR_LABEL}" y="{y:.1}" width="{w:.1}" height="{BAR_HEIGHT}"/><text class="chart-value" x="{:.1}" y="{:.1}">{}</text>"#,
            BAR_LABEL - 8.0,
            y + BAR_HEIGHT * 0.7,
            esc(label),
            BAR_LABEL + w + 6.0,
            y + BAR_HEIGHT * 0.7,
            esc(shown)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        let cases = [
            (0.0, 1.0),
            (-3.0, 1.0),
            (f64::NAN, 1.0),
            (1.0, 1.0),
            (3.0, 5.0),
            (7.0, 10.0),
            (10.0, 10.0),
            (11.0, 20.0),
            (0.3, 0.5),
            (0.25, 0.5),
            (140.0, 200.0),
            (5000.0, 5000.0),
        ];
        for (max, want) in cases {
            assert_eq!(nice_max(max), want, "{max}");
        }
    }

    #[test]
    fn a_line_is_scaled_to_its_axis() {
        let pts: Vec<(String, f64)> = [("03-01", 0.0), ("03-02", 5.0), ("03-03", 10.0)]
            .iter()
            .map(|(l, v)| (l.to_string(), *v))
            .collect();
        let svg = line("Returns per day", &pts, "No data");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<title>Returns per day</title>"));
        // Axis 0..10: 0 at the bottom of the plot (y = 192), 10 at its top (y = 16), 5 between.
        assert!(
            svg.contains(r#"points="48.0,192.0 336.0,104.0 624.0,16.0""#),
            "{svg}"
        );
        // Gridline labels 0, 2.5, 5, 7.5, 10 and the first, middle and last day.
        for label in [
            ">0<", ">2.5<", ">5<", ">7.5<", ">10<", ">03-01<", ">03-02<", ">03-03<",
        ] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_single_point_sits_in_the_middle() {
        let svg = line("One day", &[("03-01".into(), 4.0)], "No data");
        // Axis 0..5: 4 is four fifths up the 176 px plot (192 - 140.8 = 51.2).
        assert!(svg.contains(r#"points="336.0,51.2""#), "{svg}");
        assert!(svg.contains(">1.25<") && svg.contains(">3.75<"), "{svg}");
        assert_eq!(svg.matches(">03-01<").count(), 1, "{svg}");
    }

    #[test]
    fn empty_charts_say_so() {
        let svg = line("Nothing", &[], "No data in this range");
        assert!(svg.contains("No data in this range") && !svg.contains("polyline"));
        let svg = bars("Nothing", &[], "No data in this range");
        assert!(svg.contains("No data in this range") && !svg.contains("<rect"));
        // All zero: the axis is still 0..1.
        let svg = line("Zeros", &[("a".into(), 0.0), ("b".into(), 0.0)], "-");
        assert!(svg.contains(r#"points="48.0,192.0 624.0,192.0""#), "{svg}");
    }

    #[test]
    fn bars_are_proportional_and_labelled() {
        let svg = bars(
            "Reasons",
            &[
                ("Defective".into(), 4.0, "4 (50.0 %)".into()),
                ("<script>".into(), 2.0, "2".into()),
            ],
            "-",
        );
        // The longest bar fills the room (640 - 170 - 90 = 380); half the value, half the bar.
        assert!(svg.contains(r#"width="380.0""#), "{svg}");
        assert!(svg.contains(r#"width="190.0""#), "{svg}");
        assert!(svg.contains(">4 (50.0 %)<"));
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
    }
}
