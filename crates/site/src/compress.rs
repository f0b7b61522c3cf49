//! Precompressed copies of the output (`compress: true` or `--compress`): a `.gz` and a
//! `.br` beside every file a browser would take compressed, so nginx's `gzip_static` and
//! `brotli_static` (and most CDNs) send them without compressing on each request.

use std::io::Write as _;

/// Files smaller than this are not worth compressing: the headers cost more than the
/// bytes saved (nginx's own `gzip_min_length` default is 20; 256 is what CDNs use).
const MIN_SIZE: usize = 256;

/// Highest gzip level: compressed once per build, read many times.
const GZIP_LEVEL: u32 = 9;

/// Brotli quality 6: on the Kong corpus (459 pages, 28 MB out) quality 9 took 7.8 s for
/// the build against 2.7 s at 6, for brotli files 1% smaller (4.14 against 4.18 MB); 11
/// is slower still. gzip at level 9 makes 4.63 MB of the same files.
const BROTLI_QUALITY: u32 = 6;

/// True for an output path whose contents are text (or WebAssembly, which compresses as
/// well): the files a server would compress.
pub(crate) fn is_compressible(rel: &str) -> bool {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "html"
            | "htm"
            | "css"
            | "js"
            | "mjs"
            | "json"
            | "map"
            | "xml"
            | "svg"
            | "txt"
            | "md"
            | "csv"
            | "yaml"
            | "yml"
            | "wasm"
            | "webmanifest"
            | "ico"
    )
}

/// True when a file at `rel` of `len` bytes gets precompressed copies.
pub(crate) fn worth_compressing(rel: &str, len: usize) -> bool {
    len >= MIN_SIZE && is_compressible(rel)
}

/// The gzip and brotli encodings of `bytes`, or `None` when `rel` is not worth
/// compressing.
pub(crate) fn encodings(rel: &str, bytes: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    worth_compressing(rel, bytes.len()).then(|| (gzip(bytes), brotli(bytes)))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        // The window covers the whole file up to 4 MiB (22 bits, the format's default).
        lgwin: 22,
        ..Default::default()
    };
    let mut input = bytes;
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn both_encodings_decode_to_the_input() {
        let page = "<!doctype html><p>Kong Konnect hostnames and ports</p>\n".repeat(40);
        let (gz, br) = encodings("a/index.html", page.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, page);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, page.as_bytes());
        assert!(gz.len() < page.len() / 5 && br.len() < gz.len());
    }

    #[test]
    fn images_and_tiny_files_are_left_alone() {
        assert!(encodings("a.png", &[0; 4096]).is_none());
        assert!(encodings("robots.txt", b"User-agent: *\n").is_none());
        assert!(is_compressible("assets/style.3f2a.CSS"));
        assert!(!is_compressible("fonts/x.woff2"));
    }
}
