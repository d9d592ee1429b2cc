// The review desk: the article with every drafted figure marked, a card per figure, keyboard first.
//
// Everything from the draft (the article, quotes, names) is put on screen with textContent, never
// as HTML. Offsets in the draft count Unicode code points, so the text is cut as an array of code
// points, not as a JavaScript (UTF-16) string.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const token = document.querySelector('meta[name="kg-token"]').content;
  const EDITABLE = ["id", "subjects", "metric", "quantity", "period", "kind", "attributed_to", "flow", "note"];

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  const clone = (value) => JSON.parse(JSON.stringify(value === undefined ? null : value));
  const same = (a, b) => JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);

  // --- what is known: actors, metrics, instruments, sources (the data's and the new ones) ------
  const records = { actors: [], metrics: [], instruments: [], sources: [] };
  for (const key of Object.keys(records)) {
    for (const record of data.proposed[key]) records[key].push({ record: clone(record), proposed: true });
  }
  function labelOf(kind, id) {
    const known = data.known[kind].find((item) => item.id === id);
    if (known) return known.title || [known.en, known.zh].filter(Boolean).join(" / ");
    const fresh = records[kind].find((item) => item.record.id === id);
    if (fresh) {
      const label = fresh.record.label || {};
      return (fresh.record.title || [label.en, label.zh].filter(Boolean).join(" / ") || id) + " (new)";
    }
    return null;
  }

  // --- the fields of a card ---------------------------------------------------------------------
  const list = (text) => text.split(/[\s,，、;]+/).filter(Boolean);
  const orNull = (text) => (text.trim() === "" ? null : text.trim());
  const FIELDS = [
    { key: "s", path: "subjects", label: "subjects", parse: list, show: (v) => (v || []).join(", "), ids: "actors" },
    { key: "m", path: "metric", label: "metric", parse: orNull, ids: "metrics" },
    { key: "v", path: "quantity.value", label: "value", parse: orNull, needs: "quantity" },
    { key: "w", path: "quantity.text", label: "as written", parse: orNull, needs: "quantity" },
    { key: "n", path: "quantity.unit", label: "unit", parse: orNull, needs: "quantity", values: data.values.unit },
    { key: "h", path: "quantity.hedge", label: "hedge", parse: orNull, needs: "quantity", values: data.values.hedge },
    { key: "p", path: "period", label: "period", parse: orNull },
    { key: "t", path: "kind", label: "kind", parse: orNull, values: data.values.kind },
    { key: "b", path: "attributed_to", label: "attributed to", parse: list, show: (v) => (v || []).join(", "), ids: "sources" },
    { key: "f", path: "flow.funder", label: "funder", parse: orNull, needs: "flow", ids: "actors" },
    { key: "r", path: "flow.recipient", label: "recipient", parse: orNull, needs: "flow", ids: "actors" },
    { key: "i", path: "flow.instrument", label: "instrument", parse: orNull, needs: "flow", ids: "instruments" },
    { key: "c", path: "note", label: "comment", parse: orNull },
    { key: "d", path: "id", label: "claim id", parse: orNull },
  ];
  const byKey = new Map(FIELDS.map((field) => [field.key, field]));
  function get(object, path) {
    return path.split(".").reduce((value, part) => (value == null ? undefined : value[part]), object);
  }
  function set(object, path, value) {
    const parts = path.split(".");
    const last = parts.pop();
    const holder = parts.reduce((value, part) => value[part], object);
    if (value === null && last === "hedge") value = "none";
    holder[last] = value;
  }
  const shown = (field, value) => (field.show ? field.show(value) : value == null ? (field.path === "quantity.hedge" ? "none" : "") : String(value));

  // --- the cards ----------------------------------------------------------------------------------
  const cards = data.claims.map((drafted) => {
    const claim = clone(drafted);
    claim.note = null; // the drafter's note is a hint for the reviewer, not part of the claim
    return { index: drafted.index, drafted, claim, state: "undecided", inputs: new Map(), element: null };
  });
  let current = 0;

  function options(card, field) {
    // the value now, the drafter's alternatives (best first), then every allowed value
    const alternatives = ((data.choices[card.drafted.id] || {})[field.path] || []).map((v) => shown(field, v));
    const values = [shown(field, get(card.drafted, field.path)), ...alternatives, ...(field.values || [])];
    return [...new Set(values)];
  }

  function describe(field, value) {
    if (!field.ids) return "";
    const ids = Array.isArray(value) ? value : value ? [value] : [];
    return ids.map((id) => labelOf(field.ids, id) || `${id}: unknown, add it (A / M) or fix the id`).join("; ");
  }

  function buildCard(card) {
    const { drafted } = card;
    const fields = el("div", { class: "fields" });
    for (const field of FIELDS) {
      if (field.needs && !drafted[field.needs]) continue;
      const input = el("input", { "data-path": field.path, autocomplete: "off", spellcheck: "false" });
      input.value = shown(field, get(card.claim, field.path));
      const hint = el("div", { class: "hint" });
      fields.append(el("label", {}, field.label, " ", el("kbd", {}, field.key)), input, hint);
      card.inputs.set(field.path, { input, hint, field });
      input.addEventListener("focus", () => {
        input.dataset.before = input.value;
        input.select();
        showHint(card, field);
      });
      input.addEventListener("input", () => showHint(card, field));
      input.addEventListener("blur", () => commit(card, field));
    }
    const quote = drafted.evidence.quote || "";
    card.element = el(
      "article",
      { class: "card", id: `claim-${card.index}`, tabindex: "-1", "data-state": "undecided" },
      el("header", {}, el("span", { class: "figure-text" }, drafted.quantity ? drafted.quantity.text : quote),
        el("span", { class: "state" }, "to review"), el("span", { class: "claim-id" }, drafted.id)),
      el("p", { class: "quote" }, "«", quote, "»"),
      fields,
      drafted.note ? el("p", { class: "muted" }, drafted.note) : "",
      el("ul", { class: "errors" }),
    );
    card.element.addEventListener("click", (event) => {
      if (!(event.target instanceof HTMLInputElement)) select(cards.indexOf(card));
    });
    refreshHints(card);
    return card.element;
  }

  function showHint(card, field) {
    const { input, hint } = card.inputs.get(field.path);
    const choices = options(card, field);
    const described = describe(field, field.parse(input.value));
    hint.textContent = [choices.length > 1 ? `↓↑ ${choices.slice(0, 8).join(" · ")}` : "", described].filter(Boolean).join("  —  ");
  }

  function refreshHints(card) {
    for (const { input, hint, field } of card.inputs.values()) {
      hint.textContent = describe(field, field.parse(input.value));
      input.classList.toggle("edited", !same(get(card.claim, field.path), get(card.drafted, field.path)) && field.path !== "note");
    }
  }

  function commit(card, field) {
    const { input } = card.inputs.get(field.path);
    set(card.claim, field.path, field.parse(input.value));
    refreshHints(card);
    drawArticle();
  }

  function cycle(card, field, step) {
    const { input } = card.inputs.get(field.path);
    const choices = options(card, field);
    const at = choices.indexOf(input.value);
    input.value = choices[(at + step + choices.length) % choices.length];
    showHint(card, field);
  }

  // --- the article ----------------------------------------------------------------------------
  const text = Array.from(data.text);
  const article = document.getElementById("article");
  const segments = [];
  function codePoints(string) {
    return Array.from(string).length;
  }
  function layOutArticle() {
    const ranges = cards.map((card) => {
      const span = card.drafted.evidence;
      const written = card.drafted.quantity ? card.drafted.quantity.text : "";
      const at = written ? span.quote.indexOf(written) : -1;
      const start = at >= 0 ? span.start + codePoints(span.quote.slice(0, at)) : span.start;
      const end = at >= 0 ? start + codePoints(written) : span.end;
      return { figure: [start, end], quote: [span.start, span.end] };
    });
    const cuts = new Set([0, text.length]);
    for (const range of ranges) for (const point of [...range.figure, ...range.quote]) cuts.add(Math.min(point, text.length));
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [from, to] = [sorted[i], sorted[i + 1]];
      const figures = ranges.flatMap((r, at) => (r.figure[0] <= from && to <= r.figure[1] ? [at] : []));
      const quotes = ranges.flatMap((r, at) => (r.quote[0] <= from && to <= r.quote[1] ? [at] : []));
      const node = el("span", figures.length ? { class: "fig" } : {}, text.slice(from, to).join(""));
      if (figures.length) node.addEventListener("click", () => select(figures[0]));
      segments.push({ node, figures, quotes });
      article.append(node);
    }
  }
  function drawArticle() {
    let first = null;
    for (const segment of segments) {
      const states = segment.figures.map((at) => cards[at].state);
      segment.node.classList.toggle("accepted", states.length > 0 && states.every((s) => s === "accepted"));
      segment.node.classList.toggle("rejected", states.length > 0 && states.every((s) => s === "rejected"));
      const mine = segment.figures.includes(current);
      segment.node.classList.toggle("current", mine);
      segment.node.classList.toggle("in-quote", !mine && segment.quotes.includes(current));
      if (mine && first === null) first = segment.node;
    }
    if (first) article.scrollTop = first.offsetTop - article.clientHeight / 3; // the article is the offsetParent
  }

  // --- deciding --------------------------------------------------------------------------------
  const STATE_WORDS = { undecided: "to review", accepted: "accepted", rejected: "rejected" };
  function select(at) {
    if (at < 0 || at >= cards.length) return;
    cards[current].element.classList.remove("current");
    current = at;
    const card = cards[current];
    card.element.classList.add("current");
    card.element.focus({ preventScroll: true });
    card.element.scrollIntoView({ block: "nearest" });
    drawArticle();
  }
  function decide(state) {
    const card = cards[current];
    card.state = state;
    card.element.dataset.state = state;
    const edited = [...card.inputs.values()].some(({ input }) => input.classList.contains("edited"));
    card.element.querySelector(".state").textContent = STATE_WORDS[state] + (edited && state === "accepted" ? " (edited)" : "");
    tally();
    if (state === "undecided") return drawArticle();
    const next = [...cards.keys()].map((i) => (current + 1 + i) % cards.length).find((i) => cards[i].state === "undecided");
    select(next === undefined ? current : next);
  }
  function tally() {
    const count = (state) => cards.filter((card) => card.state === state).length;
    document.getElementById("tally").textContent =
      `${count("accepted")} accepted · ${count("rejected")} rejected · ${count("undecided")} to review`;
    for (const entry of Object.values(records).flat()) entry.refresh && entry.refresh();
  }

  // --- the source entry and the new records ---------------------------------------------------
  const sourceFields = ["title", "title_en", "date", "url", "author", "publisher"];
  const sourceInputs = new Map();
  function buildSource() {
    const box = document.getElementById("source");
    const fields = el("div", { class: "fields" });
    if (data.new_source) {
      for (const name of sourceFields) {
        const input = el("input", { "data-source": name, autocomplete: "off" });
        input.value = data.source[name] == null ? "" : String(data.source[name]);
        sourceInputs.set(name, input);
        fields.append(el("label", {}, name), input, el("div", { class: "hint" }));
      }
    }
    box.append(
      el("header", {}, el("span", { class: "figure-text" }, data.source.title || data.source.id),
        el("span", { class: "state" }, data.new_source ? "new source: goes into sources.yaml" : "in sources.yaml"),
        el("span", { class: "claim-id" }, data.source.id)),
      fields,
      el("ul", { class: "errors" }),
    );
  }

  const RECORD_FIELDS = {
    actors: [["id"], ["label.en", "English label"], ["label.zh", "Chinese label"], ["type", "type", data.values.type]],
    metrics: [["id"], ["label.en", "English label"], ["label.zh", "Chinese label"], ["definition"]],
    instruments: [["id"], ["label.en", "English label"], ["label.zh", "Chinese label"], ["definition"]],
    sources: [["id"], ["title"], ["kind"], ["language"], ["publisher"], ["url"]],
  };
  const RECORD_CARDS = { actors: "actor", metrics: "metric", instruments: "instrument", sources: "cited" };
  const RECORD_TITLES = { actors: "New actor", metrics: "New metric", instruments: "New instrument", sources: "Cited source" };
  function uses(kind, id) {
    const accepted = cards.filter((card) => card.state === "accepted").map((card) => card.claim);
    const lists = {
      actors: (c) => [...(c.subjects || []), ...(c.flow ? [c.flow.funder, c.flow.recipient] : [])],
      metrics: (c) => [c.metric],
      instruments: (c) => (c.flow ? [c.flow.instrument] : []),
      sources: (c) => c.attributed_to || [],
    };
    return accepted.filter((claim) => lists[kind](claim).includes(id)).length;
  }
  function buildRecord(kind, entry) {
    const at = records[kind].indexOf(entry);
    const fields = el("div", { class: "fields" });
    const used = el("span", { class: "state" });
    for (const [path, label, values] of RECORD_FIELDS[kind]) {
      const input = el("input", { "data-record": path, autocomplete: "off", spellcheck: "false" });
      input.value = get(entry.record, path) == null ? "" : String(get(entry.record, path));
      input.addEventListener("change", () => {
        if (path.startsWith("label.")) entry.record.label = entry.record.label || {};
        set(entry.record, path, orNull(input.value));
        for (const card of cards) refreshHints(card);
        entry.refresh();
      });
      input.addEventListener("keydown", (event) => {
        if (values && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
          event.preventDefault();
          const i = values.indexOf(input.value);
          input.value = values[(i + (event.key === "ArrowDown" ? 1 : -1) + values.length) % values.length];
          input.dispatchEvent(new Event("change"));
        }
      });
      fields.append(el("label", {}, label || path), input, el("div", { class: "hint" }));
    }
    entry.element = el(
      "article",
      { class: "card record", id: `${RECORD_CARDS[kind]}-${at}` },
      el("header", {}, el("span", { class: "figure-text" }, RECORD_TITLES[kind]), used),
      fields,
      el("ul", { class: "errors" }),
    );
    entry.refresh = () => {
      const count = uses(kind, entry.record.id);
      used.textContent = count ? `used by ${count} accepted claim${count > 1 ? "s" : ""}: saved` : "unused: not saved";
    };
    entry.refresh();
    document.getElementById("records").append(entry.element);
    return entry.element;
  }
  function addRecord(kind) {
    const blank = kind === "actors" ? { id: "", label: {}, type: "company" } : { id: "", label: {} };
    const entry = { record: blank, proposed: false };
    records[kind].push(entry);
    buildRecord(kind, entry).querySelector("input").focus();
  }

  // --- saving ----------------------------------------------------------------------------------
  async function save() {
    if (document.activeElement instanceof HTMLInputElement) document.activeElement.blur(); // commits the field
    for (const node of document.querySelectorAll(".errors, #problems")) node.replaceChildren();
    for (const node of document.querySelectorAll(".has-errors")) node.classList.remove("has-errors");
    const payload = {
      claims: cards.map((card) => ({
        index: card.index,
        decision: { accepted: "accept", rejected: "reject" }[card.state] || null,
        claim: Object.fromEntries(EDITABLE.map((key) => [key, card.claim[key] === undefined ? null : card.claim[key]])),
      })),
      source: Object.fromEntries([...sourceInputs].map(([name, input]) => [name, orNull(input.value)])),
    };
    for (const kind of Object.keys(records)) payload[kind] = records[kind].map((entry) => entry.record);
    const outcome = document.getElementById("outcome");
    outcome.textContent = "saving…";
    const response = await fetch(window.location.pathname, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-KG-Token": token },
      body: JSON.stringify(payload),
    });
    const answer = (response.headers.get("Content-Type") || "").startsWith("application/json")
      ? await response.json() : { ok: false, problems: [{ card: null, message: await response.text() }] };
    if (answer.ok) {
      outcome.replaceChildren(el("span", { class: "saved" }, `Saved ${answer.claims} claims: ${answer.written.join(", ")}. ${answer.build}. `),
        el("a", { href: `/figures?source=${encodeURIComponent(answer.source)}` }, "See them"));
      document.getElementById("save").disabled = true;
      document.body.dataset.saved = "true";
      return;
    }
    outcome.textContent = `${answer.problems.length} problem${answer.problems.length > 1 ? "s" : ""}: nothing was written`;
    for (const problem of answer.problems) {
      const box = problem.card && document.getElementById(problem.card);
      const target = box ? box.querySelector(".errors") : document.getElementById("problems");
      target.append(el("li", {}, problem.message));
      if (box) box.classList.add("has-errors");
    }
    const at = cards.findIndex((card) => card.element.classList.contains("has-errors"));
    if (at >= 0) select(at); // the first card (in the page's order) with a problem
    document.body.dataset.problems = String(answer.problems.length);
  }

  // --- keys ------------------------------------------------------------------------------------
  function cardOf(node) {
    return cards.find((card) => card.element.contains(node));
  }
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey && event.key === "s") {
      event.preventDefault();
      save();
      return;
    }
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
      const card = cardOf(target);
      const entry = card && [...card.inputs.values()].find((item) => item.input === target);
      if (entry && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        cycle(card, entry.field, event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        event.preventDefault();
        target.blur(); // commits the field (blur)
        select(current);
      } else if (event.key === "Escape" && entry) {
        event.preventDefault();
        target.value = target.dataset.before;
        target.blur();
        select(current);
      } else if (event.key === "Escape") {
        target.blur();
        select(current);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target instanceof HTMLSelectElement) return;
    if (!cards.length) return;
    const card = cards[current];
    const field = byKey.get(event.key);
    const actions = {
      j: () => select(current + 1), ArrowDown: () => select(current + 1),
      k: () => select(current - 1), ArrowUp: () => select(current - 1),
      a: () => decide("accepted"), Enter: () => decide("accepted"),
      x: () => decide("rejected"), Delete: () => decide("rejected"),
      u: () => decide("undecided"),
      A: () => addRecord("actors"), M: () => addRecord("metrics"),
      S: () => save(),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    } else if (field && card.inputs.has(field.path)) {
      event.preventDefault();
      card.inputs.get(field.path).input.focus();
    }
  });
  document.getElementById("save").addEventListener("click", save);

  buildSource();
  for (const card of cards) document.getElementById("cards").append(buildCard(card));
  for (const kind of Object.keys(records)) for (const entry of records[kind]) buildRecord(kind, entry);
  layOutArticle();
  tally();
  if (cards.length) select(0);
  document.body.dataset.ready = "true";
})();
