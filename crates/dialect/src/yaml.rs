//! A guard run on YAML before serde_yaml reads it: how deep its collections nest.
//!
//! libyaml's scanner checks every pending "simple key" on every token, and flow
//! collections (`[`, `{`) keep one pending per level, so `[[[[...` takes time proportional
//! to the square of its length (200 KB took 27 s). serde_yaml's own recursion limit applies
//! only after the whole document was scanned. This guard walks libyaml's events itself and
//! stops at the first collection nested deeper than [`MAX_YAML_DEPTH`]; libyaml scans at
//! most about 1 KiB ahead of the events it produces, so the work stays linear.

use std::mem::MaybeUninit;

use unsafe_libyaml as unsafe_sys;

use crate::limits::MAX_YAML_DEPTH;

/// Where YAML first nests deeper than [`MAX_YAML_DEPTH`]: a byte offset into the YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset of the collection that is one level too deep.
    pub offset: usize,
}

/// Checks that collections in `yaml` nest at most [`MAX_YAML_DEPTH`] deep. YAML that does
/// not parse passes: serde_yaml reports the syntax error with its position.
pub fn check_depth(yaml: &str) -> Result<(), TooDeep> {
    // Cheap: a document with fewer openers than the limit cannot exceed it (block
    // collections start with `- ` or `key:`, which also count here only when written).
    let openers = yaml
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?'))
        .take(MAX_YAML_DEPTH + 1)
        .count();
    if openers <= MAX_YAML_DEPTH {
        return Ok(());
    }
    // SAFETY: the parser lives in a Box (libyaml keeps pointers into it), is initialised
    // before use and deleted exactly once; the input string outlives it; every event that
    // yaml_parser_parse fills is deleted before the next call.
    unsafe {
        let mut parser: Box<MaybeUninit<unsafe_sys::yaml_parser_t>> =
            Box::new(MaybeUninit::uninit());
        let p = parser.as_mut_ptr();
        if unsafe_sys::yaml_parser_initialize(p).fail {
            return Ok(());
        }
        unsafe_sys::yaml_parser_set_encoding(p, unsafe_sys::YAML_UTF8_ENCODING);
        unsafe_sys::yaml_parser_set_input_string(p, yaml.as_ptr(), yaml.len() as u64);
        let mut depth = 0usize;
        let mut result = Ok(());
        let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
        loop {
            if unsafe_sys::yaml_parser_parse(p, event.as_mut_ptr()).fail {
                break;
            }
            let ev = event.as_mut_ptr();
            let kind = (*ev).type_;
            let offset = (*ev).start_mark.index as usize;
            unsafe_sys::yaml_event_delete(ev);
            match kind {
                unsafe_sys::YAML_SEQUENCE_START_EVENT | unsafe_sys::YAML_MAPPING_START_EVENT => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        result = Err(TooDeep {
                            offset: offset.min(yaml.len()),
                        });
                        break;
                    }
                }
                unsafe_sys::YAML_SEQUENCE_END_EVENT | unsafe_sys::YAML_MAPPING_END_EVENT => {
                    depth = depth.saturating_sub(1)
                }
                unsafe_sys::YAML_STREAM_END_EVENT | unsafe_sys::YAML_NO_EVENT => break,
                _ => {}
            }
        }
        unsafe_sys::yaml_parser_delete(p);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_yaml_passes() {
        assert_eq!(check_depth("title: A\nfaqs:\n  - q: x\n    a: y\n"), Ok(()));
        // The top-level map is one level.
        let n = MAX_YAML_DEPTH - 1;
        assert_eq!(
            check_depth(&format!("x: {}{}", "[".repeat(n), "]".repeat(n))),
            Ok(())
        );
        assert!(check_depth(&format!("x: {}{}", "[".repeat(n + 1), "]".repeat(n + 1))).is_err());
        assert_eq!(
            check_depth("x: [unclosed"),
            Ok(()),
            "syntax errors are serde_yaml's to report"
        );
    }

    #[test]
    fn deep_flow_and_block_nesting_is_refused_quickly() {
        let n = 200_000;
        let t = std::time::Instant::now();
        let deep = format!("x: {}", "[".repeat(n));
        assert_eq!(
            check_depth(&deep),
            Err(TooDeep {
                offset: 3 + MAX_YAML_DEPTH - 1
            })
        );
        let block = format!("x:\n{}y\n", "- ".repeat(n));
        assert!(check_depth(&block).is_err());
        let mixed = format!("x: {}", "{a: [".repeat(n));
        assert!(check_depth(&mixed).is_err());
        // A hang guard (unguarded, 200 KB took 27 s), not a performance figure.
        assert!(t.elapsed().as_secs() < 60, "{:?}", t.elapsed());
    }
}
