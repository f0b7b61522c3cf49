//! A term's weight in a document: where it occurs and how much the document is about it,
//! packed in one small integer per posting so that `search.js` ranks without fetching
//! documents.
//!
//! `weight = title_terms << 6 | place << 4 | relevance`, so that the commonest postings
//! (text only) are the smallest numbers, one or two digits in the shards' JSON:
//! - `place` (2 bits): 3 when the term is in the title, 2 in a search alias, 1 in a
//!   heading (h2, h3, FAQ question), 0 only in the text. The client ranks title matches
//!   first.
//! - `title_terms` (4 bits): how many terms the title has (capped at 15) when `place` is 3,
//!   else 0: a query that is most of a short title finds that page first ("hybrid" ranks
//!   "Hybrid mode" above "Run Kong Gateway in Hybrid mode").
//! - `relevance` (4 bits, 1..=15): BM25's term-frequency part, with every field counted
//!   (BM25F: a title occurrence counts as [`TITLE_BOOST`] text ones, a heading one as
//!   [`HEADING_BOOST`]) and normalised by the document's length, so a long changelog that
//!   says a word often does not outweigh the page about it. The client multiplies it by
//!   the term's idf, which it knows from the posting list's length.
//!
//! BM25 normalises by the average document length; here the reference length is fixed
//! ([`REFERENCE_TERMS`]), so a weight depends on its document alone and `serve` can update
//! one page's postings without touching the rest.

/// Weight of a title (or alias) occurrence against one in the text.
pub const TITLE_BOOST: u32 = 6;
/// Weight of a heading occurrence against one in the text.
pub const HEADING_BOOST: u32 = 3;

/// BM25's k1: how soon more occurrences stop adding.
const K1: f32 = 1.2;
/// BM25's b: how much the document's length counts.
const B: f32 = 0.75;
/// The document length (in terms) that counts as average.
pub const REFERENCE_TERMS: u32 = 400;

/// The highest relevance (four bits).
pub const RELEVANCE_MAX: u32 = 15;

/// `place`: only in the text.
pub const IN_TEXT: u32 = 0;
/// `place`: in a heading, not the title.
pub const IN_HEADING: u32 = 1;
/// `place`: in a search alias, not the title.
pub const IN_ALIAS: u32 = 2;
/// `place`: in the title.
pub const IN_TITLE: u32 = 3;

/// How often a term occurs in each part of one document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) title: u32,
    pub(super) alias: u32,
    pub(super) heading: u32,
    pub(super) text: u32,
}

/// What the weights of a document's terms depend on besides their counts.
#[derive(Debug, Clone, Copy)]
pub(super) struct DocShape {
    /// Terms in the whole document (title, headings and text).
    pub(super) terms: u32,
    /// Terms in the title.
    pub(super) title_terms: u32,
}

/// The packed weight of a term with `counts` in a document of `shape`.
pub(super) fn encode(counts: Counts, shape: DocShape) -> u32 {
    let place = if counts.title > 0 {
        IN_TITLE
    } else if counts.alias > 0 {
        IN_ALIAS
    } else if counts.heading > 0 {
        IN_HEADING
    } else {
        IN_TEXT
    };
    let title_terms = if place == IN_TITLE {
        shape.title_terms.min(15)
    } else {
        0
    };
    let tf = ((counts.title + counts.alias) * TITLE_BOOST
        + counts.heading * HEADING_BOOST
        + counts.text) as f32;
    let norm = K1 * (1.0 - B + B * shape.terms as f32 / REFERENCE_TERMS as f32);
    let relevance = (RELEVANCE_MAX as f32 * tf / (tf + norm))
        .round()
        .clamp(1.0, RELEVANCE_MAX as f32) as u32;
    title_terms << 6 | place << 4 | relevance
}

/// The parts [`encode`] packs, as (relevance, title_terms, place): what the tests read back.
#[cfg(test)]
pub(super) fn decode(weight: u32) -> (u32, u32, u32) {
    (weight & 15, weight >> 6, (weight >> 4) & 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(terms: u32) -> DocShape {
        DocShape {
            terms,
            title_terms: 2,
        }
    }

    #[test]
    fn place_and_title_length_are_kept() {
        let title = Counts {
            title: 1,
            ..Counts::default()
        };
        assert_eq!(decode(encode(title, shape(100))).1, 2);
        assert_eq!(decode(encode(title, shape(100))).2, IN_TITLE);
        let heading = Counts {
            heading: 1,
            text: 4,
            ..Counts::default()
        };
        assert_eq!(decode(encode(heading, shape(100))).1, 0);
        assert_eq!(decode(encode(heading, shape(100))).2, IN_HEADING);
        let long_title = DocShape {
            terms: 100,
            title_terms: 40,
        };
        assert_eq!(decode(encode(title, long_title)).1, 15);
    }

    #[test]
    fn an_alias_ranks_below_the_title() {
        let alias = Counts {
            alias: 1,
            ..Counts::default()
        };
        assert_eq!(
            decode(encode(alias, shape(100))),
            (decode(encode(alias, shape(100))).0, 0, IN_ALIAS)
        );
    }

    #[test]
    fn relevance_saturates_and_long_documents_weigh_less() {
        let text = |n| Counts {
            text: n,
            ..Counts::default()
        };
        let r = |c, len| decode(encode(c, shape(len))).0;
        assert!(r(text(1), 100) < r(text(5), 100));
        assert!(r(text(5), 100) < r(text(50), 100));
        assert!(r(text(50), 100) <= RELEVANCE_MAX);
        assert!(
            encode(text(1), shape(400)) < 10,
            "one digit for the commonest postings"
        );
        // The same count in a document ten times longer weighs less.
        assert!(r(text(5), 5000) < r(text(5), 500));
        // Any occurrence weighs something.
        assert!(r(text(1), 1_000_000) >= 1);
        // One title occurrence outweighs a few in the text of a long page.
        let title = Counts {
            title: 1,
            ..Counts::default()
        };
        assert!(r(title, 300) > r(text(3), 20_000));
    }
}
