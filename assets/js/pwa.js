// The installable app on the page side (issue 17; docs/decisions.md, "Installable app and
// offline logging"). Every page works without this file; with it:
// - the service worker (/sw.js) is registered, and a patient's pages are kept for offline use;
// - a patient's entry saved while offline is kept on the phone (offline-store.js), sent when the
//   network is back, and an emergency answer shows the emergency advice at once;
// - an entry the server refused comes back to the log page to fix;
// - logging out deletes this user's pages and entries from the phone, after a warning when some
//   were not sent; another user's login deletes the previous user's pages.
// Texts come translated from the page (templates/includes/offline_status.html).
/* global PTOffline */
(function () {
  "use strict";

  var script = document.getElementById("pwa-script");
  if (!script || !("serviceWorker" in navigator) || !self.PTOffline) return;
  var data = script.dataset;
  var user = data.user || "";
  var isPatient = "patient" in data;
  var urls = { session: data.session, sync: data.sync };
  var SYNC_TAG = "pt-send-entries";

  navigator.serviceWorker.register(data.serviceWorker, { scope: "/" }).catch(function () {});

  function texts() {
    var status = document.getElementById("offline-status");
    return status ? status.dataset : {};
  }

  function counted(one, many, count) {
    return count === 1 ? one : (many || "").replace("__N__", String(count));
  }

  // --- The status line: what waits on this phone ---------------------------------------------

  function showStatus(lead) {
    var status = document.getElementById("offline-status");
    if (!status || !user) return Promise.resolve();
    var t = status.dataset;
    return PTOffline.entries(user).then(function (list) {
      var waiting = list.filter(function (e) { return e.status === PTOffline.WAITING; });
      var rejected = list.filter(function (e) { return e.status === PTOffline.REJECTED; });
      status.replaceChildren();
      if (lead) status.append(paragraph(lead, "fw-semibold"));
      if (waiting.length) {
        status.append(paragraph(counted(t.waitingOne, t.waitingMany, waiting.length)));
      }
      if (rejected.length) {
        var line = paragraph(counted(t.rejectedOne, t.rejectedMany, rejected.length) + " ");
        var link = document.createElement("a");
        link.href = data.log + "#fix-" + rejected[0].key;
        link.className = "alert-link";
        link.textContent = t.fix;
        line.append(link);
        status.append(line);
      }
      status.hidden = !(lead || waiting.length || rejected.length);
      status.dataset.waiting = String(waiting.length);
      status.dataset.rejected = String(rejected.length);
    });
  }

  function paragraph(text, extraClass) {
    var p = document.createElement("p");
    p.className = "mb-1" + (extraClass ? " " + extraClass : "");
    p.textContent = text;
    return p;
  }

  // --- Sending --------------------------------------------------------------------------------

  function afterSending(result) {
    if (!result || result.user !== user) return showStatus();
    var outcomes = Object.keys(result.outcomes).map(function (key) { return result.outcomes[key]; });
    // Screening ran on the server: an emergency there leads to its page, as after any save.
    var emergency = outcomes.filter(function (o) { return o.emergency; })[0];
    if (emergency && !document.body.classList.contains("emergency-page")) {
      location.assign(emergency.emergency);
      return Promise.resolve();
    }
    return showStatus(result.sent ? texts().sent : "");
  }

  function sendNow() {
    if (!isPatient || !navigator.onLine) return Promise.resolve();
    return PTOffline.sendAll(urls).then(afterSending, function () {});
  }

  function askForSync() {
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(SYNC_TAG);
    }).catch(function () {});
  }

  // --- Saving an entry on the phone -------------------------------------------------------------

  function answersOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "idempotency_key" && name !== "logged_at") {
        pairs.push([name, String(value)]);
      }
    });
    return pairs;
  }

  function emergencyAnswers(form, pairs) {
    var emergency = (form.dataset.emergencyAnswers || "").split(" ").filter(Boolean);
    return pairs.map(function (pair) { return pair[0]; }).filter(function (name) {
      return emergency.indexOf(name) !== -1;
    });
  }

  function problem(form, message) {
    var box = form.querySelector("[data-offline-problem]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger";
      box.setAttribute("role", "alert");
      box.tabIndex = -1;
      box.dataset.offlineProblem = "";
      form.prepend(box);
    }
    box.textContent = message;
    box.focus();
  }

  function saveOnPhone(form) {
    var pairs = answersOf(form);
    if (!pairs.some(function (pair) { return pair[0] === "pain_now"; })) {
      problem(form, texts().pain);
      return Promise.resolve();
    }
    var fixing = form.dataset.fixKey || "";
    var key = fixing || (self.crypto && crypto.randomUUID ? crypto.randomUUID() : fallbackUuid());
    var loggedAt = (fixing && form.elements.logged_at.value) || new Date().toISOString();
    var emergency = emergencyAnswers(form, pairs);
    return PTOffline.save({ key: key, user: user, fields: pairs, loggedAt: loggedAt, emergency: emergency.length > 0 })
      .then(function () {
        if (navigator.onLine) return sendFixed(form, key, emergency);
        return askForSync().then(function () { return afterSaving(form, emergency); });
      });
  }

  function afterSaving(form, emergency) {
    if (emergency.length) {
      // Emergency advice first, without the network: the page kept on the phone.
      location.assign(form.dataset.offlineEmergency + "#answers=" + emergency.join(","));
      return Promise.resolve();
    }
    resetForm(form);
    return showStatus(texts().saved).then(function () {
      var status = document.getElementById("offline-status");
      if (status) { status.tabIndex = -1; status.focus(); status.scrollIntoView({ block: "start" }); }
    });
  }

  // Online (a fix, or a page whose own save failed): send it now, and go where a save goes.
  function sendFixed(form, key, emergency) {
    return PTOffline.sendEntry(urls, key).then(function (outcome) {
      if (outcome.entry) { location.assign(outcome.emergency || outcome.entry); return; }
      if (outcome.status === "gone") { location.assign("/"); return; }
      if (outcome.status === "rejected") { location.hash = "fix-" + key; location.reload(); return; }
      // Not sent after all (the network, or the login): it waits on the phone.
      return askForSync().then(function () { return afterSaving(form, emergency); });
    }, function () { return afterSaving(form, emergency); });
  }

  function resetForm(form) {
    form.reset();
    // The form's own helps (entry-form.js) follow the answers they watch.
    form.querySelectorAll("[data-pain-now] input, [data-screening] input").forEach(function (input) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    delete form.dataset.fixKey;
    form.elements.logged_at.value = "";
    var box = form.querySelector("[data-offline-problem]");
    if (box) box.remove();
    var fix = document.getElementById("offline-fix");
    if (fix) fix.remove();
  }

  function fallbackUuid() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function setUpEntryForm() {
    // Before htmx sends it: offline (or fixing a refused entry), the phone keeps the entry.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-offline-save]")) return;
      if (navigator.onLine && !form.dataset.fixKey) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      saveOnPhone(form);
    }, true);
    // Online by the browser's word, but the request failed, or a page kept from an earlier
    // session could not prove itself (CSRF): kept on the phone, sent with a fresh token.
    document.body.addEventListener("htmx:sendError", function (event) {
      var form = event.detail.elt;
      if (form && form.matches && form.matches("form[data-offline-save]")) saveOnPhone(form);
    });
    document.body.addEventListener("htmx:responseError", function (event) {
      var form = event.detail.elt;
      if (event.detail.xhr.status === 403 && form && form.matches && form.matches("form[data-offline-save]")) saveOnPhone(form);
    });
  }

  // --- A refused entry back on the log page -------------------------------------------------------

  function fill(form, entry) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "hidden" || element.name === "csrfmiddlewaretoken") return;
      var values = entry.fields.filter(function (p) { return p[0] === element.name; }).map(function (p) { return p[1]; });
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = values.indexOf(element.value) !== -1;
      } else if (element.tagName === "TEXTAREA" || element.type === "text" || element.type === "number") {
        element.value = values.length ? values[0] : "";
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function showFix(form, entry) {
    var t = texts();
    var timeRefused = entry.errors.some(function (e) { return e.field === "logged_at"; });
    form.dataset.fixKey = entry.key;
    form.elements.logged_at.value = timeRefused ? "" : entry.loggedAt;
    fill(form, entry);
    var box = document.createElement("div");
    box.id = "offline-fix";
    box.className = "alert alert-warning";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var when = new Date(entry.loggedAt);
    box.append(paragraph((t.fixIntro || "").replace("__TIME__", when.toLocaleString(document.documentElement.lang || undefined)), "fw-semibold"));
    var list = document.createElement("ul");
    list.className = "mb-2";
    entry.errors.forEach(function (error) {
      var item = document.createElement("li");
      item.textContent = error.label ? error.label + ": " + error.message : error.message;
      list.append(item);
    });
    box.append(list);
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-outline-danger";
    discard.textContent = t.discard;
    discard.addEventListener("click", function () {
      PTOffline.remove(entry.key).then(function () {
        resetForm(form);
        history.replaceState(null, "", location.pathname);
        return showStatus();
      });
    });
    box.append(discard);
    form.prepend(box);
    box.focus();
  }

  function setUpFix() {
    var form = document.querySelector("form[data-offline-save]");
    var match = /^#fix-([0-9a-f-]+)$/.exec(location.hash);
    if (!form || !match) return;
    PTOffline.get(match[1]).then(function (entry) {
      if (entry && entry.user === user && entry.status === PTOffline.REJECTED) {
        var shown = document.getElementById("offline-fix");
        if (shown) shown.remove();
        showFix(form, entry);
      }
    });
  }

  // --- The emergency advice kept on the phone: which answers it is about -----------------------

  function setUpEmergencyAnswers() {
    var section = document.querySelector("[data-offline-answers]");
    var match = /^#answers=([a-z_,]+)$/.exec(location.hash);
    if (!section || !match) return;
    var shown = 0;
    match[1].split(",").forEach(function (name) {
      var item = section.querySelector('[data-answer="' + name + '"]');
      if (item) { item.hidden = false; shown += 1; }
    });
    section.hidden = shown === 0;
  }

  // --- Logging out: nothing of this user stays on the phone ------------------------------------------

  function warnBeforeLogout(form, unsent) {
    var t = texts();
    var existing = document.getElementById("logout-warning");
    if (existing) existing.remove();
    var box = document.createElement("div");
    box.id = "logout-warning";
    box.className = "alert alert-danger container my-2";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "logout-warning-text");
    box.tabIndex = -1;
    var text = paragraph(counted(t.logoutOne, t.logoutMany, unsent), "fw-semibold");
    text.id = "logout-warning-text";
    box.append(text);
    var stay = document.createElement("button");
    stay.type = "button";
    stay.className = "btn btn-primary me-2 mb-1";
    stay.textContent = t.logoutStay;
    stay.addEventListener("click", function () { box.remove(); });
    var leave = document.createElement("button");
    leave.type = "button";
    leave.className = "btn btn-outline-danger mb-1";
    leave.textContent = t.logoutAnyway;
    leave.addEventListener("click", function () { logOut(form); });
    box.append(stay, leave);
    var main = document.getElementById("main");
    main.parentNode.insertBefore(box, main);
    box.focus();
  }

  // Reminders stop coming to this browser once its patient logs out (another may use it).
  function stopPush(form) {
    if (!data.push || !("PushManager" in window)) return Promise.resolve();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return;
      return fetch(data.push, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify({ endpoint: subscription.endpoint, off: true }),
      }).then(function () { return subscription.unsubscribe(); });
    }).catch(function () {});
  }

  function logOut(form) {
    // Never held up for long: a browser without a ready worker logs out all the same.
    var pushStopped = Promise.race([stopPush(form), new Promise(function (done) { setTimeout(done, 3000); })]);
    var cleared = user ? Promise.all([PTOffline.clearUser(user), pushStopped]) : Promise.resolve();
    cleared.catch(function () {}).then(function () {
      if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "forget" });
      form.submit();
    });
  }

  function setUpLogout() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-logout]")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (!user) { form.submit(); return; }
      PTOffline.counts(user).then(function (count) {
        var unsent = count.waiting + count.rejected;
        if (unsent) warnBeforeLogout(form, unsent);
        else logOut(form);
      }, function () { logOut(form); });
    }, true);
  }

  // --- Start ---------------------------------------------------------------------------------------

  setUpLogout();
  if (!user) return;
  // Whoever logs in here is now the user whose pages are kept; the previous user's go.
  PTOffline.switchUser(user).catch(function () {});
  if (!isPatient) return;
  navigator.serviceWorker.ready.then(function (registration) {
    registration.active.postMessage({ type: "keep", user: user, urls: (data.keep || "").split(" ").filter(Boolean) });
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "sent") afterSending(event.data.result);
  });
  window.addEventListener("online", sendNow);
  setUpEntryForm();
  setUpFix();
  window.addEventListener("hashchange", setUpFix);
  setUpEmergencyAnswers();
  showStatus().then(sendNow);
})();
