// The dashboard's team view (issue 16, item 4): every manager with calls in the period, ranked,
// with the talk share against the 43/57 benchmark and the monologues; a name opens that manager's
// calls sorted by talk share.
import { h } from './dom.js';
import { t, formatNumber } from './i18n.js';
import { formatShare, formatSeconds, shareVerdict } from './talk.js';

// The best average score first; managers without a score after them, closest to the talk-share
// benchmark first; nothing measured last, by calls.
function rank(managers, benchmark) {
  const score = (m) => m.average_score ?? -Infinity;
  const distance = (m) => (m.talk_share_manager === null ? Infinity
    : Math.abs(m.talk_share_manager - benchmark));
  return [...managers].sort((a, b) => score(b) - score(a) || distance(a) - distance(b)
    || b.calls - a.calls);
}

// The average score and where it went over the period: the first scored week against the last.
function scoreCell(m) {
  if (m.average_score === null || m.average_score === undefined) return h('td', { class: 'num' }, '—');
  const weeks = (m.score_trend || []).filter((w) => w.average_score !== null);
  let trend = null;
  if (weeks.length >= 2) {
    const first = Math.round(weeks[0].average_score);
    const last = Math.round(weeks[weeks.length - 1].average_score);
    const change = last - first;
    trend = h('span', {
      class: `trend trend-${change > 0 ? 'up' : change < 0 ? 'down' : 'flat'}`,
      title: t('team.trendHint', { from: first, to: last }),
    }, `${change > 0 ? '↑ +' : change < 0 ? '↓ ' : '→ '}${change}`);
  }
  return h('td', { class: 'num nowrap', 'data-metric': 'average_score' },
    formatNumber(Math.round(m.average_score)), ' ', trend);
}

// The criteria failed most often, each with links to the newest calls that failed it.
function failedCell(m) {
  if (!m.failed_criteria?.length) return h('td', {}, '—');
  return h('td', {}, h('ul', { class: 'failed-criteria' }, m.failed_criteria.map((f) => h('li', {},
    f.critical ? h('strong', {}, f.question) : f.question, ` (${f.calls}): `,
    f.call_ids.map((id, i) => [i ? ', ' : '',
      h('a', { href: `/calls/${id}`, 'data-link': true, 'data-failed-call': id }, `#${id}`)])))));
}

function shareCell(m) {
  if (m.talk_share_manager === null) return h('td', { class: 'num' }, '—');
  const points = Math.round(m.talk_share_vs_benchmark * 100);
  const verdict = shareVerdict(m.talk_share_manager);
  return h('td', { class: 'num nowrap', 'data-metric': 'talk_share_manager' },
    formatShare(m.talk_share_manager), ' ',
    h('span', { class: `share share-${verdict}`, title: t(`talk.share.${verdict}`) },
      t('team.points', { n: points > 0 ? `+${points}` : String(points) })));
}

export function managersSection(stats) {
  const managers = stats.managers || [];
  const benchmark = stats.benchmark?.talk_share_manager ?? 0.43;
  const id = 'team-title';
  const body = managers.length === 0
    ? h('p', { class: 'muted' }, t('team.none'))
    : h('div', { class: 'table-wrap' }, h('table', { class: 'team' },
      h('caption', { class: 'visually-hidden' }, t('team.caption')),
      h('thead', {}, h('tr', {}, ['rank', 'manager', 'calls', 'score', 'measured', 'share',
        'monologue', 'maxMonologue', 'interruptions', 'failed']
        .map((c) => h('th', { scope: 'col' }, t(`team.${c}`))))),
      h('tbody', {}, rank(managers, benchmark).map((m, i) => h('tr', { 'data-manager-id': m.id },
        h('td', { class: 'num' }, m.talk_share_manager === null && m.average_score === null ? '—' : i + 1),
        h('th', { scope: 'row' }, h('a', {
          href: `/?manager=${m.id}&sort=talk_share_manager`, 'data-link': true,
        }, m.name || `#${m.id}`)),
        h('td', { class: 'num' }, formatNumber(m.calls)),
        scoreCell(m),
        h('td', { class: 'num' }, formatNumber(m.measured_calls)),
        shareCell(m),
        h('td', { class: 'num' }, formatSeconds(m.longest_monologue_seconds)),
        h('td', { class: 'num' }, formatSeconds(m.max_monologue_seconds)),
        h('td', { class: 'num' }, m.interruptions_per_call === null ? '—'
          : formatNumber(Math.round(m.interruptions_per_call * 10) / 10)),
        failedCell(m))))));
  return h('section', { class: 'card team-card', 'aria-labelledby': id },
    h('h2', { id }, t('team.title')),
    h('p', { class: 'muted' }, t('team.hint')),
    body);
}
