// The call page's scorecard (issue 16, items 2 and 6): the score, a flag when a critical
// criterion failed, each criterion's verdict with its evidence quote (a button that seeks the
// recording to where the quote was said), the answers the quote check refused, and "Re-score"
// against the active checklist.
import { h, api, announce } from './dom.js';
import { t, formatOffset } from './i18n.js';

// Only a conversation a model summarized can be scored (docs/api.md, POST /api/calls/{id}/rescore).
function scorable(call) {
  return Boolean(call.summary && call.summary.model !== 'rules' && call.transcript.length);
}

function seekTo(audio, ms) {
  audio.currentTime = ms / 1000;
  audio.play().catch(() => {});
}

function evidence(c, audio) {
  if (!c.quote) return null;
  if (c.quote_start_ms === null) {
    // A refused quote: shown struck through, so a reader sees what the model claimed.
    return h('div', {}, h('del', { class: 'quote refused' }, `«${c.quote}»`));
  }
  return h('div', {}, h('button', {
    type: 'button', class: 'quote', 'data-start-ms': c.quote_start_ms, disabled: !audio,
    onclick: () => seekTo(audio, c.quote_start_ms),
  }, `«${c.quote}» `, h('time', {}, formatOffset(c.quote_start_ms))));
}

function criterionRow(c) {
  const failedCritical = c.critical && c.verdict === 'no';
  return h('li', {
    class: `criterion verdict-${c.verdict}${failedCritical ? ' critical-failed' : ''}`,
    'data-criterion': c.id,
  },
  h('span', { class: `badge verdict verdict-${c.verdict}` }, t(`sc.${c.verdict}`)), ' ',
  h('span', { class: 'question' }, c.question),
  c.critical ? h('span', { class: 'critical-tag' }, ` · ${t('sc.critical')}`) : null,
  failedCritical ? h('strong', { class: 'critical-flag' }, ` ⚠ ${t('sc.criticalItemFailed')}`) : null);
}

// A custom question's answer (issue 16, item 3), its quote seeking the recording like a
// criterion's; "not said" when the call does not say.
function answerRow(a, audio) {
  const text = a.answer === null ? t('q.unknown')
    : a.kind === 'yes_no' ? t(`sc.${a.answer}`) : a.answer;
  const row = h('li', { class: 'answer', 'data-question': a.id },
    h('span', { class: 'question' }, a.question), ' ', h('strong', { class: 'answer-text' }, text));
  row.append(...[evidence(a, audio),
    a.refused ? h('div', { class: 'muted' }, t('sc.refused', { reason: a.refused })) : null].filter(Boolean));
  return row;
}

function rescoreButton(call, status, rerender) {
  const button = h('button', {
    type: 'button', id: 'rescore',
    onclick: async () => {
      button.disabled = true;
      status.textContent = t('sc.rescoring');
      try {
        await api(`/api/calls/${call.id}/rescore`, { method: 'POST' });
        await rerender(t('sc.rescored'));
        announce(t('sc.rescored'));
      } catch (e) {
        status.textContent = t('sc.rescoreFailed', { error: e.message });
        button.disabled = false;
      }
    },
  }, t('sc.rescore'));
  return button;
}

export function scorecardBlock(call, audio, rerender, section) {
  const sc = call.scorecard;
  if (!sc && !scorable(call)) return null;
  const status = h('p', { role: 'status', class: 'rescore-status' });
  const actions = scorable(call) ? h('p', {}, rescoreButton(call, status, rerender)) : null;
  if (!sc) return section(t('sc.title'), h('p', { class: 'muted' }, t('sc.none')), actions, status);
  const byId = new Map(sc.criteria.map((c) => [c.id, c]));
  const failed = (sc.failed_critical || []).map((id) => byId.get(id)?.question || id);
  const rows = sc.criteria.map((c) => {
    const row = criterionRow(c);
    row.append(...[evidence(c, audio),
      c.refused ? h('div', { class: 'muted' }, t('sc.refused', { reason: c.refused })) : null].filter(Boolean));
    return row;
  });
  return section(t('sc.title'),
    h('p', { class: 'score-line' },
      h('strong', { class: 'score', 'data-score': sc.score ?? '' }, sc.score === null ? t('sc.noScore') : `${sc.score} / 100`),
      ' · ', sc.checklist_name),
    sc.critical_failed
      ? h('p', { class: 'notice notice-error', id: 'critical-failed' }, `⚠ ${t('sc.criticalFailed')}: ${failed.join('; ')}`)
      : null,
    audio ? h('p', { class: 'muted' }, t('sc.seekHint')) : null,
    h('ul', { class: 'scorecard' }, rows),
    sc.answers?.length ? [h('h3', {}, t('q.title')), h('ul', { class: 'scorecard answers' },
      sc.answers.map((a) => answerRow(a, audio)))] : null,
    actions, status);
}
