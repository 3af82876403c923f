//! Neutralising account data for terminals: every string from AWS may carry ANSI escapes or
//! control characters meant to rewrite what an operator sees.

/// Replaces control characters (ANSI escapes included) with visible escapes.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || is_bidi_override(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Bidirectional overrides can make a name read differently from what it is.
fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_and_controls_are_neutralised() {
        assert_eq!(sanitize("ok-name"), "ok-name");
        let hostile = sanitize("\u{1b}[2J\u{1b}[31mevil\r\nname\u{202E}");
        assert!(!hostile.chars().any(|c| c.is_control()));
        assert!(hostile.contains("evil"));
        assert!(hostile.contains("\\u{1b}"));
    }
}
