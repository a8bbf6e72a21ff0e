// The Trackers page: named lists of words and phrases looked for in every transcript (any word
// form), per side; each with the calls it was heard in. Created, edited and deleted here.
import { h, api, announce } from './dom.js';
import { t } from './i18n.js';

const SIDES = ['both', 'manager', 'client'];

// The form's phrases: one per line; blank lines are dropped by the server.
function phrasesOf(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

function post(path, body) {
  return api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
}

function editor(tracker, onSaved, onCancel) {
  const editing = Boolean(tracker);
  const id = editing ? `tracker-${tracker.id}` : 'tracker-new';
  const error = h('p', { class: 'error-text', role: 'alert', id: `${id}-error` });
  const name = h('input', {
    id: `${id}-name`, name: 'name', required: true, maxlength: 80, autocomplete: 'off',
    value: editing ? tracker.name : '', 'aria-describedby': `${id}-error`,
  });
  const side = h('select', { id: `${id}-side`, name: 'side' },
    SIDES.map((s) => h('option', { value: s, selected: editing ? tracker.side === s : s === 'both' },
      t(`trackers.side.${s}`))));
  const phrases = h('textarea', {
    id: `${id}-phrases`, name: 'phrases', rows: 5, required: true,
    placeholder: t('trackers.phrasesExample'), 'aria-describedby': `${id}-hint ${id}-error`,
  });
  phrases.value = editing ? tracker.phrases.join('\n') : '';
  const alert = h('input', { id: `${id}-alert`, name: 'alert', type: 'checkbox', checked: editing && tracker.alert });
  const form = h('form', { class: 'card tracker-form', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, editing ? t('trackers.editTitle', { name: tracker.name }) : t('trackers.newTitle')),
    h('div', { class: 'field' }, h('label', { for: `${id}-name` }, t('trackers.name')), name),
    h('div', { class: 'field' }, h('label', { for: `${id}-side` }, t('trackers.side')), side),
    h('div', { class: 'field' }, h('label', { for: `${id}-phrases` }, t('trackers.phrases')), phrases,
      h('span', { id: `${id}-hint`, class: 'muted' }, t('trackers.phrasesHint'))),
    h('div', { class: 'field checkbox' }, alert, h('label', { for: `${id}-alert` }, t('trackers.alert'))),
    error,
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('trackers.save')),
      editing ? h('button', { type: 'button', onclick: onCancel }, t('trackers.cancel')) : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = {
      name: name.value, side: side.value, phrases: phrasesOf(phrases.value), alert: alert.checked,
    };
    try {
      const saved = await post(editing ? `/api/trackers/${tracker.id}` : '/api/trackers', body);
      announce(t('trackers.saved', { name: saved.tracker.name }));
      onSaved();
    } catch (e) {
      error.textContent = t('trackers.saveFailed', { error: e.message });
    }
  });
  return form;
}

function row(tracker, rerender) {
  const remove = async () => {
    if (!window.confirm(t('trackers.confirmDelete', { name: tracker.name }))) return;
    try {
      await post(`/api/trackers/${tracker.id}/delete`);
      announce(t('trackers.deleted', { name: tracker.name }));
    } catch (e) {
      announce(t('trackers.saveFailed', { error: e.message }));
    }
    rerender();
  };
  return h('tr', { 'data-tracker-id': tracker.id },
    h('th', { scope: 'row' }, tracker.name),
    h('td', {}, t(`trackers.side.${tracker.side}`)),
    h('td', {}, tracker.phrases.join(', ')),
    h('td', {}, tracker.alert ? t('trackers.alertOn') : '—'),
    h('td', { class: 'nowrap' },
      h('a', { href: `/?tracker=${tracker.id}`, 'data-link': true }, t('trackers.calls')), ' ',
      h('button', { type: 'button', class: 'link-button', onclick: () => rerender(tracker) },
        t('trackers.edit'), h('span', { class: 'visually-hidden' }, `: ${tracker.name}`)), ' ',
      h('button', { type: 'button', class: 'link-button', onclick: remove },
        t('trackers.delete'), h('span', { class: 'visually-hidden' }, `: ${tracker.name}`))));
}

export async function renderTrackers(main, editingId = null) {
  main.replaceChildren(h('h1', {}, t('trackers.title')), h('p', { class: 'muted' }, t('trackers.intro')));
  let trackers;
  try {
    trackers = (await api('/api/trackers')).trackers;
  } catch (e) {
    main.append(h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return null;
  }
  const rerender = (edit = null) => renderTrackers(main, edit ? edit.id : null);
  if (trackers.length === 0) {
    main.append(h('p', { class: 'empty' }, t('trackers.none')));
  } else {
    main.append(h('div', { class: 'table-wrap' }, h('table', { class: 'trackers' },
      h('caption', { class: 'visually-hidden' }, t('trackers.title')),
      h('thead', {}, h('tr', {}, ['name', 'side', 'phrases', 'alert', 'actions']
        .map((c) => h('th', { scope: 'col' }, t(`trackers.col.${c}`))))),
      h('tbody', {}, trackers.map((tracker) => row(tracker, rerender))))));
  }
  const editing = trackers.find((tracker) => tracker.id === editingId);
  const form = editor(editing, () => rerender(), () => rerender());
  main.append(form);
  if (editing) form.querySelector('input').focus();
  return null;
}
