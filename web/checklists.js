// The Checklists page (issue 16, item 2): the scorecard checklists, each criterion editable, a
// checklist importable as JSON, and which one is active (scored on every new conversation).
import { h, api, announce } from './dom.js';
import { t } from './i18n.js';

function criterionRow(c) {
  return h('tr', {},
    h('td', {}, h('input', { name: 'id', value: c.id || '', 'aria-label': t('cl.id'), size: 10 })),
    h('td', {}, h('input', { name: 'question', value: c.question || '', 'aria-label': t('cl.question'), size: 50 })),
    h('td', {}, h('input', { name: 'weight', type: 'number', min: 1, max: 100, value: c.weight || 1, 'aria-label': t('cl.weight') })),
    h('td', {}, h('input', { name: 'critical', type: 'checkbox', checked: !!c.critical, 'aria-label': t('cl.critical') })),
    h('td', {}, h('select', { name: 'side', 'aria-label': t('cl.side') },
      ['manager', 'client', 'any'].map((s) => h('option', { value: s, selected: (c.side || 'manager') === s }, t(`cl.side.${s}`))))));
}

function editor(checklist, onSaved) {
  const body = h('tbody', {}, checklist.criteria.map(criterionRow));
  const status = h('p', { role: 'status' });
  const active = h('input', { type: 'checkbox', checked: !!checklist.active });
  const name = h('input', { value: checklist.name, 'aria-label': t('cl.name'), size: 40 });
  const save = async () => {
    const criteria = [...body.rows].map((row) => ({
      id: row.querySelector('[name=id]').value.trim(),
      question: row.querySelector('[name=question]').value.trim(),
      weight: Number(row.querySelector('[name=weight]').value),
      critical: row.querySelector('[name=critical]').checked,
      side: row.querySelector('[name=side]').value,
    })).filter((c) => c.id || c.question);
    await post(checklist.id, { name: name.value, active: active.checked, criteria }, status, onSaved);
  };
  return h('section', { class: 'card' },
    h('h2', {}, `${checklist.name} (${checklist.id})`),
    h('p', {}, h('label', {}, t('cl.name'), ' ', name), ' ',
      h('label', {}, active, ' ', t('cl.active')),
      checklist.stored ? null : h('span', { class: 'muted' }, ` ${t('cl.shipped')}`)),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['cl.id', 'cl.question', 'cl.weight', 'cl.critical', 'cl.side'].map((k) => h('th', {}, t(k))))),
      body)),
    h('p', {},
      h('button', { type: 'button', onclick: () => body.append(criterionRow({})) }, t('cl.add')), ' ',
      h('button', { type: 'button', class: 'primary', onclick: save }, t('cl.save'))),
    status);
}

async function post(id, checklist, status, onSaved) {
  try {
    await api(`/api/checklists/${encodeURIComponent(id)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(checklist),
    });
    announce(t('cl.saved'));
    await onSaved(t('cl.saved'));
  } catch (e) {
    status.textContent = t('cl.failed', { error: e.message });
  }
}

export async function renderChecklists(main, message = '') {
  let data;
  try {
    data = await api('/api/checklists');
  } catch (e) {
    main.append(h('h1', {}, t('cl.title')), h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return null;
  }
  const rerender = async (text) => {
    const fresh = h('div');
    await renderChecklists(fresh, text);
    main.replaceChildren(...fresh.childNodes);
  };
  const importStatus = h('p', { role: 'status' }, message);
  const file = h('input', {
    type: 'file', accept: 'application/json,.json', 'aria-label': t('cl.import'),
    onchange: async () => {
      try {
        const parsed = JSON.parse(await file.files[0].text());
        if (!parsed.id) throw new Error(t('cl.noId'));
        await post(parsed.id, parsed, importStatus, rerender);
      } catch (e) {
        importStatus.textContent = t('cl.failed', { error: e.message });
      }
    },
  });
  main.append(h('h1', {}, t('cl.title')),
    h('p', { class: 'muted' }, t('cl.intro')),
    h('section', { class: 'card' }, h('h2', {}, t('cl.import')), file, importStatus),
    ...data.checklists.map((c) => editor(c, rerender)));
  return null;
}
