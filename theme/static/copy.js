/* Copy buttons on code blocks. Progressive: without JavaScript (or without the clipboard,
 * which browsers give secure pages only) there is no button, and the code is selectable as
 * ever. A block with the `no-copy-code` class (`{:.no-copy-code}`) gets none.
 * What is copied is the code as a reader would type it: a transcript's prompts (`.gp`)
 * and output (`.go`) are left out. "Copied" is announced through a status region. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;

  var status = document.createElement("div");
  status.className = "sr-only copy-status";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function codeText(code) {
    var copy = code.cloneNode(true);
    copy.querySelectorAll(".gp, .go").forEach(function (n) { n.remove(); });
    var text = copy.textContent;
    // A transcript's output lines leave blank lines where they were.
    if (code.querySelector(".go")) text = text.replace(/\n{2,}/g, "\n").replace(/^\n/, "");
    return text.replace(/\n$/, "");
  }

  function say(button, text) {
    button.textContent = text;
    status.textContent = text;
    clearTimeout(button.reset);
    button.reset = setTimeout(function () {
      button.textContent = "Copy";
      status.textContent = "";
    }, 2000);
  }

  document.querySelectorAll(".code-block:not(.no-copy-code)").forEach(function (block) {
    var code = block.querySelector("pre > code");
    if (!code) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    var lang = block.getAttribute("data-lang");
    button.setAttribute("aria-label", lang ? "Copy " + lang + " code" : "Copy code");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(codeText(code)).then(
        function () { say(button, "Copied"); },
        function () { say(button, "Copy failed"); }
      );
    });
    block.insertBefore(button, block.firstChild);
  });
})();
