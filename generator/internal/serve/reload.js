// The dev server's page script: it follows the server's event stream and
// reloads the page, swaps figures in place, shows build errors over the
// page, and says when the server has gone away. See package serve.
(() => {
  "use strict";
  const me = document.currentScript.dataset;
  let version = me.version;
  const scrollKey = "serve-scroll:" + location.pathname;

  // A reload keeps the reader where they were, even when the browser
  // would not restore the position by itself.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore, { once: true });
  }

  // Everything the script shows lives in one shadow root, so the site's
  // styles and the script's cannot affect each other.
  const host = document.createElement("div");
  host.id = "serve-ui";
  host.style.cssText = "all: initial; position: fixed; z-index: 2147483647; inset: auto 0 0 0;";
  const ui = host.attachShadow({ mode: "open" });
  ui.innerHTML = `<style>
    .banner { position: fixed; left: 1rem; bottom: 1rem; padding: .5rem .9rem; border-radius: .4rem;
      font: 14px/1.4 system-ui, sans-serif; background: #333; color: #fff; box-shadow: 0 2px 8px #0006; }
    .overlay { position: fixed; inset: 0; overflow: auto; padding: 2rem; background: rgba(20, 0, 0, .88);
      color: #fff; font: 14px/1.5 ui-monospace, monospace; }
    .overlay h2 { font: 600 18px/1.3 system-ui, sans-serif; margin: 0 0 1rem; color: #ff8a80; }
    .overlay ol { margin: 0 0 1.5rem; padding-left: 1.5rem; }
    .overlay li { margin: .3rem 0; white-space: pre-wrap; }
    .overlay .pos { color: #ffd180; }
    .overlay p { font-family: system-ui, sans-serif; color: #ccc; }
    [hidden] { display: none; }
  </style>
  <div class="overlay" role="alertdialog" aria-labelledby="serve-title" hidden></div>
  <div class="banner" role="status" hidden>The dev server is not running; reconnecting…</div>`;
  const overlay = ui.querySelector(".overlay");
  const banner = ui.querySelector(".banner");
  const attach = () => document.body.appendChild(host);
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach, { once: true });

  const headings = { build: "The site did not build", go: "The program did not compile" };

  function showProblems(list) {
    overlay.replaceChildren();
    overlay.hidden = list.length === 0;
    document.documentElement.dataset.serveProblems = String(list.length);
    let ol = null, source = null;
    for (const p of list) {
      if (p.source !== source) {
        source = p.source;
        const h = document.createElement("h2");
        h.id = "serve-title";
        h.textContent = headings[source] || "Error";
        ol = document.createElement("ol");
        overlay.append(h, ol);
      }
      const li = document.createElement("li");
      if (p.pos) {
        const pos = document.createElement("span");
        pos.className = "pos";
        pos.textContent = p.pos + ": ";
        li.append(pos);
      }
      li.append(p.msg);
      ol.append(li);
    }
    if (list.length > 0) {
      const note = document.createElement("p");
      note.textContent = "The page below is the last good build. This message goes away when the errors are fixed.";
      overlay.append(note);
    }
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  // swap points the page's images at the new figures; a query string
  // defeats any cache, and the image keeps its box, so nothing moves.
  // Addresses are compared decoded: an image's name may be escaped in
  // more than one way.
  function decoded(p) {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  }
  function swap(paths, v) {
    const changed = new Set(paths.map(decoded));
    for (const img of document.images) {
      const u = new URL(img.src, location.href);
      if (u.origin === location.origin && changed.has(decoded(u.pathname))) {
        u.search = "?v=" + encodeURIComponent(v);
        img.src = u.href;
      }
    }
    document.documentElement.dataset.serveVersion = v;
  }

  let stream = null;
  function connect() {
    const u = new URL(me.events, location.href);
    u.searchParams.set("v", version);
    u.searchParams.set("file", me.file);
    stream = new EventSource(u.href);
    stream.addEventListener("open", () => { banner.hidden = true; });
    stream.addEventListener("error", () => {
      banner.hidden = false;
      // The browser retries a dropped stream by itself, but gives up
      // after a refused or failed response: start over then.
      if (stream.readyState === EventSource.CLOSED) {
        stream.close();
        setTimeout(connect, 1000);
      }
    });
    stream.addEventListener("problems", (e) => showProblems(JSON.parse(e.data) || []));
    stream.addEventListener("reload", () => reload());
    stream.addEventListener("figures", (e) => {
      const d = JSON.parse(e.data);
      version = d.version;
      swap(d.paths, d.version);
    });
    stream.addEventListener("version", (e) => { version = JSON.parse(e.data).version; });
  }
  connect();
})();
