//! The theme's stylesheets and scripts minified for the output (with `minify`, on by
//! default): comments and indentation cost readers bytes on every first visit. The
//! `minifier` crate tokenizes CSS and JavaScript (rustdoc ships its own assets through it);
//! where it cannot read a file, the file is published as written, never half-minified.

/// `bytes` of the asset `name`, minified when it is CSS or JavaScript.
pub(crate) fn minify_asset(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    if name.contains(".min.") {
        return bytes;
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return bytes;
    };
    let minified = if name.ends_with(".css") {
        minifier::css::minify(text).map(|m| m.to_string())
    } else if name.ends_with(".js") || name.ends_with(".mjs") {
        minifier::js::minify(text).map(|m| m.to_string())
    } else {
        return bytes;
    };
    match minified {
        Ok(m) if !m.is_empty() || text.trim().is_empty() => m.into_bytes(),
        _ => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_lose_comments_and_indentation_only() {
        let css =
            "/* theme */\n:root {\n  --accent: #0a5;\n}\n\na:hover { color: var(--accent); }\n";
        let out = String::from_utf8(minify_asset("style.css", css.as_bytes().to_vec())).unwrap();
        assert!(!out.contains("theme") && !out.contains('\n'), "{out}");
        assert!(
            out.contains("--accent:#0a5") && out.contains("a:hover{color:var(--accent)"),
            "{out}"
        );

        let js = "// why\nconst greet = (name) => {\n  return `hi ${name} // not a comment`;\n};\n";
        let out = String::from_utf8(minify_asset("portolan.js", js.as_bytes().to_vec())).unwrap();
        assert!(!out.contains("why") && out.len() < js.len(), "{out}");
        assert!(
            out.contains("`hi ${name} // not a comment`"),
            "template text kept: {out}"
        );
    }

    #[test]
    fn other_files_pass_through() {
        let wasm = vec![0, 97, 115, 109, 1, 0, 0, 0];
        assert_eq!(minify_asset("calculator_bg.wasm", wasm.clone()), wasm);
        let pre = b"a{ }".to_vec();
        assert_eq!(minify_asset("vendor.min.css", pre.clone()), pre);
    }
}
