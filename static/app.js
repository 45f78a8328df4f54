// Progressive enhancement for the agent app. Every page works without JavaScript; this adds
// live updates, the collision notice, template insertion, attachment checks before upload
// and keyboard shortcuts.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function typingInField(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  // ---- live updates ----------------------------------------------------------------------
  // The server sends `event: ticket` (data: the ticket number, or "*" for "refresh
  // everything") whenever a ticket of the shop gets activity, and `event: presence` when who
  // is on a ticket changes. The element marked data-live re-fetches itself.
  var source = null;
  if (window.EventSource && document.body.classList.contains("app")) {
    source = new EventSource("/events");
    // Exposed so tests (and curious people) can see whether the stream is connected.
    window.aftersailLive = source;
    // Leaving the page ends the stream at once: a page kept in the back/forward cache would
    // otherwise hold one of the browser's few connections to this host, and after a handful
    // of pages every next request waits for one to free up.
    window.addEventListener("pagehide", function () {
      source.close();
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) window.location.reload();
    });
  }
  var live = document.querySelector("[data-live]");
  if (source && live && window.htmx) {
    source.addEventListener("ticket", function (event) {
      var only = live.getAttribute("data-ticket");
      if (only && event.data !== only && event.data !== "*") return;
      // Never pull rows from under someone who is selecting them.
      if (live.querySelector("input[type=checkbox]:checked")) return;
      htmx.ajax("GET", window.location.href, { target: "#" + live.id, select: "#" + live.id, swap: "outerHTML" })
        .then(function () { live = document.querySelector("[data-live]") || live; });
    });
  }

  // ---- collision notice ------------------------------------------------------------------
  var presence = document.getElementById("presence");
  if (presence && window.fetch) {
    var url = presence.getAttribute("data-presence");
    var number = (live && live.getAttribute("data-ticket")) || "";
    var typing = false;
    var typingTimer = null;
    var show = function (response) {
      if (response.ok && response.status !== 204) {
        response.text().then(function (html) { presence.innerHTML = html; });
      }
    };
    var beat = function () {
      var body = new URLSearchParams({ typing: typing ? "1" : "0" });
      fetch(url, { method: "POST", body: body, headers: { "X-CSRF-Token": csrfToken() }, credentials: "same-origin" })
        .then(show, function () {});
    };
    var refresh = function () {
      fetch(url, { credentials: "same-origin" }).then(show, function () {});
    };
    setInterval(beat, 10000);
    if (source) {
      source.addEventListener("presence", function (event) {
        if (event.data === number) refresh();
      });
    }
    document.querySelectorAll("#reply, #note").forEach(function (box) {
      box.addEventListener("input", function () {
        if (!typing) {
          typing = true;
          beat();
        }
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () {
          typing = false;
          beat();
        }, 5000);
      });
    });
    window.addEventListener("pagehide", function () {
      if (navigator.sendBeacon) {
        navigator.sendBeacon(url, new URLSearchParams({ leave: "1", _csrf: csrfToken() }));
      }
    });
  }

  // ---- reply templates -------------------------------------------------------------------
  // Without JavaScript the template form reloads the page with the reply prefilled; with it,
  // the text goes in at the cursor and the draft around it stays.
  var templateForm = document.getElementById("template-form");
  var replyBox = document.getElementById("reply");
  if (templateForm && replyBox) {
    templateForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var pick = document.getElementById("template-pick");
      var option = pick.options[pick.selectedIndex];
      if (!option) return;
      var text = option.getAttribute("data-body") || "";
      var start = replyBox.selectionStart || 0;
      var end = replyBox.selectionEnd || 0;
      replyBox.value = replyBox.value.slice(0, start) + text + replyBox.value.slice(end);
      replyBox.focus();
      replyBox.selectionStart = replyBox.selectionEnd = start + text.length;
      replyBox.dispatchEvent(new Event("input"));
      // The template's own actions go with the reply: its status is preselected, and the
      // server adds its tags when the reply is sent.
      var used = document.getElementById("reply-template");
      if (used) used.value = option.value;
      var status = option.getAttribute("data-status");
      var statusPick = document.getElementById("reply-status");
      if (status && statusPick) statusPick.value = status;
    });
  }

  // ---- settings forms with rows (rules, calendars, template languages) ------------------
  // Without JavaScript, "Add" re-shows the form with a blank row and a row is removed by
  // leaving its first choice on "choose". With it, rows are added and removed in place, and
  // each action row shows only the inputs its type uses.
  var resetRow = function (row) {
    row.querySelectorAll("input, textarea").forEach(function (el) {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
  };
  var showActionInputs = function (row) {
    var type = row.querySelector("select[name=a_type]");
    if (!type) return;
    row.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for").split(" ").indexOf(type.value) < 0;
    });
  };
  var wireRow = function (row) {
    var remove = row.querySelector("[data-remove-row]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var group = row.getAttribute("data-row");
        var siblings = row.parentNode.querySelectorAll("[data-row='" + group + "']");
        if (siblings.length > 1) row.parentNode.removeChild(row); else resetRow(row);
      });
    }
    var type = row.querySelector("select[name=a_type]");
    if (type) {
      type.addEventListener("change", function () { showActionInputs(row); });
      showActionInputs(row);
    }
  };
  document.querySelectorAll("[data-row]").forEach(wireRow);
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var group = button.getAttribute("data-add-row");
      var rows = button.parentNode.querySelectorAll("[data-row='" + group + "']");
      if (!rows.length) return;
      event.preventDefault();
      var copy = rows[rows.length - 1].cloneNode(true);
      resetRow(copy);
      button.parentNode.insertBefore(copy, button);
      wireRow(copy);
      var first = copy.querySelector("select, input, textarea");
      if (first) first.focus();
    });
  });
  var trigger = document.getElementById("rule-trigger");
  var timeBox = document.querySelector("[data-show-trigger]");
  if (trigger && timeBox) {
    var showTime = function () { timeBox.hidden = trigger.value !== timeBox.getAttribute("data-show-trigger"); };
    trigger.addEventListener("change", showTime);
    showTime();
  }

  // ---- tab bars --------------------------------------------------------------------------
  // A long tab bar scrolls sideways (Settings has more tabs than a laptop screen is wide):
  // bring the page's own tab into view.
  document.querySelectorAll(".subnav [aria-current=page]").forEach(function (tab) {
    var bar = tab.parentNode;
    var hidden = tab.getBoundingClientRect().right - bar.getBoundingClientRect().right;
    if (hidden > 0) bar.scrollLeft += hidden + 16;
  });

  // ---- Settings → Translation: only the chosen service's fields -----------------------------
  // Without JavaScript every service's fields show; the server reads the chosen one's.
  var providerPick = document.querySelector("select[data-provider-select]");
  if (providerPick) {
    var showProvider = function () {
      document.querySelectorAll("fieldset[data-provider]").forEach(function (set) {
        set.hidden = set.getAttribute("data-provider") !== providerPick.value;
      });
    };
    providerPick.addEventListener("change", showProvider);
    showProvider();
  }

  // ---- attachments -----------------------------------------------------------------------
  // The server enforces the limits; checking here too saves uploading 30 MB to be told no.
  document.querySelectorAll("input[type=file][data-max-file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var maxFile = Number(input.getAttribute("data-max-file"));
      var maxTotal = Number(input.getAttribute("data-max-total"));
      var total = 0;
      var problem = "";
      Array.prototype.forEach.call(input.files, function (f) {
        total += f.size;
        if (!problem && f.size > maxFile) problem = f.name + ": " + Math.ceil(f.size / 1048576) + " MB > " + Math.round(maxFile / 1048576) + " MB";
      });
      if (!problem && total > maxTotal) problem = Math.ceil(total / 1048576) + " MB > " + Math.round(maxTotal / 1048576) + " MB";
      input.setCustomValidity(problem);
      if (problem) input.reportValidity();
    });
  });

  // ---- keyboard shortcuts ----------------------------------------------------------------
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("#inbox tbody tr")); };
  var current = -1;
  var highlight = function (index) {
    var all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    all[current].scrollIntoView({ block: "nearest" });
  };
  var pendingG = false;
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.tagName === "TEXTAREA" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && typingInField(target)) {
      target.blur();
      return;
    }
    if (typingInField(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var dialog = document.getElementById("shortcuts");
    if (pendingG) {
      pendingG = false;
      if (event.key === "i") {
        window.location.href = "/inbox";
        return;
      }
    }
    var focus = function (id) {
      var el = document.getElementById(id);
      if (el) {
        event.preventDefault();
        el.focus();
      }
    };
    switch (event.key) {
      case "?":
        if (dialog && dialog.showModal) {
          if (dialog.open) dialog.close(); else dialog.showModal();
        }
        break;
      case "/": focus("topsearch"); break;
      case "g": pendingG = true; setTimeout(function () { pendingG = false; }, 1500); break;
      case "j": highlight(current + 1); break;
      case "k": highlight(current - 1); break;
      case "o":
      case "Enter": {
        var row = rows()[current];
        var link = row && row.querySelector("a[href^='/tickets/']");
        if (link) window.location.href = link.getAttribute("href");
        break;
      }
      case "x": {
        var selected = rows()[current];
        var box = selected && selected.querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
        break;
      }
      case "r": focus("reply"); break;
      case "n": focus("note"); break;
      default: break;
    }
  });
})();
