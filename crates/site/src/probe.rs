//! Fetching external links for `check --external`: HEAD (GET where HEAD is refused), eight
//! at a time, with a timeout. The HTTP and TLS stack (ureq, rustls) is behind the
//! `external-links` feature, on by default; a build without it says so for each link.

/// What fetching an external link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// 2xx or 3xx.
    Ok(u16),
    /// 404 or 410: the page is gone.
    Gone(u16),
    /// Anything that may pass by itself: rate limits (429), server errors, timeouts, network
    /// failures. Reported, never fatal.
    Unsure(String),
}

/// Fetches each URL once (HEAD, then GET where HEAD is refused), eight at a time, each
/// within `timeout`.
#[cfg(feature = "external-links")]
pub fn probe_external(urls: &[String], timeout: std::time::Duration) -> Vec<(String, Probe)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("portolan-check")
        .build()
        .into();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..8.min(urls.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
                    r.map(|r| r.status().as_u16())
                };
                let mut got = status(agent.head(url).call());
                if matches!(got, Ok(405 | 501)) {
                    got = status(agent.get(url).call());
                }
                let probe = match got {
                    Ok(c @ 200..=399) => Probe::Ok(c),
                    Ok(c @ (404 | 410)) => Probe::Gone(c),
                    Ok(c) => Probe::Unsure(format!("HTTP {c}")),
                    Err(e) => Probe::Unsure(e.to_string()),
                };
                if let Ok(mut r) = results.lock() {
                    r.push((url.clone(), probe));
                }
            });
        }
    });
    let mut r = results.into_inner().unwrap_or_default();
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

/// Built without the `external-links` feature: every link is unsure, and says why.
#[cfg(not(feature = "external-links"))]
pub fn probe_external(urls: &[String], _timeout: std::time::Duration) -> Vec<(String, Probe)> {
    urls.iter()
        .map(|u| {
            (
                u.clone(),
                Probe::Unsure("this portolan was built without external link checking".into()),
            )
        })
        .collect()
}
