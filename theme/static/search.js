/* Portolan site search. Progressive enhancement: without it, the header's form submits
 * ?search=term to the same page; with it, typing searches and any page opened with
 * ?search=term shows the results for that term.
 *
 * The index is built by the site (crates/site/src/search.rs), under data-search-root:
 *   meta.json        {v, version, docs, chunk, shards: [names]}
 *   t/<shard>.json   {term: [docDelta, weight, docDelta, weight, ...]}, a shard per term prefix
 *   d/<n>.json       [{u: url, t: title, s: [[heading, anchor, text], ...]}], `chunk` docs each
 * A query fetches the shards of its terms, then the document chunks of the results shown.
 * Ranking: documents holding every term (the last one as a prefix while it is typed), by
 * sum of ln(1 + N/df) * ln(1 + weight); weights already count title and heading matches.
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
  var PAGE = 10;          // results shown at a time
  var MAX_TERM = 40;      // longer terms are not indexed (search.rs MAX_TERM_CHARS)
  var HEADING_BOOST = 5;  // search.rs HEADING_BOOST
  var SNIPPET = 180;      // characters of text around the match
  var DEBOUNCE = 120;     // ms

  var metaPromise = null;
  var meta = null;
  var cache = new Map();  // URL -> promise of JSON
  var seq = 0;            // the latest search; older answers are dropped
  var timer = 0;
  var shown = null;       // {query, terms, results, count}

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
          if (m.v !== 1) throw new Error("search index format " + m.v);
          m.shardSet = new Set(m.shards);
          meta = m;
          return m;
        });
      metaPromise.catch(function () { metaPromise = null; });
    }
    return metaPromise;
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

  /* The query's exact terms, and the last one as a prefix while it is being typed (from two
   * characters: one says too little). */
  function parse(query) {
    var ws = words(query);
    var prefix = null;
    var last = ws[ws.length - 1];
    if (last && last.end === query.length && ENDS_IN_WORD.test(query)) {
      ws.pop();
      if (Array.from(last.t).length >= 2) prefix = last.t;
    }
    var exact = [];
    ws.forEach(function (w) { if (exact.indexOf(w.t) < 0) exact.push(w.t); });
    return { exact: exact, prefix: prefix };
  }

  function shardName(term) {
    var key = Array.from(term).slice(0, 2).join("");
    if (/^[a-z0-9]+$/.test(key)) return key;
    var hex = "_";
    new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? "0" : "") + b.toString(16); });
    return hex;
  }

  function loadShard(term) {
    var name = shardName(term);
    if (!meta.shardSet.has(name)) return Promise.resolve({});
    return getJSON(ROOT + "t/" + encodeURIComponent(name) + ".json?v=" + meta.version);
  }

  function loadDoc(id) {
    var n = Math.floor(id / meta.chunk);
    return getJSON(ROOT + "d/" + n + ".json?v=" + meta.version).then(function (docs) { return docs[id % meta.chunk]; });
  }

  var own = Object.prototype.hasOwnProperty;

  /* Adds a term's postings (delta-coded doc ids) to `into`, weights times `factor`. */
  function addPostings(into, post, factor) {
    var doc = 0;
    for (var i = 0; i + 1 < post.length; i += 2) {
      doc += post[i];
      into.set(doc, (into.get(doc) || 0) + factor * post[i + 1]);
    }
  }

  /* Document ids, best first. */
  function rank(terms, shards) {
    var lists = [];
    for (var i = 0; i < terms.exact.length; i++) {
      var shard = shards[i];
      var t = terms.exact[i];
      if (!own.call(shard, t)) return [];
      var m = new Map();
      addPostings(m, shard[t], 1);
      lists.push(m);
    }
    if (terms.prefix) {
      var p = terms.prefix;
      var ps = shards[terms.exact.length];
      var pm = new Map();
      Object.keys(ps).forEach(function (t) {
        if (t.lastIndexOf(p, 0) === 0) addPostings(pm, ps[t], t === p ? 1 : 0.5);
      });
      lists.push(pm);
    }
    if (!lists.length) return [];
    var smallest = lists.reduce(function (a, b) { return b.size < a.size ? b : a; });
    var n = meta.docs;
    var out = [];
    smallest.forEach(function (_, doc) {
      var score = 0;
      for (var j = 0; j < lists.length; j++) {
        var w = lists[j].get(doc);
        if (w === undefined) return;
        score += Math.log(1 + n / lists[j].size) * Math.log(1 + w);
      }
      out.push({ doc: doc, score: score });
    });
    out.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return out.map(function (r) { return r.doc; });
  }

  /* Which query term a word matches, or null. */
  function matcher(terms) {
    return function (t) {
      if (terms.exact.indexOf(t) >= 0) return t;
      if (terms.prefix && t.lastIndexOf(terms.prefix, 0) === 0) return terms.prefix;
      return null;
    };
  }

  /* The section with the most query terms (heading matches weigh more), the first on
   * ties, with the positions of the matches in its text. */
  function bestSection(doc, match) {
    var best = null;
    doc.s.forEach(function (s, i) {
      var found = new Set();
      var score = 0;
      words(s[0]).forEach(function (w) {
        var q = match(w.t);
        if (q) { found.add(q); score += HEADING_BOOST; }
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
    var match = matcher(s.terms);
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

  function search(query) {
    var id = ++seq;
    clearTimeout(timer);
    var terms = parse(query);
    if (!terms.exact.length && !terms.prefix) {
      shown = null;
      list.textContent = "";
      setStatus("");
      close();
      return Promise.resolve();
    }
    open();
    if (!shown || shown.query !== query) setStatus("Searching\u2026");
    return loadMeta()
      .then(function () {
        var all = terms.exact.concat(terms.prefix ? [terms.prefix] : []);
        return Promise.all(all.map(loadShard));
      })
      .then(function (shards) {
        if (id !== seq) return;
        var results = rank(terms, shards);
        shown = { query: query, terms: terms, results: results, count: 0 };
        list.textContent = "";
        var n = results.length;
        setStatus(n === 0 ? "No results for " + quoted(query.trim()) :
          (n === 1 ? "1 result" : n + " results") + " for " + quoted(query.trim()));
        if (n) return showMore(id, 0, false);
      })
      .catch(function () {
        if (id !== seq) return;
        shown = null;
        list.textContent = "";
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
