// The query page: YASGUI over this site's /sparql, with the example queries one click away.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const endpoint = window.location.origin + "/sparql";
  // Reach nothing but this site: the prefixes come from YASQE's bundled list (prefixCcApi stays
  // null: no prefix.cc), and the property / class completers, which ask Linked Open Vocabularies,
  // are left out.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null, // no tabs from an earlier visit (with other endpoints) in local storage
    autofocus: false,
  });
  const tab = yasgui.getTab();
  tab.setEndpoint(endpoint);

  function run(text) {
    const editor = yasgui.getTab().getYasqe();
    editor.setValue(text);
    editor.query();
  }

  const byName = new Map(data.canned.map((query) => [query.name, query]));
  for (const button of document.querySelectorAll("button.canned-query")) {
    button.addEventListener("click", () => run(byName.get(button.dataset.name).text));
  }
  if (data.initial) {
    run(data.initial);
  } else if (data.canned.length) {
    yasgui.getTab().getYasqe().setValue(data.canned[0].text);
  }
  document.body.dataset.ready = "true";
})();
