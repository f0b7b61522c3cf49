#!/usr/bin/env python3
"""Scores a built site's search on a query file, through the site's own search UI in
headless Chromium: each query opens PAGE?search=QUERY, the DOM is dumped once the search
has answered, and the links of #search-list, in order, are the ranking.

usage: eval.py OUT_DIR QUERIES.tsv PAGE_PATH LABEL

QUERIES.tsv: `query<TAB>expected URL path<TAB>kind`, `#` lines are comments.
Prints each query's rank, then per kind and overall: MRR, top-1, top-3 (a page ranked
below 10 counts as not found). Also what each query fetched from SEARCH_DIR (default
search/), gzipped as a server would send it: the files a query needs (shards, documents)
and those fetched once per visit (meta, vocabulary, facets, priors), median and largest."""
import functools
import gzip
import os
import statistics
import html
import http.server
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import urllib.parse

OUT, QUERIES, PAGE, LABEL = sys.argv[1:5]
SEARCH_DIR = "/" + os.environ.get("SEARCH_DIR", "search/").strip("/") + "/"
ONCE = {"meta.json", "v.json", "f.json", "p.json"}
SHOWN = 10
fetched = []  # paths the current query's page asked for


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        fetched.append(urllib.parse.urlparse(self.path).path)
        super().do_GET()


def gzipped(path):
    try:
        with open(os.path.join(OUT, path.lstrip("/")), "rb") as f:
            return len(gzip.compress(f.read(), 6))
    except OSError:
        return 0


def serve(root):
    server = socketserver.ThreadingTCPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def ranking(port, query):
    url = f"http://127.0.0.1:{port}{PAGE}?search={urllib.parse.quote_plus(query)}"
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            ["timeout", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
             f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", url],
            capture_output=True, text=True).stdout
    start = dom.find('id="search-list"')
    if start < 0:
        return []
    end = dom.find("</ol>", start)
    paths = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', dom[start:end if end > 0 else None]):
        path = urllib.parse.urlparse(html.unescape(href)).path
        if path not in paths:
            paths.append(path)
    return paths[:SHOWN]


def main():
    rows = []
    with open(QUERIES, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                query, want, kind = line.rstrip("\n").split("\t")
                rows.append((query, want, kind))
    server = serve(OUT)
    port = server.server_address[1]
    kinds = {}
    per_query, per_visit = [], []
    for query, want, kind in rows:
        fetched.clear()
        got = ranking(port, query)
        files = {p for p in fetched if p.startswith(SEARCH_DIR)}
        once = {p for p in files if p[len(SEARCH_DIR):] in ONCE}
        per_query.append(sum(gzipped(p) for p in files - once))
        per_visit.append(sum(gzipped(p) for p in once))
        rank = got.index(want) + 1 if want in got else None
        k = kinds.setdefault(kind, {"n": 0, "rr": 0.0, "top1": 0, "top3": 0})
        k["n"] += 1
        k["rr"] += 1 / rank if rank else 0
        k["top1"] += rank == 1
        k["top3"] += bool(rank and rank <= 3)
        print(f"{LABEL:9} {kind:6} {rank or '-':>2}  {query!r} -> {want}   first: {got[0] if got else '(none)'}"
              f"   {per_query[-1] / 1024:.0f} KB")
    server.shutdown()
    total = {"n": 0, "rr": 0.0, "top1": 0, "top3": 0}
    for kind, k in sorted(kinds.items()):
        for key in total:
            total[key] += k[key]
        print(f"{LABEL:9} {kind:6} {k['n']:3} queries: MRR {k['rr'] / k['n']:.2f}, "
              f"top-1 {k['top1']}, top-3 {k['top3']} ({100 * k['top3'] / k['n']:.0f}%)")
    if per_query and max(per_visit):
        print(f"{LABEL:9} transfer (gzip): per query median {statistics.median(per_query) / 1024:.1f} KB, "
              f"largest {max(per_query) / 1024:.1f} KB; once per visit {max(per_visit) / 1024:.1f} KB")
    n = total["n"]
    print(f"{LABEL:9} all    {n:3} queries: MRR {total['rr'] / n:.2f}, top-1 {total['top1']}/{n} "
          f"({100 * total['top1'] / n:.0f}%), top-3 {total['top3']}/{n} ({100 * total['top3'] / n:.0f}%)")


main()
