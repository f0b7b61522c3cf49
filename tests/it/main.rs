//! Portolan's integration tests, one binary (one link of the browser stack, not fifteen):
//! the real `portolan` binary run on fixture sites (tests/fixtures), snapshots of HTML and of
//! error text (snapshots/), the CLI, crash safety, headless Chromium and nginx.
//!
//! The browser and hosting tests need Chromium, ChromeDriver, axe-core and nginx; without
//! them they are skipped with a line that says so, unless `PORTOLAN_REQUIRE_ALL=1` (what
//! scripts/test-all sets, after scripts/install-test-deps installed them).

mod common;

mod breakit;
mod browser;
mod browser_code;
mod browser_collections;
mod browser_components;
mod browser_search;
mod caches;
mod check;
mod code;
mod collections;
mod components;
mod crash;
mod docs;
mod errors;
mod hostile;
mod hosts;
mod html;
mod init;
mod nginx;
mod seed;
