// The Calls list: filters in the URL, keyset paging, one row per call.
import { h, api } from './dom.js';
import { t, formatDateTime, formatDuration } from './i18n.js';
import { formatShare, formatSeconds } from './talk.js';

const IN_PROGRESS = 'received,resolve,download,prepare,transcribe,summarize,deliver';
const FILTERS = ['q', 'number', 'from', 'to', 'direction', 'manager', 'sentiment', 'tracker', 'stage', 'answer'];
const SORT_PARAMS = ['sort', 'order'];
// The talk-metric columns (issue 16): the API's sort name of each; the largest first on a click,
// the smallest on the next.
const METRIC_COLUMNS = [
  ['talkShare', 'talk_share_manager'],
  ['monologue', 'longest_monologue_manager_seconds'],
  ['interruptions', 'interruptions_by_manager'],
];
const previousCursors = [];

// "+03:00" for the browser's zone on that date.
function localOffset(date) {
  const minutes = -new Date(`${date}T12:00:00`).getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function nextDay(date) {
  const d = new Date(`${date}T12:00:00`);
  d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function apiQuery(params) {
  const q = new URLSearchParams({ limit: '50' });
  for (const name of ['q', 'number', 'direction', 'manager', 'sentiment', 'tracker', 'stage', 'answer', 'sort', 'order', 'cursor']) {
    if (params.get(name)) q.set(name, params.get(name));
  }
  if (params.get('from')) q.set('from', `${params.get('from')}T00:00:00${localOffset(params.get('from'))}`);
  if (params.get('to')) {
    const end = nextDay(params.get('to'));
    q.set('to', `${end}T00:00:00${localOffset(end)}`);
  }
  return q;
}

function select(name, label, options, value) {
  const id = `filter-${name}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name },
      h('option', { value: '' }, t('calls.any')),
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

// The answers to the active checklist's custom questions the list can be filtered by (issue 16,
// item 3): "yes" and "no" for a yes/no question, "answered" for a text one.
function answerOptions(questions) {
  return questions.flatMap((q) => (q.kind === 'text'
    ? [[`${q.id}:*`, `${q.question} — ${t('q.answered')}`]]
    : [[`${q.id}:yes`, `${q.question} — ${t('sc.yes')}`], [`${q.id}:no`, `${q.question} — ${t('sc.no')}`]]));
}

function filterForm(params, managers, questions, trackers, onSubmit) {
  const field = (name, label, type, extra = {}) => h('div', { class: 'field' },
    h('label', { for: `filter-${name}` }, label),
    h('input', { id: `filter-${name}`, name, type, value: params.get(name) || '', ...extra }));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('calls.filters') },
    field('q', t('calls.fulltext'), 'search',
      { autocomplete: 'off', placeholder: t('calls.fulltextExample'), maxlength: 200,
        'aria-describedby': 'q-hint', class: 'wide' }),
    h('span', { id: 'q-hint', class: 'visually-hidden' }, t('calls.fulltextHint')),
    field('number', t('calls.search'), 'search',
      { inputmode: 'tel', autocomplete: 'off', placeholder: '7900…', 'aria-describedby': 'number-hint' }),
    h('span', { id: 'number-hint', class: 'visually-hidden' }, t('calls.searchHint')),
    field('from', t('calls.from'), 'date'),
    field('to', t('calls.to'), 'date'),
    select('direction', t('calls.direction'),
      [['incoming', t('dir.incoming')], ['outgoing', t('dir.outgoing')]], params.get('direction')),
    select('manager', t('calls.manager'),
      managers.map((m) => [String(m.id), m.name || `#${m.id}`]), params.get('manager')),
    select('sentiment', t('calls.sentiment'),
      ['positive', 'neutral', 'negative'].map((s) => [s, t(`sent.${s}`)]), params.get('sentiment')),
    trackers.length ? select('tracker', t('calls.tracker'),
      trackers.map((tr) => [String(tr.id), tr.name]), params.get('tracker')) : null,
    select('stage', t('calls.stage'), [
      ['done', t('stage.done')], [IN_PROGRESS, t('calls.inProgress')],
      ['skipped', t('stage.skipped')], ['failed', t('stage.failed')]], params.get('stage')),
    questions.length ? select('answer', t('q.filter'), answerOptions(questions), params.get('answer')) : null,
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('calls.apply')),
      h('button', { type: 'reset' }, t('calls.reset'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      if (!form.elements[name]) continue;
      const value = form.elements[name].value.trim();
      if (value) q.set(name, value);
    }
    for (const name of SORT_PARAMS) if (params.get(name)) q.set(name, params.get(name));
    previousCursors.length = 0;
    onSubmit(q);
  });
  form.addEventListener('reset', (event) => {
    event.preventDefault();
    previousCursors.length = 0;
    onSubmit(new URLSearchParams());
  });
  return form;
}

export function stageBadge(call) {
  const reason = call.stage === 'skipped' ? call.skip_reason : call.last_error;
  const kind = ['done', 'skipped', 'failed'].includes(call.stage) ? call.stage : 'progress';
  return h('span', { class: `badge badge-${kind}`, title: reason || null, 'data-stage': call.stage },
    t(`stage.${call.stage}`),
    reason ? h('span', { class: 'visually-hidden' }, `: ${reason}`) : null);
}

export function sentimentBadge(sentiment) {
  if (!sentiment) return '—';
  return h('span', { class: `tone tone-${sentiment}` }, t(`sent.${sentiment}`));
}

function formatOffset(ms) {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Where a search found the call: links that open the call at the hit. Snippets are plain text
// from the API; the found words become <mark> elements, never markup from the transcript.
function hitsRow(call) {
  if (!call.hits) return null;
  const items = call.hits.map((hit) => {
    const snippet = hit.snippet.map((piece) => (piece.hit ? h('mark', {}, piece.text) : piece.text));
    const where = hit.in === 'summary'
      ? t('calls.hitSummary')
      : `${hit.speaker ? `${t(`speaker.${hit.speaker}`)}, ` : ''}${formatOffset(hit.start_ms)}`;
    const href = hit.in === 'summary'
      ? `/calls/${call.id}`
      : `/calls/${call.id}#t=${hit.start_ms / 1000}`;
    return h('li', {}, h('a', { href, 'data-link': true, class: 'hit' },
      h('span', { class: 'hit-where' }, where), ' ', h('span', { class: 'hit-text' }, snippet)));
  });
  if (items.length === 0) items.push(h('li', { class: 'muted' }, t('calls.hitAcross')));
  return h('tr', { class: 'hits', 'data-hits-for': call.id },
    h('td', { colspan: 8 + METRIC_COLUMNS.length }, h('ul', { class: 'hit-list', 'aria-label': t('calls.hits') }, items)));
}

function metricCells(m) {
  const cell = (value, key) => h('td', { class: 'nowrap num', 'data-metric': key }, value);
  return [
    cell(m ? formatShare(m.talk_share_manager) : '—', 'talk_share_manager'),
    cell(m ? formatSeconds(m.longest_monologue_manager_seconds) : '—', 'longest_monologue_manager_seconds'),
    cell(m?.interruptions_by_manager ?? '—', 'interruptions_by_manager'),
  ];
}

// A metric column's header: a button that sorts the list by it (the server sorts, so paging and
// filters keep working), with aria-sort telling the current order.
function sortHeader(label, sort, params, go) {
  const current = params.get('sort') === sort;
  const ascending = current && params.get('order') === 'asc';
  const q = new URLSearchParams(params);
  q.delete('cursor');
  q.set('sort', sort);
  if (current && !ascending) q.set('order', 'asc'); else q.delete('order');
  return h('th', { scope: 'col', 'aria-sort': current ? (ascending ? 'ascending' : 'descending') : null },
    h('button', {
      type: 'button', class: 'sort', 'data-sort': sort, title: t('calls.sortBy', { col: label }),
      onclick: () => { previousCursors.length = 0; go(q); },
    }, label, current ? (ascending ? ' ↑' : ' ↓') : ''));
}

function headerRow(params, go) {
  const plain = (c) => h('th', { scope: 'col' }, t(`col.${c}`));
  return h('tr', {}, ['time', 'direction', 'client', 'manager', 'duration'].map(plain),
    METRIC_COLUMNS.map(([c, sort]) => sortHeader(t(`col.${c}`), sort, params, go)),
    ['sentiment', 'stage', 'summary'].map(plain));
}

function caption(params) {
  const metric = METRIC_COLUMNS.find(([, sort]) => sort === params.get('sort'));
  return metric ? t('calls.captionSorted', { col: t(`col.${metric[0]}`) }) : t('calls.caption');
}

function row(call) {
  const brief = call.brief || {};
  const who = [brief.client_name, brief.company].filter(Boolean).join(', ');
  return h('tr', { 'data-call-id': call.id },
    h('td', { class: 'nowrap' },
      h('a', { href: `/calls/${call.id}`, 'data-link': true }, formatDateTime(call.started_at))),
    h('td', {}, t(`dir.${call.direction}`)),
    h('td', {}, h('div', { class: 'number' }, call.client_number || '—'),
      who ? h('div', { class: 'muted' }, who) : null),
    h('td', {}, call.manager_name || (call.portal_user_id ? `#${call.portal_user_id}` : '—')),
    h('td', { class: 'nowrap' }, formatDuration(call.duration_seconds)),
    metricCells(call.metrics),
    h('td', {}, sentimentBadge(brief.sentiment)),
    h('td', {}, stageBadge(call)),
    h('td', { class: 'headline', title: brief.headline || null }, brief.headline || ''));
}

export async function renderCalls(main) {
  const params = new URLSearchParams(location.search);
  const go = (q) => {
    const url = q.toString() ? `/?${q}` : '/';
    history.pushState(null, '', url);
    main.replaceChildren();
    renderCalls(main);
  };
  main.append(h('h1', {}, t('calls.title')));
  const [managers, questions, trackers] = await Promise.all([
    api('/api/managers').then((r) => r.managers).catch(() => []),
    api('/api/checklists').then((r) => r.checklists.find((c) => c.active)?.questions || []).catch(() => []),
    api('/api/trackers').then((r) => r.trackers).catch(() => []),
  ]);
  main.append(filterForm(params, managers, questions, trackers, go));
  const results = h('section', { 'aria-live': 'polite', 'aria-busy': 'true', class: 'results' });
  main.append(results);

  let page;
  try {
    page = await api(`/api/calls?${apiQuery(params)}`);
  } catch (e) {
    results.setAttribute('aria-busy', 'false');
    results.append(h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return;
  }
  results.setAttribute('aria-busy', 'false');
  if (page.calls.length === 0) {
    results.append(h('p', { class: 'empty' }, t('calls.none')));
  } else {
    results.append(h('div', { class: 'table-wrap' }, h('table', { class: 'calls' },
      h('caption', { class: 'visually-hidden' }, caption(params)),
      h('thead', {}, headerRow(params, go)),
      h('tbody', {}, page.calls.map((call) => [row(call), hitsRow(call)])))));
  }
  const pager = h('nav', { class: 'pager', 'aria-label': t('calls.page', { n: previousCursors.length + 1 }) });
  if (params.get('cursor')) {
    pager.append(h('button', {
      type: 'button',
      onclick: () => {
        const q = new URLSearchParams(params);
        const previous = previousCursors.pop();
        if (previous) q.set('cursor', previous); else q.delete('cursor');
        go(q);
      },
    }, t('calls.prev')));
  }
  if (page.next_cursor) {
    pager.append(h('button', {
      type: 'button',
      onclick: () => {
        if (params.get('cursor')) previousCursors.push(params.get('cursor'));
        const q = new URLSearchParams(params);
        q.set('cursor', page.next_cursor);
        go(q);
      },
    }, t('calls.next')));
  }
  results.append(pager);
  return null;
}
