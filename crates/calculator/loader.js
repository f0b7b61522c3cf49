// Loads the hostname calculator on pages that have one (no inline script, so it works under a
// CSP without 'unsafe-inline'). The glue finds calculator_bg.wasm next to itself.
if (document.getElementById("portolan-calculator-data")) {
  import("./calculator.js")
    .then((glue) => glue.default())
    .catch((err) => console.error("portolan calculator:", err));
}
