// Redress: progressive enhancement of server-rendered pages. Every flow
// works without this file; it adds keyboard shortcuts, drag and drop of
// evidence files, a live preview of pasted chat excerpts and a fresh
// unread count, the tone check while typing and reply insertion. It never builds HTML from strings: text goes in through
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

  // Keyboard: / search, n new case, j/k move in the queue (or the inbox),
  // Enter opens (a row's link; in the inbox, its button).
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
    var link = row.querySelector("a, button");
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
  function dropzones(root) { Array.prototype.forEach.call(root.querySelectorAll(".dropzone"), function (zone) {
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
  }); }
  dropzones(document);

  // An import posts with fetch and reads the server's progress, a line of
  // JSON per hundredth of the rows ({"done","total"}), then the page the
  // form would have answered ({"status","html"}), whose main part replaces
  // this one's. The file is kept, so that the mapping step of a file too
  // large to send back through the page sends it again by itself. Without
  // fetch and streams the forms post as ever.
  var importFile = null;
  function importPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("main"), main = document.getElementById("main");
    if (!next || !main) return false;
    main.innerHTML = next.innerHTML;
    document.title = doc.title;
    dropzones(main);
    var again = document.getElementById("mapping-file");
    if (again && importFile) {
      again.required = false;
      again.closest(".resend-file").hidden = true;
    }
    main.focus();
    return true;
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var box = document.getElementById("import-progress");
    if (!box || !form.matches || !form.matches(".import-form, .mapping-form") ||
        !window.fetch || !window.TextDecoder || !window.ReadableStream || !window.FormData) return;
    var fileInput = form.querySelector("input[type=file]");
    var data = new FormData(form);
    if (fileInput && fileInput.files.length) {
      importFile = fileInput.files[0];
    } else if (fileInput) {
      if (!importFile) return;
      data.delete("file");
      data.append("file", importFile); // last: the fields are read before the file
    }
    e.preventDefault();
    var bar = document.getElementById("import-progress-bar");
    var text = document.getElementById("import-progress-text");
    var buttons = form.querySelectorAll("button[type=submit]");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    box.hidden = false;
    box.classList.remove("failed");
    bar.removeAttribute("value");
    text.textContent = box.dataset.reading;
    var fail = function (msg) {
      box.classList.add("failed");
      bar.value = 0;
      text.textContent = msg || box.dataset.failed;
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    };
    var handle = function (line) {
      if (!line.trim()) return;
      var m = JSON.parse(line);
      if (m.html !== undefined) {
        if (!importPage(m.html)) fail();
      } else if (m.error) {
        fail(m.error);
      } else {
        bar.max = m.total;
        bar.value = m.done;
        text.textContent = box.dataset.lines.replace("{done}", m.done).replace("{total}", m.total);
      }
    };
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/x-ndjson" } })
      .then(function (r) {
        if ((r.headers.get("Content-Type") || "").indexOf("application/x-ndjson") !== 0) {
          // Refused before it began (a signed-out session, a file too
          // large): the answer is a page or a problem.
          return r.text().then(function (t) { if (!importPage(t)) fail(); });
        }
        var reader = r.body.getReader(), dec = new TextDecoder(), buf = "";
        var pump = function () {
          return reader.read().then(function (res) {
            if (res.done) { handle(buf + dec.decode()); return; }
            buf += dec.decode(res.value, { stream: true });
            var i;
            while ((i = buf.indexOf("\n")) >= 0) { handle(buf.slice(0, i)); buf = buf.slice(i + 1); }
            return pump();
          });
        };
        return pump();
      })
      .catch(function () { fail(); });
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

  // Texts sent to buyers: the tone check runs as the agent types
  // (debounced), and a reply from the team's library is inserted by
  // typing / or :: and a few letters, choosing with the arrow keys and
  // Enter. The server fills the reply's variables from the case; one it
  // cannot fill stays written {name}, is named under the field and is
  // selected, and saving refuses it until it is replaced.
  var page = document.body.dataset;
  var article = document.querySelector("article.case");
  var caseInfo = article ? article.dataset : {};
  function postJSON(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": page.csrf || "" },
      body: JSON.stringify(data)
    }).then(function (r) { return r.ok ? r.json() : null; });
  }
  function renderWarnings(list, warnings) {
    list.textContent = "";
    warnings.forEach(function (w) {
      var li = document.createElement("li");
      li.className = "tone-" + w.severity;
      li.dataset.rule = w.rule;
      li.dataset.category = w.category;
      var sev = document.createElement("strong");
      sev.textContent = page["tTone" + w.severity.charAt(0).toUpperCase() + w.severity.slice(1)] || w.severity;
      li.appendChild(sev);
      li.appendChild(document.createTextNode(" “" + w.match + "” — " + w.message));
      if (w.suggestion) {
        var sug = document.createElement("span");
        sug.className = "suggestion";
        sug.textContent = " " + (page.tToneSuggest || "") + " " + w.suggestion;
        li.appendChild(sug);
      }
      list.appendChild(li);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-tone-stage]"), function (ta) {
    var list = document.getElementById(ta.id + "-tone");
    if (!list) return;
    var timer = null, seq = 0;
    var check = function () {
      var n = ++seq;
      if (!ta.value.trim()) { list.textContent = ""; return; }
      postJSON("/api/v1/tone/check", { text: ta.value, stage: ta.dataset.toneStage, platform: caseInfo.platform || "", lang: page.lang || "" })
        .then(function (res) { if (res && n === seq) renderWarnings(list, res.warnings); })
        .catch(function () {});
    };
    ta.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 300); });
    if (ta.value.trim()) check();
  });

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-reply-stage]"), function (ta) {
    if (!caseInfo.case) return;
    var hidden = ta.form.querySelector('input[data-reply-for="' + ta.id + '"]');
    var box = document.createElement("ul");
    box.className = "reply-picker";
    box.id = ta.id + "-replies";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    var note = document.createElement("p");
    note.className = "reply-note";
    note.id = ta.id + "-reply-note";
    note.setAttribute("role", "status");
    var hint = document.createElement("small");
    hint.className = "help reply-hint";
    hint.textContent = page.tReplyHint || "";
    ta.parentNode.insertBefore(hint, ta.nextSibling);
    ta.parentNode.insertBefore(note, ta.nextSibling);
    ta.parentNode.insertBefore(box, ta.nextSibling);
    ta.setAttribute("aria-autocomplete", "list");
    ta.setAttribute("aria-controls", box.id);
    var items = [], active = -1, trigger = null, seq = 0;

    function findTrigger() {
      var pos = ta.selectionStart;
      var m = /(^|\s)(\/|::)([^\s\/:]{0,20})$/.exec(ta.value.slice(0, pos));
      if (!m) return null;
      return { start: pos - m[2].length - m[3].length, end: pos, query: m[3] };
    }
    function close() {
      box.hidden = true;
      box.textContent = "";
      items = [];
      active = -1;
      ta.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      if (!items.length) return;
      active = (i + items.length) % items.length;
      Array.prototype.forEach.call(box.children, function (li, k) {
        li.setAttribute("aria-selected", k === active ? "true" : "false");
        li.classList.toggle("active", k === active);
      });
      ta.setAttribute("aria-activedescendant", box.children[active].id);
    }
    function show(list) {
      // A late answer for the same query must not move the agent's
      // highlight: keep the reply they are on when it is still offered.
      var kept = active >= 0 && items[active] ? items[active].id : null;
      box.textContent = "";
      items = list;
      if (!list.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = page.tReplyNone || "";
        box.appendChild(none);
      }
      list.forEach(function (r, k) {
        var li = document.createElement("li");
        li.id = box.id + "-" + r.id;
        li.setAttribute("role", "option");
        li.dataset.reply = String(r.id);
        var title = document.createElement("strong");
        title.textContent = r.title;
        var body = document.createElement("span");
        body.textContent = " " + r.body;
        li.appendChild(title);
        li.appendChild(body);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(k); });
        box.appendChild(li);
      });
      box.hidden = false;
      if (list.length) {
        var at = list.findIndex(function (r) { return r.id === kept; });
        highlight(at >= 0 ? at : 0);
      }
    }
    function choose(k) {
      var r = items[k], at = trigger;
      if (!r || !at) return;
      close();
      postJSON("/api/v1/replies/" + r.id + "/uses", { case_id: Number(caseInfo.case) }).then(function (res) {
        if (!res) return;
        ta.value = ta.value.slice(0, at.start) + res.text + ta.value.slice(at.end);
        if (hidden) hidden.value = String(r.id);
        var caret = at.start + res.text.length;
        note.textContent = "";
        if (res.missing.length) {
          note.textContent = (page.tReplyMissing || "") + " {" + res.missing.join("}, {") + "}";
          var first = ta.value.indexOf("{" + res.missing[0] + "}", at.start);
          ta.focus();
          ta.setSelectionRange(first, first + res.missing[0].length + 2);
        } else {
          ta.focus();
          ta.setSelectionRange(caret, caret);
        }
        trigger = null;
        ta.dispatchEvent(new Event("input", { bubbles: true }));
      }).catch(function () {});
    }
    ta.addEventListener("input", function () {
      if (hidden && !ta.value.trim()) hidden.value = "";
      trigger = findTrigger();
      if (!trigger) { close(); return; }
      var n = ++seq;
      var q = "/api/v1/replies?stage=" + encodeURIComponent(ta.dataset.replyStage) +
        "&kind=" + encodeURIComponent(caseInfo.kind || "") + "&q=" + encodeURIComponent(trigger.query);
      fetch(q, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) { if (res && n === seq && trigger) show(res.items.slice(0, 8)); })
        .catch(function () {});
    });
    ta.addEventListener("keydown", function (e) {
      if (box.hidden) return;
      switch (e.key) {
        case "ArrowDown": e.preventDefault(); highlight(active + 1); break;
        case "ArrowUp": e.preventDefault(); highlight(active - 1); break;
        case "Enter":
          if (active >= 0) { e.preventDefault(); choose(active); }
          break;
        case "Escape": e.preventDefault(); close(); break;
      }
    });
    ta.addEventListener("blur", function () { setTimeout(close, 150); });
  });

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
