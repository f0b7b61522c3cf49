/* Tabs for the `navtabs` component (theme/components/navtabs.html), loaded only on pages
 * that have them. Progressive enhancement: without this script every panel shows under its
 * title.
 * - WAI-ARIA tabs: arrow keys move between tabs (and select them), Home and End jump to
 *   the first and last; Tab leaves the tab list for the panel.
 * - Tabs with a group (`{% navtabs "os" %}`) switch together across the page: choosing
 *   "Linux" in one selects "Linux" in every tab set of that group. The choice is kept in
 *   localStorage, so the next page opens on it too.
 * - A link to an element inside a panel (a heading in the table of contents, say) opens
 *   that panel, on load, on hashchange and on a click that repeats the current hash; it
 *   wins over the remembered choice. */
(function () {
  "use strict";

  var STORE = "portolan-tabs:";
  var sets = Array.prototype.slice.call(document.querySelectorAll(".tabs"));

  function tabsOf(set) {
    var list = set.querySelector(":scope > .tabs-list");
    return list ? Array.prototype.slice.call(list.querySelectorAll(":scope > [role=tab]")) : [];
  }

  function panelOf(tab) {
    return document.getElementById(tab.getAttribute("aria-controls"));
  }

  function select(set, tab, focus) {
    tabsOf(set).forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = panelOf(t);
      if (panel) panel.hidden = !on;
    });
    if (focus) tab.focus();
  }

  function selectSlug(set, slug) {
    var match = tabsOf(set).filter(function (t) { return t.dataset.slug === slug; })[0];
    if (match) select(set, match, false);
    return !!match;
  }

  /* Selects `tab` and, when its set has a group, the same slug in every set of the group. */
  function choose(set, tab, focus) {
    select(set, tab, focus);
    var group = set.dataset.tabGroup;
    if (!group) return;
    var before = tab.getBoundingClientRect().top;
    sets.forEach(function (other) {
      if (other !== set && other.dataset.tabGroup === group) selectSlug(other, tab.dataset.slug);
    });
    // Sets above this one may have changed height: keep the chosen tab where it was.
    window.scrollBy(0, tab.getBoundingClientRect().top - before);
    try { localStorage.setItem(STORE + group, tab.dataset.slug); } catch (e) { /* private mode */ }
  }

  sets.forEach(function (set) {
    var tabs = tabsOf(set);
    if (!tabs.length) return;
    set.classList.add("tabs-ready");
    set.querySelector(":scope > .tabs-list").hidden = false;
    var remembered = null;
    if (set.dataset.tabGroup) {
      try { remembered = localStorage.getItem(STORE + set.dataset.tabGroup); } catch (e) { /* none */ }
    }
    if (!(remembered && selectSlug(set, remembered))) select(set, tabs[0], false);

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { choose(set, tab, false); });
      tab.addEventListener("keydown", function (event) {
        var to = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") to = tabs[(i + 1) % tabs.length];
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") to = tabs[(i - 1 + tabs.length) % tabs.length];
        else if (event.key === "Home") to = tabs[0];
        else if (event.key === "End") to = tabs[tabs.length - 1];
        if (!to) return;
        event.preventDefault();
        choose(set, to, true);
      });
    });
  });

  /* Opens every panel that holds the element `hash` names, outermost first; true when it
   * opened one. */
  function openFor(hash) {
    var id;
    try { id = decodeURIComponent(hash.slice(1)); } catch (e) { return false; }
    var target = id && document.getElementById(id);
    if (!target) return false;
    var panels = [];
    for (var p = target.closest(".tabs-panel"); p; p = p.parentElement && p.parentElement.closest(".tabs-panel")) {
      panels.unshift(p);
    }
    if (!panels.length) return false;
    panels.forEach(function (panel) {
      var tab = document.getElementById(panel.getAttribute("aria-labelledby"));
      var set = tab && tab.closest(".tabs");
      if (set) select(set, tab, false);
    });
    target.scrollIntoView({ block: "start" });
    return true;
  }

  openFor(location.hash);
  window.addEventListener("hashchange", function () { openFor(location.hash); });
  // A link to the hash the URL already has (the table of contents, after switching tabs)
  // fires no hashchange.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link && link.hash === location.hash) openFor(link.hash);
  });
})();
