/* Portolan theme script. Progressive enhancement only: every page works without it.
 * - The <details> that the URL hash names (a FAQ item), or that holds the element it names,
 *   opens on load and on hashchange; clicking a FAQ's permalink opens that item too.
 * - The table of contents is a <details>: open where the layout shows it as a sidebar,
 *   collapsed above the content on narrow screens.
 * - Tables and code blocks that scroll sideways become focusable, so the keyboard can
 *   scroll them. */
(function () {
  "use strict";

  function openFromHash(behavior) {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var target = id && document.getElementById(id);
    var details = target && target.closest("details");
    if (!details) return;
    var opened = false;
    for (; details; details = details.parentElement && details.parentElement.closest("details")) {
      if (!details.open) { details.open = true; opened = true; }
    }
    if (opened) target.scrollIntoView({ block: "start", behavior: behavior });
  }

  openFromHash("instant");
  window.addEventListener("hashchange", function () { openFromHash("auto"); });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.faq-link");
    var item = link && document.getElementById(link.hash.slice(1));
    if (item && item.tagName === "DETAILS") item.open = true;
  });

  var nav = document.querySelector(".nav-details");
  if (nav) {
    // Open beside the content (wide screens), folded into a menu on phones.
    var navQuery = window.matchMedia("(min-width: 64rem)");
    var syncNav = function () { nav.open = navQuery.matches; };
    syncNav();
    navQuery.addEventListener("change", syncNav);
  }

  var toc = document.querySelector(".toc-details");
  var tocWide;
  var scrollers = document.querySelectorAll(".table-wrap, pre");

  function layout() {
    if (toc) {
      var wide = getComputedStyle(toc.parentNode).position === "sticky";
      if (wide !== tocWide) { tocWide = wide; toc.open = wide; }
    }
    for (var i = 0; i < scrollers.length; i++) {
      var el = scrollers[i];
      if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
      else el.removeAttribute("tabindex");
    }
  }

  layout();
  window.addEventListener("resize", layout);
})();
