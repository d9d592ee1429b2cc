// A new article for review: paste it or pick a file; the server saves it into drafts/ and drafts it.
"use strict";
(function () {
  const token = document.querySelector('meta[name="kg-token"]').content;
  const form = document.getElementById("new-text");
  const field = (name) => form.elements.namedItem(name);

  document.getElementById("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    field("text").value = await file.text();
    if (!field("source_id").value) {
      field("source_id").value = file.name.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    }
    field("source_id").dataset.fromFile = file.name;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = document.getElementById("problems");
    problems.replaceChildren();
    const payload = Object.fromEntries(["text", "source_id", "published", "lang", "title", "url"].map((name) => [name, field(name).value]));
    const button = document.getElementById("draft-it");
    button.disabled = true;
    button.textContent = "drafting…";
    try {
      const response = await fetch("/review", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-KG-Token": token },
        body: JSON.stringify(payload),
      });
      const answer = (response.headers.get("Content-Type") || "").startsWith("application/json")
        ? await response.json() : { ok: false, problems: [{ message: await response.text() }] };
      if (answer.ok) {
        window.location.assign(answer.url);
        return;
      }
      for (const problem of answer.problems) {
        const item = document.createElement("li");
        item.textContent = problem.message;
        problems.append(item);
      }
    } finally {
      button.disabled = false;
      button.textContent = "Draft it";
    }
  });
  document.body.dataset.ready = "true";
})();
