// Filters a hub's list by the URL's query (`?products=gateway&kong_plugins=acl`) and its
// form: an entry stays when, for every filter set, its data attribute lists the value.
// Without this script every entry shows.
(function () {
  "use strict";
  var form = document.querySelector("[data-hub-filters]");
  var list = document.querySelector("[data-hub-list]");
  if (!form || !list) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-key]"));
  var entries = Array.prototype.slice.call(list.children);
  var count = form.querySelector("[data-hub-count]");

  function attr(key) {
    return "data-" + key.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function apply(push) {
    var shown = 0;
    var query = new URLSearchParams(window.location.search);
    entries.forEach(function (li) {
      var keep = selects.every(function (s) {
        if (!s.value) return true;
        var ids = (li.getAttribute(attr(s.dataset.key)) || "").split(" ");
        return ids.indexOf(s.value) !== -1;
      });
      li.hidden = !keep;
      if (keep) shown += 1;
    });
    selects.forEach(function (s) {
      if (s.value) query.set(s.name, s.value);
      else query.delete(s.name);
    });
    if (count) count.textContent = shown + (shown === 1 ? " page" : " pages");
    if (push) {
      var q = query.toString();
      window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
    }
  }

  var query = new URLSearchParams(window.location.search);
  selects.forEach(function (s) {
    var wanted = query.get(s.name);
    if (wanted === null) return;
    // A value the list does not offer is added, so the reader sees what is filtered.
    var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
    if (!known) {
      var o = document.createElement("option");
      o.value = wanted;
      o.textContent = wanted + " (0)";
      s.appendChild(o);
    }
    s.value = wanted;
  });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  apply(false);
})();
