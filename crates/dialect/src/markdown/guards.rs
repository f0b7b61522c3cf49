//! Limits checked on markdown before pulldown-cmark reads it, where its own work would
//! already be too much: containers nested so deep that every line costs their product, and
//! pipe tables that would make more cells than the page may have.

use std::cell::Cell;

use crate::limits::MAX_BLOCK_NESTING;

/// The start of the first line that could open containers (list items, block quotes,
/// footnotes) more than four times [`MAX_BLOCK_NESTING`] deep, counted before parsing.
///
/// pulldown-cmark matches every open container on every line, so `- - - - ...` (a
/// container for two bytes) followed by many lines takes time proportional to their
/// product, before any event reaches the renderer's own exact check. The innermost of the
/// containers open on any line was opened on a line holding the prefix of each of them: a
/// marker (`>`, `-`, `1.`, `[^x]:`) or at least two columns of indentation. So the number of
/// markers plus half the indentation of the lines that hold markers bounds the depth.
pub(super) fn too_deep_line(text: &str) -> Option<usize> {
    const BOUND: usize = 4 * MAX_BLOCK_NESTING;
    let b = text.as_bytes();
    let mut ls = 0;
    while ls < b.len() {
        let le = b[ls..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| ls + i);
        let (mut markers, mut columns, mut i) = (0usize, 0usize, ls);
        while i < le {
            let ws_after = |j: usize| j >= le || matches!(b[j], b' ' | b'\t' | b'\r');
            match b[i] {
                b' ' | b'\r' => columns += 1,
                b'\t' => columns += 4,
                b'>' => markers += 1,
                b'-' | b'+' | b'*' if ws_after(i + 1) => markers += 1,
                b'0'..=b'9' => {
                    let digits = b[i..le].iter().take_while(|c| c.is_ascii_digit()).count();
                    let j = i + digits;
                    if digits <= 9 && j < le && matches!(b[j], b'.' | b')') && ws_after(j + 1) {
                        markers += 1;
                        i = j;
                    } else {
                        break;
                    }
                }
                b'[' if b.get(i + 1) == Some(&b'^') => {
                    match b[i..le].windows(2).position(|w| w == b"]:") {
                        Some(k) => {
                            markers += 1;
                            i += k + 1;
                        }
                        None => break,
                    }
                }
                _ => break,
            }
            i += 1;
        }
        if markers > 0 && markers + columns / 2 > BOUND {
            return Some(ls);
        }
        ls = le + 1;
    }
    None
}

/// The start of the first pipe-table delimiter row (`|---|---|`) at which the tables of
/// `text` would have more cells than `cells` allows, counted before parsing: every row gets
/// a cell for every column, so a wide header over many one-byte rows would make hundreds
/// of bytes of HTML per byte of markdown (pulldown-cmark bounds this per table only).
/// Counts generously: any line of dashes, pipes and colons (after container prefixes) is a
/// delimiter row, and its rows are every non-blank line until a blank one. Takes the cells counted from `cells`.
pub(super) fn too_many_cells(text: &str, cells: &Cell<usize>) -> Option<usize> {
    let mut left = cells.get();
    let mut columns: Option<usize> = None;
    let mut delimiter_at = 0;
    let mut ls = 0;
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
        let line = &text[ls..le];
        if line.trim().is_empty() {
            columns = None;
        } else {
            let n = match columns {
                Some(c) => c,
                None => {
                    // Generous: container prefixes (`> `, `- `, `1. `, indentation) may come
                    // before the row; a line of dashes and digits costs one cell per line.
                    let shaped = line.contains('-')
                        && line.chars().all(|c| {
                            matches!(
                                c,
                                '|' | '-' | ':' | ' ' | '\t' | '\r' | '>' | '+' | '*' | '.' | ')'
                            ) || c.is_ascii_digit()
                        });
                    if shaped {
                        // `|a|b|` is two cells: outer pipes are optional.
                        let t = line.trim();
                        let t = t.strip_prefix('|').unwrap_or(t);
                        let c = t.strip_suffix('|').unwrap_or(t).matches('|').count() + 1;
                        columns = Some(c);
                        delimiter_at = ls;
                        c // the header row's
                    } else {
                        0
                    }
                }
            };
            if n > left {
                return Some(delimiter_at);
            }
            left -= n;
        }
        ls = le + 1;
    }
    cells.set(left);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_containers_are_found_before_parsing() {
        assert_eq!(too_deep_line("- a\n  - b\n"), None);
        let deep = format!("ok\n{}x\n", "- ".repeat(4 * MAX_BLOCK_NESTING + 1));
        assert_eq!(too_deep_line(&deep), Some(3));
    }

    #[test]
    fn pipe_table_cells_come_from_the_budget() {
        let cells = Cell::new(10);
        assert_eq!(too_many_cells("|a|b|\n|-|-|\n|1|2|\n", &cells), None);
        // The delimiter row stands for the header row's cells; then one per column per row.
        assert_eq!(cells.get(), 6);
        let second = "|a|b|c|\n|-|-|-|\n|1|2|3|\n|4|5|6|\n";
        assert_eq!(too_many_cells(second, &cells), Some(8));
    }
}
