/* Draws the diagrams the build left to the browser (`.diagram-source`), with the
 * self-hosted mermaid.js, which this page alone loads. Until it has loaded, and if it
 * fails, the diagram's source shows as code. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll(".diagram-source");
  var me = document.currentScript;
  if (!blocks.length || !me) return;
  var script = document.createElement("script");
  script.src = me.getAttribute("data-mermaid");
  script.onload = function () {
    var mermaid = window.mermaid;
    if (!mermaid) return;
    var dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    // Edge labels sit on the page's own background: mermaid's dark theme gives them a
    // translucent grey that leaves their text below 4.5:1 contrast.
    var page = window.getComputedStyle(document.body).backgroundColor;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: dark ? "dark" : "default",
      themeVariables: dark ? { edgeLabelBackground: page } : {}
    });
    blocks.forEach(function (block, i) {
      var source = block.querySelector("pre").textContent;
      mermaid.render("browser-diagram-" + (i + 1), source).then(function (out) {
        var figure = document.createElement("figure");
        figure.className = "diagram diagram-drawn";
        figure.innerHTML = out.svg;
        var svg = figure.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          if (!svg.getAttribute("aria-label")) svg.setAttribute("aria-label", "Diagram");
          svg.classList.add("diagram-svg");
        }
        block.replaceWith(figure);
      }, function () { /* the source stays, as code */ });
    });
  };
  document.head.appendChild(script);
})();
