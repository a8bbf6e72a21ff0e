// The Checklists page (issue 16, item 2): the scorecard checklists, each criterion editable, a
// new checklist, a checklist imported as JSON, and which one is active (scored on every new
// conversation). The server checks every checklist (analytics::ChecklistFromJson) and its error
// names the field to fix; the page shows it as is.
import { h, api, announce } from './dom.js';
import { t } from './i18n.js';

const ID = /^[a-z0-9_]{1,40}$/;

function criterionRow(c) {
  const row = h('tr', {},
    h('td', {}, h('input', { name: 'id', value: c.id || '', 'aria-label': t('cl.id'), size: 12 })),
    h('td', {}, h('input', { name: 'question', value: c.question || '', 'aria-label': t('cl.question'), size: 50 })),
    h('td', {}, h('input', { name: 'weight', type: 'number', min: 1, max: 100, value: c.weight || 1, 'aria-label': t('cl.weight') })),
    h('td', {}, h('input', { name: 'critical', type: 'checkbox', checked: !!c.critical, 'aria-label': t('cl.critical') })),
    h('td', {}, h('select', { name: 'side', 'aria-label': t('cl.side') },
      ['manager', 'client', 'any'].map((s) => h('option', { value: s, selected: (c.side || 'manager') === s }, t(`cl.side.${s}`))))),
    h('td', {}, h('button', { type: 'button', class: 'link-button', onclick: () => row.remove() }, t('cl.delete'))));
  return row;
}

// A custom question (issue 16, item 3): answered with every call, not scored.
function questionRow(q) {
  const row = h('tr', {},
    h('td', {}, h('input', { name: 'qid', value: q.id || '', 'aria-label': t('cl.id'), size: 12 })),
    h('td', {}, h('input', { name: 'qtext', value: q.question || '', 'aria-label': t('cl.question'), size: 50 })),
    h('td', {}, h('select', { name: 'kind', 'aria-label': t('cl.kind') },
      ['yes_no', 'text'].map((k) => h('option', { value: k, selected: (q.kind || 'yes_no') === k }, t(`q.kind.${k}`))))),
    h('td', {}, h('button', { type: 'button', class: 'link-button', onclick: () => row.remove() }, t('cl.delete'))));
  return row;
}

function questionsOf(body) {
  return [...body.rows].map((row) => ({
    id: row.querySelector('[name=qid]').value.trim(),
    question: row.querySelector('[name=qtext]').value.trim(),
    kind: row.querySelector('[name=kind]').value,
  })).filter((q) => q.id || q.question);
}

// The criteria as typed; rows left entirely empty are dropped.
function criteriaOf(body) {
  return [...body.rows].map((row) => ({
    id: row.querySelector('[name=id]').value.trim(),
    question: row.querySelector('[name=question]').value.trim(),
    weight: Number(row.querySelector('[name=weight]').value),
    critical: row.querySelector('[name=critical]').checked,
    side: row.querySelector('[name=side]').value,
  })).filter((c) => c.id || c.question);
}

async function post(id, checklist, status, onSaved) {
  try {
    await api(`/api/checklists/${encodeURIComponent(id)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(checklist),
    });
    await onSaved(t('cl.saved'));
    announce(t('cl.saved'));
  } catch (e) {
    status.textContent = t('cl.failed', { error: e.message });
  }
}

function editor(checklist, onSaved) {
  const body = h('tbody', {}, (checklist.criteria.length ? checklist.criteria : [{}]).map(criterionRow));
  const questions = h('tbody', {}, (checklist.questions || []).map(questionRow));
  const status = h('p', { role: 'status', class: 'error-text' });
  const active = h('input', { type: 'checkbox', name: 'active', checked: !!checklist.active });
  const name = h('input', { name: 'name', value: checklist.name || '', size: 40 });
  const headingId = `cl-${checklist.id}`;
  return h('section', { class: 'card checklist', 'aria-labelledby': headingId, 'data-checklist': checklist.id },
    h('h2', { id: headingId }, `${checklist.name || checklist.id} (${checklist.id})`,
      checklist.active ? h('span', { class: 'badge badge-done' }, ` ${t('cl.active')}`) : null),
    h('p', {}, h('label', {}, t('cl.name'), ' ', name), ' ',
      h('label', {}, active, ' ', t('cl.active')),
      checklist.stored ? null : h('span', { class: 'muted' }, ` ${t('cl.shipped')}`)),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['cl.id', 'cl.question', 'cl.weight', 'cl.critical', 'cl.side', 'cl.delete']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      body)),
    h('p', {}, h('button', { type: 'button', onclick: () => body.append(criterionRow({})) }, t('cl.add'))),
    h('h3', {}, t('cl.questions')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'questions' },
      h('thead', {}, h('tr', {}, ['cl.id', 'cl.question', 'cl.kind', 'cl.delete']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      questions)),
    h('p', {},
      h('button', { type: 'button', onclick: () => questions.append(questionRow({})) }, t('cl.addQuestion')), ' ',
      h('button', {
        type: 'button', class: 'primary',
        onclick: () => post(checklist.id, {
          name: name.value.trim(), active: active.checked, criteria: criteriaOf(body), questions: questionsOf(questions),
        }, status, onSaved),
      }, t('cl.save'))),
    status);
}

// A new checklist starts as an editor of its own, saved like any other.
function newChecklistForm(list, onSaved) {
  const id = h('input', { name: 'new-id', size: 20, pattern: ID.source, 'aria-label': t('cl.newId') });
  const status = h('p', { role: 'status', class: 'error-text' });
  return h('section', { class: 'card' }, h('h2', {}, t('cl.new')),
    h('p', {}, h('label', {}, t('cl.newId'), ' ', id), ' ',
      h('button', {
        type: 'button',
        onclick: () => {
          if (!ID.test(id.value)) { status.textContent = t('cl.badId'); return; }
          status.textContent = '';
          list.prepend(editor({ id: id.value, name: '', active: false, stored: true, criteria: [], questions: [] }, onSaved));
          list.querySelector('input[name=name]').focus();
        },
      }, t('cl.create'))),
    status);
}

// `host`: as for renderCall (call.js), the page's element every re-render replaces.
export async function renderChecklists(main, message = '', host = main) {
  let data;
  try {
    data = await api('/api/checklists');
  } catch (e) {
    main.append(h('h1', {}, t('cl.title')), h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return null;
  }
  const rerender = async (text) => {
    const fresh = h('div');
    await renderChecklists(fresh, text, host);
    host.replaceChildren(...fresh.childNodes);
  };
  const importStatus = h('p', { role: 'status' }, message);
  const file = h('input', {
    type: 'file', accept: 'application/json,.json', id: 'cl-import',
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
  const list = h('div', { class: 'checklists' }, data.checklists.map((c) => editor(c, rerender)));
  main.append(h('h1', {}, t('cl.title')),
    h('p', { class: 'muted' }, t('cl.intro')),
    h('section', { class: 'card' }, h('h2', {}, h('label', { for: 'cl-import' }, t('cl.import'))), file, importStatus),
    newChecklistForm(list, rerender),
    list);
  return null;
}
