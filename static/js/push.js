// Reminders as notifications in this browser (issue 17): the reminders page's "Reminders on
// this phone" section, shown only where the browser can (a service worker and the Push API).
// The server keeps the subscription (reminders:push_subscription) and sends each reminder
// once, by push where one exists and by email otherwise.
(function () {
  "use strict";

  var section = document.getElementById("push-reminders");
  if (!section || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var on = section.querySelector("[data-push-on]");
  var off = section.querySelector("[data-push-off]");
  var status = section.querySelector("[data-push-status]");
  var t = section.dataset;

  function csrf() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function tell(body) {
    return fetch(t.pushUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
    });
  }

  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  function show(subscribed, message) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    status.textContent = message || (subscribed ? t.on : t.off);
  }

  function turnOn() {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { show(false, t.blocked); return null; }
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(t.pushKey) });
      }).then(function (subscription) {
        return tell(subscription.toJSON()).then(function () { show(true); });
      });
    }).catch(function () { show(false, t.failed); })
      .finally(function () { on.disabled = false; });
  }

  function turnOff() {
    off.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return;
      return tell({ endpoint: subscription.endpoint, off: true }).then(function () { return subscription.unsubscribe(); });
    }).then(function () { show(false); }, function () { show(true, t.failed); })
      .finally(function () { off.disabled = false; });
  }

  on.addEventListener("click", turnOn);
  off.addEventListener("click", turnOff);
  section.hidden = false;
  show(false, Notification.permission === "denied" ? t.blocked : "");
  // Once the service worker is ready: whether this browser already gets them.
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (subscription && Notification.permission === "granted") show(true);
  });
})();
