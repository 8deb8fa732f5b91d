// dvcbot web chat. Plain ES2017, no build step, no dependencies.
//
// Officers' replies (handoff, issue 14) arrive through the "inbox" action:
// the page asks for it every few seconds while the conversation is with an
// officer, every half minute otherwise, at once when the page comes back into
// view, and never while the page is hidden. Officer messages are their own
// bubbles (.msg.staff, data-from="staff") labelled with the officer's name.
//
// Safety rule: server and user text is NEVER parsed as HTML. Every
// message is built from DOM nodes (createElement + textContent), and only a
// tiny markup subset is interpreted: **bold**, "• "/"- " bullet lines,
// "1. " numbered lines, bare http(s) URLs and newlines.
'use strict';

(function () {
  const API_URL = '/api/chat';
  const SESSION_KEY = 'dvcbot_session';
  const HISTORY_KEY = 'dvcbot_history';
  const HANDOFF_KEY = 'dvcbot_handoff';
  const MAX_HISTORY = 50;
  const MAX_INPUT = 1000;
  const REQUEST_TIMEOUT_MS = 30000;
  const SESSION_RE = /^[A-Za-z0-9._:-]{1,128}$/;
  // Inbox polling. /api/chat allows 30 requests a minute per address (and 20
  // per session), so the fast pace leaves room for the citizen's own messages.
  const POLL_HANDOFF_MS = 4000;
  const POLL_IDLE_MS = 30000;
  // A handoff with no news for this long is polled at the idle pace (the
  // officer may answer in writing on the next working day).
  const HANDOFF_FAST_FOR_MS = 2 * 60 * 60 * 1000;
  const STAFF_PREFIX_RE = /^👤 Cán bộ(?: ([^:\n]{1,120}))?: ([\s\S]*)$/;
  const ERROR_TEXT = 'Xin lỗi, có lỗi xảy ra. Bạn vui lòng thử lại.';
  const NETWORK_ERROR_TEXT = 'Xin lỗi, có lỗi xảy ra. Bạn vui lòng thử lại. (Không kết nối được tới máy chủ, bạn hãy kiểm tra kết nối mạng.)';

  const WELCOME_TEXT = [
    'Xin chào! Tôi là **Trợ lý Dịch vụ công**. Tôi giúp bạn tìm hiểu hồ sơ cần chuẩn bị, nơi nộp, thời gian và lệ phí của các thủ tục hành chính.',
    'Bạn có thể hỏi, ví dụ:',
    '• Làm lại căn cước cần giấy tờ gì?',
    '• Đăng ký khai sinh ở đâu?',
    '• Đổi bằng lái xe mất bao lâu?',
    '• Tra cứu tình trạng hồ sơ đã nộp',
  ].join('\n');

  const SUGGESTIONS = [
    { label: 'Làm lại căn cước cần giấy tờ gì?', text: 'Làm lại căn cước cần giấy tờ gì?' },
    { label: 'Đăng ký khai sinh ở đâu?', text: 'Đăng ký khai sinh ở đâu?' },
    { label: 'Đổi bằng lái xe mất bao lâu?', text: 'Đổi bằng lái xe mất bao lâu?' },
    { label: 'Tra cứu hồ sơ', action: 'dossier' },
  ];

  const log = document.getElementById('log');
  // The scrolling area holds the log and, below it, the suggestion chips.
  const scroller = document.getElementById('main') || log;
  const suggestions = document.getElementById('suggestions');
  const form = document.getElementById('composer');
  const input = document.getElementById('input');
  const sendBtn = document.getElementById('send');
  const resetBtn = document.getElementById('reset');
  if (!log || !form || !input || !sendBtn) return;

  const reducedMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)');

  // ---------------------------------------------------------------- storage
  // localStorage may be missing or throw (private mode, disabled cookies, full
  // quota); the chat then keeps working with in-memory state only.
  const memoryStore = {};
  function storageGet(key) {
    try {
      const v = window.localStorage.getItem(key);
      if (v !== null) return v;
    } catch (e) { /* fall through */ }
    return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
  }
  function storageSet(key, value) {
    memoryStore[key] = value;
    try { window.localStorage.setItem(key, value); } catch (e) { /* memory only */ }
  }
  function storageRemove(key) {
    delete memoryStore[key];
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function newSessionId() {
    const bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === 'function') {
      window.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    let hex = '';
    for (let i = 0; i < bytes.length; i++) hex += bytes[i].toString(16).padStart(2, '0');
    return hex;
  }

  function getSessionId() {
    let id = storageGet(SESSION_KEY);
    if (typeof id !== 'string' || !SESSION_RE.test(id)) {
      id = newSessionId();
      storageSet(SESSION_KEY, id);
    }
    return id;
  }

  function str(v, max) {
    if (typeof v !== 'string') return '';
    return max && v.length > max ? v.slice(0, max) : v;
  }

  // cleanButtons keeps only well-formed buttons as plain data.
  function cleanButtons(list) {
    if (!Array.isArray(list)) return [];
    const out = [];
    for (const b of list) {
      if (!b || typeof b !== 'object') continue;
      const label = str(b.label, 200);
      const action = str(b.action, 500);
      const url = str(b.url, 2000);
      if (!label || (!action && !url)) continue;
      const item = { label: label };
      if (action) item.action = action;
      if (url) item.url = url;
      out.push(item);
    }
    return out;
  }

  // cleanMessage turns stored or received data into a plain message record.
  function cleanMessage(m) {
    if (!m || typeof m !== 'object') return null;
    const role = m.role === 'user' || m.role === 'bot' || m.role === 'staff' ? m.role : '';
    if (!role) return null;
    const msg = { role: role, text: str(m.text, 20000) };
    if (role === 'staff') {
      msg.author = str(m.author, 120);
      msg.at = str(m.at, 40);
    }
    if (role === 'bot') {
      msg.buttons = cleanButtons(m.buttons);
      msg.intent = str(m.intent, 100);
      msg.procedure = str(m.procedure, 200);
      msg.section = str(m.section, 100);
    }
    if (!msg.text && !(msg.buttons && msg.buttons.length)) return null;
    return msg;
  }

  function loadHistory() {
    const raw = storageGet(HISTORY_KEY);
    if (!raw) return [];
    try {
      const data = JSON.parse(raw);
      if (!Array.isArray(data)) return [];
      return data.map(cleanMessage).filter(Boolean).slice(-MAX_HISTORY);
    } catch (e) {
      return [];
    }
  }

  let history = loadHistory();

  function saveHistory() {
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    storageSet(HISTORY_KEY, JSON.stringify(history));
  }

  // ------------------------------------------------------- safe text render
  const URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
  const BOLD_RE = /\*\*(.+?)\*\*/g;
  const BULLET_RE = /^\s*(?:•|-)\s+(.*)$/;
  const NUMBER_RE = /^\s*(\d{1,3}[.)])\s+(.*)$/;

  function safeHref(raw) {
    if (!/^https?:\/\//i.test(raw)) return '';
    try {
      const u = new URL(raw);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
    } catch (e) {
      return '';
    }
  }

  function makeLink(href, text, className) {
    const a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    if (className) a.className = className;
    a.textContent = text;
    return a;
  }

  // splitUrl trims trailing punctuation that usually ends a sentence, not a URL.
  function splitUrl(raw) {
    let url = raw;
    let rest = '';
    for (;;) {
      const last = url.charAt(url.length - 1);
      if ('.,;:!?\'"»”’'.indexOf(last) >= 0 ||
          (last === ')' && url.split('(').length <= url.split(')').length - 1) ||
          (last === ']' && url.indexOf('[') < 0) ||
          (last === '}' && url.indexOf('{') < 0)) {
        rest = last + rest;
        url = url.slice(0, -1);
        if (!url) break;
        continue;
      }
      break;
    }
    return [url, rest];
  }

  // appendLinkified adds text to parent, turning bare http(s) URLs into links.
  function appendLinkified(parent, text) {
    let pos = 0;
    URL_RE.lastIndex = 0;
    let m;
    while ((m = URL_RE.exec(text)) !== null) {
      const parts = splitUrl(m[0]);
      const href = parts[0] ? safeHref(parts[0]) : '';
      if (!href) continue;
      if (m.index > pos) parent.appendChild(document.createTextNode(text.slice(pos, m.index)));
      parent.appendChild(makeLink(href, parts[0]));
      pos = m.index + parts[0].length;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  // appendInline renders one line: **bold** spans and links; the rest is literal.
  function appendInline(parent, line) {
    let pos = 0;
    BOLD_RE.lastIndex = 0;
    let m;
    while ((m = BOLD_RE.exec(line)) !== null) {
      if (m.index > pos) appendLinkified(parent, line.slice(pos, m.index));
      const strong = document.createElement('strong');
      appendLinkified(strong, m[1]);
      parent.appendChild(strong);
      pos = m.index + m[0].length;
    }
    if (pos < line.length) appendLinkified(parent, line.slice(pos));
  }

  // renderText builds a DocumentFragment from reply text, safely.
  function renderText(text) {
    const frag = document.createDocumentFragment();
    const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
    let para = null; // current <p> for plain lines
    let list = null; // current <ul>/<ol>
    let listKind = '';

    const closeAll = function () { para = null; list = null; listKind = ''; };

    // addItem appends one list line, opening a list of kind ('ul' or 'ol') when
    // the previous line was not of that kind.
    const addItem = function (kind, className, marker, markerHidden, text) {
      para = null;
      if (listKind !== kind) {
        list = document.createElement(kind);
        list.className = className;
        frag.appendChild(list);
        listKind = kind;
      }
      const li = document.createElement('li');
      const mark = document.createElement('span');
      mark.className = 'marker';
      if (markerHidden) mark.setAttribute('aria-hidden', 'true');
      mark.textContent = marker;
      li.appendChild(mark);
      li.appendChild(document.createTextNode(' '));
      const body = document.createElement('span');
      body.className = 'item';
      appendInline(body, text);
      li.appendChild(body);
      list.appendChild(li);
    };

    for (const line of lines) {
      let m;
      if ((m = BULLET_RE.exec(line))) {
        addItem('ul', 'lines bullets', '•', true, m[1]);
      } else if ((m = NUMBER_RE.exec(line))) {
        addItem('ol', 'lines numbered', m[1], false, m[2]);
      } else if (line.trim() === '') {
        closeAll();
      } else {
        list = null;
        listKind = '';
        if (para) {
          para.appendChild(document.createElement('br'));
        } else {
          para = document.createElement('p');
          frag.appendChild(para);
        }
        appendInline(para, line);
      }
    }
    return frag;
  }

  // ------------------------------------------------------------ rendering
  function renderButtons(buttons) {
    const wrap = document.createElement('div');
    wrap.className = 'actions';
    for (const b of buttons) {
      if (b.action) {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'chip';
        btn.textContent = b.label;
        btn.dataset.action = b.action;
        wrap.appendChild(btn);
      } else if (b.url && /^https?:\/\//i.test(b.url)) {
        const href = safeHref(b.url);
        if (href) wrap.appendChild(makeLink(href, b.label, 'chip link'));
      }
    }
    return wrap.childNodes.length ? wrap : null;
  }

  // timeOf writes an ISO time as "14:05" (today) or "14:05 02/12".
  function timeOf(iso) {
    const d = iso ? new Date(iso) : null;
    if (!d || isNaN(d.getTime())) return '';
    const p2 = function (n) { return (n < 10 ? '0' : '') + n; };
    const hm = p2(d.getHours()) + ':' + p2(d.getMinutes());
    return d.toDateString() === new Date().toDateString() ? hm : hm + ' ' + p2(d.getDate()) + '/' + p2(d.getMonth() + 1);
  }

  // renderMessage appends one message (plain data) to the log and returns it.
  function renderMessage(msg, extraClass) {
    const el = document.createElement('div');
    el.className = 'msg ' + msg.role + (extraClass ? ' ' + extraClass : '');
    if (msg.role === 'bot' && !extraClass) {
      el.dataset.intent = msg.intent || '';
      el.dataset.procedure = msg.procedure || '';
      el.dataset.section = msg.section || '';
    }
    if (msg.role === 'staff') {
      // An officer's reply: a bubble of its own, labelled with the name (the
      // label is read first by screen readers, the log announces it).
      el.dataset.from = 'staff';
      const who = document.createElement('p');
      who.className = 'author';
      const name = document.createElement('span');
      name.className = 'author-name';
      name.textContent = 'Cán bộ' + (msg.author ? ' ' + msg.author : '');
      who.appendChild(name);
      const when = timeOf(msg.at);
      if (when) {
        const t = document.createElement('span');
        t.className = 'author-time';
        t.textContent = ' · ' + when;
        who.appendChild(t);
      }
      el.appendChild(who);
    }
    // Screen readers hear "Bạn:" / "Trợ lý:" before each bubble through CSS
    // generated content (style.css), which keeps textContent exact.
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (msg.role === 'user') {
      // User text is shown exactly as typed (only newlines become breaks).
      const p = document.createElement('p');
      const lines = String(msg.text).split(/\r\n?|\n/);
      lines.forEach(function (line, i) {
        if (i > 0) p.appendChild(document.createElement('br'));
        p.appendChild(document.createTextNode(line));
      });
      bubble.appendChild(p);
    } else {
      bubble.appendChild(renderText(msg.text));
    }
    el.appendChild(bubble);
    if (msg.buttons && msg.buttons.length) {
      const actions = renderButtons(msg.buttons);
      if (actions) el.appendChild(actions);
    }
    log.appendChild(el);
    return el;
  }

  function scrollBehavior() {
    return reducedMotion && reducedMotion.matches ? 'auto' : 'smooth';
  }

  function scrollAreaTo(top, instant) {
    if (!instant && typeof scroller.scrollTo === 'function') {
      try { scroller.scrollTo({ top: top, behavior: scrollBehavior() }); return; } catch (e) { /* old browser */ }
    }
    scroller.scrollTop = top;
  }

  function scrollToBottom(instant) {
    scrollAreaTo(scroller.scrollHeight, instant);
  }

  // scrollToAnswer shows the newest messages; a long answer is shown from its
  // start so the reader does not have to scroll back up.
  function scrollToAnswer(first) {
    if (first && first.offsetHeight > scroller.clientHeight * 0.8) {
      // .main is positioned, so offsetTop is measured from the scrolling area.
      scrollAreaTo(Math.max(0, first.offsetTop - 8));
    } else {
      scrollToBottom();
    }
  }

  function showWelcome() {
    renderMessage({ role: 'bot', text: WELCOME_TEXT }, 'welcome');
  }

  function buildSuggestions() {
    if (!suggestions) return;
    while (suggestions.firstChild) suggestions.removeChild(suggestions.firstChild);
    for (const s of SUGGESTIONS) {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'suggestion';
      btn.textContent = s.label;
      if (s.action) btn.dataset.action = s.action;
      else btn.dataset.text = s.text;
      suggestions.appendChild(btn);
    }
  }

  function setSuggestionsVisible(visible) {
    if (suggestions) suggestions.hidden = !visible;
  }

  // ------------------------------------------------------------- sending
  let busy = false;
  let controller = null;
  let generation = 0; // bumps with every message sent and every reset
  let resets = 0; // bumps with every reset

  function setBusy(on) {
    busy = on;
    sendBtn.disabled = on;
    log.setAttribute('aria-busy', on ? 'true' : 'false');
    const old = document.getElementById('typing');
    if (old) old.remove();
    if (on) {
      const t = document.createElement('div');
      t.id = 'typing';
      t.className = 'msg typing';
      const bubble = document.createElement('div');
      bubble.className = 'bubble';
      const label = document.createElement('span');
      label.textContent = 'Đang trả lời…';
      const dots = document.createElement('span');
      dots.className = 'dots';
      dots.setAttribute('aria-hidden', 'true');
      for (let i = 0; i < 3; i++) dots.appendChild(document.createElement('span'));
      bubble.appendChild(dots);
      bubble.appendChild(label);
      t.appendChild(bubble);
      log.appendChild(t);
      scrollToBottom();
    }
  }

  function showError(text) {
    const el = renderMessage({ role: 'bot', text: text || ERROR_TEXT }, 'error');
    scrollToBottom();
    return el;
  }

  function repliesOf(data) {
    if (!data || typeof data !== 'object') return [];
    // "reply" (the first reply) stands alone only in answers without
    // "replies" (e.g. 429); an empty list is an answer too (a silent bot).
    let list = Array.isArray(data.replies) ? data.replies : [];
    if (!Array.isArray(data.replies) && data.reply && typeof data.reply === 'object') list = [data.reply];
    return list.filter(function (r) {
      return r && typeof r === 'object' && (str(r.text, 1) !== '' || cleanButtons(r.buttons).length > 0);
    });
  }

  function focusInput() {
    try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); }
  }

  // ------------------------------------------------------------- handoff
  // The conversation's state with officers, kept like the history so a reload
  // resumes it: 'handoff' (waiting for or talking with an officer), 'rating'
  // (asked to rate the officer), or '' (the bot alone). at is the last news.
  function loadHandoff() {
    try {
      const h = JSON.parse(storageGet(HANDOFF_KEY) || 'null');
      if (h && (h.state === 'handoff' || h.state === 'rating') && typeof h.at === 'number') return { state: h.state, at: h.at };
    } catch (e) { /* none */ }
    return { state: '', at: 0 };
  }
  let handoff = loadHandoff();

  function setHandoff(state) {
    handoff = { state: state, at: state ? Date.now() : 0 };
    if (state) storageSet(HANDOFF_KEY, JSON.stringify(handoff));
    else storageRemove(HANDOFF_KEY);
    document.documentElement.dataset.handoff = state;
  }

  function inHandoff() {
    return handoff.state === 'handoff' && Date.now() - handoff.at < HANDOFF_FAST_FOR_MS;
  }

  function hasAction(replies, test) {
    return replies.some(function (r) {
      return cleanButtons(r.buttons).some(function (b) { return !!b.action && test(b.action); });
    });
  }
  const isRate = function (a) { return /^rate:/.test(a); };

  // handoffAfterTurn follows the conversation's state from an answer: the
  // request (and each queue notice) offers "Kết thúc", an officer holding the
  // chat makes the bot silent, the end asks for a rating, and the thanks for
  // the rating (or any other answer then) hands back to the bot. While the
  // request waits the bot answers other questions itself: the handoff goes on.
  function handoffAfterTurn(data) {
    const replies = repliesOf(data);
    if (data.intent === 'handoff') {
      if (hasAction(replies, isRate)) setHandoff('rating');
      else if (!replies.length || hasAction(replies, function (a) { return a === 'handoff:end'; })) setHandoff('handoff');
      else setHandoff('');
    } else if (handoff.state === 'rating') {
      setHandoff('');
    } else if (handoff.state === 'handoff') {
      setHandoff('handoff'); // the citizen is still here: keep the fast pace
    }
  }

  // inboxMessages turns an inbox answer into message records: "messages"
  // (with the officer's name) when the server sends them, else the replies
  // (an officer's reply then starts with "👤 Cán bộ NAME: ").
  function inboxMessages(data) {
    const replies = repliesOf(data);
    const list = Array.isArray(data && data.messages) ? data.messages.filter(function (m) { return m && typeof m === 'object'; }) : [];
    const out = [];
    if (list.length) {
      list.forEach(function (m, i) {
        if (m.from === 'staff') {
          out.push(cleanMessage({ role: 'staff', text: m.text, author: m.author, at: m.at }));
        } else {
          // Buttons (e.g. the rating question's) come with the matching reply.
          const r = replies.length === list.length ? replies[i] : null;
          out.push(cleanMessage({ role: 'bot', text: m.text, buttons: r && r.buttons, intent: data.intent }));
        }
      });
    } else {
      replies.forEach(function (r) {
        const m = STAFF_PREFIX_RE.exec(str(r.text, 20000));
        if (m) out.push(cleanMessage({ role: 'staff', text: m[2], author: m[1] || '' }));
        else out.push(cleanMessage({ role: 'bot', text: r.text, buttons: r.buttons, intent: data.intent }));
      });
    }
    return out.filter(function (m) { return m && m.text; });
  }

  // checkInbox asks for notifications queued for this chat (officers'
  // replies, a dossier status change) and shows them; silent on any failure.
  // It returns the milliseconds to wait before asking again when the server
  // asked to slow down (429), else 0.
  async function checkInbox() {
    const myReset = resets;
    let data = null;
    try {
      const res = await fetch(API_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify({ session_id: getSessionId(), action: 'inbox' }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (res.status === 429) {
        const secs = Number(res.headers.get('Retry-After'));
        return (isFinite(secs) && secs > 0 ? Math.min(secs, 120) : 30) * 1000;
      }
      if (!res.ok) return 0;
      data = await res.json();
    } catch (e) {
      return 0;
    }
    // Answers for a conversation reset meanwhile belong to the old session.
    if (myReset !== resets || !data || typeof data !== 'object') return 0;
    const msgs = inboxMessages(data);
    let first = null;
    for (const msg of msgs) {
      const el = renderMessage(msg, msg.role === 'bot' ? 'notification' : '');
      if (!first) first = el;
      history.push(msg);
      if (msg.role === 'staff') setHandoff('handoff');
      else if (msg.buttons && msg.buttons.some(function (b) { return b.action && isRate(b.action); })) setHandoff('rating');
    }
    if (first) {
      setSuggestionsVisible(false);
      saveHistory();
      scrollToAnswer(first);
    }
    return 0;
  }

  // Polling: one request at a time, only while the page is visible, never
  // while a message is being sent.
  let pollTimer = 0;
  let polling = false;
  let lastPoll = 0;

  function pageHidden() {
    return document.visibilityState === 'hidden';
  }

  // A chat that never said anything has nothing queued.
  function mayPoll() {
    return !pageHidden() && (history.length > 0 || !!handoff.state);
  }

  function schedulePoll(ms) {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = 0;
    if (!mayPoll()) return;
    pollTimer = setTimeout(pollNow, ms !== undefined ? ms : (inHandoff() ? POLL_HANDOFF_MS : POLL_IDLE_MS));
  }

  async function pollNow() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = 0;
    if (!mayPoll()) return;
    if (polling || busy) {
      schedulePoll(polling ? undefined : 1000);
      return;
    }
    polling = true;
    lastPoll = Date.now();
    let wait = 0;
    try {
      wait = await checkInbox();
    } finally {
      polling = false;
    }
    schedulePoll(wait || undefined);
  }

  // The page came back into view or got focus: ask now (at most every 2 s).
  function pollSoon() {
    if (!mayPoll()) {
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = 0;
      return;
    }
    if (Date.now() - lastPoll < 2000) schedulePoll();
    else pollNow();
  }

  // send posts one message. payload is {text} or {action}; label is what the
  // user bubble shows; typed is the textarea text to restore if sending fails.
  async function send(payload, label, typed) {
    if (busy) return false;
    const shown = String(label || '').trim();
    if (!shown) return false;

    setSuggestionsVisible(false);
    const userMsg = { role: 'user', text: shown };
    renderMessage(userMsg);
    scrollToBottom();
    setBusy(true);

    const myGen = ++generation;
    const body = Object.assign({ session_id: getSessionId() }, payload);
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    controller = ctrl;
    const timer = ctrl ? setTimeout(function () { ctrl.abort(); }, REQUEST_TIMEOUT_MS) : 0;

    let ok = false;
    let networkError = false;
    let data = null;
    try {
      const res = await fetch(API_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: ctrl ? ctrl.signal : undefined,
      });
      try { data = await res.json(); } catch (e) { data = null; }
      // While an officer holds the chat the bot stays silent: no replies.
      ok = res.ok && data !== null && (repliesOf(data).length > 0 || data.intent === 'handoff');
    } catch (e) {
      networkError = true;
    } finally {
      if (timer) clearTimeout(timer);
    }

    if (myGen !== generation) return false; // the conversation was reset meanwhile
    controller = null;
    setBusy(false);

    if (!ok) {
      showError(networkError ? NETWORK_ERROR_TEXT : ERROR_TEXT);
      // Keep what the user typed so nothing is lost.
      if (typed && input.value.trim() === '') {
        input.value = typed;
        autoGrow();
      }
      focusInput();
      return false;
    }

    history.push(userMsg);
    handoffAfterTurn(data);
    const replies = repliesOf(data);
    if (!replies.length && handoff.state === 'handoff') {
      // Relayed to the officer, who answers in this chat.
      const note = document.createElement('p');
      note.className = 'delivered';
      note.textContent = 'Đã gửi tới cán bộ';
      const last = log.lastElementChild;
      if (last && last.classList.contains('user')) last.appendChild(note);
    }
    let first = null;
    for (const r of replies) {
      const msg = cleanMessage({
        role: 'bot',
        text: r.text,
        buttons: r.buttons,
        intent: data.intent,
        procedure: data.procedure_id,
        section: data.section,
      });
      if (!msg) continue;
      const el = renderMessage(msg);
      if (!first) first = el;
      history.push(msg);
    }
    saveHistory();
    scrollToAnswer(first);
    focusInput();
    // An officer may already have answered; then keep the pace of the state.
    schedulePoll(handoff.state === 'handoff' ? 1500 : undefined);
    return true;
  }

  function sendTyped() {
    const raw = input.value;
    const text = raw.trim().slice(0, MAX_INPUT);
    if (!text || busy) return;
    input.value = '';
    autoGrow();
    send({ text: text }, text, raw);
  }

  function sendAction(action, label) {
    if (!action || busy) return;
    send({ action: action }, label || action, '');
  }

  // ------------------------------------------------------------- textarea
  function autoGrow() {
    input.style.height = 'auto';
    const max = Math.round(window.innerHeight * 0.35);
    input.style.height = Math.min(input.scrollHeight + 2, Math.max(max, 60)) + 'px';
  }

  // --------------------------------------------------------------- reset
  // endHandoff tells the server the citizen left the officer (a new
  // conversation starts on a new session, which the officer cannot reach).
  function endHandoff(sessionId) {
    try {
      fetch(API_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify({ session_id: sessionId, action: 'handoff:end' }),
        credentials: 'same-origin',
        cache: 'no-store',
        keepalive: true,
      }).catch(function () { /* best effort */ });
    } catch (e) { /* best effort */ }
  }

  function resetConversation() {
    if (handoff.state === 'handoff') endHandoff(getSessionId());
    generation++;
    resets++;
    if (controller) {
      try { controller.abort(); } catch (e) { /* ignore */ }
      controller = null;
    }
    setBusy(false);
    history = [];
    storageRemove(HISTORY_KEY);
    setHandoff('');
    schedulePoll();
    storageSet(SESSION_KEY, newSessionId());
    while (log.firstChild) log.removeChild(log.firstChild);
    showWelcome();
    setSuggestionsVisible(true);
    scroller.scrollTop = 0;
    input.value = '';
    autoGrow();
    focusInput();
  }

  // -------------------------------------------------------------- events
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    sendTyped();
  });

  input.addEventListener('keydown', function (e) {
    // Enter sends, Shift+Enter adds a line. Ignore Enter while an input method
    // (e.g. Vietnamese Telex) is composing a character.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendTyped();
    }
  });

  input.addEventListener('input', autoGrow);

  log.addEventListener('click', function (e) {
    const target = e.target instanceof Element ? e.target.closest('button.chip') : null;
    if (!target || !log.contains(target)) return;
    sendAction(target.dataset.action, target.textContent);
  });

  if (suggestions) {
    suggestions.addEventListener('click', function (e) {
      const target = e.target instanceof Element ? e.target.closest('button.suggestion') : null;
      if (!target) return;
      if (target.dataset.action) sendAction(target.dataset.action, target.textContent);
      else if (target.dataset.text && !busy) send({ text: target.dataset.text }, target.dataset.text, '');
    });
  }

  if (resetBtn) resetBtn.addEventListener('click', resetConversation);

  // ---------------------------------------------------------------- start
  getSessionId();
  buildSuggestions();
  if (history.length) {
    for (const m of history) renderMessage(m);
    setSuggestionsVisible(false);
    scrollToBottom(true);
  } else {
    showWelcome();
    setSuggestionsVisible(true);
  }
  autoGrow();
  document.documentElement.dataset.handoff = handoff.state;
  document.addEventListener('visibilitychange', pollSoon);
  window.addEventListener('focus', pollSoon);
  window.addEventListener('pageshow', pollSoon);
  // Notifications queued while the page was closed, then the polling pace.
  pollNow();
  // Focus the textarea on devices with a mouse; on phones this would pop up
  // the keyboard and hide the welcome text.
  if (window.matchMedia && window.matchMedia('(pointer: fine)').matches) focusInput();
})();
