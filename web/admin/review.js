// dvcbot staff admin: the "Cần rà soát" screen (#review). Lists the curated
// guides never reviewed or not reviewed for six months (GET /api/admin/review),
// oldest first, each linked to its editor, so staff know which fees, time
// limits and agencies to re-check against their sources.
//
// Same rules as admin.js: createElement and textContent only, no inline code.
'use strict';

(function () {
  const A = window.dvcAdmin;
  if (!A) return;
  const { el, heading, notice, table, str, arr, num, formatNumber, enc, api, mount } = A;

  A.views.review = async function renderReview(ctx) {
    const data = await api('GET', '/review?months=6');
    const items = arr(data.items);
    const rows = items.map((g) => el('tr', { class: 'review-row', 'data-id': str(g.id) }, [
      el('td', null, el('a', { href: '#edit/' + enc(g.id), text: str(g.title || g.id) })),
      el('td', { 'data-label': 'Lĩnh vực', text: str(g.field) }),
      el('td', { 'data-label': 'Rà soát lần cuối', text: g.reviewed_at ? str(g.reviewed_at) : 'Chưa rà soát' }),
      el('td', { class: 'num', 'data-label': 'Số ngày', text: num(g.age_days) >= 0 ? formatNumber(num(g.age_days)) : '—' }),
    ]));
    mount(ctx, [
      heading('Hướng dẫn cần rà soát'),
      el('p', { class: 'muted', text: 'Các hướng dẫn chưa từng được rà soát hoặc đã quá 6 tháng chưa rà soát lại. Hãy đối chiếu lệ phí, thời hạn và nơi nộp với nguồn chính thức, cập nhật “sources” và “reviewed_at”.' }),
      rows.length ? table('review-table', 'Hướng dẫn cần rà soát', ['Hướng dẫn', 'Lĩnh vực', 'Rà soát lần cuối', 'Số ngày'], rows)
        : notice('Mọi hướng dẫn đều đã được rà soát trong 6 tháng qua.', 'ok'),
    ]);
  };
})();
