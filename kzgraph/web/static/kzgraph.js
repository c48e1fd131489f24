// The query UI: YASGUI (vendored in static/vendor/yasgui) on this server's /sparql, with the named queries
// as ready examples. Reads its settings from the JSON block #kzgraph-config; fetches nothing else.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("yasgui");
    var configElement = document.getElementById("kzgraph-config");
    if (!element || !configElement || typeof Yasgui === "undefined") return;
    var config = JSON.parse(configElement.textContent);
    var endpoint = new URL(config.endpoint, window.location.href).href;
    var YasguiClass = Yasgui.default || Yasgui;
    var yasgui = new YasguiClass(element, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { autocompleters: ["variables"], value: config.examples.length ? config.examples[0].sparql : "" },
      yasr: { prefixes: config.prefixes }
    });
    var examples = {};
    config.examples.forEach(function (q) { examples[q.name] = q.sparql; });
    var select = document.getElementById("examples");
    if (select) {
      select.addEventListener("change", function () {
        var text = examples[select.value];
        if (text) yasgui.getTab().setQuery(text);
      });
    }
    window.kzgraphYasgui = yasgui;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
