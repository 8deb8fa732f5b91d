// dvcbot staff admin: the officers' console "Hỗ trợ trực tiếp" (#handoff,
// #handoff/<conversation id>), for the roles agent and admin. Citizens who
// ask for a person wait in a queue; an officer claims a conversation, reads
// the transcript (the citizen, the bot's answers, officers, system notes),
// replies (Ctrl+Enter sends; a knowledge-base section can be inserted and
// edited first), transfers it to a colleague or a topic queue, and closes it
// (the citizen is then asked for a rating). The list and the open
// conversation are polled every 3 seconds while the tab is visible. Admins
// also erase one citizen's data on request (personal data protection).
//
// Same rules as admin.js: createElement and textContent only, no inline code.
// API: ../shared/CONTRACT.md, "Handoff".
'use strict';

(function () {
  const A = window.dvcAdmin;
  if (!A) return;
  const { el, append, clear, heading, notice, table, str, arr, num, formatTime, formatNumber, enc, debounce, api, apiQuiet, mount, setStatus, fail } = A;

  const POLL_MS = 3000;
  const STATS_EVERY = 5; // polls between two refreshes of the figures
  const STATS_DAYS = 14;
  const STATUS = { waiting: 'Đang chờ', active: 'Đang xử lý', closed: 'Đã đóng' };
  const CHANNELS = { web: 'Trang web', telegram: 'Telegram', zalo: 'Zalo', messenger: 'Messenger' };
  const HELD_TEXT = 'Cán bộ khác đang xử lý cuộc trò chuyện này.';
  const CLOSED_TEXT = 'Cuộc trò chuyện đã kết thúc.';
  const SECTIONS = [
    { id: 'documents', label: 'Giấy tờ cần chuẩn bị' },
    { id: 'steps', label: 'Các bước thực hiện' },
    { id: 'fees', label: 'Lệ phí' },
    { id: 'processing_time', label: 'Thời gian giải quyết' },
    { id: 'agency', label: 'Cơ quan giải quyết, nơi nộp' },
    { id: 'online', label: 'Nộp trực tuyến' },
    { id: 'conditions', label: 'Điều kiện' },
    { id: 'legal_basis', label: 'Căn cứ pháp lý' },
  ];

  // Kept across visits of the screen in this tab.
  const filters = { status: 'waiting', queue: '' };

  function channelLabel(c) {
    return CHANNELS[str(c)] || str(c) || '—';
  }
  function queueLabel(q) {
    return str(q) || 'Chung';
  }
  function agentID(a) {
    return str(a && (a.ID !== undefined ? a.ID : a.id));
  }
  function agentName(a) {
    return str(a && (a.Name !== undefined ? a.Name : a.name));
  }
  function clip(s, n) {
    s = str(s).replace(/\s+/g, ' ').trim();
    return s.length > n ? s.slice(0, n - 1) + '…' : s;
  }
  // minutes writes a figure in minutes; known says it was measured (a zero
  // then means "under a tenth of a minute", not "no data").
  function minutes(v, known) {
    const n = num(v);
    return n || known ? (Math.round(n * 10) / 10).toLocaleString('vi-VN') + ' phút' : '—';
  }
  function chatRef(c) {
    return str(c.channel) + ':' + str(c.chat_id);
  }
  // The 409 of claim, reply, transfer and close: held by someone else, or closed.
  function conflictText(e) {
    return /closed/i.test(str(e && e.message)) ? CLOSED_TEXT : HELD_TEXT;
  }

  // The public procedure API (no token needed).
  async function publicJSON(path) {
    const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) throw new Error('Không tải được dữ liệu thủ tục (mã lỗi ' + res.status + ').');
    return res.json();
  }

  // sectionText writes one section of a procedure guide as plain text for a
  // reply ('' when the guide has nothing there).
  function sectionText(p, id) {
    const title = str(p.title);
    const lines = (list) => arr(list).map((x) => str(x).trim()).filter(Boolean);
    switch (id) {
      case 'documents': {
        const docs = arr(p.documents).map((d, i) => {
          if (typeof d === 'string') return (i + 1) + '. ' + d;
          let t = (i + 1) + '. ' + str(d.name);
          if (d.copies) t += ' (' + str(d.copies) + ')';
          if (d.form) t += ' – ' + str(d.form);
          if (d.note) t += '. ' + str(d.note);
          return t;
        });
        return docs.length ? 'Giấy tờ cần chuẩn bị cho thủ tục “' + title + '”:\n' + docs.join('\n') : '';
      }
      case 'steps': {
        const steps = lines(p.steps).map((x, i) => (i + 1) + '. ' + x);
        return steps.length ? 'Các bước thực hiện thủ tục “' + title + '”:\n' + steps.join('\n') : '';
      }
      case 'fees': {
        const f = p.fees && typeof p.fees === 'object' ? p.fees : { text: str(p.fees) };
        let t = str(f.text).trim();
        if (!t && f.amount !== undefined && f.amount !== null) t = num(f.amount) ? formatNumber(num(f.amount)) + ' đồng' : 'Miễn phí';
        return t ? 'Lệ phí: ' + t : '';
      }
      case 'processing_time':
        return str(p.processing_time).trim() ? 'Thời gian giải quyết: ' + str(p.processing_time).trim() : '';
      case 'agency':
        return str(p.agency).trim() ? 'Cơ quan giải quyết, nơi nộp: ' + str(p.agency).trim() : '';
      case 'online': {
        const o = p.online && typeof p.online === 'object' ? p.online : { text: str(p.online) };
        let t = str(o.text).trim();
        if (o.url) t += (t ? '\n' : '') + str(o.url);
        return t ? 'Nộp trực tuyến: ' + t : '';
      }
      case 'conditions':
        return str(p.conditions).trim() ? 'Điều kiện: ' + str(p.conditions).trim() : '';
      case 'legal_basis': {
        const l = lines(p.legal_basis).map((x) => '- ' + x);
        return l.length ? 'Căn cứ pháp lý:\n' + l.join('\n') : '';
      }
    }
    return '';
  }

  // insertAtCursor puts text into the textarea where the cursor is, as its own
  // paragraph, and selects nothing (the officer edits it before sending).
  function insertAtCursor(area, text) {
    const v = area.value;
    const start = typeof area.selectionStart === 'number' ? area.selectionStart : v.length;
    const end = typeof area.selectionEnd === 'number' ? area.selectionEnd : v.length;
    const before = v.slice(0, start);
    const after = v.slice(end);
    const lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? '\n' : '\n\n') : '';
    const tail = after && !/^\n/.test(after) ? '\n\n' : '';
    area.value = before + lead + text + tail + after;
    const pos = (before + lead + text).length;
    area.focus();
    try { area.setSelectionRange(pos, pos); } catch (e) { /* old browser */ }
  }

  A.views.handoff = async function renderHandoff(ctx, arg) {
    if (!A.hasRole('agent')) {
      mount(ctx, [heading('Hỗ trợ trực tiếp'), notice('Bạn không có quyền thực hiện thao tác này.', 'error')]);
      return;
    }
    const meta = await api('GET', '/handoff/meta');
    const me = { id: agentID(meta.me), name: agentName(meta.me) };
    const agents = arr(meta.agents).filter((a) => agentID(a) && agentID(a) !== me.id);
    const queues = arr(meta.queues).map(str).filter(Boolean);
    const admin = A.isAdmin();

    let selected = str(arg);
    let conv = null; // the open conversation as last loaded
    let shownIDs = new Set(); // transcript lines already shown
    let listSig = '';
    let polls = 0;
    let inFlight = false;

    // ------------------------------------------------------------- stats
    const statsBox = el('section', { id: 'handoff-stats', class: 'card handoff-stats', 'aria-labelledby': 'handoff-stats-heading' });
    async function loadStats(quiet) {
      const data = await (quiet ? apiQuiet : api)('GET', '/handoff/stats?days=' + STATS_DAYS);
      if (!ctx.live()) return;
      const days = arr(data.days).slice().sort((a, b) => str(a.date).localeCompare(str(b.date)));
      const total = days.reduce((n, d) => n + num(d.requests), 0);
      const rated = days.reduce((n, d) => n + num(d.rated), 0);
      const ratingMean = rated ? days.reduce((n, d) => n + num(d.rating_mean) * num(d.rated), 0) / rated : 0;
      const answered = days.reduce((n, d) => n + num(d.answered), 0);
      const handleMean = answered ? days.reduce((n, d) => n + num(d.handling_mean_minutes) * num(d.answered), 0) / answered : 0;
      const waits = days.filter((d) => num(d.answered) > 0).map((d) => num(d.wait_median_minutes)).sort((a, b) => a - b);
      const waitMedian = waits.length ? (waits.length % 2 ? waits[(waits.length - 1) / 2] : (waits[waits.length / 2 - 1] + waits[waits.length / 2]) / 2) : 0;
      const max = days.reduce((m, d) => Math.max(m, num(d.requests)), 0);
      const chart = el('div', { id: 'handoff-stats-chart', class: 'chart chart-small', role: 'img',
        'aria-label': 'Số yêu cầu gặp cán bộ theo ngày trong ' + STATS_DAYS + ' ngày; cao nhất ' + formatNumber(max) + ' yêu cầu một ngày. Số liệu chi tiết ở bảng bên dưới.' });
      days.forEach((d, i) => {
        const bar = el('div', { class: 'bar', 'data-day': str(d.date), 'data-value': String(num(d.requests)), title: str(d.date) + ': ' + formatNumber(num(d.requests)) + ' yêu cầu' });
        bar.style.height = (max ? Math.max(num(d.requests) > 0 ? 2 : 0, (num(d.requests) / max) * 100) : 0) + '%'; // CSSOM, allowed by the CSP
        chart.appendChild(el('div', { class: 'bar-col' }, [
          el('div', { class: 'bar-area' }, bar),
          el('div', { class: 'bar-label', 'aria-hidden': 'true', text: i % 2 === 0 ? str(d.date).slice(5).split('-').reverse().join('/') : '' }),
        ]));
      });
      const open = statsBox.querySelector('details');
      clear(statsBox);
      append(statsBox, [
        el('h3', { id: 'handoff-stats-heading', text: 'Số liệu ' + STATS_DAYS + ' ngày qua' }),
        el('dl', { class: 'summary' }, [
          el('div', null, [el('dt', { text: 'Đang chờ' }), el('dd', { id: 'handoff-stat-waiting', text: formatNumber(num(data.waiting)) })]),
          el('div', null, [el('dt', { text: 'Đang xử lý' }), el('dd', { id: 'handoff-stat-active', text: formatNumber(num(data.active)) })]),
          el('div', null, [el('dt', { text: 'Yêu cầu gặp cán bộ' }), el('dd', { id: 'handoff-stat-requests', text: formatNumber(total) })]),
          el('div', null, [el('dt', { text: 'Thời gian chờ (trung vị)' }), el('dd', { id: 'handoff-stat-wait', text: minutes(waitMedian, waits.length > 0) })]),
          el('div', null, [el('dt', { text: 'Thời gian xử lý (trung bình)' }), el('dd', { id: 'handoff-stat-handle', text: minutes(handleMean, answered > 0) })]),
          el('div', null, [el('dt', { text: 'Mức hài lòng (1–5)' }), el('dd', { id: 'handoff-stat-rating', text: rated ? (Math.round(ratingMean * 10) / 10).toLocaleString('vi-VN') + ' (' + formatNumber(rated) + ' đánh giá)' : '—' })]),
        ]),
        days.length ? chart : null,
        days.length ? el('details', { class: 'details', open: open && open.open ? true : null }, [
          el('summary', { text: 'Xem số liệu theo ngày' }),
          table('handoff-stats-table', 'Yêu cầu gặp cán bộ theo ngày', ['Ngày', 'Yêu cầu', 'Ngoài giờ', 'Được trả lời', 'Chờ (trung vị)', 'Xử lý (trung bình)', 'Hài lòng'],
            days.map((d) => el('tr', null, [
              el('td', { text: str(d.date) }),
              el('td', { class: 'num', text: formatNumber(num(d.requests)) }),
              el('td', { class: 'num', text: formatNumber(num(d.after_hours)) }),
              el('td', { class: 'num', text: formatNumber(num(d.answered)) }),
              el('td', { class: 'num', text: minutes(d.wait_median_minutes, num(d.answered) > 0) }),
              el('td', { class: 'num', text: minutes(d.handling_mean_minutes, num(d.answered) > 0) }),
              el('td', { class: 'num', text: num(d.rated) ? String(d.rating_mean) + ' (' + formatNumber(num(d.rated)) + ')' : '—' }),
            ]))),
        ]) : el('p', { class: 'muted', text: 'Chưa có yêu cầu nào trong ' + STATS_DAYS + ' ngày qua.' }),
      ]);
    }

    // -------------------------------------------------------------- list
    const statusButtons = Object.keys(STATUS).map((s) => {
      const b = el('button', { type: 'button', id: 'handoff-status-' + s, class: 'btn seg', 'data-status': s, 'aria-pressed': s === filters.status ? 'true' : 'false', text: STATUS[s] });
      b.addEventListener('click', () => {
        filters.status = s;
        statusButtons.forEach((x) => x.setAttribute('aria-pressed', x === b ? 'true' : 'false'));
        listSig = '';
        refreshList(false).catch(fail);
      });
      return b;
    });
    const queueSelect = el('select', { id: 'handoff-queue-filter' }, [el('option', { value: '', text: 'Tất cả lĩnh vực' })]
      .concat(queues.map((q) => el('option', { value: q, text: q, selected: q === filters.queue }))));
    queueSelect.addEventListener('change', () => {
      filters.queue = queueSelect.value;
      listSig = '';
      refreshList(false).catch(fail);
    });
    const countEl = el('p', { id: 'handoff-count', class: 'muted' });
    const listEl = el('ul', { id: 'handoff-queue', class: 'handoff-queue', 'aria-labelledby': 'handoff-list-heading' });
    const listPane = el('section', { class: 'handoff-list', 'aria-labelledby': 'handoff-list-heading' }, [
      el('h3', { id: 'handoff-list-heading', text: 'Hàng chờ' }),
      el('div', { class: 'seg-group', role: 'group', 'aria-label': 'Trạng thái' }, statusButtons),
      el('div', { class: 'field' }, [el('label', { for: 'handoff-queue-filter', text: 'Lĩnh vực' }), queueSelect]),
      countEl,
      listEl,
    ]);

    function itemLine(c) {
      switch (c.status) {
        case 'waiting': return 'Chờ ' + (str(c.waited) || '—') + (c.position ? ' · thứ ' + num(c.position) + ' trong hàng' : '') + (c.after_hours ? ' · ngoài giờ' : '');
        case 'active': return (c.assignee === me.id ? 'Bạn đang xử lý' : 'Đang xử lý: ' + (str(c.assignee_name) || str(c.assignee)));
        default: return 'Đã đóng ' + formatTime(c.closed_at) + (c.rating ? ' · ' + num(c.rating) + '★' : '');
      }
    }

    function renderList(items) {
      const sig = JSON.stringify([selected, items.map((c) => [c.id, c.status, c.assignee, c.unread, c.last_text, c.waited, c.position, c.rating])]);
      if (sig === listSig) return;
      listSig = sig;
      const focusedID = listEl.contains(document.activeElement) ? document.activeElement.getAttribute('data-id') : '';
      clear(listEl);
      countEl.textContent = items.length ? formatNumber(items.length) + ' cuộc trò chuyện' : '';
      if (!items.length) {
        append(listEl, el('li', { class: 'handoff-empty', text: filters.status === 'waiting' ? 'Không có người dân nào đang chờ.' : 'Không có cuộc trò chuyện nào.' }));
        return;
      }
      items.forEach((c) => {
        const unread = num(c.unread);
        const btn = el('button', { type: 'button', class: 'handoff-open', 'data-id': str(c.id), 'aria-current': c.id === selected ? 'true' : null }, [
          el('span', { class: 'hi-top' }, [
            el('strong', { text: channelLabel(c.channel) }),
            el('span', { class: 'hi-queue', text: ' · ' + queueLabel(c.queue) }),
            unread > 0 && c.status !== 'closed' ? el('span', { class: 'badge badge-unread', text: formatNumber(unread) + ' tin mới' }) : null,
          ]),
          el('span', { class: 'hi-line', text: itemLine(c) }),
          el('span', { class: 'hi-text', text: clip(c.last_text, 140) || '—' }),
        ]);
        btn.addEventListener('click', () => select(str(c.id), true));
        append(listEl, el('li', { class: 'handoff-item status-' + str(c.status), 'data-id': str(c.id), 'data-status': str(c.status), 'data-chat': chatRef(c) }, btn));
      });
      if (focusedID) {
        const again = listEl.querySelector('button[data-id="' + CSS.escape(focusedID) + '"]');
        if (again) again.focus();
      }
    }

    async function refreshList(quiet) {
      const q = '?status=' + enc(filters.status) + (filters.queue ? '&queue=' + enc(filters.queue) : '');
      const data = await (quiet ? apiQuiet : api)('GET', '/conversations' + q);
      if (!ctx.live()) return;
      renderList(arr(data.items));
    }

    // ------------------------------------------------------ conversation
    const convPane = el('section', { id: 'handoff-conv', class: 'handoff-conv card', 'aria-labelledby': 'handoff-conv-title' });
    let parts = null; // the pane's live nodes for the open conversation

    function emptyPane() {
      parts = null;
      clear(convPane);
      convPane.removeAttribute('data-id');
      convPane.removeAttribute('data-status');
      append(convPane, [
        el('h3', { id: 'handoff-conv-title', tabindex: '-1', text: 'Cuộc trò chuyện' }),
        el('p', { class: 'muted', text: 'Chọn một cuộc trò chuyện trong hàng chờ để xem nội dung và trả lời người dân.' }),
      ]);
    }

    function showError(text) {
      if (!parts) return;
      parts.error.textContent = text;
      parts.error.hidden = !text;
    }

    function fromLabel(m) {
      switch (m.from) {
        case 'citizen': return 'Người dân';
        case 'bot': return 'Trợ lý tự động';
        case 'staff': return 'Cán bộ ' + (str(m.author) || '') + (m.author && str(m.author) === me.name ? ' (bạn)' : '');
        default: return 'Hệ thống';
      }
    }

    function transcriptItem(m) {
      const from = ['citizen', 'bot', 'staff', 'system'].indexOf(m.from) >= 0 ? m.from : 'system';
      return el('li', { class: 'tmsg from-' + from, 'data-from': from, 'data-id': str(m.id) }, [
        el('p', { class: 'tmeta' }, [el('span', { class: 'twho', text: fromLabel(m) }), el('span', { class: 'twhen', text: ' · ' + formatTime(m.at) })]),
        el('div', { class: 'ttext', text: str(m.text) }),
      ]);
    }

    function buildPane(c) {
      clear(convPane);
      shownIDs = new Set();
      const title = el('h3', { id: 'handoff-conv-title', tabindex: '-1' });
      const info = el('p', { id: 'handoff-conv-info', class: 'handoff-info' });
      const error = el('p', { id: 'handoff-conv-error', class: 'notice notice-error', role: 'alert', hidden: true });
      const holder = el('p', { id: 'handoff-conv-holder', class: 'handoff-holder' });
      const claimBtn = el('button', { type: 'button', id: 'handoff-claim', class: 'btn btn-primary', text: 'Nhận xử lý' });
      const transferSelect = el('select', { id: 'handoff-transfer-to' }, [
        el('option', { value: '', text: '— Chọn cán bộ hoặc hàng chờ —' }),
        agents.length ? el('optgroup', { label: 'Cán bộ' }, agents.map((a) => el('option', { value: 'to:' + agentID(a), text: agentName(a) || agentID(a) }))) : null,
        el('optgroup', { label: 'Hàng chờ' }, [''].concat(queues).map((q) => el('option', { value: 'queue:' + q, text: 'Hàng chờ ' + queueLabel(q) }))),
      ]);
      const transferBtn = el('button', { type: 'button', id: 'handoff-transfer', class: 'btn', text: 'Chuyển' });
      const closeBtn = el('button', { type: 'button', id: 'handoff-close', class: 'btn btn-danger', text: 'Kết thúc' });
      const transcript = el('ol', { id: 'handoff-transcript', class: 'transcript', tabindex: '0', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Nội dung trò chuyện' });
      const reply = el('textarea', { id: 'handoff-reply', rows: '4', maxlength: '4000', 'aria-describedby': 'handoff-reply-help' });
      const sendBtn = el('button', { type: 'submit', id: 'handoff-send', class: 'btn btn-primary', text: 'Gửi' });
      const form = el('form', { id: 'handoff-reply-form', class: 'form handoff-reply', action: '#', novalidate: true }, [
        el('div', { class: 'field' }, [
          el('label', { for: 'handoff-reply', text: 'Trả lời người dân' }),
          reply,
          el('p', { id: 'handoff-reply-help', class: 'help', text: 'Ctrl+Enter để gửi. Câu trả lời được gửi tới người dân trên kênh họ đang dùng, kèm tên của bạn.' }),
        ]),
        el('div', { class: 'form-actions' }, [sendBtn]),
      ]);

      // Knowledge-base insertion.
      const kbQuery = el('input', { id: 'handoff-kb-q', type: 'search', autocomplete: 'off', placeholder: 'ví dụ: làm lại căn cước' });
      const kbProc = el('select', { id: 'handoff-kb-proc' }, el('option', { value: '', text: '— Tìm thủ tục trước —' }));
      const kbSection = el('select', { id: 'handoff-kb-section' }, SECTIONS.map((s) => el('option', { value: s.id, text: s.label })));
      const kbInsert = el('button', { type: 'button', id: 'handoff-kb-insert', class: 'btn', text: 'Chèn vào câu trả lời' });
      const kbMsg = el('p', { id: 'handoff-kb-msg', class: 'help', 'aria-live': 'polite' });
      const kb = el('details', { id: 'handoff-kb', class: 'details handoff-kb' }, [
        el('summary', { text: 'Chèn nội dung thủ tục' }),
        el('div', { class: 'field' }, [el('label', { for: 'handoff-kb-q', text: 'Tìm thủ tục' }), kbQuery]),
        el('div', { class: 'field' }, [el('label', { for: 'handoff-kb-proc', text: 'Thủ tục' }), kbProc]),
        el('div', { class: 'field' }, [el('label', { for: 'handoff-kb-section', text: 'Mục' }), kbSection]),
        kbInsert,
        kbMsg,
      ]);
      let kbSeq = 0;
      const search = debounce(async () => {
        const q = kbQuery.value.trim();
        const seq = ++kbSeq;
        if (!q) return;
        try {
          const data = await publicJSON('/api/procedures/search?limit=10&q=' + enc(q));
          if (seq !== kbSeq) return;
          const results = arr(data.results);
          clear(kbProc);
          if (!results.length) {
            append(kbProc, el('option', { value: '', text: '— Không tìm thấy thủ tục phù hợp —' }));
          }
          results.forEach((r) => append(kbProc, el('option', { value: str(r.id), text: str(r.title) + (r.field ? ' (' + str(r.field) + ')' : '') })));
          kbMsg.textContent = results.length ? 'Tìm thấy ' + results.length + ' thủ tục.' : 'Không tìm thấy thủ tục phù hợp.';
        } catch (e) {
          kbMsg.textContent = str(e.message) || 'Không tìm được thủ tục.';
        }
      }, 300);
      kbQuery.addEventListener('input', search);
      kbQuery.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); search(); } });
      kbInsert.addEventListener('click', async () => {
        const id = kbProc.value;
        if (!id) {
          kbMsg.textContent = 'Bạn hãy tìm và chọn một thủ tục.';
          kbQuery.focus();
          return;
        }
        kbInsert.disabled = true;
        try {
          const p = await publicJSON('/api/procedures/' + enc(id));
          const text = sectionText(p, kbSection.value);
          const label = (SECTIONS.find((s) => s.id === kbSection.value) || {}).label || '';
          if (!text) {
            kbMsg.textContent = 'Thủ tục này chưa có nội dung mục “' + label + '”.';
            return;
          }
          insertAtCursor(reply, text);
          kbMsg.textContent = 'Đã chèn mục “' + label + '” vào câu trả lời. Bạn hãy đọc lại và sửa trước khi gửi.';
        } catch (e) {
          kbMsg.textContent = str(e.message) || 'Không tải được thủ tục.';
        } finally {
          kbInsert.disabled = false;
        }
      });

      const eraseShortcut = admin ? el('button', { type: 'button', id: 'handoff-erase-this', class: 'btn btn-link', text: 'Xóa dữ liệu của người dân này…' }) : null;
      if (eraseShortcut) {
        eraseShortcut.addEventListener('click', () => {
          const input = document.getElementById('handoff-erase-chat');
          const box = document.getElementById('handoff-privacy');
          if (!input || !conv) return;
          if (box) box.open = true;
          input.value = chatRef(conv);
          input.focus();
        });
      }

      append(convPane, [
        title, info, holder, error,
        el('div', { class: 'handoff-actions' }, [
          claimBtn,
          el('div', { class: 'field field-inline handoff-transfer' }, [
            el('label', { for: 'handoff-transfer-to', text: 'Chuyển cho' }),
            el('div', { class: 'inline' }, [transferSelect, transferBtn]),
          ]),
          closeBtn,
        ]),
        transcript,
        form,
        kb,
        eraseShortcut,
      ]);
      parts = { id: str(c.id), title, info, holder, error, claimBtn, transferSelect, transferBtn, closeBtn, transcript, reply, sendBtn };

      claimBtn.addEventListener('click', () => act('claim', async () => {
        const out = await api('POST', '/conversations/' + enc(parts.id) + '/claim');
        setStatus('Bạn đã nhận xử lý cuộc trò chuyện.', 'ok');
        return out;
      }));
      transferBtn.addEventListener('click', () => {
        const v = transferSelect.value;
        if (!v) {
          showError('Bạn hãy chọn cán bộ hoặc hàng chờ để chuyển.');
          transferSelect.focus();
          return;
        }
        const body = v.indexOf('to:') === 0 ? { to: v.slice(3) } : { queue: v.slice(6) };
        const label = transferSelect.options[transferSelect.selectedIndex].text;
        act('transfer', async () => {
          const out = await api('POST', '/conversations/' + enc(parts.id) + '/transfer', body);
          setStatus('Đã chuyển cuộc trò chuyện cho ' + label + '.', 'ok');
          transferSelect.value = '';
          return out;
        });
      });
      closeBtn.addEventListener('click', () => {
        if (!window.confirm('Kết thúc cuộc trò chuyện này? Người dân sẽ được mời đánh giá mức độ hài lòng.')) return;
        act('close', async () => {
          const out = await api('POST', '/conversations/' + enc(parts.id) + '/close');
          setStatus('Đã kết thúc cuộc trò chuyện.', 'ok');
          return out;
        });
      });
      const sendReply = async () => {
        const text = reply.value.trim();
        if (!text) {
          showError('Bạn hãy nhập nội dung trả lời.');
          reply.focus();
          return;
        }
        if (sendBtn.disabled) return;
        sendBtn.disabled = true;
        showError('');
        const id = parts.id;
        try {
          const m = await api('POST', '/conversations/' + enc(id) + '/messages', { text: text });
          if (!parts || parts.id !== id) return;
          reply.value = '';
          addTranscript([m]);
          setStatus('Đã gửi câu trả lời.', 'ok');
          await loadConv(id, true);
        } catch (e) {
          if (e.status === 409) showError(conflictText(e));
          else if (!e.handled) showError(str(e.message));
          else fail(e);
          await loadConv(id, true).catch(() => {});
        } finally {
          if (parts) sendBtn.disabled = !canWrite(conv);
          reply.focus();
        }
      };
      form.addEventListener('submit', (ev) => { ev.preventDefault(); sendReply(); });
      reply.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !ev.isComposing) {
          ev.preventDefault();
          sendReply();
        }
      });
    }

    // canWrite: a waiting conversation (replying takes it) or one this officer holds.
    function canWrite(c) {
      return !!c && (c.status === 'waiting' || (c.status === 'active' && c.assignee === me.id));
    }

    // act runs one action on the open conversation and shows its outcome.
    async function act(what, fn) {
      if (!parts) return;
      const id = parts.id;
      const buttons = [parts.claimBtn, parts.transferBtn, parts.closeBtn];
      buttons.forEach((b) => { b.disabled = true; });
      showError('');
      try {
        await fn();
      } catch (e) {
        if (e.status === 409) showError(conflictText(e));
        else if (!e.handled) showError(str(e.message));
        else fail(e);
      }
      try {
        await loadConv(id, true);
        await refreshList(true);
        await loadStats(true);
      } catch (e) {
        fail(e);
      }
      if (parts && parts.id === id) updateButtons(conv);
    }

    function updateButtons(c) {
      if (!parts || !c) return;
      const mine = c.status === 'active' && c.assignee === me.id;
      const closed = c.status === 'closed';
      parts.claimBtn.hidden = closed || mine;
      parts.claimBtn.disabled = false;
      parts.transferBtn.disabled = closed || !canWrite(c);
      parts.transferSelect.disabled = closed || !canWrite(c);
      parts.closeBtn.disabled = closed || !canWrite(c);
      parts.reply.disabled = !canWrite(c);
      parts.sendBtn.disabled = !canWrite(c);
    }

    function addTranscript(msgs) {
      if (!parts) return;
      const area = parts.transcript;
      const atBottom = area.scrollHeight - area.scrollTop - area.clientHeight < 40;
      let added = false;
      msgs.forEach((m) => {
        const id = str(m.id) || (str(m.from) + str(m.at) + str(m.text));
        if (shownIDs.has(id)) return;
        shownIDs.add(id);
        append(area, transcriptItem(m));
        added = true;
      });
      if (added && atBottom) area.scrollTop = area.scrollHeight;
    }

    function renderConv(c) {
      conv = c;
      if (!parts || parts.id !== str(c.id)) buildPane(c);
      // A refusal shown earlier no longer holds once the conversation moved.
      const key = str(c.status) + '/' + str(c.assignee);
      if (parts.key && parts.key !== key) showError('');
      parts.key = key;
      convPane.setAttribute('data-id', str(c.id));
      convPane.setAttribute('data-status', str(c.status));
      parts.title.textContent = 'Người dân qua ' + channelLabel(c.channel);
      const bits = [STATUS[c.status] || str(c.status), 'hàng chờ ' + queueLabel(c.queue), 'mã ' + chatRef(c)];
      if (c.topic) bits.push('thủ tục đang hỏi: ' + str(c.topic));
      if (c.status === 'waiting' && c.waited) bits.push('đã chờ ' + str(c.waited));
      if (c.after_hours) bits.push('yêu cầu ngoài giờ làm việc');
      if (c.status === 'closed') bits.push(c.rating ? 'đánh giá ' + num(c.rating) + '/5' : 'chưa đánh giá');
      parts.info.textContent = bits.join(' · ');
      let holder = '';
      if (c.status === 'active') holder = c.assignee === me.id ? 'Bạn đang xử lý cuộc trò chuyện này.' : 'Cán bộ ' + (str(c.assignee_name) || str(c.assignee)) + ' đang xử lý cuộc trò chuyện này.';
      else if (c.status === 'waiting') holder = 'Chưa có cán bộ nhận. Bấm “Nhận xử lý” (hoặc trả lời) để nhận.';
      else holder = 'Cuộc trò chuyện đã kết thúc' + (c.closed_by === 'citizen' ? ' (người dân kết thúc)' : '') + '.';
      parts.holder.textContent = holder;
      parts.holder.className = 'handoff-holder' + (c.status === 'active' && c.assignee !== me.id ? ' is-other' : '');
      addTranscript(arr(c.messages));
      updateButtons(c);
    }

    async function loadConv(id, quiet) {
      const c = await (quiet ? apiQuiet : api)('GET', '/conversations/' + enc(id));
      if (!ctx.live() || selected !== id) return;
      renderConv(c);
    }

    async function select(id, focus) {
      selected = id;
      listSig = '';
      try {
        history.replaceState(null, '', '#handoff/' + enc(id));
      } catch (e) { /* keep the hash */ }
      listEl.querySelectorAll('button.handoff-open').forEach((b) => {
        if (b.getAttribute('data-id') === id) b.setAttribute('aria-current', 'true');
        else b.removeAttribute('aria-current');
      });
      try {
        await loadConv(id, false);
        if (focus && parts) parts.title.focus();
      } catch (e) {
        if (e.status === 404) {
          emptyPane();
          setStatus('Không tìm thấy cuộc trò chuyện (có thể đã bị xóa).', 'warn');
        } else {
          fail(e);
        }
      }
    }

    // ------------------------------------------------------------ privacy
    let privacy = null;
    if (admin) {
      const chatInput = el('input', { id: 'handoff-erase-chat', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'web:3f2a… hoặc telegram:12345', 'aria-describedby': 'handoff-erase-help' });
      const eraseBtn = el('button', { type: 'submit', id: 'handoff-erase', class: 'btn btn-danger', text: 'Xóa dữ liệu' });
      const result = el('div', { id: 'handoff-erase-result', 'aria-live': 'polite' });
      const errEl = el('p', { id: 'handoff-erase-error', class: 'field-error', hidden: true });
      const form = el('form', { id: 'handoff-erase-form', class: 'form', action: '#', novalidate: true }, [
        el('div', { class: 'field' }, [
          el('label', { for: 'handoff-erase-chat', text: 'Mã người dân (kênh:mã trò chuyện)' }),
          chatInput,
          el('p', { id: 'handoff-erase-help', class: 'help', text: 'Xóa các cuộc trò chuyện với cán bộ, nội dung trò chuyện, đánh giá, phản hồi và lịch sử trò chuyện của một người dân theo yêu cầu của họ (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân). Thao tác được ghi nhật ký và không hoàn tác được.' }),
          errEl,
        ]),
        eraseBtn,
        result,
      ]);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        errEl.hidden = true;
        chatInput.removeAttribute('aria-invalid');
        const chat = chatInput.value.trim();
        if (!/^[a-z]+:\S+$/.test(chat)) {
          errEl.textContent = 'Bạn hãy nhập theo dạng kênh:mã, ví dụ web:3f2a9c hoặc telegram:12345.';
          errEl.hidden = false;
          chatInput.setAttribute('aria-invalid', 'true');
          chatInput.focus();
          return;
        }
        if (!window.confirm('Xóa toàn bộ dữ liệu của người dân ' + chat + '?\n\nCuộc trò chuyện với cán bộ, nội dung, đánh giá và lịch sử trò chuyện sẽ bị xóa vĩnh viễn. Thao tác này không hoàn tác được.')) return;
        eraseBtn.disabled = true;
        clear(result);
        try {
          const data = await api('POST', '/privacy/erase', { chat: chat });
          const erased = data.erased && typeof data.erased === 'object' ? data.erased : {};
          const detail = Object.keys(erased).map((k) => k + ': ' + formatNumber(num(erased[k]))).join(', ');
          append(result, notice('Đã xóa dữ liệu của ' + chat + (detail ? ' (' + detail + ')' : '') + '.', 'ok'));
          setStatus('Đã xóa dữ liệu của người dân.', 'ok');
          chatInput.value = '';
          if (conv && chatRef(conv) === chat) {
            selected = '';
            emptyPane();
          }
          listSig = '';
          await refreshList(true);
        } catch (e) {
          if (e.status === 400) {
            errEl.textContent = str(e.message);
            errEl.hidden = false;
            chatInput.setAttribute('aria-invalid', 'true');
          }
          fail(e);
        } finally {
          eraseBtn.disabled = false;
        }
      });
      privacy = el('details', { id: 'handoff-privacy', class: 'card details handoff-privacy' }, [
        el('summary', { text: 'Xóa dữ liệu của một người dân' }),
        form,
      ]);
    }

    // ------------------------------------------------------------ polling
    async function tick() {
      if (!ctx.live()) return stop();
      if (document.visibilityState === 'hidden' || inFlight) return;
      inFlight = true;
      try {
        await refreshList(true);
        if (selected && ctx.live()) await loadConv(selected, true);
        if (++polls % STATS_EVERY === 0 && ctx.live()) await loadStats(true);
      } catch (e) {
        if (e && e.status === 404 && selected) {
          selected = '';
          emptyPane();
        }
        // Other failures: try again at the next tick, quietly.
      } finally {
        inFlight = false;
      }
    }
    const timer = setInterval(tick, POLL_MS);
    const onVisible = () => {
      if (!ctx.live()) return stop();
      if (document.visibilityState === 'visible') tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    function stop() {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    }

    // -------------------------------------------------------------- mount
    emptyPane();
    await Promise.all([refreshList(false), loadStats(false).catch(fail)]);
    if (!mount(ctx, [
      heading('Hỗ trợ trực tiếp'),
      el('p', { class: 'muted', text: 'Người dân yêu cầu gặp cán bộ chờ ở đây. Nhận xử lý một cuộc trò chuyện, đọc lại nội dung (kể cả câu trả lời của trợ lý tự động), trả lời, chuyển cho cán bộ hoặc lĩnh vực khác, và kết thúc khi xong. Danh sách tự cập nhật vài giây một lần.' }),
      el('div', { class: 'handoff-layout' }, [listPane, convPane]),
      statsBox,
      privacy,
    ])) return stop();
    if (selected) await select(selected, false);
  };
})();
