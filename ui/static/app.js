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
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

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
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
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
    var roleLabel = function (r) { return r ? (preview.dataset[r] || r) : ""; };
    var render = function (res) {
      preview.textContent = "";
      var p = document.createElement("p");
      p.className = res.parsed ? "ok" : "warn";
      p.textContent = res.parsed ? preview.dataset.parsed : preview.dataset.unparsed;
      preview.appendChild(p);
      if (!res.parsed) return;
      // The agent confirms each speaker's side; the guess is preselected.
      if (res.speakers.length) {
        var set = document.createElement("fieldset");
        set.className = "speakers";
        var legend = document.createElement("legend");
        legend.textContent = preview.dataset.confirm;
        set.appendChild(legend);
        res.speakers.forEach(function (s, i) {
          var div = document.createElement("div");
          div.className = "field speaker";
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "speaker"; hidden.value = s.name;
          var label = document.createElement("label");
          label.htmlFor = "role-" + i;
          label.textContent = s.name;
          var sel = document.createElement("select");
          sel.id = "role-" + i; sel.name = "role"; sel.required = true;
          var opts = s.role ? [] : [""];
          opts = opts.concat(["buyer", "shop", "system"]);
          opts.forEach(function (r) {
            var o = document.createElement("option");
            o.value = r;
            o.textContent = r ? roleLabel(r) : preview.dataset.choose;
            if (r === s.role) o.selected = true;
            sel.appendChild(o);
          });
          div.appendChild(hidden); div.appendChild(label); div.appendChild(sel);
          set.appendChild(div);
        });
        preview.appendChild(set);
      }
      var table = document.createElement("table");
      table.className = "chat";
      var body = document.createElement("tbody");
      res.lines.forEach(function (l) {
        var tr = document.createElement("tr");
        tr.className = l.system ? "system" : (l.role ? "role-" + l.role : "");
        var at = document.createElement("td");
        at.className = "muted";
        at.textContent = l.at;
        var who = document.createElement("th");
        who.scope = "row";
        who.textContent = l.speaker;
        if (l.role && !l.system) {
          var badge = document.createElement("span");
          badge.className = "role";
          badge.textContent = roleLabel(l.role);
          who.appendChild(document.createTextNode(" "));
          who.appendChild(badge);
        }
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
