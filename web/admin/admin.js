// dvcbot staff admin page. Plain ES2017, no build step, no dependencies.
//
// Safety rule: server and user text is NEVER parsed as HTML. Every node is
// built with createElement + textContent; the page works under a CSP without
// 'unsafe-inline'. Navigation is hash based (#procedures, #edit/<id>, #new,
// #revisions/<id>, #unanswered, #dossiers, #offices, #stats, #staff; other
// scripts add #catalog, #review and #handoff).
'use strict';

(function () {
  const TOKEN_KEY = 'dvcbot_admin_token';
  const API = '/api/admin';
  const REQUEST_TIMEOUT_MS = 30000;
  const TEXT = {
    loading: 'Đang tải…',
    network: 'Không kết nối được tới máy chủ. Bạn hãy kiểm tra kết nối mạng rồi thử lại.',
    timeout: 'Máy chủ phản hồi quá lâu. Bạn vui lòng thử lại.',
    unauthorized: 'Phiên làm việc đã hết hạn hoặc mã truy cập không hợp lệ. Bạn vui lòng đăng nhập lại.',
    badToken: 'Mã truy cập không đúng hoặc đã bị thu hồi.',
    forbidden: 'Bạn không có quyền thực hiện thao tác này.',
    notFound: 'Không tìm thấy dữ liệu yêu cầu.',
    server: 'Máy chủ gặp lỗi. Bạn vui lòng thử lại sau.',
    generic: 'Có lỗi xảy ra. Bạn vui lòng thử lại.',
    signedOut: 'Bạn đã đăng xuất.',
  };
  const ROLES = [
    { id: 'admin', label: 'Quản trị viên (admin)' },
    { id: 'editor', label: 'Biên tập nội dung (editor)' },
    { id: 'dossier_operator', label: 'Cập nhật hồ sơ (dossier_operator)' },
    { id: 'agent', label: 'Hỗ trợ trực tiếp người dân (agent)' },
  ];
  const ACTIONS = {
    seed: 'Nạp dữ liệu gốc', create: 'Tạo mới', update: 'Cập nhật', delete: 'Gỡ', restore: 'Khôi phục', import: 'Nhập danh mục',
  };
  const ONLINE_LEVELS = [
    { value: '', label: '— Chưa xác định —' },
    { value: 'full', label: 'Toàn trình (full)' },
    { value: 'partial', label: 'Một phần (partial)' },
    { value: 'none', label: 'Không trực tuyến (none)' },
  ];
  const UNANSWERED_STATUS = { open: 'Chưa xử lý', resolved: 'Đã thêm tên gọi', ignored: 'Đã bỏ qua' };

  const $ = (id) => document.getElementById(id);
  const main = $('main');
  const view = $('view');
  const statusEl = $('status');
  const signinView = $('view-signin');
  const signinForm = $('signin-form');
  const tokenInput = $('token');
  const signinMessage = $('signin-message');
  const nav = $('nav');
  const navStaff = $('nav-staff');
  const navHandoff = $('nav-handoff');
  const account = $('account');
  const whoami = $('whoami');
  const signoutBtn = $('signout');
  if (!main || !view || !statusEl || !signinForm || !tokenInput) return;

  // ------------------------------------------------------------------ state
  const memoryStore = {};
  let token = storageGet(TOKEN_KEY) || '';
  let me = null;
  let routeSeq = 0; // bumps on every navigation; stale async renders bail out
  let pending = 0; // requests in flight
  let message = { text: '', kind: '' };
  let keepStatus = false; // keep the current message across the next navigation
  let procQuery = '';

  function storageGet(key) {
    try {
      const v = window.sessionStorage.getItem(key);
      if (v !== null) return v;
    } catch (e) { /* fall through */ }
    return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
  }
  function storageSet(key, value) {
    memoryStore[key] = value;
    try { window.sessionStorage.setItem(key, value); } catch (e) { /* memory only */ }
  }
  function storageRemove(key) {
    delete memoryStore[key];
    try { window.sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  // ------------------------------------------------------------ DOM helpers
  // el('tag', {class, id, text, for, on: {click: fn}, ...attributes}, children)
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach((k) => {
        const v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'class') node.className = v;
        else if (k === 'for') node.htmlFor = v;
        else if (k === 'on') Object.keys(v).forEach((ev) => node.addEventListener(ev, v[ev]));
        else if (k === 'value') node.value = v;
        else if (k === 'checked' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'selected') node[k] = !!v;
        else node.setAttribute(k, v === true ? '' : String(v));
      });
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    if (children === undefined || children === null) return node;
    (Array.isArray(children) ? children : [children]).forEach((c) => {
      if (c === undefined || c === null || c === false) return;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return node;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }
  function heading(text) {
    return el('h2', { class: 'view-title', tabindex: '-1', text: text });
  }
  function notice(text, kind) {
    return el('p', { class: 'notice' + (kind ? ' notice-' + kind : ''), text: text });
  }
  function visuallyHidden(text) {
    return el('span', { class: 'visually-hidden', text: text });
  }
  function table(id, caption, headers, rows, extraClass) {
    return el('div', { class: 'table-wrap' }, el('table', { id: id, class: 'table' + (extraClass ? ' ' + extraClass : '') }, [
      caption ? el('caption', { text: caption }) : null,
      el('thead', null, el('tr', null, headers.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', null, rows),
    ]));
  }
  function str(v) {
    return v === undefined || v === null ? '' : String(v);
  }
  function arr(v) {
    return Array.isArray(v) ? v : [];
  }
  function num(v) {
    const n = Number(v);
    return isFinite(n) ? n : 0;
  }
  function formatTime(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d.getTime())) return String(v);
    const p2 = (n) => (n < 10 ? '0' : '') + n;
    return p2(d.getDate()) + '/' + p2(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' + p2(d.getHours()) + ':' + p2(d.getMinutes());
  }
  function formatNumber(n) {
    try { return Number(n).toLocaleString('vi-VN'); } catch (e) { return String(n); }
  }
  function fold(s) {
    return str(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().trim();
  }
  function enc(s) {
    return encodeURIComponent(str(s));
  }
  function debounce(fn, ms) {
    let t = 0;
    return function () {
      const args = arguments;
      clearTimeout(t);
      t = setTimeout(() => fn.apply(null, args), ms);
    };
  }

  // ----------------------------------------------------------------- status
  function renderStatus() {
    const loading = pending > 0;
    main.setAttribute('aria-busy', loading ? 'true' : 'false');
    const text = loading ? TEXT.loading : message.text;
    const kind = loading ? 'loading' : message.kind;
    statusEl.textContent = text;
    statusEl.className = 'status' + (kind ? ' status-' + kind : '');
  }
  function setStatus(text, kind) {
    message = { text: text || '', kind: kind || '' };
    renderStatus();
  }
  function fail(err) {
    if (err && err.handled) return;
    setStatus((err && err.message) || TEXT.generic, 'error');
  }

  // -------------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, data, msg) {
      super(msg);
      this.status = status;
      this.data = data;
      this.handled = false;
    }
  }

  // api performs one request and returns the parsed JSON body ({} if none).
  // A 401 signs out; a 403 shows the "no permission" message. Both throw an
  // ApiError with handled = true so callers can stay quiet. A quiet request
  // (background polling) leaves the "Đang tải…" status alone.
  async function api(method, path, body, contentType, timeoutMs, quiet) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || (typeof Blob === 'function' && body instanceof Blob)) {
        payload = body;
        headers['Content-Type'] = contentType || 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(body);
        headers['Content-Type'] = 'application/json';
      }
    }
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), timeoutMs || REQUEST_TIMEOUT_MS) : 0;
    if (!quiet) {
      pending++;
      renderStatus();
    }
    let res;
    let text = '';
    try {
      res = await fetch(API + path, {
        method: method, headers: headers, body: payload,
        credentials: 'same-origin', cache: 'no-store', signal: ctrl ? ctrl.signal : undefined,
      });
      text = await res.text();
    } catch (e) {
      const timedOut = e && e.name === 'AbortError';
      const err = new ApiError(0, null, timedOut ? TEXT.timeout : TEXT.network);
      throw err;
    } finally {
      clearTimeout(timer);
      if (!quiet) {
        pending--;
        renderStatus();
      }
    }
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (res.ok) return data && typeof data === 'object' ? data : {};
    let msg = data && typeof data.error === 'string' && data.error ? data.error : '';
    if (!msg) {
      if (res.status === 404) msg = TEXT.notFound;
      else if (res.status >= 500) msg = TEXT.server;
      else msg = TEXT.generic + ' (mã lỗi ' + res.status + ')';
    }
    const err = new ApiError(res.status, data, msg);
    if (res.status === 401) {
      err.handled = true;
      signOutLocal(TEXT.unauthorized);
    } else if (res.status === 403) {
      err.handled = true;
      err.message = TEXT.forbidden;
      if (!quiet) setStatus(TEXT.forbidden, 'error');
    }
    throw err;
  }

  // ----------------------------------------------------------------- sign-in
  function showSignin(msg, kind) {
    routeSeq++;
    clear(view);
    nav.hidden = true;
    account.hidden = true;
    signinView.hidden = false;
    if (msg) {
      signinMessage.textContent = msg;
      signinMessage.className = 'notice' + (kind ? ' notice-' + kind : '');
      signinMessage.hidden = false;
    } else {
      signinMessage.hidden = true;
    }
    tokenInput.value = '';
    tokenInput.removeAttribute('aria-invalid');
    tokenInput.focus();
  }
  function signOutLocal(msg) {
    token = '';
    me = null;
    storageRemove(TOKEN_KEY);
    setStatus('');
    showSignin(msg, msg === TEXT.signedOut ? 'info' : 'error');
  }
  function isAdmin() {
    return !!me && arr(me.roles).indexOf('admin') >= 0;
  }
  // hasRole: admin has every role.
  function hasRole(role) {
    return isAdmin() || (!!me && arr(me.roles).indexOf(role) >= 0);
  }
  // The first screen: officers who only answer citizens start at their queue.
  function homeView() {
    return hasRole('agent') && !hasRole('editor') ? 'handoff' : 'procedures';
  }
  function showSignedIn() {
    signinView.hidden = true;
    nav.hidden = false;
    account.hidden = false;
    const name = str(me && (me.name || (me.staff && me.staff.name) || me.id)) || 'Cán bộ';
    const roles = arr(me && (me.roles || (me.staff && me.staff.roles)));
    if (me && !me.roles && roles.length) me.roles = roles;
    whoami.textContent = name + (roles.length ? ' (' + roles.join(', ') + ')' : '');
    navStaff.hidden = !isAdmin();
    if (navHandoff) navHandoff.hidden = !hasRole('agent');
  }
  async function loadMe() {
    const data = await api('GET', '/me');
    me = data.staff && !data.name ? data.staff : data;
    showSignedIn();
  }

  signinForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = tokenInput.value.trim();
    if (!value) {
      tokenInput.setAttribute('aria-invalid', 'true');
      signinMessage.textContent = 'Bạn hãy nhập mã truy cập.';
      signinMessage.className = 'notice notice-error';
      signinMessage.hidden = false;
      tokenInput.focus();
      return;
    }
    token = value;
    storageSet(TOKEN_KEY, value);
    try {
      await loadMe();
    } catch (e) {
      if (e.status === 401) {
        showSignin(TEXT.badToken, 'error');
        tokenInput.setAttribute('aria-invalid', 'true');
      } else {
        fail(e);
      }
      return;
    }
    setStatus('');
    const h = location.hash.replace(/^#/, '');
    if (!h || h === 'signin') location.hash = '#' + homeView();
    else route();
  });
  signoutBtn.addEventListener('click', () => {
    signOutLocal(TEXT.signedOut);
  });

  // ------------------------------------------------------------------ router
  function navigate(hash, keep) {
    keepStatus = !!keep;
    if (location.hash === hash) route();
    else location.hash = hash;
  }
  async function route() {
    const seq = ++routeSeq;
    if (!keepStatus) setStatus('');
    keepStatus = false;
    if (!token) {
      showSignin();
      return;
    }
    if (!me) {
      try {
        await loadMe();
      } catch (e) {
        fail(e);
        return;
      }
      if (seq !== routeSeq) return;
    }
    signinView.hidden = true;
    const hash = location.hash.replace(/^#/, '');
    const slash = hash.indexOf('/');
    const name = (slash >= 0 ? hash.slice(0, slash) : hash) || homeView();
    let arg = slash >= 0 ? hash.slice(slash + 1) : '';
    try { arg = decodeURIComponent(arg); } catch (e) { /* keep raw */ }
    const links = nav.querySelectorAll('a[data-view]');
    const section = name === 'edit' || name === 'new' || name === 'revisions' ? 'procedures' : (name || 'procedures');
    Array.prototype.forEach.call(links, (a) => {
      if (a.getAttribute('data-view') === section) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    const ctx = { seq: seq, live: () => seq === routeSeq };
    clear(view);
    try {
      switch (name) {
        case 'edit': await renderEdit(ctx, arg); break;
        case 'new': await renderEdit(ctx, ''); break;
        case 'revisions': await renderRevisions(ctx, arg); break;
        case 'unanswered': await renderUnanswered(ctx); break;
        case 'dossiers': renderDossiers(ctx); break;
        case 'offices': await renderOffices(ctx); break;
        case 'stats': await renderStats(ctx); break;
        case 'staff': await renderStaff(ctx); break;
        default:
          if (views[name]) await views[name](ctx, arg);
          else await renderProcedures(ctx);
          break;
      }
    } catch (e) {
      if (!ctx.live()) return;
      if (e.status === 403) mount(ctx, [heading('Không có quyền truy cập'), notice(TEXT.forbidden, 'error')]);
      else if (e.status === 404) mount(ctx, [heading('Không tìm thấy'), notice(e.message, 'warn'), el('p', null, el('a', { href: '#procedures', text: '← Danh sách thủ tục' }))]);
      fail(e);
    }
  }
  function mount(ctx, nodes) {
    if (!ctx.live()) return false;
    clear(view);
    append(view, nodes);
    const h = view.querySelector('.view-title');
    if (h) h.focus({ preventScroll: false });
    return true;
  }

  // -------------------------------------------------------------- procedures
  function normalizeListItem(it) {
    const p = it && it.procedure && typeof it.procedure === 'object' ? it.procedure : (it || {});
    return {
      id: str(p.id || it.id),
      title: str(p.title || it.title),
      field: str(p.field || it.field),
      aliases: arr(p.aliases),
      revision: it.revision !== undefined ? it.revision : p.revision,
      deleted: !!(it.deleted || p.deleted),
    };
  }
  async function fetchProcedures(q) {
    const data = await api('GET', '/procedures?kind=curated' + (q ? '&q=' + enc(q) : ''));
    const list = Array.isArray(data) ? data : arr(data.procedures || data.items);
    return list.map(normalizeListItem).filter((p) => p.id);
  }
  function procRows(list) {
    if (!list.length) {
      return [el('tr', null, el('td', { colspan: '6', class: 'empty', text: 'Không có thủ tục nào phù hợp.' }))];
    }
    return list.map((p) => el('tr', { class: 'proc-row' + (p.deleted ? ' is-deleted' : ''), 'data-id': p.id }, [
      el('td', null, el('a', { class: 'proc-edit', href: '#edit/' + enc(p.id), text: p.title || p.id })),
      el('td', null, el('code', { text: p.id })),
      el('td', { text: p.field }),
      el('td', { class: 'num', text: str(p.revision) }),
      el('td', null, p.deleted ? el('span', { class: 'badge badge-deleted', text: 'Đã gỡ' }) : el('span', { class: 'badge badge-active', text: 'Đang dùng' })),
      el('td', { class: 'actions' }, [
        el('a', { class: 'proc-history', href: '#revisions/' + enc(p.id) }, ['Lịch sử', visuallyHidden(' ' + (p.title || p.id))]),
      ]),
    ]));
  }
  async function renderProcedures(ctx) {
    const list = await fetchProcedures(procQuery);
    const tbodyHolder = table('proc-table', 'Danh sách thủ tục', ['Tên thủ tục', 'Mã (id)', 'Lĩnh vực', 'Phiên bản', 'Trạng thái', 'Lịch sử'], procRows(list));
    const tbody = tbodyHolder.querySelector('tbody');
    const count = el('p', { id: 'proc-count', class: 'muted', text: list.length + ' thủ tục' });
    const search = el('input', { id: 'proc-search', type: 'search', value: procQuery, autocomplete: 'off', placeholder: 'Tên, tên gọi khác hoặc mã' });
    let searchSeq = 0;
    const doSearch = async () => {
      procQuery = search.value.trim();
      const mySeq = ++searchSeq;
      try {
        const found = await fetchProcedures(procQuery);
        if (mySeq !== searchSeq || !ctx.live()) return;
        clear(tbody);
        append(tbody, procRows(found));
        count.textContent = found.length + ' thủ tục';
      } catch (e) {
        fail(e);
      }
    };
    search.addEventListener('input', debounce(doSearch, 300));
    const form = el('form', { class: 'toolbar', role: 'search', action: '#', on: { submit: (ev) => { ev.preventDefault(); doSearch(); } } }, [
      el('div', { class: 'field field-inline' }, [el('label', { for: 'proc-search', text: 'Tìm thủ tục' }), search]),
      el('button', { type: 'submit', class: 'btn', text: 'Tìm' }),
      el('a', { id: 'proc-new', class: 'btn btn-primary', href: '#new', text: 'Thêm thủ tục' }),
    ]);
    mount(ctx, [heading('Thủ tục'), form, count, tbodyHolder]);
  }

  // -------------------------------------------------------------------- edit
  // Each entry: key (JSON path), label, kind (text | textarea | lines | docs |
  // select | checkbox | amount | url), help.
  const FORM_FIELDS = [
    { key: 'id', label: 'Mã thủ tục (id)', kind: 'text', help: 'Chữ thường không dấu, nối bằng dấu gạch ngang, ví dụ: cap-doi-can-cuoc. Không sửa được sau khi tạo.' },
    { key: 'title', label: 'Tên thủ tục', kind: 'text', required: true },
    { key: 'aliases', label: 'Tên gọi khác', kind: 'lines', help: 'Mỗi dòng một tên gọi mà người dân hay dùng.' },
    { key: 'field', label: 'Lĩnh vực', kind: 'text' },
    { key: 'agency', label: 'Cơ quan thực hiện', kind: 'text' },
    { key: 'level', label: 'Cấp thực hiện', kind: 'text', help: 'Ví dụ: xã, tỉnh, trung ương.' },
    { key: 'summary', label: 'Tóm tắt', kind: 'textarea' },
    { key: 'conditions', label: 'Điều kiện thực hiện', kind: 'textarea' },
    { key: 'documents', label: 'Thành phần hồ sơ', kind: 'docs', help: 'Mỗi dòng một giấy tờ: Tên giấy tờ | số bản | ghi chú (số bản và ghi chú có thể bỏ trống).' },
    { key: 'steps', label: 'Các bước thực hiện', kind: 'lines', help: 'Mỗi dòng một bước, theo thứ tự.' },
    { key: 'processing_time', label: 'Thời hạn giải quyết', kind: 'text' },
    { group: 'Phí, lệ phí' },
    { key: 'fees.text', label: 'Mô tả phí, lệ phí', kind: 'text' },
    { key: 'fees.amount', label: 'Số tiền (đồng)', kind: 'amount', help: 'Chỉ ghi số, ví dụ 50000. Ghi 0 nếu miễn phí; để trống nếu không có một mức cố định.' },
    { group: 'Dịch vụ công trực tuyến' },
    { key: 'online.level', label: 'Mức độ trực tuyến', kind: 'select', options: ONLINE_LEVELS },
    { key: 'online.text', label: 'Hướng dẫn nộp trực tuyến', kind: 'textarea' },
    { key: 'online.url', label: 'Đường dẫn nộp trực tuyến', kind: 'url' },
    { key: 'online.vneid', label: 'Thực hiện được trên ứng dụng VNeID', kind: 'checkbox' },
    { key: 'online.payment', label: 'Thanh toán phí trực tuyến', kind: 'checkbox' },
    { group: '' },
    { key: 'result', label: 'Kết quả', kind: 'text' },
    { key: 'legal_basis', label: 'Căn cứ pháp lý', kind: 'lines', help: 'Mỗi dòng một văn bản.' },
    { key: 'tips', label: 'Lưu ý cho người dân', kind: 'lines', help: 'Mỗi dòng một lưu ý.' },
    { key: 'source', label: 'Nguồn', kind: 'url', help: 'Đường dẫn tới trang thủ tục trên Cổng Dịch vụ công.' },
  ];
  // Fields the form does not show; saving keeps them as they were.
  const KEPT_FIELDS = ['kind', 'national_code', 'national_codes', 'subjects', 'related', 'sources', 'reviewed_at'];
  function fieldId(key) {
    return 'f-' + key.replace(/\./g, '-');
  }
  function getPath(obj, key) {
    return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
  }
  function docLine(d) {
    if (typeof d === 'string') return d;
    if (!d || typeof d !== 'object') return '';
    const parts = [str(d.name).trim(), str(d.copies).trim(), str(d.note).trim()];
    while (parts.length > 1 && !parts[parts.length - 1]) parts.pop();
    return parts.join(' | ');
  }
  function linesOf(text) {
    return str(text).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  }
  function parseDocs(text, original) {
    const byName = {};
    arr(original).forEach((d) => { if (d && typeof d === 'object' && d.name) byName[d.name] = d; });
    return linesOf(text).map((line) => {
      const parts = line.split('|').map((s) => s.trim());
      const doc = { name: parts[0] || '' };
      if (parts[1]) doc.copies = parts[1];
      const note = parts.slice(2).filter(Boolean).join(' | ');
      if (note) doc.note = note;
      const old = byName[doc.name];
      if (old && old.form) doc.form = old.form;
      return doc;
    });
  }
  function buildControl(f, value) {
    const id = fieldId(f.key);
    const helpId = f.help ? id + '-help' : null;
    const common = { id: id, name: f.key, 'aria-describedby': helpId || undefined };
    let control;
    switch (f.kind) {
      case 'textarea':
        control = el('textarea', Object.assign({ rows: '3' }, common));
        control.value = str(value);
        break;
      case 'lines':
        control = el('textarea', Object.assign({ rows: '4' }, common));
        control.value = arr(value).map(str).join('\n');
        break;
      case 'docs':
        control = el('textarea', Object.assign({ rows: '6', class: 'mono' }, common));
        control.value = arr(value).map(docLine).join('\n');
        break;
      case 'select':
        control = el('select', common, f.options.map((o) => el('option', { value: o.value, text: o.label })));
        control.value = f.options.some((o) => o.value === str(value)) ? str(value) : '';
        break;
      case 'checkbox':
        control = el('input', Object.assign({ type: 'checkbox', checked: !!value }, common));
        break;
      case 'amount':
        control = el('input', Object.assign({ type: 'text', inputmode: 'numeric', autocomplete: 'off', value: value === undefined || value === null ? '' : String(value) }, common));
        break;
      case 'url':
        control = el('input', Object.assign({ type: 'url', autocomplete: 'off', spellcheck: 'false', value: str(value) }, common));
        break;
      default:
        control = el('input', Object.assign({ type: 'text', autocomplete: 'off', value: str(value), required: !!f.required }, common));
    }
    const label = el('label', { for: id, text: f.label + (f.required ? ' (bắt buộc)' : '') });
    const parts = f.kind === 'checkbox' ? [control, label] : [label, control];
    return el('div', { class: 'field' + (f.kind === 'checkbox' ? ' field-check' : ''), 'data-field': f.key }, parts.concat([
      f.help ? el('p', { id: helpId, class: 'help', text: f.help }) : null,
      el('p', { id: id + '-error', class: 'field-error', hidden: true }),
    ]));
  }
  function clearFieldErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), (p) => { p.textContent = ''; p.hidden = true; });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), (c) => {
      c.removeAttribute('aria-invalid');
      const d = str(c.getAttribute('aria-describedby')).split(' ').filter((x) => x && x !== c.id + '-error').join(' ');
      if (d) c.setAttribute('aria-describedby', d); else c.removeAttribute('aria-describedby');
    });
  }
  // controlFor maps a server field path ("documents[0].name", "fees.amount",
  // "online") to the form control that edits it.
  function controlFor(form, field) {
    const path = str(field).trim();
    if (!path) return null;
    const tries = [path.replace(/\[\d+\]/g, ''), path.split(/[.[]/)[0]];
    const exact = path.replace(/\[\d+\].*$/, '');
    tries.unshift(exact);
    if (path === 'fees') tries.unshift('fees.text');
    if (path === 'online') tries.unshift('online.text');
    for (let i = 0; i < tries.length; i++) {
      const c = form.querySelector('#' + fieldId(tries[i]).replace(/[^A-Za-z0-9_-]/g, '_'));
      if (c) return c;
    }
    return null;
  }
  function showFieldError(form, field, msg, generalBox) {
    const control = controlFor(form, field);
    const m = /\[(\d+)\]/.exec(str(field));
    const text = msg + (m ? ' (dòng ' + (Number(m[1]) + 1) + ')' : '');
    if (!control) {
      generalBox.textContent = text + (field ? ' [' + field + ']' : '');
      generalBox.hidden = false;
      generalBox.focus();
      return;
    }
    const errEl = $(control.id + '-error');
    if (errEl) {
      errEl.textContent = text;
      errEl.hidden = false;
      const d = str(control.getAttribute('aria-describedby')).split(' ').filter(Boolean);
      if (d.indexOf(errEl.id) < 0) d.push(errEl.id);
      control.setAttribute('aria-describedby', d.join(' '));
    }
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }

  async function renderEdit(ctx, id) {
    const isNew = !id;
    let proc = {};
    let revision = null;
    let deleted = false;
    if (!isNew) {
      const data = await api('GET', '/procedures/' + enc(id));
      proc = data.procedure && typeof data.procedure === 'object' ? data.procedure : data;
      revision = data.revision !== undefined ? data.revision : proc.revision;
      deleted = !!(data.deleted || proc.deleted);
    }
    const title = isNew ? 'Thêm thủ tục' : 'Sửa thủ tục: ' + (str(proc.title) || id);
    const generalError = el('p', { id: 'form-error', class: 'notice notice-error', role: 'alert', tabindex: '-1', hidden: true });
    const conflict = el('div', { id: 'conflict', class: 'notice notice-warn', role: 'alert', tabindex: '-1', hidden: true }, [
      el('p', { text: 'Thủ tục này vừa được người khác thay đổi sau khi bạn mở. Thay đổi của bạn CHƯA được lưu.' }),
      el('p', { text: 'Bạn hãy sao chép phần mình đã sửa (nếu cần), rồi tải lại bản mới nhất và sửa lại.' }),
      el('button', { id: 'reload', type: 'button', class: 'btn', text: 'Tải lại bản mới nhất', on: { click: () => navigate(location.hash) } }),
    ]);
    const body = [];
    let group = null;
    FORM_FIELDS.forEach((f) => {
      if ('group' in f) {
        if (f.group) {
          group = el('fieldset', { class: 'group' }, el('legend', { text: f.group }));
          body.push(group);
        } else {
          group = null;
        }
        return;
      }
      const node = buildControl(f, getPath(proc, f.key));
      if (f.key === 'id' && !isNew) {
        const input = node.querySelector('input');
        input.readOnly = true;
        input.setAttribute('aria-readonly', 'true');
      }
      if (group) group.appendChild(node);
      else body.push(node);
    });
    const comment = el('div', { class: 'field', 'data-field': 'comment' }, [
      el('label', { for: 'f-comment', text: 'Ghi chú thay đổi' }),
      el('input', { id: 'f-comment', name: 'comment', type: 'text', autocomplete: 'off', 'aria-describedby': 'f-comment-help', placeholder: 'Ví dụ: cập nhật lệ phí theo Thông tư mới' }),
      el('p', { id: 'f-comment-help', class: 'help', text: 'Ghi ngắn gọn bạn đã sửa gì và vì sao; ghi chú được lưu trong lịch sử phiên bản.' }),
      el('p', { id: 'f-comment-error', class: 'field-error', hidden: true }),
    ]);
    const saveBtn = el('button', { id: 'save', type: 'submit', class: 'btn btn-primary', text: isNew ? 'Tạo thủ tục' : 'Lưu thay đổi' });
    const withdrawBtn = !isNew && !deleted ? el('button', { id: 'withdraw', type: 'button', class: 'btn btn-danger', text: 'Gỡ thủ tục' }) : null;
    const form = el('form', { id: 'edit-form', class: 'card form', action: '#', novalidate: true, autocomplete: 'off' },
      [generalError, conflict].concat(body, [comment, el('div', { class: 'form-actions' }, [saveBtn, withdrawBtn,
        el('a', { class: 'btn btn-link', href: '#procedures', text: 'Huỷ' })])]));

    function collect() {
      const v = (key) => { const c = form.querySelector('#' + fieldId(key)); return c ? c.value : ''; };
      const chk = (key) => { const c = form.querySelector('#' + fieldId(key)); return !!(c && c.checked); };
      const out = {
        id: (isNew ? v('id') : str(proc.id || id)).trim(),
        title: v('title').trim(),
        aliases: linesOf(v('aliases')),
        field: v('field').trim(),
        agency: v('agency').trim(),
        level: v('level').trim(),
        summary: v('summary').trim(),
        conditions: v('conditions').trim(),
        documents: parseDocs(v('documents'), proc.documents),
        steps: linesOf(v('steps')),
        processing_time: v('processing_time').trim(),
        fees: { text: v('fees.text').trim() },
        online: { level: v('online.level'), text: v('online.text').trim(), url: v('online.url').trim(), vneid: chk('online.vneid'), payment: chk('online.payment') },
        result: v('result').trim(),
        legal_basis: linesOf(v('legal_basis')),
        tips: linesOf(v('tips')),
        source: v('source').trim(),
      };
      if (proc.code) out.code = proc.code;
      KEPT_FIELDS.forEach((k) => { if (proc[k] !== undefined && proc[k] !== null) out[k] = proc[k]; });
      if (!out.online.level) delete out.online.level;
      const amount = v('fees.amount').replace(/[\s.,]/g, '');
      if (amount !== '') {
        if (!/^\d{1,15}$/.test(amount)) return { error: { field: 'fees.amount', message: 'Số tiền phải là số nguyên không âm, tính bằng đồng (ví dụ 50000).' } };
        out.fees.amount = Number(amount);
      }
      if (!out.title) return { error: { field: 'title', message: 'Bạn hãy nhập tên thủ tục.' } };
      if (isNew && !out.id) return { error: { field: 'id', message: 'Bạn hãy nhập mã thủ tục.' } };
      return { proc: out };
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      generalError.hidden = true;
      conflict.hidden = true;
      const got = collect();
      if (got.error) {
        showFieldError(form, got.error.field, got.error.message, generalError);
        setStatus('Chưa lưu: ' + got.error.message, 'error');
        return;
      }
      const note = $('f-comment').value.trim();
      saveBtn.disabled = true;
      try {
        if (isNew) {
          await api('POST', '/procedures' + (note ? '?comment=' + enc(note) : ''), got.proc);
        } else {
          await api('PUT', '/procedures/' + enc(got.proc.id) + '?revision=' + enc(revision) + '&comment=' + enc(note), got.proc);
        }
        setStatus('Đã lưu thủ tục “' + got.proc.title + '”.', 'ok');
        navigate('#edit/' + enc(got.proc.id), true);
      } catch (e) {
        if (e.status === 400) {
          const field = e.data && e.data.field;
          showFieldError(form, field, e.message, generalError);
          setStatus('Chưa lưu: ' + e.message, 'error');
        } else if (e.status === 409 && isNew) {
          showFieldError(form, 'id', e.data && e.data.error ? e.data.error : 'Đã có thủ tục dùng mã này. Bạn hãy chọn mã khác.', generalError);
          setStatus('Chưa lưu: mã thủ tục đã được dùng.', 'error');
        } else if (e.status === 409) {
          conflict.hidden = false;
          conflict.focus();
          setStatus('Chưa lưu: thủ tục đã được người khác thay đổi.', 'error');
        } else {
          fail(e);
        }
      } finally {
        saveBtn.disabled = false;
      }
    });

    if (withdrawBtn) {
      withdrawBtn.addEventListener('click', async () => {
        const name = str(proc.title) || id;
        if (!window.confirm('Gỡ thủ tục “' + name + '”?\n\nTrợ lý sẽ không dùng thủ tục này để trả lời nữa. Bạn có thể khôi phục lại trong Lịch sử phiên bản.')) return;
        const note = $('f-comment').value.trim();
        withdrawBtn.disabled = true;
        try {
          await api('DELETE', '/procedures/' + enc(id) + '?revision=' + enc(revision) + (note ? '&comment=' + enc(note) : ''));
          setStatus('Đã gỡ thủ tục “' + name + '”.', 'ok');
          navigate('#procedures', true);
        } catch (e) {
          if (e.status === 409) {
            conflict.hidden = false;
            conflict.focus();
            setStatus('Chưa gỡ: thủ tục đã được người khác thay đổi.', 'error');
          } else {
            fail(e);
          }
        } finally {
          withdrawBtn.disabled = false;
        }
      });
    }

    const meta = isNew ? null : el('p', { class: 'muted' }, [
      'Mã: ', el('code', { text: str(proc.id || id) }),
      revision !== undefined && revision !== null ? ' · Phiên bản ' + revision : '',
      proc.updated_at ? ' · Cập nhật ' + formatTime(proc.updated_at) : '',
      ' · ', el('a', { id: 'edit-history', href: '#revisions/' + enc(id), text: 'Lịch sử phiên bản' }),
    ]);
    mount(ctx, [
      el('p', { class: 'crumbs' }, el('a', { href: '#procedures', text: '← Danh sách thủ tục' })),
      heading(title),
      meta,
      deleted ? notice('Thủ tục này đã bị gỡ: trợ lý không dùng nó để trả lời. Muốn dùng lại, hãy khôi phục một phiên bản trong Lịch sử phiên bản.', 'warn') : null,
      form,
    ]);
  }

  // --------------------------------------------------------------- revisions
  const DIFF_FIELDS = [
    ['id', 'Mã thủ tục'], ['code', 'Mã TTHC'], ['title', 'Tên thủ tục'], ['aliases', 'Tên gọi khác', 'list'],
    ['field', 'Lĩnh vực'], ['agency', 'Cơ quan thực hiện'], ['level', 'Cấp thực hiện'], ['summary', 'Tóm tắt'],
    ['conditions', 'Điều kiện thực hiện'], ['documents', 'Thành phần hồ sơ', 'docs'], ['steps', 'Các bước thực hiện', 'list'],
    ['processing_time', 'Thời hạn giải quyết'], ['fees.text', 'Mô tả phí, lệ phí'], ['fees.amount', 'Số tiền (đồng)'],
    ['online.level', 'Mức độ trực tuyến'], ['online.text', 'Hướng dẫn nộp trực tuyến'], ['online.url', 'Đường dẫn nộp trực tuyến'],
    ['online.vneid', 'Thực hiện trên VNeID'], ['online.payment', 'Thanh toán trực tuyến'], ['result', 'Kết quả'],
    ['legal_basis', 'Căn cứ pháp lý', 'list'], ['tips', 'Lưu ý cho người dân', 'list'], ['source', 'Nguồn'],
  ];
  function scalarText(v) {
    if (v === undefined || v === null || v === '') return '';
    if (typeof v === 'boolean') return v ? 'Có' : 'Không';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  function listOf(v, kind) {
    return arr(v).map((x) => (kind === 'docs' ? docLine(x) : scalarText(x))).filter((s) => s !== '');
  }
  // diffProcedures returns one entry per changed field:
  // {label, removed: [...], added: [...], reordered: bool}.
  function diffProcedures(oldP, newP) {
    const out = [];
    DIFF_FIELDS.forEach((f) => {
      const [key, label, kind] = f;
      const a = getPath(oldP || {}, key);
      const b = getPath(newP || {}, key);
      if (kind) {
        const la = listOf(a, kind);
        const lb = listOf(b, kind);
        const removed = la.filter((x) => lb.indexOf(x) < 0);
        const added = lb.filter((x) => la.indexOf(x) < 0);
        const reordered = !removed.length && !added.length && la.join('\n') !== lb.join('\n');
        if (removed.length || added.length || reordered) out.push({ label: label, list: true, removed: removed, added: added, reordered: reordered });
      } else {
        const sa = scalarText(a);
        const sb = scalarText(b);
        if (sa !== sb) out.push({ label: label, list: false, removed: sa ? [sa] : [], added: sb ? [sb] : [], emptied: !sb, filled: !sa });
      }
    });
    return out;
  }
  function renderDiff(changes, isFirst) {
    const box = el('div', { id: 'rev-diff', class: 'diff' });
    if (!changes.length) {
      box.appendChild(notice(isFirst ? 'Bản đầu tiên không có nội dung.' : 'Không có thay đổi nội dung so với phiên bản trước.'));
      return box;
    }
    changes.forEach((c) => {
      const items = [];
      c.removed.forEach((t) => items.push(el('li', { class: 'diff-del' }, [el('span', { class: 'diff-mark', 'aria-hidden': 'true', text: '− ' }), visuallyHidden('Bỏ: '), t])));
      c.added.forEach((t) => items.push(el('li', { class: 'diff-add' }, [el('span', { class: 'diff-mark', 'aria-hidden': 'true', text: '+ ' }), visuallyHidden('Thêm: '), t])));
      if (c.reordered) items.push(el('li', { class: 'diff-note', text: 'Đổi thứ tự các mục.' }));
      if (!c.list && c.emptied) items.push(el('li', { class: 'diff-note', text: '(Đã xoá nội dung)' }));
      box.appendChild(el('section', { class: 'diff-field' }, [
        el('h4', { class: 'diff-label', text: c.label }),
        el('ul', { class: 'diff-list' }, items),
      ]));
    });
    return box;
  }
  async function renderRevisions(ctx, id) {
    const data = await api('GET', '/procedures/' + enc(id) + '/revisions');
    const revs = arr(data.revisions || data.items).filter((r) => r && typeof r === 'object')
      .sort((a, b) => num(b.revision) - num(a.revision));
    const titled = revs.find((r) => r.procedure && r.procedure.title);
    const title = titled ? str(titled.procedure.title) : id;
    const detail = el('div', { id: 'rev-detail', class: 'card rev-detail', 'aria-live': 'polite' });
    const list = el('ol', { id: 'rev-list', class: 'rev-list', 'aria-label': 'Các phiên bản, mới nhất trước' });
    let selectedBtn = null;

    function select(idx, btn, focusDetail) {
      if (selectedBtn) selectedBtn.setAttribute('aria-pressed', 'false');
      selectedBtn = btn;
      btn.setAttribute('aria-pressed', 'true');
      const r = revs[idx];
      const prev = revs[idx + 1];
      const isFirst = !prev;
      const changes = diffProcedures(prev ? prev.procedure : {}, r.procedure);
      const restoreComment = el('input', { id: 'rev-comment', type: 'text', autocomplete: 'off', placeholder: 'Ví dụ: khôi phục vì bản sau ghi sai lệ phí' });
      const canRestore = idx > 0 || r.action === 'delete';
      const restoreBtn = canRestore ? el('button', { id: 'restore', type: 'submit', class: 'btn btn-primary', text: 'Khôi phục bản này' }) : null;
      const restoreForm = el('form', { id: 'restore-form', class: 'restore-form', action: '#', autocomplete: 'off' }, canRestore ? [
        el('div', { class: 'field' }, [el('label', { for: 'rev-comment', text: 'Ghi chú khôi phục' }), restoreComment]),
        restoreBtn,
      ] : [notice('Đây là phiên bản đang dùng.')]);
      restoreForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!restoreBtn) return;
        if (!window.confirm('Khôi phục phiên bản ' + r.revision + '? Nội dung hiện tại sẽ được thay bằng nội dung của phiên bản này (vẫn giữ trong lịch sử).')) return;
        restoreBtn.disabled = true;
        try {
          await api('POST', '/procedures/' + enc(id) + '/restore', { revision: num(r.revision), comment: restoreComment.value.trim() });
          setStatus('Đã khôi phục phiên bản ' + r.revision + '.', 'ok');
          navigate(location.hash, true);
        } catch (e) {
          if (e.status === 409) {
            setStatus('Thủ tục vừa được người khác thay đổi. Danh sách phiên bản đã được tải lại; bạn hãy kiểm tra rồi thử lại.', 'error');
            navigate(location.hash, true);
          } else {
            fail(e);
          }
        } finally {
          restoreBtn.disabled = false;
        }
      });
      clear(detail);
      append(detail, [
        el('h3', { id: 'rev-heading', tabindex: '-1', text: 'Phiên bản ' + str(r.revision) + ' · ' + (ACTIONS[r.action] || str(r.action)) }),
        el('p', { class: 'muted', text: [r.by ? 'Người thực hiện: ' + r.by : '', r.at ? 'Lúc ' + formatTime(r.at) : ''].filter(Boolean).join(' · ') }),
        r.comment ? el('p', { class: 'rev-comment-text' }, ['Ghi chú: ', el('q', { text: str(r.comment) })]) : null,
        el('p', { class: 'muted', text: isFirst ? 'Bản đầu tiên: liệt kê toàn bộ nội dung.' : 'Thay đổi so với phiên bản ' + str(prev.revision) + ':' }),
        renderDiff(changes, isFirst),
        restoreForm,
      ]);
      if (focusDetail) $('rev-heading').focus();
    }

    revs.forEach((r, i) => {
      const btn = el('button', { type: 'button', class: 'rev-select', 'aria-pressed': 'false' }, [
        el('span', { class: 'rev-num', text: 'Phiên bản ' + str(r.revision) }),
        el('span', { class: 'badge badge-' + (r.action === 'delete' ? 'deleted' : 'active'), text: ACTIONS[r.action] || str(r.action) || '?' }),
        el('span', { class: 'rev-meta', text: [str(r.by), formatTime(r.at)].filter(Boolean).join(' · ') }),
        r.comment ? el('span', { class: 'rev-note', text: str(r.comment) }) : null,
      ]);
      btn.addEventListener('click', () => select(i, btn, true));
      list.appendChild(el('li', { class: 'rev-item', 'data-revision': str(r.revision) }, btn));
    });
    const ok = mount(ctx, [
      el('p', { class: 'crumbs' }, [el('a', { href: '#procedures', text: '← Danh sách thủ tục' }), ' · ', el('a', { href: '#edit/' + enc(id), text: 'Sửa thủ tục' })]),
      heading('Lịch sử phiên bản: ' + title),
      revs.length ? el('div', { class: 'rev-layout' }, [el('div', { class: 'rev-side' }, list), detail]) : notice('Chưa có phiên bản nào.'),
    ]);
    if (ok && revs.length) select(0, list.querySelector('.rev-select'), false);
  }

  // -------------------------------------------------------------- unanswered
  async function renderUnanswered(ctx) {
    const results = await Promise.all([
      api('GET', '/unanswered'),
      api('GET', '/feedback').catch((e) => { if (!e.handled) fail(e); return {}; }),
      fetchProcedures('').catch(() => []),
    ]);
    const items = arr(results[0].items);
    const feedback = arr(results[1].items);
    const procs = results[2].filter((p) => !p.deleted);
    const titleOf = {};
    procs.forEach((p) => { titleOf[p.id] = p.title; });

    const rows = items.map((it, i) => {
      const key = str(it.key);
      const status = str(it.status) || 'open';
      const actions = el('td', { class: 'actions' });
      if (status === 'open') {
        const qId = 'pick-q-' + i;
        const sId = 'pick-s-' + i;
        const search = el('input', { id: qId, class: 'picker-search', type: 'search', autocomplete: 'off', placeholder: 'Gõ tên thủ tục để lọc' });
        const select = el('select', { id: sId, class: 'picker-select' });
        const resolveBtn = el('button', { type: 'button', class: 'btn btn-primary resolve', disabled: true, text: 'Thêm làm tên gọi khác' });
        const ignoreBtn = el('button', { type: 'button', class: 'btn ignore', text: 'Bỏ qua' });
        const fill = () => {
          const q = fold(search.value);
          const current = select.value;
          clear(select);
          select.appendChild(el('option', { value: '', text: '— Chọn thủ tục —' }));
          const matches = procs.filter((p) => !q || fold(p.title).indexOf(q) >= 0 || fold(p.id).indexOf(q) >= 0 ||
            p.aliases.some((a) => fold(a).indexOf(q) >= 0));
          matches.slice(0, 100).forEach((p) => select.appendChild(el('option', { value: p.id, text: p.title || p.id })));
          if (matches.some((p) => p.id === current)) select.value = current;
          else if (q && matches.length === 1) select.value = matches[0].id;
          resolveBtn.disabled = !select.value;
        };
        search.addEventListener('input', debounce(fill, 150));
        select.addEventListener('change', () => { resolveBtn.disabled = !select.value; });
        fill();
        resolveBtn.addEventListener('click', async () => {
          const pid = select.value;
          if (!pid) { select.focus(); return; }
          resolveBtn.disabled = true;
          try {
            await api('POST', '/unanswered/resolve', { key: key, procedure_id: pid });
            setStatus('Đã thêm “' + str(it.text || key) + '” làm tên gọi khác của “' + (titleOf[pid] || pid) + '”.', 'ok');
            navigate(location.hash, true);
          } catch (e) {
            fail(e);
            resolveBtn.disabled = !select.value;
          }
        });
        ignoreBtn.addEventListener('click', async () => {
          ignoreBtn.disabled = true;
          try {
            await api('POST', '/unanswered/ignore', { key: key });
            setStatus('Đã bỏ qua “' + str(it.text || key) + '”.', 'ok');
            navigate(location.hash, true);
          } catch (e) {
            fail(e);
            ignoreBtn.disabled = false;
          }
        });
        append(actions, el('div', { class: 'picker' }, [
          el('label', { for: qId, class: 'small-label' }, ['Tìm thủ tục', visuallyHidden(' cho câu hỏi “' + str(it.text || key) + '”')]),
          search,
          el('label', { for: sId, class: 'small-label' }, ['Thủ tục phù hợp', visuallyHidden(' cho câu hỏi “' + str(it.text || key) + '”')]),
          select,
          el('div', { class: 'picker-actions' }, [resolveBtn, ignoreBtn]),
        ]));
      } else {
        actions.textContent = '—';
      }
      return el('tr', { class: 'unanswered-row status-' + status, 'data-key': key }, [
        el('td', { class: 'question', text: str(it.text || key) }),
        el('td', { class: 'num', 'data-label': 'Số lần', text: formatNumber(num(it.count)) }),
        el('td', { 'data-label': 'Lần đầu', text: formatTime(it.first_at) }),
        el('td', { 'data-label': 'Lần gần nhất', text: formatTime(it.last_at) }),
        el('td', { 'data-label': 'Trạng thái', text: UNANSWERED_STATUS[status] || status }),
        actions,
      ]);
    });

    const fbRows = feedback.slice().sort((a, b) => num(b.down) - num(a.down)).map((f) => {
      const up = num(f.up);
      const down = num(f.down);
      const total = up + down;
      return el('tr', { class: 'feedback-row', 'data-id': str(f.procedure_id) }, [
        el('td', null, f.procedure_id ? el('a', { href: '#edit/' + enc(f.procedure_id), text: str(f.title || f.procedure_id) }) : str(f.title || '(không rõ thủ tục)')),
        el('td', { class: 'num', text: formatNumber(up) }),
        el('td', { class: 'num', text: formatNumber(down) }),
        el('td', { class: 'num', text: total ? Math.round((up / total) * 100) + '%' : '—' }),
      ]);
    });

    mount(ctx, [
      heading('Câu hỏi chưa trả lời được'),
      el('p', { class: 'muted', text: 'Những câu người dân hỏi mà trợ lý không tìm được thủ tục. Nếu câu hỏi thuộc một thủ tục đã có, hãy chọn thủ tục đó và thêm câu hỏi làm tên gọi khác; nếu không liên quan, hãy bỏ qua.' }),
      rows.length ? table('unanswered-table', 'Câu hỏi chưa trả lời', ['Câu hỏi', 'Số lần', 'Lần đầu', 'Lần gần nhất', 'Trạng thái', 'Xử lý'], rows, 'table-unanswered')
        : notice('Không có câu hỏi nào cần xử lý.', 'ok'),
      el('h3', { id: 'feedback-heading', text: 'Đánh giá của người dân theo thủ tục' }),
      fbRows.length ? table('feedback-table', 'Đánh giá câu trả lời (xếp theo số lượt chưa hữu ích)', ['Thủ tục', 'Hữu ích', 'Chưa hữu ích', 'Tỉ lệ hữu ích'], fbRows)
        : notice('Chưa có đánh giá nào.'),
    ]);
  }

  // ----------------------------------------------------------------- offices
  // The directory of one-stop desks the bot names in answers about where to
  // submit (GET/POST /api/admin/offices, DELETE /api/admin/offices/<id>).
  async function renderOffices(ctx) {
    const data = await api('GET', '/offices');
    if (!ctx.live()) return;
    const list = arr(data.offices);
    const sample = list.length > 0 && list.every((o) => str(o.id).indexOf('sample-') === 0);
    const fileInput = el('input', { id: 'office-file', type: 'file', accept: '.csv,.json,text/csv,application/json', 'aria-describedby': 'office-file-help' });
    const uploadBtn = el('button', { id: 'office-upload', type: 'submit', class: 'btn btn-primary', text: 'Nhập danh bạ' });
    const result = el('div', { id: 'office-result', 'aria-live': 'polite' });
    const form = el('form', { id: 'office-form', class: 'card form', action: '#' }, [
      el('h3', { text: 'Nhập danh bạ từ tệp CSV hoặc JSON' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'office-file', text: 'Tệp danh bạ' }),
        fileInput,
        el('p', { id: 'office-file-help', class: 'help', text: 'CSV (UTF-8, dòng đầu là tên cột) hoặc mảng JSON với các cột: id, name, level (xã hoặc tỉnh), communes (tên xã/phường hiện nay trước, sau đó các tên cũ), address, phone, hours, lat, lon, fields (lĩnh vực thủ tục; để trống là mọi lĩnh vực), map_url. Trong CSV, các mục của một ô danh sách cách nhau bằng dấu “;”. Giờ làm việc viết như: T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30. Nơi đã có được cập nhật theo id; danh bạ mẫu bị thay khi nhập danh bạ của tỉnh.' }),
      ]),
      uploadBtn,
      result,
    ]);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const file = fileInput.files && fileInput.files[0];
      if (!file) { fileInput.focus(); return; }
      uploadBtn.disabled = true;
      clear(result);
      try {
        const text = await readFileText(file);
        const type = /^\s*\[/.test(text) ? 'application/json' : 'text/csv; charset=utf-8';
        const res = await api('POST', '/offices', text, type);
        const rejected = arr(res.rejected);
        setStatus('Đã nhập ' + formatNumber(num(res.upserted)) + ' nơi tiếp nhận; ' + formatNumber(rejected.length) + ' dòng bị từ chối.', rejected.length ? 'warn' : 'ok');
        if (rejected.length) {
          append(result, table('office-rejected', 'Các dòng bị từ chối', ['Dòng (chỉ số)', 'Mã', 'Cột', 'Lỗi'],
            rejected.map((r) => el('tr', { class: 'rejected-row' }, [
              el('td', { class: 'num', text: str(r.index) }),
              el('td', { text: str(r.id) }),
              el('td', null, r.field ? el('code', { text: str(r.field) }) : ''),
              el('td', { text: str(r.error) }),
            ]))));
        } else {
          navigate('#offices', true);
        }
      } catch (e) {
        if (e.status === 400) append(result, notice(e.message, 'error'));
        else fail(e);
      } finally {
        uploadBtn.disabled = false;
      }
    });
    const rows = list.map((o) => {
      const communes = arr(o.communes);
      const del = el('button', { type: 'button', class: 'btn btn-light', text: 'Xoá' });
      del.addEventListener('click', async () => {
        if (!window.confirm('Xoá “' + str(o.name) + '” khỏi danh bạ?')) return;
        try {
          await api('DELETE', '/offices/' + enc(o.id));
          setStatus('Đã xoá ' + str(o.name) + '.', 'ok');
          navigate('#offices', true);
        } catch (e) { fail(e); }
      });
      return el('tr', null, [
        el('td', null, el('code', { text: str(o.id) })),
        el('td', { text: str(o.name) }),
        el('td', { text: str(o.level) }),
        el('td', { text: communes.length ? communes[0] + (communes.length > 1 ? ' (tên cũ: ' + communes.slice(1).join(', ') + ')' : '') : 'Cả tỉnh' }),
        el('td', { text: str(o.address) }),
        el('td', { text: str(o.phone) }),
        el('td', { text: str(o.hours) }),
        el('td', { text: arr(o.fields).length ? arr(o.fields).join(', ') : 'Mọi lĩnh vực' }),
        el('td', null, del),
      ]);
    });
    mount(ctx, [
      heading('Danh bạ một cửa'),
      sample ? notice('Đang dùng danh bạ mẫu của một tỉnh giả định (dữ liệu minh họa, trợ lý có ghi rõ khi trả lời). Hãy nhập danh bạ của tỉnh để thay thế.', 'warn') : null,
      form,
      list.length ? table('office-list', formatNumber(list.length) + ' nơi tiếp nhận', ['Mã', 'Tên', 'Cấp', 'Xã/phường', 'Địa chỉ', 'Điện thoại', 'Giờ làm việc', 'Lĩnh vực', ''], rows)
        : notice('Danh bạ trống.'),
    ]);
  }

  // ---------------------------------------------------------------- dossiers
  function renderDossiers(ctx) {
    const fileInput = el('input', { id: 'dossier-file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'dossier-file-help' });
    const uploadBtn = el('button', { id: 'dossier-upload', type: 'submit', class: 'btn btn-primary', text: 'Tải lên' });
    const result = el('div', { id: 'dossier-result', 'aria-live': 'polite' });
    const uploadForm = el('form', { id: 'dossier-form', class: 'card form', action: '#' }, [
      el('h3', { text: 'Cập nhật hồ sơ từ tệp CSV' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'dossier-file', text: 'Tệp CSV hồ sơ' }),
        fileInput,
        el('p', { id: 'dossier-file-help', class: 'help', text: 'Tệp CSV (UTF-8) xuất từ hệ thống một cửa, dòng đầu là tên cột. Hồ sơ đã có sẽ được cập nhật theo mã hồ sơ.' }),
        el('p', { id: 'dossier-file-error', class: 'field-error', hidden: true }),
      ]),
      uploadBtn,
      result,
    ]);
    uploadForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errEl = $('dossier-file-error');
      errEl.hidden = true;
      fileInput.removeAttribute('aria-invalid');
      const file = fileInput.files && fileInput.files[0];
      if (!file) {
        errEl.textContent = 'Bạn hãy chọn một tệp CSV.';
        errEl.hidden = false;
        fileInput.setAttribute('aria-invalid', 'true');
        fileInput.focus();
        return;
      }
      uploadBtn.disabled = true;
      clear(result);
      try {
        const text = await readFileText(file);
        const data = await api('POST', '/dossiers', text, 'text/csv; charset=utf-8');
        const rejected = arr(data.rejected);
        append(result, [
          el('p', { id: 'dossier-summary', class: 'notice ' + (rejected.length ? 'notice-warn' : 'notice-ok'),
            text: 'Đã cập nhật ' + formatNumber(num(data.upserted)) + ' hồ sơ; ' + formatNumber(rejected.length) + ' dòng bị từ chối.' }),
          rejected.length ? table('dossier-rejected', 'Các dòng bị từ chối', ['Dòng (chỉ số)', 'Cột', 'Lỗi'],
            rejected.map((r) => el('tr', { class: 'rejected-row' }, [
              el('td', { class: 'num', text: str(r.index) }),
              el('td', null, r.field ? el('code', { text: str(r.field) }) : ''),
              el('td', { text: str(r.error) }),
            ]))) : null,
        ]);
        setStatus('Đã tải lên tệp ' + file.name + '.', 'ok');
      } catch (e) {
        if (e.status === 400) {
          append(result, notice(e.message, 'error'));
          setStatus('Không tải lên được: ' + e.message, 'error');
        } else {
          fail(e);
        }
      } finally {
        uploadBtn.disabled = false;
      }
    });

    const codeInput = el('input', { id: 'dossier-code', type: 'search', autocomplete: 'off', spellcheck: 'false', placeholder: 'Ví dụ: 000.00.01.H29-250101-0001' });
    const detail = el('div', { id: 'dossier-detail', 'aria-live': 'polite' });
    const lookupForm = el('form', { id: 'dossier-lookup-form', class: 'card form', role: 'search', action: '#' }, [
      el('h3', { text: 'Tra cứu hồ sơ' }),
      el('div', { class: 'field' }, [el('label', { for: 'dossier-code', text: 'Mã hồ sơ' }), codeInput]),
      el('button', { id: 'dossier-lookup', type: 'submit', class: 'btn', text: 'Tra cứu' }),
      detail,
    ]);
    lookupForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const code = codeInput.value.trim();
      clear(detail);
      if (!code) { codeInput.focus(); return; }
      try {
        const data = await api('GET', '/dossiers/' + enc(code));
        const d = data.dossier && typeof data.dossier === 'object' ? data.dossier : data;
        append(detail, dossierDetail(d));
      } catch (e) {
        if (e.status === 404) append(detail, notice('Không tìm thấy hồ sơ có mã ' + code + '.', 'warn'));
        else fail(e);
      }
    });
    mount(ctx, [heading('Hồ sơ'), uploadForm, lookupForm]);
  }
  function readFileText(file) {
    if (file.text) return file.text();
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result || ''));
      r.onerror = () => reject(new ApiError(0, null, 'Không đọc được tệp.'));
      r.readAsText(file);
    });
  }
  const DOSSIER_LABELS = [
    ['code', 'Mã hồ sơ'], ['procedure_name', 'Thủ tục'], ['procedure_id', 'Mã thủ tục'], ['applicant_name', 'Người nộp'],
    ['applicant_phone', 'Điện thoại'], ['status_label', 'Trạng thái'], ['status', 'Mã trạng thái'], ['agency', 'Cơ quan'],
    ['received_at', 'Ngày nhận', 'time'], ['due_at', 'Hẹn trả', 'time'], ['completed_at', 'Ngày hoàn thành', 'time'],
    ['note', 'Ghi chú'], ['updated_at', 'Cập nhật lần cuối', 'time'],
  ];
  function dossierDetail(d) {
    const dl = el('dl', { class: 'kv' });
    DOSSIER_LABELS.forEach(([k, label, kind]) => {
      const v = d[k];
      if (v === undefined || v === null || v === '') return;
      append(dl, [el('dt', { text: label }), el('dd', { text: kind === 'time' ? formatTime(v) : scalarText(v) })]);
    });
    const history = arr(d.history);
    return [
      el('h4', { text: 'Hồ sơ ' + str(d.code) }),
      dl,
      history.length ? table('dossier-history', 'Lịch sử xử lý', ['Thời điểm', 'Trạng thái', 'Ghi chú'],
        history.map((h) => el('tr', null, [
          el('td', { text: formatTime(h.at) }),
          el('td', { text: str(h.status_label || h.status) }),
          el('td', { text: str(h.note) }),
        ]))) : notice('Chưa có lịch sử xử lý.'),
    ];
  }

  // ------------------------------------------------------------------- stats
  let statsDays = 30;
  async function renderStats(ctx) {
    const data = await api('GET', '/stats?days=' + statsDays);
    const perDay = {};
    arr(data.days).forEach((d) => {
      const day = str(d.day);
      if (!day) return;
      const row = perDay[day] || (perDay[day] = { day: day, messages: 0, conversations: 0, channels: {} });
      row.messages += num(d.messages);
      row.conversations += num(d.conversations);
      if (d.channel) row.channels[d.channel] = (row.channels[d.channel] || 0) + num(d.messages);
    });
    const days = Object.keys(perDay).sort().map((k) => perDay[k]);
    const max = days.reduce((m, d) => Math.max(m, d.messages), 0);
    const rate = num(data.unanswered_rate);

    const chart = el('div', { id: 'stats-chart', class: 'chart', role: 'img',
      'aria-label': 'Biểu đồ số tin nhắn theo ngày trong ' + statsDays + ' ngày; cao nhất ' + formatNumber(max) + ' tin nhắn một ngày. Số liệu chi tiết ở bảng bên dưới.' });
    const step = Math.max(1, Math.ceil(days.length / 10));
    days.forEach((d, i) => {
      const bar = el('div', { class: 'bar', 'data-day': d.day, 'data-value': String(d.messages), title: d.day + ': ' + formatNumber(d.messages) + ' tin nhắn' });
      bar.style.height = (max ? Math.max(d.messages > 0 ? 2 : 0, (d.messages / max) * 100) : 0) + '%'; // CSSOM, allowed by the CSP
      chart.appendChild(el('div', { class: 'bar-col' }, [
        el('div', { class: 'bar-area' }, bar),
        el('div', { class: 'bar-label', 'aria-hidden': 'true', text: i % step === 0 ? d.day.slice(5).split('-').reverse().join('/') : '' }),
      ]));
    });

    const daysSelect = el('select', { id: 'stats-days' }, [7, 30, 90].map((n) => el('option', { value: String(n), text: n + ' ngày', selected: n === statsDays })));
    daysSelect.addEventListener('change', () => { statsDays = Number(daysSelect.value) || 30; navigate(location.hash || '#stats'); });

    const top = arr(data.top_procedures);
    mount(ctx, [
      heading('Thống kê'),
      el('div', { class: 'toolbar' }, el('div', { class: 'field field-inline' }, [el('label', { for: 'stats-days', text: 'Khoảng thời gian' }), daysSelect])),
      el('dl', { id: 'stats-summary', class: 'summary' }, [
        el('div', null, [el('dt', { text: 'Tin nhắn' }), el('dd', { id: 'stats-messages', text: formatNumber(num(data.messages)) })]),
        el('div', null, [el('dt', { text: 'Không trả lời được' }), el('dd', { id: 'stats-fallbacks', text: formatNumber(num(data.fallbacks)) })]),
        el('div', null, [el('dt', { text: 'Tỉ lệ chưa trả lời được' }), el('dd', { id: 'stats-rate', text: (Math.round(rate * 1000) / 10).toLocaleString('vi-VN') + '%' })]),
      ]),
      el('h3', { text: 'Tin nhắn theo ngày' }),
      days.length ? chart : notice('Chưa có dữ liệu trong khoảng thời gian này.'),
      days.length ? el('details', { class: 'details' }, [
        el('summary', { text: 'Xem số liệu dạng bảng' }),
        table('stats-days-table', 'Tin nhắn và cuộc trò chuyện theo ngày', ['Ngày', 'Tin nhắn', 'Cuộc trò chuyện', 'Theo kênh'],
          days.map((d) => el('tr', null, [
            el('td', { text: d.day }),
            el('td', { class: 'num', text: formatNumber(d.messages) }),
            el('td', { class: 'num', text: formatNumber(d.conversations) }),
            el('td', { text: Object.keys(d.channels).map((c) => c + ': ' + formatNumber(d.channels[c])).join(', ') }),
          ]))),
      ]) : null,
      el('h3', { text: 'Thủ tục được hỏi nhiều nhất' }),
      top.length ? table('stats-top', 'Thủ tục được hỏi nhiều nhất', ['Thủ tục', 'Số lần'], top.map((t) => el('tr', null, [
        el('td', null, t.procedure_id ? el('a', { href: '#edit/' + enc(t.procedure_id), text: str(t.title || t.procedure_id) }) : str(t.title)),
        el('td', { class: 'num', text: formatNumber(num(t.count)) }),
      ]))) : notice('Chưa có dữ liệu.'),
    ]);
  }

  // ------------------------------------------------------------------- staff
  async function renderStaff(ctx) {
    if (!isAdmin()) {
      mount(ctx, [heading('Cán bộ'), notice(TEXT.forbidden, 'error')]);
      return;
    }
    const listBox = el('div', { id: 'staff-list' });
    const tokenBox = el('div', { id: 'staff-token', class: 'notice notice-ok token-box', role: 'alert', tabindex: '-1', hidden: true });

    async function loadList() {
      const data = await api('GET', '/staff');
      const staff = arr(data.staff || data.items);
      clear(listBox);
      append(listBox, staff.length ? table('staff-table', 'Danh sách cán bộ', ['Họ tên', 'Mã', 'Vai trò', 'Ngày tạo', 'Trạng thái', 'Thao tác'],
        staff.map((s) => {
          const revokeBtn = !s.revoked ? el('button', { type: 'button', class: 'btn btn-danger revoke' }, ['Thu hồi', visuallyHidden(' quyền của ' + str(s.name))]) : null;
          if (revokeBtn) {
            revokeBtn.addEventListener('click', async () => {
              const self = me && me.id && me.id === s.id;
              if (!window.confirm('Thu hồi mã truy cập của ' + str(s.name || s.id) + '?' + (self ? '\n\nĐây là mã của chính bạn: bạn sẽ bị đăng xuất.' : '') + '\n\nThao tác này không hoàn tác được.')) return;
              revokeBtn.disabled = true;
              try {
                await api('DELETE', '/staff/' + enc(s.id));
                setStatus('Đã thu hồi mã truy cập của ' + str(s.name || s.id) + '.', 'ok');
                await loadList();
              } catch (e) {
                fail(e);
                revokeBtn.disabled = false;
              }
            });
          }
          return el('tr', { class: 'staff-row' + (s.revoked ? ' is-revoked' : ''), 'data-id': str(s.id) }, [
            el('td', { text: str(s.name) }),
            el('td', null, el('code', { text: str(s.id) })),
            el('td', { text: arr(s.roles).join(', ') }),
            el('td', { text: formatTime(s.created_at) }),
            el('td', null, s.revoked ? el('span', { class: 'badge badge-deleted', text: 'Đã thu hồi' }) : el('span', { class: 'badge badge-active', text: 'Đang hoạt động' })),
            el('td', { class: 'actions' }, revokeBtn || '—'),
          ]);
        })) : notice('Chưa có cán bộ nào.'));
    }

    const nameInput = el('input', { id: 'staff-name', type: 'text', autocomplete: 'off', required: true });
    const createBtn = el('button', { id: 'staff-create', type: 'submit', class: 'btn btn-primary', text: 'Tạo cán bộ và cấp mã' });
    const form = el('form', { id: 'staff-form', class: 'card form', action: '#', novalidate: true, autocomplete: 'off' }, [
      el('h3', { text: 'Thêm cán bộ' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'staff-name', text: 'Họ tên cán bộ (bắt buộc)' }), nameInput,
        el('p', { id: 'staff-name-error', class: 'field-error', hidden: true }),
      ]),
      el('fieldset', { class: 'group', id: 'staff-roles' }, [el('legend', { text: 'Vai trò' })].concat(ROLES.map((r) =>
        el('div', { class: 'field field-check' }, [
          el('input', { id: 'role-' + r.id, type: 'checkbox', name: 'role', value: r.id, checked: r.id === 'editor' }),
          el('label', { for: 'role-' + r.id, text: r.label }),
        ])))),
      el('p', { id: 'staff-roles-error', class: 'field-error', hidden: true }),
      createBtn,
    ]);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const nameErr = $('staff-name-error');
      const rolesErr = $('staff-roles-error');
      nameErr.hidden = true;
      rolesErr.hidden = true;
      nameInput.removeAttribute('aria-invalid');
      const name = nameInput.value.trim();
      const roles = ROLES.map((r) => r.id).filter((id) => $('role-' + id).checked);
      if (!name) {
        nameErr.textContent = 'Bạn hãy nhập họ tên cán bộ.';
        nameErr.hidden = false;
        nameInput.setAttribute('aria-invalid', 'true');
        nameInput.setAttribute('aria-describedby', 'staff-name-error');
        nameInput.focus();
        return;
      }
      if (!roles.length) {
        rolesErr.textContent = 'Bạn hãy chọn ít nhất một vai trò.';
        rolesErr.hidden = false;
        $('role-' + ROLES[0].id).focus();
        return;
      }
      createBtn.disabled = true;
      try {
        const data = await api('POST', '/staff', { name: name, roles: roles });
        const tokenField = el('input', { id: 'staff-token-value', type: 'text', readonly: true, value: str(data.token), class: 'mono', spellcheck: 'false' });
        const copyBtn = el('button', { id: 'staff-token-copy', type: 'button', class: 'btn', text: 'Sao chép' });
        copyBtn.addEventListener('click', async () => {
          tokenField.select();
          try {
            await navigator.clipboard.writeText(tokenField.value);
            setStatus('Đã sao chép mã truy cập.', 'ok');
          } catch (e) {
            setStatus('Không sao chép tự động được; bạn hãy chọn mã và sao chép bằng tay.', 'error');
          }
        });
        clear(tokenBox);
        append(tokenBox, [
          el('p', null, ['Đã tạo cán bộ ', el('strong', { text: name }), ' (mã ', el('code', { text: str(data.id) }), ').']),
          el('div', { class: 'field' }, [el('label', { for: 'staff-token-value', text: 'Mã truy cập của cán bộ' }), el('div', { class: 'inline' }, [tokenField, copyBtn])]),
          el('p', { class: 'strong', text: 'Mã này chỉ hiển thị MỘT LẦN và sẽ không được hiển thị lại. Hãy sao chép và gửi cho cán bộ qua kênh an toàn.' }),
        ]);
        tokenBox.hidden = false;
        tokenBox.focus();
        nameInput.value = '';
        setStatus('Đã tạo cán bộ ' + name + '.', 'ok');
        await loadList();
      } catch (e) {
        if (e.status === 400) {
          nameErr.textContent = e.message;
          nameErr.hidden = false;
          nameInput.setAttribute('aria-invalid', 'true');
          nameInput.focus();
        }
        fail(e);
      } finally {
        createBtn.disabled = false;
      }
    });
    await loadList();
    mount(ctx, [heading('Cán bộ'), tokenBox, form, el('h3', { text: 'Danh sách cán bộ' }), listBox]);
  }

  // ------------------------------------------------------------------ views
  // Other scripts of the page add screens: dvcAdmin.views[name] = async (ctx, arg) => {…}.
  const views = {};
  window.dvcAdmin = Object.freeze({
    views: views, el: el, append: append, clear: clear, heading: heading, notice: notice, table: table,
    str: str, arr: arr, num: num, formatTime: formatTime, formatNumber: formatNumber, enc: enc, debounce: debounce,
    api: api, mount: mount, setStatus: setStatus, fail: fail, navigate: navigate, visuallyHidden: visuallyHidden,
    apiQuiet: (method, path, body) => api(method, path, body, undefined, undefined, true),
    hasRole: hasRole, isAdmin: isAdmin, me: () => me,
  });

  // -------------------------------------------------------------------- boot
  window.addEventListener('hashchange', route);
  renderStatus();
  // Deferred scripts after this one (their views) run before DOMContentLoaded.
  if (document.readyState === 'complete') route();
  else document.addEventListener('DOMContentLoaded', route, { once: true });
})();
