//! The one sanitiser for terminal text. Every string from an account, an inventory, a baseline,
//! a configuration file or an argument may carry ANSI escapes (clear the screen, write the
//! clipboard with OSC 52), bidirectional overrides or invisible characters meant to make an
//! operator read something else. Every terminal path (table, summary, diff, error messages)
//! goes through `sanitize`, `display` or `multiline`; files keep the text whole.

use unicode_width::UnicodeWidthChar;

/// Characters that reorder or hide text: bidi controls, zero-width and invisible characters,
/// line and paragraph separators, the byte-order mark, soft hyphen, variation selectors and
/// tag characters (Unicode general category Cf and its look-alikes).
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A character a terminal must not receive as is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_hidden(c)
}

fn push_visible(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// Replaces control, bidi and invisible characters with visible escapes (`\u{1b}`).
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    out
}

/// Like `sanitize`, but keeps line breaks (for multi-line error messages).
pub fn multiline(s: &str) -> String {
    s.split('\n')
        .map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sanitised and cut to at most `max` terminal columns (an ellipsis marks the cut). It reads
/// only as far as it shows, so a 100,000-character name costs what a short one does, and no
/// table layout ever sees an unbounded cell.
pub fn display(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut width = 0usize;
    // Where to cut if the text turns out too long: the ellipsis needs one column.
    let mut keep = 0usize;
    let mut escaped = String::new();
    for c in s.chars() {
        escaped.clear();
        push_visible(&mut escaped, c);
        let w = self::width(&escaped);
        if width + w > max {
            out.truncate(keep);
            out.push('…');
            return out;
        }
        width += w;
        out.push_str(&escaped);
        if width < max {
            keep = out.len();
        }
    }
    out
}

/// One line for a CSV cell or a one-line log: controls and invisible characters escaped,
/// tabs and line breaks turned into spaces.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c => push_visible(&mut out, c),
        }
    }
    out
}

/// Terminal columns a sanitised string takes.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_are_neutralised() {
        assert_eq!(sanitize("ok-name"), "ok-name");
        let hostile = sanitize("\u{1b}[2J\u{1b}[31mevil\r\nname\u{202E}");
        assert!(!hostile.chars().any(|c| c.is_control()));
        assert!(hostile.contains("evil"));
        assert!(hostile.contains("\\u{1b}"));
    }

    #[test]
    fn invisible_and_bidi_characters_are_shown() {
        for c in [
            '\u{061C}',
            '\u{2028}',
            '\u{2029}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{2060}',
            '\u{00AD}',
            '\u{202E}',
            '\u{2066}',
            '\u{E0041}',
            '\u{9B}',
            '\u{7}',
            '\u{0}',
        ] {
            let shown = sanitize(&format!("a{c}b"));
            assert!(!shown.contains(c), "{:?} passed through", c);
            assert!(shown.starts_with('a') && shown.ends_with('b'));
        }
        // OSC 52 (write the clipboard) cannot survive.
        assert!(!sanitize("\u{1b}]52;c;ZXZpbA==\u{7}").contains('\u{1b}'));
    }

    #[test]
    fn display_cuts_before_layout() {
        assert_eq!(display("short", 10), "short");
        assert_eq!(display("exactly10!", 10), "exactly10!");
        assert_eq!(display("exactly10!!", 10), "exactly10…");
        let huge = "x".repeat(200_000);
        let start = std::time::Instant::now();
        let cut = display(&huge, 80);
        assert!(start.elapsed() < std::time::Duration::from_millis(50));
        assert_eq!(width(&cut), 80);
        assert!(cut.ends_with('…'));
        // Wide characters count as two columns.
        assert!(width(&display(&"漢".repeat(100), 21)) <= 21);
        assert!(!display("\u{1b}[2J", 5).contains('\u{1b}'));
    }

    #[test]
    fn one_line_has_no_control_bytes() {
        let line = one_line("a\tb\r\nc\u{1b}[31m\u{7}\u{0}\u{85}\u{9b}");
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
        assert!(line.starts_with("a b  c"));
        assert_eq!(multiline("x\u{1b}\ny"), "x\\u{1b}\ny");
    }
}
