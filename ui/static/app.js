// Redress: progressive enhancement of server-rendered pages. Every flow
// works without this file; it adds keyboard shortcuts, drag and drop of
// evidence files, a live preview of pasted chat excerpts and a fresh
// unread count. It never builds HTML from strings: text goes in through
// textContent, so nothing a buyer wrote can become markup.
(function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    if (tag === "input" && (el.type === "radio" || el.type === "checkbox")) return false;
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  var auditing = document.body.dataset.page === "audit";

  // Keyboard: / search, n new case, j/k move in the queue, Enter opens.
  var selected = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }
  function select(i) {
    var all = rows();
    if (all.length === 0) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    var row = all[i];
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    var link = row.querySelector("a");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    selected = i;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || auditing) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    switch (e.key) {
      case "/":
        var q = document.getElementById("q");
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        break;
      case "n":
        e.preventDefault();
        window.location.href = "/cases/new";
        break;
      case "j":
        e.preventDefault();
        select(selected + 1);
        break;
      case "k":
        e.preventDefault();
        select(selected < 0 ? 0 : selected - 1);
        break;
      case "Enter":
        var all = rows();
        if (selected < 0 || !all[selected]) return;
        var active = document.activeElement;
        if (active && active !== document.body && !all[selected].contains(active)) return;
        var link = all[selected].querySelector("a");
        if (link) { e.preventDefault(); window.location.href = link.href; }
        break;
    }
  });

  // The audit page's scorecard, keyboard-first: j/k move between the
  // checklist's items, 2/1/0 score the selected one (n: not applicable)
  // and move on, a/r choose the verdict, c goes to the comment, Enter
  // sends the verdict. Escape leaves the comment.
  var verdictForm = document.getElementById("verdict-form");
  if (auditing && verdictForm) {
    var items = Array.prototype.slice.call(verdictForm.querySelectorAll("[data-item]"));
    var current = -1;
    var pick = function (i) {
      if (items.length === 0) return;
      i = Math.max(0, Math.min(items.length - 1, i));
      items.forEach(function (it) { it.classList.remove("selected"); it.removeAttribute("aria-current"); });
      items[i].classList.add("selected");
      items[i].setAttribute("aria-current", "true");
      var checked = items[i].querySelector("input:checked") || items[i].querySelector("input");
      if (checked) checked.focus({ preventScroll: true });
      items[i].scrollIntoView({ block: "nearest" });
      current = i;
    };
    var choose = function (name, value) {
      var radio = verdictForm.querySelector('input[name="' + name + '"][value="' + value + '"]');
      if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
      return radio;
    };
    items.forEach(function (it, i) {
      it.addEventListener("focusin", function () { if (current !== i) { items.forEach(function (x) { x.classList.remove("selected"); }); it.classList.add("selected"); current = i; } });
    });
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (typing(e.target)) {
        if (e.key === "Escape") e.target.blur();
        return;
      }
      switch (e.key) {
        case "j": e.preventDefault(); pick(current + 1); break;
        case "k": e.preventDefault(); pick(current < 0 ? 0 : current - 1); break;
        case "0": case "1": case "2": case "n":
          if (current < 0) pick(0);
          e.preventDefault();
          choose("score." + items[current].dataset.item, e.key === "n" ? "na" : e.key);
          if (current < items.length - 1) pick(current + 1); else pick(current);
          break;
        case "a": e.preventDefault(); choose("verdict", "approved"); break;
        case "r": e.preventDefault(); choose("verdict", "rework"); break;
        case "c": e.preventDefault(); document.getElementById("verdict-comment").focus(); break;
        case "Enter":
          if (e.target.closest && e.target.closest("a, button, summary")) return;
          e.preventDefault();
          if (verdictForm.requestSubmit) verdictForm.requestSubmit(); else verdictForm.submit();
          break;
      }
    });
    var invalid = verdictForm.querySelector("[data-item].invalid");
    if (invalid) pick(items.indexOf(invalid)); else pick(0);
  }

  // Drag and drop onto a drop zone fills its file input; the form is then
  // sent as usual.
  Array.prototype.forEach.call(document.querySelectorAll(".dropzone"), function (zone) {
    var input = zone.querySelector("input[type=file]");
    var name = zone.querySelector(".drop-name");
    if (!input) return;
    function show() { if (name) name.textContent = input.files.length ? input.files[0].name : ""; }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
      }
    });
  });

  // Live preview of a pasted chat excerpt, parsed by the server exactly as
  // it will be stored.
  var chat = document.getElementById("chat-text");
  var preview = document.getElementById("chat-preview");
  if (chat && preview) {
    var timer = null;
    var token = chat.form.querySelector("input[name=csrf_token]").value;
    var render = function (res) {
      preview.textContent = "";
      var p = document.createElement("p");
      p.className = res.parsed ? "ok" : "warn";
      p.textContent = res.parsed ? preview.dataset.parsed : preview.dataset.unparsed;
      preview.appendChild(p);
      if (!res.parsed) return;
      var table = document.createElement("table");
      table.className = "chat";
      var body = document.createElement("tbody");
      res.lines.forEach(function (l) {
        var tr = document.createElement("tr");
        var at = document.createElement("td");
        at.className = "muted";
        at.textContent = l.at;
        var who = document.createElement("th");
        who.scope = "row";
        who.textContent = l.speaker;
        var msg = document.createElement("td");
        msg.textContent = l.message;
        tr.appendChild(at); tr.appendChild(who); tr.appendChild(msg);
        body.appendChild(tr);
      });
      table.appendChild(body);
      preview.appendChild(table);
    };
    chat.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!chat.value.trim()) { preview.textContent = ""; return; }
        fetch("/api/v1/evidence/parse", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
          body: JSON.stringify({ text: chat.value })
        }).then(function (r) { return r.ok ? r.json() : null; })
          .then(function (res) { if (res) render(res); })
          .catch(function () {});
      }, 250);
    });
  }

  // The unread count in the header stays fresh while a page is open.
  var badge = document.getElementById("unread");
  if (badge) {
    setInterval(function () {
      if (document.hidden) return;
      fetch("/api/v1/notifications/unread-count", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) {
          if (!res) return;
          badge.textContent = String(res.unread);
          badge.dataset.count = String(res.unread);
          badge.classList.toggle("zero", res.unread === 0);
        })
        .catch(function () {});
    }, 60000);
  }
})();
