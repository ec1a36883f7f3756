// Åtgärdsbot sandbox: a tiny Slack client. Renders Block Kit and sends what a user does to the
// sandbox server, which signs it and forwards it to the real bot.
"use strict";

const state = { channels: [], messages: [], views: [], home: null, version: -1, run: "", current: null, showHome: false, seen: null };
const $ = (id) => document.getElementById(id);

// ---- Slack mrkdwn -> safe HTML --------------------------------------------------------------
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function unslack(s) { return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"); }
function inline(s) {
  // s is already HTML-escaped; apply Slack's light formatting.
  return s
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, "$1<strong>$2</strong>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, "$1<em>$2</em>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, "$1<del>$2</del>")
    .replace(/\n/g, "<br>");
}
function mrkdwn(text) {
  if (!text) return "";
  let out = "";
  const re = /<([^<>]+)>/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    out += inline(escapeHtml(unslack(text.slice(last, m.index))));
    const token = m[1];
    if (token.startsWith("@")) {
      const id = token.slice(1).split("|")[0];
      out += `<span class="mention">@${escapeHtml(id === "USANDBOX1" ? "du" : id)}</span>`;
    } else if (token.startsWith("!")) {
      out += `<span class="mention">@${escapeHtml(token.slice(1).split("|")[0])}</span>`;
    } else if (token.startsWith("#")) {
      out += `<span class="mention">#${escapeHtml(token.slice(1).split("|")[1] || token.slice(1))}</span>`;
    } else {
      const [url, label] = token.split("|");
      const safe = /^https?:\/\//.test(url) ? url : "#";
      out += `<a href="${escapeHtml(safe)}" rel="noopener" target="_blank">${escapeHtml(unslack(label || url))}</a>`;
    }
    last = m.index + m[0].length;
  }
  out += inline(escapeHtml(unslack(text.slice(last))));
  return out;
}
function textObj(t) {
  if (!t) return "";
  return t.type === "mrkdwn" ? mrkdwn(t.text) : escapeHtml(t.text || "");
}

// ---- Block Kit ------------------------------------------------------------------------------
function el(tag, cls, html) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}
function buttonEl(elem, ctx) {
  const b = el("button", elem.style === "primary" ? "primary" : elem.style === "danger" ? "danger" : "", escapeHtml(elem.text.text));
  b.type = "button";
  b.dataset.actionId = elem.action_id;
  b.addEventListener("click", () => post("/sandbox/action", { ...ctx, action_id: elem.action_id, block_id: ctx.block_id, value: elem.value || "", text: elem.text.text }));
  return b;
}
function renderBlocks(blocks, ctx) {
  const frag = document.createDocumentFragment();
  for (const block of blocks || []) {
    const bctx = { ...ctx, block_id: block.block_id || "" };
    switch (block.type) {
      case "header": frag.append(el("div", "block-header", escapeHtml(block.text.text))); break;
      case "section": {
        const s = el("div", "block-section");
        if (block.text) s.append(el("div", "", textObj(block.text)));
        if (block.fields) {
          const f = el("div", "fields");
          for (const field of block.fields) f.append(el("div", "", textObj(field)));
          s.append(f);
        }
        if (block.accessory && block.accessory.type === "button") s.append(buttonEl(block.accessory, bctx));
        frag.append(s);
        break;
      }
      case "context": frag.append(el("div", "block-context", (block.elements || []).map((e) => e.type === "image" ? "" : textObj(e)).join(" "))); break;
      case "divider": frag.append(el("hr", "block-divider")); break;
      case "actions": {
        const a = el("div", "block-actions");
        for (const e of block.elements || []) if (e.type === "button") a.append(buttonEl(e, bctx));
        frag.append(a);
        break;
      }
      case "image": {
        const fig = el("figure", "block-image");
        const img = document.createElement("img");
        img.src = block.image_url || ""; img.alt = block.alt_text || "";
        fig.append(img);
        if (block.title) fig.append(el("figcaption", "block-context", escapeHtml(block.title.text)));
        frag.append(fig);
        break;
      }
      default: break;
    }
  }
  return frag;
}

// ---- messages and channels -------------------------------------------------------------------
// Like Slack, a channel with messages the user has not looked at is marked with their number:
// the bot answers a click in App Home in its direct messages, and a weekly digest lands in
// every channel, so without the mark a click looked like it did nothing.
function lastId(channel) {
  let last = 0;
  for (const m of state.messages) if (m.channel === channel && m.id > last) last = m.id;
  return last;
}
function markSeen() {
  if (state.seen === null) {
    // What was there when the page opened counts as read.
    state.seen = {};
    for (const c of state.channels) state.seen[c.id] = lastId(c.id);
  }
  if (!state.showHome && state.current) state.seen[state.current] = lastId(state.current);
}
function unread(channel) {
  const seen = (state.seen || {})[channel] || 0;
  return state.messages.filter((m) => m.channel === channel && m.id > seen && !m.command).length;
}
function renderChannels() {
  const ul = $("channels");
  ul.innerHTML = "";
  for (const c of state.channels) {
    const li = document.createElement("li");
    const b = el("button", "channel", (c.is_im ? "✉️ " : "# ") + escapeHtml(c.name));
    b.type = "button";
    const fresh = unread(c.id);
    if (fresh) {
      b.classList.add("unread");
      b.append(el("span", "badge", String(fresh)));
      b.setAttribute("aria-label", `${c.is_im ? "" : "#"}${c.name}, ${fresh} ${fresh === 1 ? "nytt meddelande" : "nya meddelanden"}`);
    }
    b.setAttribute("aria-current", String(!state.showHome && state.current === c.id));
    b.addEventListener("click", () => { state.current = c.id; state.showHome = false; remember(); render(); });
    li.append(b);
    ul.append(li);
  }
  $("home-button").setAttribute("aria-current", String(state.showHome));
}
// What is shown lives in the address (#CSSP00001, #hem), so a reload opens the same place.
const HOME_HASH = "hem";
function remember() {
  history.replaceState(null, "", "#" + (state.showHome ? HOME_HASH : state.current || ""));
}
function openHome() { state.showHome = true; remember(); render(); post("/sandbox/home", {}); }
function renderMessages() {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = "";
  for (const m of state.messages.filter((m) => m.channel === state.current)) {
    const div = el("div", "msg" + (m.ephemeral ? " ephemeral" : ""));
    div.dataset.messageId = m.id;
    if (m.command) {
      div.append(el("div", "cmd", escapeHtml(m.command)));
    } else {
      div.append(el("div", "who", "Åtgärdsbot" + (m.ephemeral ? "<small>Bara du ser det här</small>" : "")));
      if (m.blocks && m.blocks.length) div.append(renderBlocks(m.blocks, { message_id: m.id, channel: m.channel }));
      else if (m.text) div.append(el("div", "block-section", mrkdwn(m.text)));
      for (const f of m.files || []) div.append(el("div", "file", `📎 <a href="${escapeHtml(f.url)}">${escapeHtml(f.title || f.name)}</a>`));
    }
    box.append(div);
  }
  if (atBottom) box.scrollTop = box.scrollHeight;
}
function renderHome() {
  const box = $("home");
  box.innerHTML = "";
  if (!state.home) { box.append(el("p", "muted", "Appens hem laddas …")); return; }
  box.append(renderBlocks(state.home.blocks, {}));
}
// Rendering rebuilds the message list, which would drop the keyboard focus on the body each
// time the bot posts: remember which button had it (by message and position) and put it back.
function focusKey(e) {
  if (!e || e === document.body) return null;
  if (e.id && !e.closest("#messages, #home")) return { id: e.id };
  const msg = e.closest("[data-message-id]"), box = e.closest("#messages, #home");
  if (!box || e.tagName !== "BUTTON") return null;
  const scope = msg || box;
  return { box: box.id, message: msg ? msg.dataset.messageId : null, index: [...scope.querySelectorAll("button")].indexOf(e) };
}
function restoreFocus(key, force = false) {
  if (!key || (!force && document.activeElement && document.activeElement !== document.body)) return;
  let target = null;
  if (key.id) target = $(key.id);
  else {
    const box = $(key.box);
    const scope = key.message ? box.querySelector(`[data-message-id="${key.message}"]`) : box;
    if (scope) {
      const buttons = scope.querySelectorAll("button");
      target = buttons[Math.min(key.index, buttons.length - 1)] || null;
    }
  }
  if (target && !target.closest("[hidden]")) target.focus({ preventScroll: true });
}
function render() {
  const focused = focusKey(document.activeElement);
  markSeen();
  renderChannels();
  const c = state.channels.find((c) => c.id === state.current);
  $("channel-title").textContent = state.showHome ? "Appens hem" : c ? (c.is_im ? c.name : "#" + c.name) : "";
  $("channel-group").textContent = !state.showHome && c && c.group ? "Kopplad till " + c.group : "";
  $("messages").hidden = state.showHome;
  $("home").hidden = !state.showHome;
  $("composer").hidden = state.showHome;
  if (state.showHome) renderHome(); else renderMessages();
  restoreFocus(focused);
  renderModal();
}

// ---- modals ---------------------------------------------------------------------------------
let openViewId = null;
let modalOpener = null; // where the keyboard focus goes back to when the form closes
function inputElement(block) {
  const e = block.element, id = `in-${block.block_id}`;
  let field;
  if (e.type === "plain_text_input") {
    field = document.createElement(e.multiline ? "textarea" : "input");
    if (!e.multiline) field.type = "text";
    if (e.initial_value) field.value = e.initial_value;
    if (e.max_length) field.maxLength = e.max_length;
  } else if (e.type === "static_select" || e.type === "multi_static_select") {
    field = document.createElement("select");
    if (e.type === "multi_static_select") { field.multiple = true; field.size = Math.min(8, (e.options || []).length || 1); }
    const initial = new Set([].concat(e.initial_option ? [e.initial_option.value] : [], (e.initial_options || []).map((o) => o.value)));
    for (const o of e.options || []) {
      const opt = document.createElement("option");
      opt.value = o.value; opt.textContent = o.text.text; opt.selected = initial.has(o.value);
      field.append(opt);
    }
  } else if (e.type === "datepicker") {
    // A text field, not type="date": the browser would show its own language's format
    // (12/02/2025 in an English browser, day and month unclear); dates here read 2025-04-30.
    field = document.createElement("input"); field.type = "text";
    field.inputMode = "numeric"; field.placeholder = "ÅÅÅÅ-MM-DD"; field.maxLength = 10;
    if (e.initial_date) field.value = e.initial_date;
  } else {
    field = document.createElement("input"); field.type = "text";
  }
  field.id = id; field.name = block.block_id; field.dataset.actionId = e.action_id; field.dataset.kind = e.type;
  if (e.placeholder) field.placeholder = e.placeholder.text;
  return field;
}
function renderModal() {
  const dlg = $("modal");
  const v = state.views[state.views.length - 1];
  if (!v) {
    if (dlg.open) { dlg.close(); restoreFocus(modalOpener, true); }
    openViewId = null;
    return;
  }
  if (openViewId === v.id) { showErrors(v.errors || {}); return; }
  openViewId = v.id;
  $("modal-title").textContent = v.view.title ? v.view.title.text : "";
  $("modal-submit").textContent = v.view.submit ? v.view.submit.text : "Skicka";
  $("modal-close").textContent = v.view.close ? v.view.close.text : "Avbryt";
  const body = $("modal-body");
  body.innerHTML = "";
  for (const block of v.view.blocks || []) {
    if (block.type !== "input") { body.append(renderBlocks([block], {})); continue; }
    const wrap = el("div", "input-block");
    wrap.dataset.blockId = block.block_id;
    const label = el("label", "", escapeHtml(block.label.text) + (block.optional ? ' <span class="muted">(valfritt)</span>' : ""));
    label.htmlFor = `in-${block.block_id}`;
    wrap.append(label, inputElement(block));
    if (block.hint) wrap.append(el("div", "hint", escapeHtml(block.hint.text)));
    // Slack shows a picker with tags; a list box here needs a held key to pick more than one.
    if (block.element.type === "multi_static_select") wrap.append(el("div", "hint", "Håll ned Ctrl (⌘ på Mac) och klicka för att välja flera."));
    const err = el("div", "error"); err.setAttribute("role", "alert"); err.hidden = true;
    wrap.append(err);
    body.append(wrap);
  }
  showErrors(v.errors || {});
  if (!dlg.open) { modalOpener = focusKey(document.activeElement); dlg.showModal(); }
}
function showErrors(errors) {
  for (const wrap of document.querySelectorAll("#modal-body .input-block")) {
    const err = wrap.querySelector(".error");
    const msg = errors[wrap.dataset.blockId];
    err.hidden = !msg; err.textContent = msg || "";
  }
}
// Slack's datepicker only ever sends a real day; a typed one is checked before it is sent.
function isoDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
function dateErrors() {
  const errors = {};
  for (const f of document.querySelectorAll('#modal-body [data-kind="datepicker"]')) {
    const v = f.value.trim();
    if (v && !isoDate(v)) errors[f.name] = `”${v.slice(0, 20)}” är inget giltigt datum. Skriv till exempel 2025-04-30.`;
  }
  return errors;
}
function modalValues() {
  const values = {};
  for (const f of document.querySelectorAll("#modal-body [data-kind]")) {
    const kind = f.dataset.kind, aid = f.dataset.actionId;
    let v;
    if (kind === "plain_text_input") v = { type: kind, value: f.value === "" ? null : f.value };
    else if (kind === "static_select") v = { type: kind, selected_option: f.value ? { value: f.value, text: { type: "plain_text", text: f.selectedOptions[0].textContent } } : null };
    else if (kind === "multi_static_select") v = { type: kind, selected_options: [...f.selectedOptions].map((o) => ({ value: o.value, text: { type: "plain_text", text: o.textContent } })) };
    else if (kind === "datepicker") v = { type: kind, selected_date: f.value.trim() || null };
    values[f.name] = { [aid]: v };
  }
  return values;
}
$("modal-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const wrong = dateErrors();
  if (Object.keys(wrong).length) { showErrors(wrong); return; }
  const res = await post("/sandbox/submit", { view_id: openViewId, values: modalValues() });
  $("modal-error").hidden = !res.error; $("modal-error").textContent = res.error || "";
  if (res.errors) showErrors(res.errors);
});
$("modal-close").addEventListener("click", () => post("/sandbox/close", { view_id: openViewId }));
$("modal").addEventListener("cancel", (ev) => { ev.preventDefault(); post("/sandbox/close", { view_id: openViewId }); });

// ---- talking to the sandbox -----------------------------------------------------------------
// When the sandbox is stopped or restarting, say so in Swedish instead of failing silently
// (an uncaught "Failed to fetch"); the answer then carries the message, and nothing throws.
function showOffline(offline) { $("offline").hidden = !offline; }
async function post(path, body) {
  try {
    const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    showOffline(false);
    return await r.json();
  } catch (e) {
    showOffline(true);
    return { ok: false, error: $("offline").textContent, offline: true };
  }
}
async function poll() {
  for (;;) {
    try {
      const r = await fetch(`/sandbox/state?since=${state.version}&run=${encodeURIComponent(state.run)}&wait=20`);
      const s = await r.json();
      if (s.version !== state.version || s.run !== state.run) {
        if (s.run !== state.run) state.seen = null; // a restarted sandbox starts over
        Object.assign(state, { channels: s.channels, messages: s.messages, views: s.views, home: s.home, version: s.version, run: s.run });
        if (!state.current && state.channels.length) {
          const wanted = decodeURIComponent(location.hash.slice(1));
          const known = state.channels.find((c) => c.id === wanted);
          state.current = known ? known.id : state.channels[0].id;
          if (wanted === HOME_HASH) { state.showHome = true; post("/sandbox/home", {}); }
        }
        render();
      }
      $("now").textContent = formatNow(s.now);
      showOffline(false);
    } catch (e) {
      showOffline(true);
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }
}
function formatNow(iso) {
  const d = new Date(iso);
  const fmt = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short" });
  return fmt.format(d).replace(":", ".");
}
$("composer").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $("command");
  const text = input.value.trim();
  if (!text || text === "/atgard") return;
  const res = await post("/sandbox/command", { channel: state.current, text });
  // What was typed stays in the field until the sandbox has taken it, so nothing is lost.
  if (res.offline) return;
  if (input.value.trim() === text) input.value = "/atgard ";
  if (!res.ok && res.error) alert(res.error);
});
$("home-button").addEventListener("click", openHome);
for (const b of document.querySelectorAll(".ff button")) {
  b.addEventListener("click", async () => {
    const res = await post("/sandbox/clock", { days: Number(b.dataset.days) });
    if (res.now) $("now").textContent = formatNow(res.now);
  });
}
poll();
