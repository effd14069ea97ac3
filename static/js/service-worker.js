// PT Tracker's service worker (issue 17; docs/decisions.md, "Installable app and offline
// logging"). /sw.js (pt_tracker/pwa.py) sets self.PT_CONFIG and loads Workbox from the npm lock
// file and offline-store.js before this file.
//
// - Static files (no personal data): stale-while-revalidate, in "pt-static".
// - Pages: only a patient's own pages whose response names them (the PT-Offline-User header,
//   accounts/offline.py) are kept, network first, in that user's cache "pt-user-<key>". Nothing
//   else is kept, so a clinician's page never is. Offline, a page not kept shows /offline/.
// - Entries saved offline are sent by Background Sync where the browser has it (the pages also
//   send them on the `online` event and on every visit: pwa.js).
/* global workbox, PTOffline */
(function () {
  "use strict";

  var config = self.PT_CONFIG;
  var routing = workbox.routing;
  var strategies = workbox.strategies;
  var CacheableResponsePlugin = workbox.cacheableResponse.CacheableResponsePlugin;
  var ExpirationPlugin = workbox.expiration.ExpirationPlugin;
  var PUBLIC_CACHE = "pt-public";
  var USER_HEADER = "PT-Offline-User";
  var SYNC_TAG = "pt-send-entries";
  var KEEP_FOR_MS = 24 * 60 * 60 * 1000;
  var STATIC_URL = /(?:href|src)="(\/[^"]+)"/g;

  var staticFiles = new strategies.StaleWhileRevalidate({
    cacheName: "pt-static",
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 120 }),
    ],
  });

  // One network-first strategy per user, over that user's cache.
  var pageStrategies = {};
  function pagesOf(user) {
    if (!pageStrategies[user]) {
      var headers = {};
      headers[USER_HEADER] = user;
      pageStrategies[user] = new strategies.NetworkFirst({
        cacheName: PTOffline.pagesCache(user),
        networkTimeoutSeconds: 6,
        plugins: [
          // Only this user's own pages: a response that does not name them is never kept.
          new CacheableResponsePlugin({ statuses: [200], headers: headers }),
          // One copy per page whatever its query string; "/" opens the kept Today.
          { cacheKeyWillBeUsed: function (args) { return Promise.resolve(pageKey(args.request.url)); } },
        ],
      });
    }
    return pageStrategies[user];
  }

  function pageKey(address) {
    var url = new URL(address);
    var path = url.pathname === "/" ? config.today : url.pathname;
    return url.origin + path;
  }

  function offlinePage() {
    return caches.match(config.offlinePage, { cacheName: PUBLIC_CACHE }).then(function (page) {
      return page || Response.error();
    });
  }

  function keepStaticOf(response, event) {
    // The static files a kept page uses, so that it opens offline with its styles and scripts.
    return response.text().then(function (html) {
      var found = {};
      var match;
      while ((match = STATIC_URL.exec(html)) !== null) {
        if (match[1].indexOf(config.staticPrefix) === 0) found[match[1]] = true;
      }
      return Promise.all(Object.keys(found).map(function (url) {
        return staticFiles.handle({ request: new Request(url), event: event }).catch(function () {});
      }));
    });
  }

  function switchUser(user) {
    return PTOffline.switchUser(user).then(function (changed) {
      if (changed) pageStrategies = {};
    });
  }

  // A navigation: the user whose pages are kept is the last one whose page named them.
  function navigation(options) {
    return PTOffline.getMeta("user").then(function (user) {
      if (!user) {
        return fetch(options.request).then(function (response) {
          var owner = response.status === 200 && response.headers.get(USER_HEADER);
          if (!owner) return response;
          var copy = response.clone();
          return switchUser(owner)
            .then(function () { return caches.open(PTOffline.pagesCache(owner)); })
            .then(function (cache) { return cache.put(pageKey(options.request.url), copy); })
            .then(function () { return response; });
        }, offlinePage);
      }
      return pagesOf(user).handle(options).then(function (response) {
        var owner = response.headers.get(USER_HEADER);
        // Another patient logged in: the first one's pages go (this page is kept next time).
        if (owner && owner !== user) return switchUser(owner).then(function () { return response; });
        return response;
      }, offlinePage);
    });
  }

  // Whether a kept copy of the page is from the last day (pages are refreshed when visited).
  function keptRecently(user, url) {
    return caches.open(PTOffline.pagesCache(user)).then(function (cache) {
      return cache.match(pageKey(new URL(url, self.location.origin).href));
    }).then(function (page) {
      var date = page && Date.parse(page.headers.get("Date") || "");
      return !!date && Date.now() - date < KEEP_FOR_MS;
    });
  }

  // The pages a patient needs offline, kept as soon as they log in (pwa.js asks on each
  // visit); a page kept in the last day is not fetched again.
  function keep(user, urls, event) {
    // One after the other: a poor connection is not asked for everything at once.
    return urls.reduce(function (chain, url) {
      return chain.then(function () { return keptRecently(user, url); }).then(function (fresh) {
        if (fresh) return;
        return pagesOf(user).handle({ request: new Request(url, { credentials: "same-origin" }), event: event })
          .then(function (response) {
            if (response.headers.get(USER_HEADER) === user) return keepStaticOf(response, event);
          })
          .catch(function () {});
      });
    }, switchUser(user));
  }

  function tellPages(message) {
    return self.clients.matchAll({ type: "window" }).then(function (windows) {
      windows.forEach(function (client) { client.postMessage(message); });
    });
  }

  function send() {
    return PTOffline.sendAll(config).then(function (result) {
      if (result.sent || result.rejected) return tellPages({ type: "sent", result: result }).then(function () { return result; });
      return result;
    });
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(
      caches.open(PUBLIC_CACHE)
        .then(function (cache) {
          // Anonymous: the offline page names nobody, and is kept for every user.
          var request = new Request(config.offlinePage, { credentials: "omit" });
          return fetch(request).then(function (response) {
            return cache.put(config.offlinePage, response.clone()).then(function () {
              return keepStaticOf(response, event);
            });
          });
        })
        .then(function () { return self.skipWaiting(); })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(self.clients.claim());
  });

  routing.registerRoute(function (args) {
    return args.url.origin === self.location.origin && args.url.pathname.indexOf(config.staticPrefix) === 0;
  }, staticFiles);

  routing.registerRoute(function (args) {
    return args.request.mode === "navigate" && args.url.origin === self.location.origin;
  }, navigation);

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "keep" && data.user && Array.isArray(data.urls)) {
      event.waitUntil(keep(data.user, data.urls, event));
    } else if (data.type === "forget") {
      pageStrategies = {};
    } else if (data.type === "send") {
      event.waitUntil(send());
    }
  });

  // A reminder (reminders/push.py): it says only that it is time; a tap opens its page.
  self.addEventListener("push", function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
    event.waitUntil(self.registration.showNotification(data.title || "PT Tracker", {
      body: data.body || "",
      tag: data.tag || "reminder",
      icon: config.icon,
      badge: config.icon,
      data: { url: data.url || "/" },
    }));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = new URL((event.notification.data || {}).url || "/", self.location.origin);
    if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
    event.waitUntil(self.clients.openWindow(url.href));
  });

  self.addEventListener("sync", function (event) {
    if (event.tag !== SYNC_TAG) return;
    event.waitUntil(send().then(function (result) {
      // Offline again or the server failing: the browser tries again later.
      if (result.status === "offline" || result.status === "later") throw new Error(result.status);
    }));
  });
})();
