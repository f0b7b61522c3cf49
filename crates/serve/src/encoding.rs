//! Compressed responses: `serve` answers a browser that accepts brotli or gzip with a
//! compressed body, as a production server would, so what a page weighs in the browser's
//! network panel (and Lighthouse's "enable text compression") is what readers will get.
//! Compression favours speed here (brotli quality 4, gzip level 1): a page is compressed
//! on every request, while `portolan build --compress` spends longer once.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response};

/// Bodies smaller than this are sent as they are.
const MIN_SIZE: usize = 256;

/// An encoding the server can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `br`
    Brotli,
    /// `gzip`
    Gzip,
}

/// The encoding to answer with for the request's `Accept-Encoding`: brotli when accepted,
/// else gzip, else none. A coding with `q=0` is refused, as RFC 9110 says.
pub(crate) fn preferred(accept_encoding: &str) -> Option<Encoding> {
    let accepted = |name: &str| {
        accept_encoding.split(',').any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused && (coding.eq_ignore_ascii_case(name) || coding == "*")
        })
    };
    if accepted("br") {
        Some(Encoding::Brotli)
    } else if accepted("gzip") {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

/// True for a content type worth compressing (text, JSON, JavaScript, SVG, WebAssembly).
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || ["json", "javascript", "xml", "svg", "wasm"]
            .iter()
            .any(|k| content_type.contains(k))
}

/// `response`, compressed when the request accepts an encoding and the body is worth it.
pub(crate) async fn negotiate(request: &HeaderMap, response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let ctype = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !compressible(ctype) || parts.headers.contains_key(header::CONTENT_ENCODING) {
        return Response::from_parts(parts, body);
    }
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let encoding = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(preferred);
    let Some(encoding) = encoding else {
        return Response::from_parts(parts, body);
    };
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let (encoded, name) = match encoding {
        Encoding::Brotli => (brotli(&bytes), "br"),
        Encoding::Gzip => (gzip(&bytes), "gzip"),
    };
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(encoded))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 4,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_first_then_gzip_and_q0_refuses() {
        assert_eq!(preferred("gzip, deflate, br, zstd"), Some(Encoding::Brotli));
        assert_eq!(preferred("gzip"), Some(Encoding::Gzip));
        assert_eq!(preferred("br;q=0, gzip;q=0.5"), Some(Encoding::Gzip));
        assert_eq!(preferred("identity"), None);
        assert_eq!(preferred(""), None);
        assert_eq!(preferred("*"), Some(Encoding::Brotli));
    }

    #[test]
    fn only_text_is_compressed() {
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/wasm"));
        assert!(compressible("image/svg+xml"));
        assert!(!compressible("image/png"));
    }
}
