//! A host for testing the engine on its own: Liquid with no tags or filters of a dialect,
//! includes from a map, `page` from a map.

#![allow(dead_code, unreachable_pub)]

pub mod fuzz_harness;

use std::collections::HashMap;
use std::sync::Arc;

use portolan_liquid::{
    parse, Buf, Diagnostic, Env, Exceeded, Flow, Host, HostFilterCall, IncludeError, Included, Map,
    Place, PlainLiquid, Renderer, Source, Syntax, TagCall, Value,
};

/// Includes by path, each with its own file id (the page is file 0).
#[derive(Default)]
pub struct TestHost {
    pub includes: HashMap<String, (usize, Arc<str>)>,
    pub page: Value,
}

impl TestHost {
    pub fn with_includes(files: &[(&str, &str)]) -> Self {
        TestHost {
            includes: files
                .iter()
                .enumerate()
                .map(|(i, (p, t))| (p.to_string(), (i + 1, Arc::from(*t))))
                .collect(),
            page: Value::map(Map::new()),
        }
    }
}

impl Host for TestHost {
    fn syntax(&self) -> &dyn Syntax {
        &PlainLiquid
    }

    fn include(&self, path: &str) -> Result<Included, IncludeError> {
        match self.includes.get(path) {
            Some((file, text)) => Ok(Included {
                file: *file,
                text: text.clone(),
            }),
            None => Err(IncludeError {
                message: format!("include `{path}` not found"),
                hint: None,
            }),
        }
    }

    fn page(&self) -> Value {
        self.page.clone()
    }

    fn tag(
        _: &mut Renderer<'_, '_, Self>,
        _: TagCall,
        _: Option<(Buf, Flow)>,
        _: &mut Buf,
    ) -> Flow {
        Flow::Normal
    }

    fn filter(_: &mut Renderer<'_, '_, Self>, call: HostFilterCall) -> Result<Value, Exceeded> {
        Ok(call.input)
    }
}

/// The site every test renders with: a few variables.
pub fn env() -> Env {
    let mut site = Map::new();
    site.insert("product".into(), Value::str("Kong Gateway"));
    site.insert("num".into(), Value::Int(3));
    site.insert(
        "list".into(),
        Value::array(vec![Value::str("a"), Value::str("b")]),
    );
    Env {
        site: Value::map(site),
        undefined_site_is_empty: false,
        now: 1_700_000_000,
    }
}

/// Renders `text` as a page (file 0) with `host`: its output and diagnostics.
pub fn render_with(host: TestHost, text: &str) -> (String, Vec<Diagnostic>) {
    let env = env();
    let template = parse(text, 0, &PlainLiquid);
    let mut diags = Vec::new();
    let mut r = Renderer::new(host, &env, &mut diags);
    r.set_page_text(0, text);
    let mut buf = Buf::default();
    let src = Source {
        file: 0,
        text,
        place: Place::File,
    };
    r.render_template(&src, &template, &mut buf);
    drop(r);
    (buf.into_parts().0, diags)
}

/// Renders `text` with no includes.
pub fn render(text: &str) -> (String, Vec<Diagnostic>) {
    render_with(TestHost::with_includes(&[]), text)
}
