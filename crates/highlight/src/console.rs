//! Shell transcripts and terminal output. In a `console` block a line starting with a
//! prompt (`$ `, `% `) is a command, highlighted as shell, with the prompt in a `gp` span;
//! a line ending in `\` continues the command; any other line is output (`go`). The copy
//! button leaves prompts and output out, so what is copied runs.

use portolan_htmlscan::escape_html_into;

use crate::Language;

const PROMPTS: &[&str] = &["$ ", "% "];

/// A transcript's HTML; `highlight` renders a command's text.
pub(crate) fn transcript(code: &str, highlight: &dyn Fn(Language, &str) -> String) -> String {
    let shell = crate::language("bash").expect("bash is in the alias table");
    let mut out = String::with_capacity(code.len() * 2);
    // A command's lines (the prompt's, then each continued one), highlighted together.
    let mut command = String::new();
    for line in code.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if command.is_empty() {
            let Some(p) = PROMPTS.iter().find(|p| body.starts_with(**p)) else {
                if !body.is_empty() {
                    out.push_str("<span class=\"go\">");
                    escape_html_into(&mut out, body);
                    out.push_str("</span>");
                }
                out.push_str(&line[body.len()..]);
                continue;
            };
            out.push_str("<span class=\"gp\">");
            escape_html_into(&mut out, p);
            out.push_str("</span>");
            command.push_str(&line[p.len()..]);
        } else {
            command.push_str(line);
        }
        if !body.trim_end().ends_with('\\') {
            out.push_str(&highlight(shell, &command));
            command.clear();
        }
    }
    if !command.is_empty() {
        out.push_str(&highlight(shell, &command));
    }
    out
}

/// `text` without terminal escape sequences (colours, cursor moves) or other control
/// characters than tab and line break.
pub(crate) fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters… final byte in @..~; other escapes are two chars.
                if chars.next_if_eq(&'[').is_some() {
                    for p in chars.by_ref() {
                        if ('@'..='~').contains(&p) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(_: Language, s: &str) -> String {
        format!("[{s}]")
    }

    #[test]
    fn prompts_commands_and_output_are_told_apart() {
        let html = transcript("$ kong start \\\n  --v\nstarted <ok>\n\n% ls", &plain);
        assert_eq!(
            html,
            "<span class=\"gp\">$ </span>[kong start \\\n  --v\n]\
             <span class=\"go\">started &lt;ok&gt;</span>\n\n<span class=\"gp\">% </span>[ls]"
        );
    }

    #[test]
    fn escape_sequences_and_control_characters_go() {
        assert_eq!(
            strip_ansi("\u{1b}[31mred\u{1b}[0m\u{7}\t\u{1b}Mx\n"),
            "red\tx\n"
        );
        assert_eq!(strip_ansi("\u{1b}["), "");
    }
}
