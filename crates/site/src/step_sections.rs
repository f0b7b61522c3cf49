//! A guide's steps as disclosures: each of the body's own `h2` sections in an open
//! `<details>`, its heading the summary, so a reader folds away the steps done, with or
//! without script. Headings inside tabs, lists or other containers stay where they are.

/// `html` with each top-level `h2` and what follows it, up to the next, in a
/// `details.step-section`. The heading keeps its id (the table of contents still links to
/// it) and loses its anchor link: a link inside a summary is a control inside a control.
pub(crate) fn step_sections(html: &str) -> String {
    let headings = portolan_htmlscan::top_level_elements(html, "h2");
    let Some(first) = headings.first() else {
        return html.to_string();
    };
    let mut out = String::with_capacity(html.len() + headings.len() * 96);
    out.push_str(&html[..first.start]);
    for (i, heading) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(html.len(), |next| next.start);
        out.push_str("<details class=\"step-section\" open><summary>");
        out.push_str(&without_anchor(&html[heading.clone()]));
        out.push_str("</summary><div class=\"step-body\">");
        out.push_str(&html[heading.end..end]);
        out.push_str("</div></details>");
    }
    out
}

/// A heading without the anchor link the markdown pass gives it.
fn without_anchor(heading: &str) -> String {
    const OPEN: &str = "<a class=\"anchor\"";
    match heading.find(OPEN) {
        Some(start) => match heading[start..].find("</a>") {
            Some(len) => format!("{}{}", &heading[..start], &heading[start + len + 4..]),
            None => heading.to_string(),
        },
        None => heading.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_section_of_the_body_folds_under_its_heading() {
        let body = "<p>Intro.</p>\n<h2 id=\"one\">One<a class=\"anchor\" href=\"#one\"><span class=\"sr-only\">Link to this section</span><span aria-hidden=\"true\">#</span></a></h2>\n<p>First.</p><div class=\"tabs\"><h2>Tab heading</h2></div>\n<h2 id=\"two\">Two</h2><p>Second.</p>";
        assert_eq!(
            step_sections(body),
            "<p>Intro.</p>\n\
             <details class=\"step-section\" open><summary><h2 id=\"one\">One</h2></summary><div class=\"step-body\">\n<p>First.</p><div class=\"tabs\"><h2>Tab heading</h2></div>\n</div></details>\
             <details class=\"step-section\" open><summary><h2 id=\"two\">Two</h2></summary><div class=\"step-body\"><p>Second.</p></div></details>"
        );
    }

    #[test]
    fn a_body_without_sections_is_left_as_it_is() {
        assert_eq!(step_sections("<p>Only text.</p>"), "<p>Only text.</p>");
        assert_eq!(step_sections(""), "");
    }
}
