// dvcbot staff admin: the "Danh mục thủ tục" screen (#catalog). Upload an
// official procedure catalogue (.jsonl, .json, .csv, .xlsx) and read its
// per-row report, see the past imports, and browse the official records with a
// link to the curated guide that names their code.
//
// Same rules as admin.js: no HTML parsing of data (createElement and
// textContent only), no inline code. It uses the helpers admin.js exposes as
// window.dvcAdmin and registers its view there.
'use strict';

(function () {
  const A = window.dvcAdmin;
  if (!A) return;
  const { el, append, clear, heading, notice, table, str, arr, num, formatTime, formatNumber, enc, debounce, api, mount, setStatus, fail } = A;

  const IMPORT_TIMEOUT_MS = 10 * 60 * 1000; // a province's whole catalogue
  const PAGE = 50;
  const FORMATS = { jsonl: 'JSON Lines', json: 'JSON', csv: 'CSV', xlsx: 'Excel' };
  const state = { q: '', field: '', level: '', offset: 0 };

  function reportSummary(r) {
    const rejected = arr(r.rejected).length;
    return 'Tạo mới ' + formatNumber(num(r.created)) + ', cập nhật ' + formatNumber(num(r.updated)) +
      ', gỡ do hết hiệu lực ' + formatNumber(num(r.withdrawn)) + ', không đổi ' + formatNumber(num(r.unchanged)) +
      ', bị từ chối ' + formatNumber(rejected) + ' dòng.';
  }

  function rejectedTable(id, rows) {
    return table(id, 'Các dòng bị từ chối (những dòng khác vẫn được nhập)', ['Dòng', 'Mã thủ tục', 'Lý do'],
      rows.map((r) => el('tr', { class: 'catalog-rejected-row' }, [
        el('td', { class: 'num', text: str(r.row) }),
        el('td', null, r.code ? el('code', { text: str(r.code) }) : '—'),
        el('td', { text: str(r.error) }),
      ])));
  }

  function showReport(box, data) {
    const rejected = arr(data.rejected);
    const kept = arr(data.kept_staff_edit);
    append(box, [
      el('p', { id: 'catalog-summary', class: 'notice ' + (rejected.length ? 'notice-warn' : 'notice-ok'),
        text: 'Đã nhập ' + formatNumber(num(data.rows)) + ' dòng từ tệp ' + (str(data.file) || '(không tên)') +
          ' (' + (FORMATS[data.format] || str(data.format)) + ', ' + formatNumber(num(data.duration_ms)) + ' ms). ' + reportSummary(data) }),
      kept.length ? notice('Giữ nguyên ' + kept.length + ' thủ tục đã được cán bộ sửa tay: ' + kept.join(', ') + '.', 'info') : null,
      rejected.length ? rejectedTable('catalog-rejected', rejected) : null,
    ]);
  }

  function uploadForm(onDone) {
    const fileInput = el('input', { id: 'catalog-file', type: 'file', accept: '.jsonl,.ndjson,.json,.csv,.xlsx', 'aria-describedby': 'catalog-file-help' });
    const errEl = el('p', { id: 'catalog-file-error', class: 'field-error', hidden: true });
    const btn = el('button', { id: 'catalog-upload', type: 'submit', class: 'btn btn-primary', text: 'Nhập danh mục' });
    const result = el('div', { id: 'catalog-result', 'aria-live': 'polite' });
    const form = el('form', { id: 'catalog-form', class: 'card form', action: '#' }, [
      el('h3', { text: 'Nhập danh mục thủ tục hành chính' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'catalog-file', text: 'Tệp danh mục' }),
        fileInput,
        el('p', { id: 'catalog-file-help', class: 'help', text: 'Tệp xuất từ Cơ sở dữ liệu quốc gia về thủ tục hành chính hoặc Cổng Dịch vụ công của tỉnh: Excel (.xlsx), CSV (UTF-8), JSON hoặc JSON Lines, tối đa 64 MB. Dòng tiêu đề dùng tên cột của Cổng (Mã thủ tục, Tên thủ tục, Lĩnh vực, …). Thủ tục được nhận biết theo mã; nhập lại cùng tệp không thay đổi gì; thủ tục "Hết hiệu lực" được gỡ khỏi câu trả lời.' }),
        errEl,
      ]),
      btn,
      result,
    ]);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      errEl.hidden = true;
      fileInput.removeAttribute('aria-invalid');
      const file = fileInput.files && fileInput.files[0];
      if (!file) {
        errEl.textContent = 'Bạn hãy chọn một tệp danh mục.';
        errEl.hidden = false;
        fileInput.setAttribute('aria-invalid', 'true');
        fileInput.focus();
        return;
      }
      btn.disabled = true;
      clear(result);
      append(result, notice('Đang nhập tệp ' + file.name + '…', 'info'));
      try {
        const data = await api('POST', '/catalog?filename=' + enc(file.name), file, file.type || 'application/octet-stream', IMPORT_TIMEOUT_MS);
        clear(result);
        showReport(result, data);
        setStatus('Đã nhập danh mục từ tệp ' + file.name + '.', 'ok');
        onDone();
      } catch (e) {
        clear(result);
        if (e.status === 400 || e.status === 413 || e.status === 415) {
          append(result, el('p', { id: 'catalog-error', class: 'notice notice-error', role: 'alert', text: 'Không nhập được tệp (không có dòng nào được lưu): ' + e.message }));
          setStatus('Không nhập được tệp ' + file.name + '.', 'error');
          onDone();
        } else {
          fail(e);
        }
      } finally {
        btn.disabled = false;
      }
    });
    return form;
  }

  function importsSection() {
    const box = el('div', { id: 'catalog-imports-box' });
    async function load() {
      const data = await api('GET', '/catalog/imports?limit=20');
      const list = arr(data.imports);
      clear(box);
      if (!list.length) {
        append(box, notice('Chưa nhập danh mục lần nào.'));
        return;
      }
      append(box, table('catalog-imports', 'Các lần nhập gần đây', ['Thời điểm', 'Người nhập', 'Tệp', 'Số dòng', 'Kết quả', ''],
        list.map((imp) => {
          const r = imp.report || {};
          const rejected = arr(r.rejected);
          const detail = el('tr', { class: 'import-detail', hidden: true }, el('td', { colspan: '6' }, rejected.length ? rejectedTable(null, rejected) : notice('Không có dòng nào bị từ chối.')));
          const toggle = rejected.length ? el('button', { type: 'button', class: 'btn btn-link', 'aria-expanded': 'false', text: 'Xem dòng lỗi' }) : null;
          if (toggle) {
            toggle.addEventListener('click', () => {
              detail.hidden = !detail.hidden;
              toggle.setAttribute('aria-expanded', detail.hidden ? 'false' : 'true');
            });
          }
          const row = el('tr', { class: 'import-row' + (imp.error ? ' is-failed' : ''), 'data-id': str(imp.id) }, [
            el('td', { text: formatTime(imp.at) }),
            el('td', { text: str(imp.by) }),
            el('td', null, [str(imp.file) || '—', ' ', el('span', { class: 'muted', text: '(' + (FORMATS[imp.format] || str(imp.format) || '?') + ')' })]),
            el('td', { class: 'num', text: formatNumber(num(imp.rows)) }),
            el('td', { text: imp.error ? 'Không nhập được: ' + str(imp.error) : reportSummary(r) }),
            el('td', null, toggle),
          ]);
          return [row, detail];
        }).reduce((a, b) => a.concat(b), [])));
    }
    return { box: box, load: load };
  }

  function officialSection(ctx) {
    const search = el('input', { id: 'official-search', type: 'search', value: state.q, autocomplete: 'off', placeholder: 'Mã (1.001193) hoặc tên thủ tục' });
    const fieldSel = el('select', { id: 'official-field' }, el('option', { value: '', text: 'Tất cả lĩnh vực' }));
    const levelSel = el('select', { id: 'official-level' }, el('option', { value: '', text: 'Tất cả các cấp' }));
    const count = el('p', { id: 'official-count', class: 'muted', 'aria-live': 'polite' });
    const tbody = el('tbody');
    const prev = el('button', { id: 'official-prev', type: 'button', class: 'btn', text: '← Trang trước' });
    const next = el('button', { id: 'official-next', type: 'button', class: 'btn', text: 'Trang sau →' });
    let seq = 0;
    function fillSelect(sel, values, current) {
      if (sel.options.length > 1) return;
      arr(values).forEach((v) => append(sel, el('option', { value: v, text: v, selected: v === current })));
    }
    async function load() {
      const mine = ++seq;
      const qs = '?kind=official&limit=' + PAGE + '&offset=' + state.offset +
        (state.q ? '&q=' + enc(state.q) : '') + (state.field ? '&field=' + enc(state.field) : '') + (state.level ? '&level=' + enc(state.level) : '');
      try {
        const data = await api('GET', '/procedures' + qs);
        if (mine !== seq || !ctx.live()) return;
        fillSelect(fieldSel, data.fields, state.field);
        fillSelect(levelSel, data.levels, state.level);
        const list = arr(data.procedures);
        const total = num(data.total);
        clear(tbody);
        if (!list.length) {
          append(tbody, el('tr', null, el('td', { colspan: '6', class: 'empty', text: 'Không có thủ tục nào phù hợp.' })));
        }
        list.forEach((p) => append(tbody, el('tr', { class: 'official-row' + (p.deleted ? ' is-deleted' : ''), 'data-id': str(p.id), 'data-code': str(p.national_code) }, [
          el('td', null, el('code', { text: str(p.national_code) })),
          el('td', null, el('a', { class: 'proc-edit', href: '#edit/' + enc(p.id), text: str(p.title) || str(p.id) })),
          el('td', { text: str(p.level) }),
          el('td', { text: str(p.field) }),
          el('td', null, p.deleted ? el('span', { class: 'badge badge-deleted', text: 'Hết hiệu lực' }) : el('span', { class: 'badge badge-active', text: 'Còn hiệu lực' })),
          el('td', null, p.guide_id ? el('a', { class: 'guide-link', href: '#edit/' + enc(p.guide_id), text: 'Hướng dẫn: ' + str(p.guide_id) }) : el('span', { class: 'muted', text: 'Chưa có' })),
        ])));
        const from = total ? state.offset + 1 : 0;
        count.textContent = formatNumber(total) + ' thủ tục trong danh mục' + (total ? ' (đang xem ' + formatNumber(from) + '–' + formatNumber(state.offset + list.length) + ')' : '') + '.';
        prev.disabled = state.offset === 0;
        next.disabled = state.offset + list.length >= total;
      } catch (e) {
        fail(e);
      }
    }
    const refilter = () => { state.offset = 0; load(); };
    search.addEventListener('input', debounce(() => { state.q = search.value.trim(); refilter(); }, 300));
    fieldSel.addEventListener('change', () => { state.field = fieldSel.value; refilter(); });
    levelSel.addEventListener('change', () => { state.level = levelSel.value; refilter(); });
    prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); load(); });
    next.addEventListener('click', () => { state.offset += PAGE; load(); });
    const form = el('form', { class: 'toolbar', role: 'search', action: '#', on: { submit: (ev) => { ev.preventDefault(); state.q = search.value.trim(); refilter(); } } }, [
      el('div', { class: 'field field-inline' }, [el('label', { for: 'official-search', text: 'Tìm trong danh mục' }), search]),
      el('div', { class: 'field field-inline' }, [el('label', { for: 'official-field', text: 'Lĩnh vực' }), fieldSel]),
      el('div', { class: 'field field-inline' }, [el('label', { for: 'official-level', text: 'Cấp' }), levelSel]),
      el('button', { type: 'submit', class: 'btn', text: 'Tìm' }),
    ]);
    const tableWrap = el('div', { class: 'table-wrap' }, el('table', { id: 'official-table', class: 'table' }, [
      el('caption', { text: 'Thủ tục trong danh mục chính thức' }),
      el('thead', null, el('tr', null, ['Mã', 'Tên thủ tục', 'Cấp', 'Lĩnh vực', 'Hiệu lực', 'Hướng dẫn cho người dân'].map((h) => el('th', { scope: 'col', text: h })))),
      tbody,
    ]));
    return { nodes: [el('h3', { text: 'Thủ tục trong danh mục' }), form, count, tableWrap, el('div', { class: 'pager' }, [prev, ' ', next])], load: load };
  }

  A.views.catalog = async function renderCatalog(ctx) {
    const imports = importsSection();
    const official = officialSection(ctx);
    const refresh = () => { imports.load().catch(fail); official.load(); };
    await Promise.all([imports.load(), official.load()]);
    mount(ctx, [heading('Danh mục thủ tục'), uploadForm(refresh), el('h3', { text: 'Các lần nhập' }), imports.box].concat(official.nodes));
  };
})();
