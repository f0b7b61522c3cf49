/* Portolan site search. Progressive enhancement: without it, the header's form submits
 * ?search=term to the same page; with it, typing searches and any page opened with
 * ?search=term (and facet parameters such as &product=gateway) shows those results.
 *
 * The index is built by the site (crates/site/src/search/), under data-search-root:
 *   meta.json        {v, version, docs, chunk, shards: [names], facets: bool}
 *   t/<shard>.json   {term: [docDelta, weight, docDelta, weight, ...]}, a shard per term prefix;
 *                    a term in many documents is {n: documents, f: file}, its posting in
 *                    t/<file>.json, fetched only when a query uses the term
 *   v.json           ["group of terms sharing a stem", ...]: other forms, typo tolerance
 *   f.json           [{key, title, values: [{id, name, docs: [docDelta, ...]}]}]
 *   p.json           [prior, ...]: per document, 4 log2(1 + pages linking to it)
 *   d/<n>.json       [{u: url, t: title, s: [[heading, anchor, text], ...]}], `chunk` docs each,
 *                    a section's text cut after 2,000 bytes (the snippet's; the index has it all)
 * A weight packs title terms << 6 | place << 4 | relevance (1..15); place is 3 title,
 * 2 alias, 1 heading, 0 text (search/weight.rs).
 *
 * A query word stands for itself, its other forms (same stem), the words it begins while
 * it is the last one being typed, and, when the vocabulary does not have it, the words
 * one edit away (four letters or more) or two (eight or more; a swap of two letters is
 * one edit). Ranking, each criterion breaking the previous one's ties: more of the
 * query's words; fewer typos; more words in the title; more of its neighbouring words
 * written together in the title, then in an alias; more words in aliases and headings;
 * (for the first results) more pairs of words close together in the text; more words as
 * typed where they matched best; more of the title covered; more pages linking to it;
 * then Σ idf × relevance. Common words ("how", "the") rank but never filter.
 *
 * Index text only ever reaches the page through textContent. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-search-root]");
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  if (!form || !input || !panel || !status || !list || !window.fetch || !window.Map || !window.Set) return;

  var WORD;
  try { WORD = new RegExp("[\\p{Alphabetic}\\p{N}]+", "gu"); } catch (e) { return; }
  var ENDS_IN_WORD = new RegExp("[\\p{Alphabetic}\\p{N}]$", "u");

  var ROOT = form.getAttribute("data-search-root") || "search/";
  var FORMAT = 2;         // search/mod.rs FORMAT
  var PAGE = 10;          // results shown at a time
  var MAX_TERM = 40;      // longer terms are not indexed (search/mod.rs MAX_TERM_CHARS)
  var SNIPPET = 180;      // characters of text around the match
  var DEBOUNCE = 120;     // ms
  var MAX_TYPO_VARIANTS = 8;
  var MAX_COMPLETIONS = 40;
  /* How much a match counts against the word as typed. */
  var AS_TYPED = 1, OTHER_FORM = 0.85, COMPLETION = 0.6, ONE_TYPO = 0.7, TWO_TYPOS = 0.5;
  var IN_TITLE = 3;       // search/weight.rs: 3 title, 2 alias, 1 heading, 0 text
  /* A word the vocabulary has but that few pages use, when a spelling one edit away is
   * used by many times more, is taken as a slip of that spelling too. */
  var RARE = 3, COMMONER = 5;
  var COMMON = new Set(("a about all an and any are as at be by can could do does for from " +
    "have how i if in into is it its me my no not of on or our should so than that the " +
    "their then there these this to us use using was we what when where which who why " +
    "will with would you your").split(" "));

  var metaPromise = null;
  var meta = null;
  var vocabPromise = null;
  var priorsPromise = null;
  var facetsPromise = null;
  var cache = new Map();  // URL -> promise of JSON
  var seq = 0;            // the latest search; older answers are dropped
  var timer = 0;
  var shown = null;       // {query, words, ranked, results, count}
  var chosen = {};        // facet key -> value id, from the URL or the selects

  function getJSON(url, init) {
    var p = cache.get(url);
    if (!p) {
      p = fetch(url, init).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + url);
        return r.json();
      });
      p.catch(function () { cache.delete(url); });
      cache.set(url, p);
    }
    return p;
  }

  function loadMeta() {
    if (!metaPromise) {
      metaPromise = fetch(ROOT + "meta.json", { cache: "no-cache" })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (m) {
          if (m.v !== FORMAT) throw new Error("search index format " + m.v);
          m.shardSet = new Set(m.shards);
          meta = m;
          return m;
        });
      metaPromise.catch(function () { metaPromise = null; });
    }
    return metaPromise;
  }

  /* The vocabulary: term -> its group (terms sharing a stem), terms by length (for typo
   * lookups) and sorted (for completions). Search works without it, as typed. */
  function loadVocab() {
    if (!vocabPromise) {
      vocabPromise = getJSON(ROOT + "v.json?v=" + meta.version).then(function (lines) {
        var group = new Map();
        var byLength = [];
        var sorted = [];
        lines.forEach(function (line) {
          var g = line.split(" ");
          g.forEach(function (t) {
            group.set(t, g);
            var n = Array.from(t).length;
            (byLength[n] = byLength[n] || []).push(t);
            sorted.push(t);
          });
        });
        sorted.sort();
        return { group: group, byLength: byLength, sorted: sorted };
      }).catch(function () { return null; });
    }
    return vocabPromise;
  }

  function loadPriors() {
    if (!priorsPromise) {
      priorsPromise = getJSON(ROOT + "p.json?v=" + meta.version).catch(function () { return null; });
    }
    return priorsPromise;
  }

  function loadFacets() {
    if (!meta.facets) return Promise.resolve(null);
    if (!facetsPromise) {
      facetsPromise = getJSON(ROOT + "f.json?v=" + meta.version).then(function (facets) {
        facets.forEach(function (f) {
          f.values.forEach(function (v) {
            var set = new Set();
            var doc = 0;
            v.docs.forEach(function (d) { doc += d; set.add(doc); });
            v.set = set;
          });
        });
        return facets;
      }).catch(function () { return null; });
    }
    return facetsPromise;
  }

  /* Terms as the index has them: runs of letters and digits, lower cased. */
  function words(text) {
    var out = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var t = m[0].toLowerCase();
      if (Array.from(t).length <= MAX_TERM) out.push({ t: t, start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  /* The query's words, each once; the last one is also a prefix while it is being typed
   * (from two characters: one says too little). */
  function parse(query) {
    var ws = words(query);
    var out = [];
    ws.forEach(function (w) { if (out.indexOf(w.t) < 0) out.push(w.t); });
    var last = ws[ws.length - 1];
    var typing = !!last && last.end === query.length && ENDS_IN_WORD.test(query) &&
      Array.from(last.t).length >= 2;
    return out.map(function (t) {
      return { t: t, prefix: typing && t === last.t, common: COMMON.has(t), variants: new Map() };
    });
  }

  function maxTypos(t) {
    if (/[0-9]/.test(t)) return 0;
    var n = Array.from(t).length;
    return n >= 8 ? 2 : n >= 4 ? 1 : 0;
  }

  /* Edits from a to b (insert, delete, replace, swap two neighbours), or max + 1 when more. */
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  /* The vocabulary's terms nearest to t within its typo budget: the fewest edits found. */
  function nearTerms(vocab, t, shard) {
    var max = maxTypos(t);
    if (!max) return [];
    var n = Array.from(t).length;
    var found = [];
    var best = max;
    for (var len = n - max; len <= n + max; len++) {
      (vocab.byLength[len] || []).forEach(function (v) {
        if (v === t || (shard && shardName(v) !== shard)) return;
        var d = distance(t, v, best);
        if (d > best) return;
        if (d < best) { best = d; found = found.filter(function (f) { return f.d <= d; }); }
        found.push({ t: v, d: d });
      });
    }
    found.sort(function (x, y) {
      return x.d - y.d || (y.t[0] === t[0]) - (x.t[0] === t[0]) ||
        Math.abs(x.t.length - n) - Math.abs(y.t.length - n) || (x.t < y.t ? -1 : 1);
    });
    return found.slice(0, MAX_TYPO_VARIANTS);
  }

  /* The first index of `sorted` not before `t`. */
  function lowerBound(sorted, t) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function addVariant(word, t, typos, factor, asTyped) {
    var v = word.variants.get(t);
    if (!v || typos < v.typos || (typos === v.typos && factor > v.factor)) {
      word.variants.set(t, { typos: typos, factor: factor, asTyped: asTyped });
    }
  }

  /* Adds a spelling near a word's and its other forms; `factor` is the spelling's own. */
  function addSpelling(word, t, group, typos, factor) {
    group.forEach(function (form) {
      addVariant(word, form, typos, form === t ? factor : factor * OTHER_FORM, false);
    });
  }

  /* Fills each word's variants: term -> {typos, factor, asTyped}, and its group (the
   * vocabulary's forms of it, when it has the word). */
  function expand(qwords, vocab) {
    qwords.forEach(function (w) {
      addVariant(w, w.t, 0, AS_TYPED, true);
      if (!vocab) return;
      var g = vocab.group.get(w.t);
      w.group = g || [w.t];
      if (g) g.forEach(function (t) { addVariant(w, t, 0, OTHER_FORM, false); });
      var completes = false;
      if (w.prefix) {
        var i = lowerBound(vocab.sorted, w.t);
        completes = i < vocab.sorted.length && vocab.sorted[i].lastIndexOf(w.t, 0) === 0;
      }
      if (g) {
        /* Maybe a slip that some page has too: its near spellings in the same shard, to be
         * weighed once their use is known (correct()). */
        w.near = nearTerms(vocab, w.t, shardName(w.t)).filter(function (n) { return n.d === 1; })
          .map(function (n) { return { t: n.t, group: vocab.group.get(n.t) || [n.t] }; });
        return;
      }
      if (completes) return;
      nearTerms(vocab, w.t).forEach(function (near) {
        addSpelling(w, near.t, vocab.group.get(near.t) || [near.t], near.d,
          near.d === 1 ? ONE_TYPO : TWO_TYPOS);
      });
    });
  }

  function shardName(term) {
    var key = Array.from(term).slice(0, 2).join("");
    if (/^[a-z0-9]+$/.test(key)) return key;
    var hex = "_";
    new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? "0" : "") + b.toString(16); });
    return hex;
  }

  function loadShard(name) {
    if (!meta.shardSet.has(name)) return Promise.resolve({});
    return getJSON(ROOT + "t/" + encodeURIComponent(name) + ".json?v=" + meta.version);
  }

  function loadDoc(id) {
    var n = Math.floor(id / meta.chunk);
    return getJSON(ROOT + "d/" + n + ".json?v=" + meta.version).then(function (docs) { return docs[id % meta.chunk]; });
  }

  var own = Object.prototype.hasOwnProperty;

  /* A term's entry in `shard` (a posting, or where its own file is), or null. */
  function entryIn(shard, t) {
    return shard && own.call(shard, t) ? shard[t] : null;
  }

  /* How many documents an entry lists. */
  function docsIn(entry) {
    return Array.isArray(entry) ? entry.length / 2 : entry.n;
  }

  /* The posting of term t from `shard`: in it, or its own file once loaded (ownFiles). */
  function postingIn(shards, shard, t) {
    var e = entryIn(shard, t);
    if (!e) return null;
    return Array.isArray(e) ? e : (shards.ownFiles && shards.ownFiles.get(e.f)) || null;
  }

  /* Loads the own files of the terms the query uses (its words' variants and the pairs
   * phrases() asks for) into shards.ownFiles. */
  function loadOwnFiles(qwords, shards) {
    var files = new Set();
    var need = function (shard, t) {
      var e = entryIn(shard, t);
      if (e && !Array.isArray(e)) files.add(e.f);
    };
    qwords.forEach(function (w) {
      w.variants.forEach(function (_, t) { need(shards.get(shardName(t)), t); });
    });
    for (var i = 0; i + 1 < qwords.length; i++) {
      var seconds = bestForms(qwords[i + 1]);
      bestForms(qwords[i]).forEach(function (a) {
        seconds.forEach(function (b) { need(shards.get(shardName(a)), a + " " + b); });
      });
    }
    var names = Array.from(files);
    return Promise.all(names.map(function (f) {
      return getJSON(ROOT + "t/" + encodeURIComponent(f) + ".json?v=" + meta.version);
    })).then(function (postings) {
      shards.ownFiles = new Map();
      names.forEach(function (f, i) { shards.ownFiles.set(f, postings[i]); });
      return shards;
    });
  }

  /* The shards the query needs: those of its words' variants. */
  function shardsOf(qwords) {
    var names = new Set();
    qwords.forEach(function (w) {
      names.add(shardName(w.t));
      w.variants.forEach(function (_, t) { names.add(shardName(t)); });
    });
    return Array.from(names);
  }

  /* Completions of the word being typed, from its shard (it has every term with its first
   * two characters, digits included), the commonest first. */
  function complete(w, shards) {
    if (!w.prefix) return;
    var shard = shards.get(shardName(w.t)) || {};
    var found = [];
    Object.keys(shard).forEach(function (t) {
      if (t !== w.t && t.lastIndexOf(w.t, 0) === 0) found.push({ t: t, df: docsIn(shard[t]) });
    });
    found.sort(function (a, b) { return b.df - a.df || (a.t < b.t ? -1 : 1); });
    found.slice(0, MAX_COMPLETIONS).forEach(function (c) { addVariant(w, c.t, 0, COMPLETION, false); });
  }

  /* A rare word whose near spelling is far commoner also stands for that spelling. */
  function correct(w, shards) {
    if (!w.near || !w.near.length) return;
    var shard = shards.get(shardName(w.t)) || {};
    var df = function (t) { return own.call(shard, t) ? docsIn(shard[t]) : 0; };
    var mine = 0;
    w.group.forEach(function (t) { mine = Math.max(mine, df(t)); });
    if (mine > RARE) return;
    w.near.forEach(function (n) {
      if (df(n.t) >= COMMONER * Math.max(mine, 1)) addSpelling(w, n.t, n.group, 0, ONE_TYPO);
    });
  }

  /* For one word: doc -> its best match {typos, place, tlen, score, asTyped}. */
  function matches(w, shards) {
    var n = meta.docs;
    var out = new Map();
    w.variants.forEach(function (v, t) {
      var post = postingIn(shards, shards.get(shardName(t)), t);
      if (!post) return;
      var df = post.length / 2;
      var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      var doc = 0;
      for (var i = 0; i + 1 < post.length; i += 2) {
        doc += post[i];
        var weight = post[i + 1];
        var place = (weight >> 4) & 3;
        var score = idf * (weight & 15) / 15 * v.factor;
        var m = out.get(doc);
        if (!m || v.typos < m.typos) {
          out.set(doc, { typos: v.typos, place: place, tlen: weight >> 6, score: score, asTyped: v.asTyped });
        } else if (v.typos === m.typos) {
          if (place > m.place) {
            m.place = place; m.tlen = weight >> 6; m.asTyped = v.asTyped;
          } else if (place === m.place) {
            m.asTyped = m.asTyped || v.asTyped;
          }
          if (score > m.score) m.score = score;
        }
      }
    });
    return out;
  }

  /* A word's variants with the fewest typos. */
  function bestForms(w) {
    var best = Infinity;
    w.variants.forEach(function (v) { if (v.typos < best) best = v.typos; });
    var ts = [];
    w.variants.forEach(function (v, t) { if (v.typos === best) ts.push(t); });
    return ts;
  }

  /* For the query's neighbouring words: doc -> how many of them a title (2 each) or an
   * alias (1 each) writes together (the index's phrase terms, `a b`, are in the first
   * word's shard). */
  function phrases(qwords, shards) {
    var out = new Map();
    for (var i = 0; i + 1 < qwords.length; i++) {
      var firsts = bestForms(qwords[i]);
      var seconds = bestForms(qwords[i + 1]);
      var found = new Map();
      firsts.forEach(function (a) {
        var shard = shards.get(shardName(a));
        seconds.forEach(function (b) {
          var post = postingIn(shards, shard, a + " " + b);
          if (!post) return;
          var doc = 0;
          for (var j = 0; j + 1 < post.length; j += 2) {
            doc += post[j];
            var worth = ((post[j + 1] >> 4) & 3) === IN_TITLE ? 2 : 1;
            if (worth > (found.get(doc) || 0)) found.set(doc, worth);
          }
        });
      });
      found.forEach(function (worth, doc) { out.set(doc, (out.get(doc) || 0) + worth); });
    }
    return out;
  }

  /* The documents' rows, best first. */
  function rank(qwords, shards, priors) {
    var per = qwords.map(function (w) { return matches(w, shards); });
    var together = phrases(qwords, shards);
    var required = [];
    qwords.forEach(function (w, i) { if (!w.common) required.push(i); });
    if (!required.length) required = qwords.map(function (_, i) { return i; });
    var rows = new Map();
    required.forEach(function (i) {
      per[i].forEach(function (_, doc) { if (!rows.has(doc)) rows.set(doc, null); });
    });
    var out = [];
    var most = 0;
    rows.forEach(function (_, doc) {
      var r = { doc: doc, words: 0, typos: 0, inTitle: 0, place: 0, near: 0, asTyped: 0, tlen: 0, score: 0 };
      qwords.forEach(function (w, i) {
        var m = per[i].get(doc);
        if (!m) return;
        r.score += m.score;
        if (w.common && required.length < qwords.length) return;
        r.words++;
        r.typos += m.typos;
        r.place += m.place;
        if (m.place === IN_TITLE) { r.inTitle++; r.tlen = m.tlen; }
        if (m.asTyped) r.asTyped++;
      });
      if (r.words > most) most = r.words;
      out.push(r);
    });
    out = out.filter(function (r) { return r.words === most; });
    out.forEach(function (r) {
      r.cover = r.tlen ? r.inTitle / r.tlen : 0;
      r.phrase = together.get(r.doc) || 0;
      r.prior = priors && priors[r.doc] || 0;
    });
    out.sort(byRank);
    return out;
  }

  function byRank(a, b) {
    return a.typos - b.typos || b.inTitle - a.inTitle || b.phrase - a.phrase || b.near - a.near ||
      b.place - a.place || b.asTyped - a.asTyped || b.cover - a.cover || b.prior - a.prior ||
      b.score - a.score || a.doc - b.doc;
  }

  /* Proximity, the last criterion the index cannot give: the first RESCORE results are
   * ranked again with, after where their words are, how many pairs of the query's words
   * their text has close together (NEAR words apart at most, in a heading or in the text
   * a document chunk keeps of a section), the way a search engine rescores its top hits.
   * Their chunks are the ones the first results show, so this fetches nothing more. */
  var RESCORE = PAGE, NEAR = 3;
  function rescore(rows, qwords) {
    var asked = qwords.filter(function (w) { return !w.common; });
    if (asked.length < 2 || rows.length < 2) return Promise.resolve(rows);
    var top = rows.slice(0, RESCORE);
    var match = matcher(asked);
    return Promise.all(top.map(function (r) { return loadDoc(r.doc); })).then(function (docs) {
      top.forEach(function (r, i) { r.near = docs[i] ? nearPairs(docs[i], match) : 0; });
      top.sort(byRank);
      return top.concat(rows.slice(RESCORE));
    });
  }

  /* The most pairs of different query words that one heading or section text of `doc`
   * has within NEAR words of each other. */
  function nearPairs(doc, match) {
    var most = 0;
    doc.s.forEach(function (s) {
      [s[0], s[2]].forEach(function (text) {
        var seen = [];  // the matches of the last NEAR words
        var pairs = new Set();
        words(text).forEach(function (w, at) {
          var q = match(w.t);
          if (!q) return;
          seen = seen.filter(function (h) { return at - h.at <= NEAR; });
          seen.forEach(function (h) {
            if (h.q !== q) pairs.add(h.q < q ? h.q + " " + q : q + " " + h.q);
          });
          seen.push({ q: q, at: at });
        });
        if (pairs.size > most) most = pairs.size;
      });
    });
    return most;
  }

  /* Which query word a word of the text matches (as typed, another form, a completion or
   * a near spelling), or null. */
  function matcher(qwords) {
    var of = new Map();
    qwords.forEach(function (w) {
      w.variants.forEach(function (_, t) { if (!of.has(t)) of.set(t, w.t); });
    });
    return function (t) {
      var q = of.get(t);
      if (q) return q;
      for (var i = 0; i < qwords.length; i++) {
        if (qwords[i].prefix && t.lastIndexOf(qwords[i].t, 0) === 0) return qwords[i].t;
      }
      return null;
    };
  }

  /* The section with the most query words (heading matches weigh more), the first on
   * ties, with the positions of the matches in its text. */
  var HEADING_MATCH = 3;
  function bestSection(doc, match) {
    var best = null;
    doc.s.forEach(function (s, i) {
      var found = new Set();
      var score = 0;
      words(s[0]).forEach(function (w) {
        var q = match(w.t);
        if (q) { found.add(q); score += HEADING_MATCH; }
      });
      var hits = [];
      words(s[2]).forEach(function (w) {
        var q = match(w.t);
        if (q) { found.add(q); score += 1; hits.push({ start: w.start, end: w.end, q: q }); }
      });
      var key = found.size * 1000 + Math.min(score, 999);
      if (!best || key > best.key) best = { key: key, index: i, hits: hits };
    });
    return best;
  }

  /* Pieces of the snippet: [text, highlighted?], around the densest run of matches. */
  function snippet(text, hits) {
    if (!text) return [];
    var start = 0;
    if (hits.length) {
      var bi = 0;
      var bestCount = -1;
      for (var i = 0; i < hits.length; i++) {
        var seen = new Set();
        for (var j = i; j < hits.length && hits[j].end <= hits[i].start + SNIPPET; j++) seen.add(hits[j].q);
        if (seen.size > bestCount) { bestCount = seen.size; bi = i; }
      }
      var first = hits[bi].start;
      start = Math.max(0, first - 50);
      if (start > 0) {
        var sp = text.indexOf(" ", start);
        start = sp >= 0 && sp < first ? sp + 1 : first;
      }
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var sp2 = text.lastIndexOf(" ", end);
      if (sp2 > start) end = sp2;
    }
    var parts = [];
    if (start > 0) parts.push(["… ", false]);
    var at = start;
    hits.forEach(function (h) {
      if (h.start < at || h.end > end) return;
      if (h.start > at) parts.push([text.slice(at, h.start), false]);
      parts.push([text.slice(h.start, h.end), true]);
      at = h.end;
    });
    if (end > at) parts.push([text.slice(at, end), false]);
    if (end < text.length) parts.push([" …", false]);
    return parts;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  function appendParts(parent, parts) {
    parts.forEach(function (part) {
      if (part[1]) parent.appendChild(el("mark", "", part[0]));
      else parent.appendChild(document.createTextNode(part[0]));
    });
    return parent;
  }

  /* A short text (title, heading) with its matches highlighted. */
  function marked(text, match) {
    var parts = [];
    var at = 0;
    words(text).forEach(function (w) {
      if (!match(w.t)) return;
      if (w.start > at) parts.push([text.slice(at, w.start), false]);
      parts.push([text.slice(w.start, w.end), true]);
      at = w.end;
    });
    if (at < text.length) parts.push([text.slice(at), false]);
    return parts;
  }

  function resultItem(doc, match) {
    var best = bestSection(doc, match);
    var section = doc.s[best.index] || ["", "", ""];
    var a = el("a", "search-result-link");
    a.href = doc.u + (section[1] ? "#" + encodeURIComponent(section[1]) : "");
    a.appendChild(appendParts(el("span", "search-result-title"), marked(doc.t, match)));
    if (section[0]) a.appendChild(appendParts(el("span", "search-result-section"), marked(section[0], match)));
    var parts = snippet(section[2], best.hits);
    if (parts.length) a.appendChild(appendParts(el("span", "search-result-snippet"), parts));
    var li = el("li", "search-result");
    li.appendChild(a);
    return li;
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function open() {
    panel.hidden = false;
  }

  function close() {
    panel.hidden = true;
  }

  function quoted(q) {
    return "\u201c" + q + "\u201d";
  }

  /* Shows results[from, from + PAGE); returns a promise. */
  function showMore(id, from, focusFirst) {
    var s = shown;
    var ids = s.results.slice(from, from + PAGE);
    var match = matcher(s.words);
    return Promise.all(ids.map(loadDoc)).then(function (docs) {
      if (id !== seq) return;
      var old = list.querySelector(".search-more-item");
      if (old) old.remove();
      var firstLink = null;
      docs.forEach(function (doc) {
        if (!doc) return;
        var li = resultItem(doc, match);
        list.appendChild(li);
        firstLink = firstLink || li.firstChild;
      });
      s.count = from + ids.length;
      if (s.count < s.results.length) {
        var more = el("button", "search-more", "Show more results");
        more.type = "button";
        more.addEventListener("click", function () {
          showMore(seq, s.count, true);
        });
        var item = el("li", "search-more-item");
        item.appendChild(more);
        list.appendChild(item);
      }
      if (focusFirst && firstLink) firstLink.focus();
    });
  }

  /* Facets: a select per facet the results have, each value with its count among the
   * results the other facets' choices leave. The choices are in the URL. */
  var facetBar = el("div", "search-facets");
  facetBar.hidden = true;
  panel.insertBefore(facetBar, list);
  var urlChoicesRead = false;

  function readChoices(facets) {
    if (urlChoicesRead) return;
    urlChoicesRead = true;
    var params;
    try { params = new URLSearchParams(location.search); } catch (e) { return; }
    facets.forEach(function (f) {
      var v = params.get(f.key);
      if (v) chosen[f.key] = v;
    });
  }

  function writeChoices() {
    try {
      var url = new URL(location.href);
      (shown && shown.facets || []).forEach(function (f) {
        if (chosen[f.key]) url.searchParams.set(f.key, chosen[f.key]);
        else url.searchParams.delete(f.key);
      });
      if (shown) url.searchParams.set("search", shown.query);
      history.replaceState(history.state, "", url.href);
    } catch (err) { /* keep the URL */ }
  }

  function valueOf(f, id) {
    for (var i = 0; i < f.values.length; i++) if (f.values[i].id === id) return f.values[i];
    return null;
  }

  /* Whether doc has every chosen value, the facet `except` aside. */
  function passes(facets, doc, except) {
    for (var i = 0; i < facets.length; i++) {
      var f = facets[i];
      if (f.key === except || !chosen[f.key]) continue;
      var v = valueOf(f, chosen[f.key]);
      if (!v || !v.set.has(doc)) return false;
    }
    return true;
  }

  function drawFacets(s, focusKey) {
    facetBar.textContent = "";
    var any = false;
    (s.facets || []).forEach(function (f) {
      var counts = new Map();
      s.ranked.forEach(function (doc) {
        if (!passes(s.facets, doc, f.key)) return;
        f.values.forEach(function (v) { if (v.set.has(doc)) counts.set(v.id, (counts.get(v.id) || 0) + 1); });
      });
      var values = f.values.filter(function (v) { return counts.has(v.id) || v.id === chosen[f.key]; });
      if (values.length < 2 && !chosen[f.key]) return;
      any = true;
      var label = el("label", "search-facet");
      label.appendChild(el("span", "search-facet-title", f.title));
      var select = el("select", "");
      select.setAttribute("data-facet", f.key);
      var all = el("option", "", "All");
      all.value = "";
      select.appendChild(all);
      values.forEach(function (v) {
        var o = el("option", "", v.name + " (" + (counts.get(v.id) || 0) + ")");
        o.value = v.id;
        if (v.id === chosen[f.key]) o.selected = true;
        select.appendChild(o);
      });
      select.addEventListener("change", function () {
        if (select.value) chosen[f.key] = select.value; else delete chosen[f.key];
        writeChoices();
        show(seq, f.key);
      });
      label.appendChild(select);
      facetBar.appendChild(label);
    });
    facetBar.hidden = !any;
    if (focusKey) {
      var again = facetBar.querySelector('select[data-facet="' + focusKey + '"]');
      if (again) again.focus();
    }
  }

  /* Shows the ranked results the chosen facet values leave; returns a promise. */
  function show(id, focusKey) {
    var s = shown;
    var facets = s.facets || [];
    s.results = s.ranked.filter(function (doc) { return passes(facets, doc, null); });
    drawFacets(s, focusKey);
    list.textContent = "";
    var n = s.results.length;
    var names = [];
    facets.forEach(function (f) {
      var v = chosen[f.key] && valueOf(f, chosen[f.key]);
      if (v) names.push(v.name);
    });
    var where = names.length ? " in " + names.join(", ") : "";
    var q = quoted(s.query.trim());
    setStatus(n === 0 ? "No results for " + q + where :
      (n === 1 ? "1 result" : n + " results") + " for " + q + where);
    if (n) return showMore(id, 0, false);
    return Promise.resolve();
  }

  function search(query) {
    var id = ++seq;
    clearTimeout(timer);
    var qwords = parse(query);
    if (!qwords.length) {
      shown = null;
      list.textContent = "";
      facetBar.hidden = true;
      setStatus("");
      close();
      return Promise.resolve();
    }
    open();
    if (!shown || shown.query !== query) setStatus("Searching\u2026");
    var facets = null;
    var priors = null;
    return loadMeta()
      .then(function () {
        return Promise.all([loadVocab(), loadFacets(), loadPriors()]);
      })
      .then(function (loaded) {
        expand(qwords, loaded[0]);
        facets = loaded[1];
        priors = loaded[2];
        if (facets) readChoices(facets);
        var names = shardsOf(qwords);
        return Promise.all(names.map(loadShard)).then(function (shards) {
          var byName = new Map();
          names.forEach(function (name, i) { byName.set(name, shards[i]); });
          /* Completions and corrections are chosen on the shards' document counts;
           * then the postings of the terms chosen that have files of their own. */
          qwords.forEach(function (w) { complete(w, byName); correct(w, byName); });
          return loadOwnFiles(qwords, byName);
        });
      })
      .then(function (shards) {
        if (id !== seq) return;
        return rescore(rank(qwords, shards, priors), qwords);
      })
      .then(function (rows) {
        if (id !== seq || !rows) return;
        var ranked = rows.map(function (r) { return r.doc; });
        shown = { query: query, words: qwords, ranked: ranked, results: ranked, facets: facets, count: 0 };
        return show(id, null);
      })
      .catch(function () {
        if (id !== seq) return;
        shown = null;
        list.textContent = "";
        facetBar.hidden = true;
        setStatus("Search is not available right now.");
      });
  }

  function focusables() {
    return Array.prototype.slice.call(panel.querySelectorAll("a.search-result-link, button.search-more"));
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value;
    if (!q.trim()) {
      search("");
      return;
    }
    timer = setTimeout(function () { search(q); }, DEBOUNCE);
  });

  input.addEventListener("focus", function () {
    loadMeta().catch(function () {});
  });

  input.addEventListener("click", function () {
    if (shown && shown.query === input.value && input.value.trim()) open();
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      var first = focusables()[0];
      if (first && shown && shown.query === input.value) {
        e.preventDefault();
        open();
        first.focus();
      }
    } else if (e.key === "Escape" && !panel.hidden) {
      e.preventDefault();
      close();
    }
  });

  /* Enter: open the first result of what is typed; the URL keeps the query, so going back
   * to this page shows the results again. */
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    try {
      var url = new URL(location.href);
      if (q.trim()) url.searchParams.set("search", q); else url.searchParams.delete("search");
      history.replaceState(history.state, "", url.href);
    } catch (err) { /* keep the URL */ }
    var go = function () {
      var first = list.querySelector("a.search-result-link");
      if (first && shown && shown.query === q) first.click();
    };
    if (shown && shown.query === q && shown.count) go();
    else search(q).then(go);
  });

  panel.addEventListener("keydown", function (e) {
    if (e.target.tagName === "SELECT" && e.key !== "Escape") return;
    var items = focusables();
    var i = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (i < items.length - 1) items[i + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i > 0) items[i - 1].focus();
      else input.focus();
    } else if (e.key === "Home" && items.length) {
      e.preventDefault();
      items[0].focus();
    } else if (e.key === "End" && items.length) {
      e.preventDefault();
      items[items.length - 1].focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
      input.focus();
    }
  });

  /* A result on this page only changes the hash: close the panel. */
  panel.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("a.search-result-link")) close();
  });

  document.addEventListener("pointerdown", function (e) {
    if (!panel.hidden && !form.contains(e.target)) close();
  });

  form.addEventListener("focusout", function (e) {
    if (e.relatedTarget && !form.contains(e.relatedTarget)) close();
  });

  /* "/" focuses the box, unless the reader is typing somewhere. */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  /* ?search=term (the form's no-JS submit, or a shared link): show its results. */
  var initial = null;
  try { initial = new URLSearchParams(location.search).get("search"); } catch (e) { /* old browser */ }
  if (initial && initial.trim()) {
    input.value = initial;
    search(initial);
    input.focus({ preventScroll: true });
  }
})();
