// Entries saved on this phone while offline, and the pages kept for offline use (issue 17).
// Shared by the pages (pwa.js) and the service worker (service-worker.js, loaded by /sw.js):
// both may send the entries, and the server stores each one once (its idempotency key).
//
// Everything is filed under the user's offline key (accounts/offline.py), never their name:
// - IndexedDB "pt-offline": store "entries" (one per entry: key, user, the form's answers, when
//   it was logged, waiting or rejected with the server's messages) and store "meta" ("user": the
//   user whose pages are kept);
// - Cache Storage "pt-user-<key>": that user's pages. Another user's login deletes them.
(function (scope) {
  "use strict";

  var DB_NAME = "pt-offline";
  var PAGES_PREFIX = "pt-user-";
  var WAITING = "waiting";
  var REJECTED = "rejected";
  var opening = null;
  var sending = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function database() {
    if (!opening) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("entries", { keyPath: "key" }).createIndex("user", "user");
        db.createObjectStore("meta");
      };
      opening = promised(request);
    }
    return opening;
  }

  // Run fn(store) in one transaction; resolves with fn's request result once it commits.
  function withStore(name, mode, fn) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var request = fn(transaction.objectStore(name));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function getMeta(name) {
    return withStore("meta", "readonly", function (store) { return store.get(name); });
  }

  function setMeta(name, value) {
    return withStore("meta", "readwrite", function (store) { return store.put(value, name); });
  }

  function entries(user) {
    return withStore("entries", "readonly", function (store) {
      return store.index("user").getAll(user);
    }).then(function (list) {
      return list.sort(function (a, b) { return a.loggedAt < b.loggedAt ? -1 : 1; });
    });
  }

  function get(key) {
    return withStore("entries", "readonly", function (store) { return store.get(key); });
  }

  function save(entry) {
    var row = {
      key: entry.key,
      user: entry.user,
      fields: entry.fields,
      loggedAt: entry.loggedAt,
      emergency: !!entry.emergency,
      status: WAITING,
      errors: [],
      savedAt: new Date().toISOString(),
    };
    return withStore("entries", "readwrite", function (store) { return store.put(row); });
  }

  function remove(key) {
    return withStore("entries", "readwrite", function (store) { return store.delete(key); });
  }

  function markRejected(key, errors) {
    return get(key).then(function (row) {
      if (!row) return;
      row.status = REJECTED;
      row.errors = errors || [];
      return withStore("entries", "readwrite", function (store) { return store.put(row); });
    });
  }

  function counts(user) {
    return entries(user).then(function (list) {
      return {
        waiting: list.filter(function (e) { return e.status === WAITING; }).length,
        rejected: list.filter(function (e) { return e.status === REJECTED; }).length,
      };
    });
  }

  function pagesCache(user) { return PAGES_PREFIX + user; }

  // Delete kept pages: of every user but `keep` (or of everyone when keep is empty).
  function deletePagesExcept(keep) {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PAGES_PREFIX) === 0 && name !== (keep ? pagesCache(keep) : "");
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  // The user whose pages are kept changes: the previous user's pages go. Their unsent entries
  // stay, filed under them and never shown to anyone else, until they log in here again.
  function switchUser(user) {
    return getMeta("user").then(function (current) {
      if (current === user) return false;
      return deletePagesExcept(user).then(function () { return setMeta("user", user); })
        .then(function () { return true; });
    });
  }

  // Logging out: every page and entry of this user on the phone is deleted.
  function clearUser(user) {
    return entries(user).then(function (list) {
      return withStore("entries", "readwrite", function (store) {
        list.forEach(function (entry) { store.delete(entry.key); });
      });
    }).then(function () { return caches.delete(pagesCache(user)); })
      .then(function () { return getMeta("user"); })
      .then(function (current) { if (current === user) return setMeta("user", ""); });
  }

  function body(entry) {
    var form = new URLSearchParams();
    entry.fields.forEach(function (pair) { form.append(pair[0], pair[1]); });
    form.set("idempotency_key", entry.key);
    form.set("logged_at", entry.loggedAt || "");
    return form;
  }

  function sendOne(entry, csrf, url) {
    return fetch(url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      // Sending by itself does not keep an unattended session alive (accounts/middleware.py).
      headers: { "X-CSRFToken": csrf, "PT-Background": "1", "Accept": "application/json" },
    });
  }

  // Send the waiting entries of whoever is logged in; keep them when nobody is (401), when the
  // network or server fails, or on any answer but saved (201, 200 for a repeat) or refused
  // (400: kept as rejected, with the messages, for the patient to fix).
  // One sender at a time on this phone, page or service worker (Web Locks where the browser
  // has them): the server would store a repeat once anyway, but there is no need to send it.
  function locked(fn) {
    var locks = self.navigator && self.navigator.locks;
    return locks ? locks.request("pt-offline-send", fn) : fn();
  }

  function sendAll(urls) {
    if (sending) return sending;
    sending = locked(function () { return sendWaiting(urls); })
      .finally(function () { sending = null; });
    return sending;
  }

  // Send one entry now (the patient saved a fix online): its outcome, or "gone" when another
  // sender (the service worker) sent it first.
  function sendEntry(urls, key) {
    return locked(function () {
      return get(key).then(function (entry) {
        if (!entry) return { status: "gone" };
        return sendWaiting(urls, key).then(function (result) {
          return result.outcomes[key] || { status: result.status };
        });
      });
    });
  }

  // Whether any entry (of anyone on this phone) waits to be sent: when none does, sending asks
  // the server nothing, so an ordinary page view costs no request for it.
  function anyWaiting(onlyKey) {
    return withStore("entries", "readonly", function (store) { return store.getAll(); })
      .then(function (list) {
        return list.some(function (e) { return e.status === WAITING && (!onlyKey || e.key === onlyKey); });
      });
  }

  function sendWaiting(urls, onlyKey) {
    var result = { status: "done", user: "", sent: 0, rejected: 0, outcomes: {} };
    return anyWaiting(onlyKey).then(function (any) {
      return any ? sendWaitingOf(urls, onlyKey, result) : result;
    });
  }

  function sendWaitingOf(urls, onlyKey, result) {
    return fetch(urls.session, {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: { "PT-Background": "1", "Accept": "application/json" },
    }).then(function (response) {
      if (response.status !== 200) { result.status = "login"; return null; }
      return response.json();
    }, function () { result.status = "offline"; return null; })
      .then(function (session) {
        if (!session) return result;
        result.user = session.user;
        return entries(session.user).then(function (list) {
          var waiting = list.filter(function (e) {
            return e.status === WAITING && (!onlyKey || e.key === onlyKey);
          });
          return waiting.reduce(function (chain, entry) {
            return chain.then(function (go) {
              if (!go) return false;
              return sendOne(entry, session.csrf, urls.sync).then(function (response) {
                if (response.status === 200 || response.status === 201) {
                  return response.json().then(function (data) {
                    result.sent += 1;
                    result.outcomes[entry.key] = data;
                    return remove(entry.key).then(function () { return true; });
                  });
                }
                if (response.status === 400) {
                  return response.json().then(function (data) {
                    result.rejected += 1;
                    result.outcomes[entry.key] = data;
                    return markRejected(entry.key, data.errors).then(function () { return true; });
                  });
                }
                result.status = response.status === 401 || response.status === 0 ? "login" : "later";
                return false;
              }, function () { result.status = "offline"; return false; });
            });
          }, Promise.resolve(true));
        }).then(function () { return result; });
      });
  }

  scope.PTOffline = {
    WAITING: WAITING,
    REJECTED: REJECTED,
    getMeta: getMeta,
    setMeta: setMeta,
    entries: entries,
    get: get,
    save: save,
    remove: remove,
    markRejected: markRejected,
    counts: counts,
    pagesCache: pagesCache,
    deletePagesExcept: deletePagesExcept,
    switchUser: switchUser,
    clearUser: clearUser,
    sendAll: sendAll,
    sendEntry: sendEntry,
  };
})(self);
