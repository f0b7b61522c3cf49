//! Request paths to output keys, refusing anything that tries to leave the site.
//!
//! The server answers only from the session's output map, so no request can reach an
//! arbitrary file; this module still refuses traversal outright (encoded, double-encoded,
//! backslashes, NUL, absolute paths) so such requests are visible as 400s, not 404s.

use percent_encoding::percent_decode_str;

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Served {
    /// An output file (`/`-separated, relative to the output root).
    File(String),
    /// A redirect to this path (e.g. adding the trailing slash of a pretty URL).
    Redirect(String),
    /// Outside the base path.
    NotFound,
}

/// Why a path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath(pub &'static str);

/// Resolves the path part of a request URI under `base` (which starts and ends with `/`).
pub fn resolve(raw: &str, base: &str) -> Result<Served, BadPath> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| BadPath("path is not UTF-8"))?;
    let lower = decoded.to_ascii_lowercase();
    if decoded.contains('\\') || decoded.contains('\0') {
        return Err(BadPath("backslash or NUL in path"));
    }
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return Err(BadPath("double-encoded path"));
    }
    if !decoded.starts_with('/') || decoded.starts_with("//") {
        return Err(BadPath("not an absolute path"));
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(BadPath("dot segment in path"));
    }
    if decoded.len() + 1 == base.len() && base.starts_with(decoded.as_ref()) {
        return Ok(Served::Redirect(base.to_string()));
    }
    let Some(rel) = decoded.strip_prefix(base) else {
        return Ok(Served::NotFound);
    };
    if rel.split('/').any(|seg| seg.contains(':')) {
        return Err(BadPath("drive or scheme in path"));
    }
    if rel.is_empty() || rel.ends_with('/') {
        return Ok(Served::File(format!("{rel}index.html")));
    }
    Ok(Served::File(rel.to_string()))
}

/// The content type for an output path.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls_and_base() {
        assert_eq!(resolve("/", "/"), Ok(Served::File("index.html".into())));
        assert_eq!(
            resolve("/a/b/", "/"),
            Ok(Served::File("a/b/index.html".into()))
        );
        assert_eq!(
            resolve("/assets/style.css", "/"),
            Ok(Served::File("assets/style.css".into()))
        );
        assert_eq!(
            resolve("/docs", "/docs/"),
            Ok(Served::Redirect("/docs/".into()))
        );
        assert_eq!(
            resolve("/docs/a/", "/docs/"),
            Ok(Served::File("a/index.html".into()))
        );
        assert_eq!(resolve("/other/", "/docs/"), Ok(Served::NotFound));
        assert_eq!(
            resolve("/a%20b/", "/"),
            Ok(Served::File("a b/index.html".into()))
        );
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/%252e%252e/etc/passwd",
            "/..%5c..%5cetc%5cpasswd",
            "/a\\..\\b",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/a%00.html",
            "/%ff",
            "/./a",
        ] {
            assert!(resolve(bad, "/").is_err(), "{bad} must be refused");
        }
    }
}
