/*! trustloop survey banner: one script tag, no dependencies, strict-CSP safe. See docs/banner.md */
(function () {
  "use strict";

  var T = {
    en: ["Feedback survey", "Send", "No thanks", "Skip", "Thank you for your feedback!", "Privacy",
      "Close", "Could not send. Please try again.", "Please choose a score first.", "Your answer (optional)", "Minimise"],
    nb: ["Tilbakemelding", "Send", "Nei takk", "Hopp over", "Takk for tilbakemeldingen!", "Personvern",
      "Lukk", "Kunne ikke sende. Prøv igjen.", "Velg en score først.", "Ditt svar (valgfritt)", "Minimer"],
    sv: ["Återkoppling", "Skicka", "Nej tack", "Hoppa över", "Tack för din återkoppling!", "Integritet",
      "Stäng", "Kunde inte skicka. Försök igen.", "Välj ett betyg först.", "Ditt svar (valfritt)", "Minimera"],
    da: ["Feedback", "Send", "Nej tak", "Spring over", "Tak for din feedback!", "Privatliv",
      "Luk", "Kunne ikke sende. Prøv igen.", "Vælg en score først.", "Dit svar (valgfrit)", "Minimer"],
    fi: ["Palautekysely", "Lähetä", "Ei kiitos", "Ohita", "Kiitos palautteestasi!", "Tietosuoja",
      "Sulje", "Lähetys epäonnistui. Yritä uudelleen.", "Valitse ensin arvosana.", "Vastauksesi (valinnainen)", "Pienennä"],
    nl: ["Feedback", "Versturen", "Nee, bedankt", "Overslaan", "Bedankt voor je feedback!", "Privacy",
      "Sluiten", "Versturen mislukt. Probeer het opnieuw.", "Kies eerst een score.", "Je antwoord (optioneel)", "Minimaliseren"]
  };
  var KEYS = ["region", "send", "no", "skip", "thanks", "privacy", "close", "error", "pick", "optional", "hide"];

  // Styles go into the banner's shadow root as a constructed stylesheet (CSSOM): no <style>
  // element and no style attribute, so a host page's `style-src 'self'` needs no exception.
  var CSS = ":host{all:initial}" +
    ".tl{position:fixed;z-index:2147483000;right:16px;bottom:16px;width:min(520px,calc(100vw - 32px));" +
    "box-sizing:border-box;padding:16px 20px;background:#fff;color:#1b1b1b;border:1px solid #767676;" +
    "border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.2);font:15px/1.45 system-ui,-apple-system," +
    "'Segoe UI',Roboto,sans-serif;text-align:left;max-height:calc(100vh - 32px);overflow:auto}" +
    ".tl.top{bottom:auto;top:16px}" +
    ".tl .bar{display:flex;justify-content:flex-end;margin:-8px -12px 0 0}" +
    ".tl button.t{padding:2px 10px;min-width:44px;min-height:32px;background:#fff;color:#1d4ed8}" +
    ".tl.min{width:auto;padding:6px}.tl.min .body{display:none}.tl.min .bar{margin:0}" +
    ".tl *{box-sizing:border-box;font:inherit;color:inherit}" +
    ".tl fieldset{border:0;margin:0;padding:0;min-width:0}" +
    ".tl legend,.tl .q{display:block;font-weight:600;margin:0 0 10px;padding:0}" +
    ".tl .scale{display:flex;gap:4px}" +
    ".tl .o{position:relative;flex:1 1 0;min-width:0}" +
    ".tl .o input{position:absolute;opacity:0;inset:0;margin:0;width:100%;height:100%;cursor:pointer}" +
    ".tl .o label{display:flex;align-items:center;justify-content:center;height:38px;border:1px solid #767676;" +
    "border-radius:6px;background:#f4f4f4;cursor:pointer}" +
    ".tl .o input:checked+label{background:#1d4ed8;border-color:#1d4ed8;color:#fff;font-weight:600}" +
    ".tl .o input:focus-visible+label,.tl button:focus-visible,.tl a:focus-visible,.tl textarea:focus-visible," +
    ".tl [tabindex]:focus-visible{outline:3px solid #b45309;outline-offset:2px}" +
    ".tl .ends{display:flex;justify-content:space-between;gap:12px;font-size:13px;color:#4b4b4b;margin-top:4px}" +
    ".tl .row{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:14px}" +
    ".tl button{cursor:pointer;border-radius:6px;padding:7px 16px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff}" +
    ".tl button.s{background:#fff;color:#1d4ed8}" +
    ".tl textarea{display:block;width:100%;min-height:76px;padding:6px 8px;border:1px solid #767676;" +
    "border-radius:6px;resize:vertical;background:#fff}" +
    ".tl .err{color:#b00020;margin:10px 0 0}.tl .err:empty{display:none}" +
    ".tl a{color:#1d4ed8;margin-left:auto;font-size:13px}" +
    ".tl .hint{font-size:13px;color:#4b4b4b;margin:0 0 6px}" +
    "@media (max-width:480px){.tl{left:8px;right:8px;bottom:8px;width:auto;padding:12px}" +
    ".tl.top{top:8px}.tl.min{left:auto}.tl .scale{gap:2px}}";

  function noop() {}

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined) continue;
      if (k === "text") e.textContent = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function uuid() {
    var c = window.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // --- throttle cookie: the API's signed token, kept until next_eligible_at --------------------
  function cookieName(product) { return "tl_throttle_" + product.replace(/[^A-Za-z0-9_-]/g, "_"); }

  function readCookie(name) {
    try {
      var parts = document.cookie.split(/;\s*/);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].indexOf(name + "=") === 0) return parts[i].slice(name.length + 1);
      }
    } catch (e) { /* cookies disabled: ask the API */ }
    return null;
  }

  function writeCookie(name, token, until) {
    var seconds = Math.floor((until - Date.now()) / 1000);
    if (!(seconds > 0) || !/^[A-Za-z0-9_.-]+$/.test(token)) return;
    try {
      document.cookie = name + "=" + token + "; Max-Age=" + seconds + "; Path=/; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    } catch (e) { /* ignore */ }
  }

  function tokenPayload(token) {
    try {
      var b = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(b + "===".slice((b.length + 3) % 4)));
    } catch (e) { return null; }
  }

  // The token names the user by the first 16 hex of SHA-256(user id), never the id itself.
  function userTag(id) {
    var s = window.crypto && window.crypto.subtle;
    if (!s || !window.TextEncoder) return Promise.resolve(null);
    return s.digest("SHA-256", new TextEncoder().encode(id)).then(function (d) {
      return Array.prototype.map.call(new Uint8Array(d), function (x) {
        return (x + 256).toString(16).slice(1);
      }).join("").slice(0, 16);
    }, function () { return null; });
  }

  function Banner(cfg) {
    this.cfg = cfg;
    this.keys = {};
  }

  Banner.prototype.call = function (method, path, body, headers) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl ? setTimeout(function () { ctl.abort(); }, 8000) : 0;
    var init = { method: method, headers: headers || {}, credentials: "omit", signal: ctl && ctl.signal };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(this.cfg.api + path, init).then(function (r) {
      clearTimeout(timer);
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) return data;
        var err = new Error("HTTP " + r.status);
        err.status = r.status;
        err.code = data && data.error;
        throw err;
      });
    }, function (e) { clearTimeout(timer); throw e; });
  };

  Banner.prototype.start = function () {
    var self = this, cfg = this.cfg, name = cookieName(cfg.product);
    var token = readCookie(name);
    return userTag(cfg.user).then(function (tag) {
      var p = token && tokenPayload(token);
      if (p && tag && p.p === cfg.product && p.u === tag && p.n * 1000 > Date.now()) return null;
      var q = { product: cfg.product, user_id: cfg.user, channel: cfg.channel, locale: cfg.locale,
        user_hash: cfg.hash, throttle_token: token };
      var qs = Object.keys(q).filter(function (k) { return q[k]; }).map(function (k) {
        return encodeURIComponent(k) + "=" + encodeURIComponent(q[k]);
      }).join("&");
      return self.call("GET", "/v1/eligibility?" + qs);
    }).then(function (answer) {
      if (!answer) return;
      if (!answer.eligible || !answer.survey) {
        if (answer.throttle_token && answer.next_eligible_at) {
          writeCookie(name, answer.throttle_token, Date.parse(answer.next_eligible_at));
        }
        return;
      }
      self.survey = answer.survey;
      self.t = strings(answer.survey.locale || cfg.locale);
      self.render();
      self.call("POST", "/v1/impressions", self.body({})).catch(noop);
    });
  };

  Banner.prototype.body = function (extra) {
    var b = { survey_id: this.survey.survey_id, channel: this.cfg.channel, user: { id: this.cfg.user } };
    if (this.cfg.hash) b.user_hash = this.cfg.hash;
    for (var k in extra) b[k] = extra[k];
    return b;
  };

  Banner.prototype.render = function () {
    var t = this.t, host = el("div", { "data-trustloop-banner": "" });
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      // Older browsers: a <style> element (a strict CSP blocks it; the banner still works unstyled).
      root.appendChild(el("style", { text: CSS }));
    }
    var self = this;
    this.toggle = el("button", { type: "button", "class": "t", "aria-expanded": "true", "aria-controls": "tl-body",
      "aria-label": t.hide, text: "\u2013", onclick: function () { self.setMinimised(!self.minimised, true); } });
    this.content = el("div", { "class": "body", id: "tl-body" });
    this.box = el("div", { "class": "tl", role: "region", "aria-label": t.region, lang: this.survey.locale,
      onkeydown: function (ev) { if (ev.key === "Escape" && !self.minimised) self.setMinimised(true, true); } },
    [el("div", { "class": "bar" }, [this.toggle]), this.content]);
    root.appendChild(this.box);
    this.host = host;
    document.body.appendChild(host);
    this.watchHostFocus();
    this.scoreStep();
  };

  Banner.prototype.show = function (nodes, focus) {
    var content = this.content;
    while (content.firstChild) content.removeChild(content.firstChild);
    nodes.forEach(function (n) { if (n) content.appendChild(n); });
    this.focusTarget = focus;
    if (focus && !this.minimised) focus.focus();
    this.reserveSpace();
  };

  // Minimising hides the question without declining it (WCAG 2.2 SC 2.4.11: the host page's
  // focused control must never sit under the banner; "No thanks" is not the only way out).
  Banner.prototype.setMinimised = function (minimised, byUser) {
    this.minimised = minimised;
    if (!minimised) this.atTop = false;
    this.box.className = "tl" + (minimised ? " min" : "") + (this.atTop ? " top" : "");
    this.toggle.setAttribute("aria-expanded", minimised ? "false" : "true");
    this.toggle.setAttribute("aria-label", minimised ? this.t.region : this.t.hide);
    this.toggle.textContent = minimised ? this.t.region : "\u2013";
    if (byUser) (minimised ? this.toggle : this.focusTarget || this.toggle).focus();
    this.reserveSpace();
  };

  // Keyboard scrolling keeps a focused host control above the banner (scroll-padding, set through
  // the CSSOM, which a strict CSP allows); a control that cannot scroll clear of it minimises the
  // banner, and if the minimised tab still covers it, the tab moves to the other edge.
  Banner.prototype.reserveSpace = function () {
    var root = document.documentElement;
    if (this.savedPadding === undefined) this.savedPadding = root.style.scrollPaddingBottom;
    var height = this.host && this.host.parentNode ? this.box.getBoundingClientRect().height : 0;
    root.style.scrollPaddingBottom = height && !this.atTop ? Math.ceil(height + 24) + "px" : this.savedPadding;
  };

  Banner.prototype.watchHostFocus = function () {
    var self = this;
    this.onHostFocus = function (ev) {
      if (ev.target === self.host) return;
      self.lastOutside = ev.target;
      var check = window.requestAnimationFrame || function (f) { return setTimeout(f, 16); };
      check(function () { self.keepClear(ev.target); });
    };
    document.addEventListener("focusin", this.onHostFocus, true);
  };

  Banner.prototype.keepClear = function (target) {
    if (!this.host.parentNode || document.activeElement !== target || !this.covers(target)) return;
    if (!this.minimised) this.setMinimised(true, false);
    if (this.covers(target)) {
      this.atTop = !this.atTop;
      this.setMinimised(true, false);
    }
  };

  Banner.prototype.covers = function (target) {
    var r = target.getBoundingClientRect(), b = this.box.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
  };

  Banner.prototype.privacyLink = function () {
    var s = this.survey;
    return el("a", { href: this.cfg.api + "/v1/privacy-notice?locale=" + encodeURIComponent(s.locale || "en") +
      "&version=" + encodeURIComponent(s.privacy_notice_version || ""), target: "_blank",
      rel: "noopener", text: this.t.privacy });
  };

  Banner.prototype.scoreStep = function (focusFirst) {
    var self = this, t = this.t, s = this.survey, sc = s.scale, opts = [];
    var err = el("p", { "class": "err", role: "alert" });
    for (var v = sc.min; v <= sc.max; v++) {
      var id = "tl-s" + v;
      var described = v === sc.min && sc.min_label ? "tl-min" : v === sc.max && sc.max_label ? "tl-max" : null;
      opts.push(el("div", { "class": "o" }, [
        el("input", { type: "radio", name: "tl-score", id: id, value: String(v), "aria-describedby": described }),
        el("label", { "for": id, text: String(v) })
      ]));
    }
    // The end labels also describe the end radios, so a screen reader says "0, Not at all likely".
    var ends = (sc.min_label || sc.max_label) ? el("div", { "class": "ends" }, [
      el("span", { id: "tl-min", text: sc.min_label || "" }), el("span", { id: "tl-max", text: sc.max_label || "" })]) : null;
    var form = el("form", { novalidate: "", onsubmit: function (ev) {
      ev.preventDefault();
      var chosen = form.querySelector("input:checked");
      if (!chosen) { err.textContent = t.pick; return; }
      self.answer(parseInt(chosen.value, 10), err, form);
    } }, [
      el("fieldset", null, [el("legend", { text: s.question }), el("div", { "class": "scale" }, opts), ends]),
      err,
      el("div", { "class": "row" }, [
        el("button", { type: "submit", text: t.send }),
        el("button", { type: "button", "class": "s", text: t.no, onclick: function () { self.decline(); } }),
        this.privacyLink()
      ])
    ]);
    this.show([form], focusFirst ? form.querySelector("input") : null);
  };

  Banner.prototype.setBusy = function (form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
      if (busy) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
    });
    this.busy = busy;
  };

  // One Idempotency-Key per score shown: a retry of the same answer is stored once.
  Banner.prototype.answer = function (score, err, form) {
    var self = this;
    if (this.busy) return;
    var key = this.keys[score] || (this.keys[score] = uuid());
    var body = this.body({ score: score, locale: this.survey.locale });
    var send = function () { return self.call("POST", "/v1/responses", body, { "Idempotency-Key": key }); };
    err.textContent = "";
    this.setBusy(form, true);
    send().catch(function (e) {
      if (e.status && e.status < 500 && e.status !== 409) throw e;
      return new Promise(function (ok) { setTimeout(ok, 600); }).then(send);
    }).then(function (created) {
      self.setBusy(form, false);
      self.responseId = created.response_id;
      self.editToken = created.edit_token;  // the capability to write this answer's comment
      self.followUpStep();
    }, function (e) {
      self.setBusy(form, false);
      if (e.code === "already_answered") self.thanksStep();
      else err.textContent = self.t.error;
    });
  };

  Banner.prototype.followUpStep = function () {
    var self = this, t = this.t;
    var err = el("p", { "class": "err", role: "alert" });
    var area = el("textarea", { id: "tl-why", name: "comment", maxlength: "2000", "aria-describedby": "tl-hint" });
    var form = el("form", { novalidate: "", onsubmit: function (ev) {
      ev.preventDefault();
      var text = area.value.trim();
      if (!text) return self.thanksStep();
      if (self.busy) return;
      err.textContent = "";
      self.setBusy(form, true);
      self.call("PATCH", "/v1/responses/" + encodeURIComponent(self.responseId), { comment: text },
        { Authorization: "Bearer " + self.editToken })
        .then(function () { self.setBusy(form, false); self.thanksStep(); },
          function () { self.setBusy(form, false); err.textContent = t.error; });
    } }, [
      el("label", { "class": "q", "for": "tl-why", text: this.survey.follow_up }),
      el("p", { "class": "hint", id: "tl-hint", text: t.optional }),
      area, err,
      el("div", { "class": "row" }, [
        el("button", { type: "submit", text: t.send }),
        el("button", { type: "button", "class": "s", text: t.skip, onclick: function () { self.thanksStep(); } }),
        this.privacyLink()
      ])
    ]);
    this.show([form], area);
  };

  Banner.prototype.thanksStep = function () {
    var self = this, t = this.t;
    var msg = el("p", { "class": "q", tabindex: "-1", text: t.thanks });
    this.show([msg, el("div", { "class": "row" }, [
      el("button", { type: "button", "class": "s", text: t.close, onclick: function () { self.remove(); } }),
      this.privacyLink()
    ])], msg);
  };

  Banner.prototype.decline = function () {
    this.call("POST", "/v1/declines", this.body({})).catch(noop);
    this.remove();
  };

  // Focus goes back where it was before the person entered the banner, never to <body>.
  Banner.prototype.remove = function () {
    if (!this.host || !this.host.parentNode) return;
    var hadFocus = document.activeElement === this.host;
    document.removeEventListener("focusin", this.onHostFocus, true);
    this.host.parentNode.removeChild(this.host);
    this.reserveSpace();
    if (!hadFocus) return;
    var back = this.lastOutside && this.lastOutside.isConnected ? this.lastOutside : lastFocusable();
    if (back) back.focus();
  };

  function lastFocusable() {
    var all = document.querySelectorAll("a[href],button:not([disabled]),input:not([disabled]):not([type=hidden])," +
      "select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex='-1'])");
    for (var i = all.length - 1; i >= 0; i--) if (all[i].getClientRects().length) return all[i];
    return null;
  }

  function strings(locale) {
    var lang = String(locale || "en").toLowerCase().split(/[-_]/)[0];
    var list = T[lang] || T.en, out = {};
    KEYS.forEach(function (k, i) { out[k] = list[i]; });
    return out;
  }

  function config(script) {
    var d = script.dataset || {};
    var api = d.api || new URL(".", script.src).href;
    return {
      api: String(api).replace(/\/+$/, ""), product: d.product, user: d.userId, hash: d.userHash || null,
      locale: d.locale || document.documentElement.lang || navigator.language || "en",
      channel: d.channel || "in_app_web"
    };
  }

  function boot(script) {
    try {
      var cfg = config(script);
      if (!cfg.product || !cfg.user || !window.fetch || !window.Promise) return;
      var banner = new Banner(cfg);
      banner.start().catch(noop);  // a failed call leaves the host page as it was
    } catch (e) { /* never break the host page */ }
  }

  var me = document.currentScript || document.querySelector("script[data-product][src*='banner']");
  if (!me || window.trustloopBannerLoaded) return;  // embedded twice: one banner
  window.trustloopBannerLoaded = true;
  if (document.body) boot(me);
  else document.addEventListener("DOMContentLoaded", function () { boot(me); });
})();
