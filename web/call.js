// The call page: the summary as in Telegram, the transcript as a chat that seeks the recording,
// the stage timeline, deliveries, cost, "process again" and "erase this call" (erase.js).
import { h, api, announce } from './dom.js';
import {
  t, formatDateTime, formatDuration, formatOffset, formatMs, formatUsd, formatTimeOfDay,
} from './i18n.js';
import { stageBadge, sentimentBadge } from './calls.js';
import { scorecardBlock } from './scorecard.js';
import { talkBlock } from './talk.js';
import { eraseBlock } from './erase.js';

function section(title, ...content) {
  const id = `h-${Math.random().toString(36).slice(2, 8)}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

function list(items) {
  return h('ul', { class: 'bullets' }, items.map((item) => h('li', {}, item)));
}

function taskText(task) {
  if (typeof task === 'string') return task;
  const extra = [task.owner, task.due].filter(Boolean).join(', ');
  return extra ? `${task.text} (${extra})` : task.text;
}

function infoBlock(call) {
  const incoming = call.direction === 'incoming';
  const client = call.client_number || '—';
  const line = call.portal_number || '—';
  const content = call.summary?.content || {};
  const rows = [
    [t('call.from'), incoming ? client : line],
    [t('call.to'), incoming ? line : client],
    [t('call.duration'), formatDuration(call.duration_seconds)],
    [t('call.manager'), call.manager_name || (call.portal_user_id ? `#${call.portal_user_id}` : '—')],
  ];
  const who = [content.client_name, content.company].filter(Boolean).join(', ');
  if (who) rows.push([t('call.client'), who]);
  rows.push([t('call.bitrixId'), h('code', {}, call.bitrix_call_id)]);
  if (call.crm?.url) {
    rows.push([t('call.crm'), h('a', { href: call.crm.url, target: '_blank', rel: 'noopener noreferrer' },
      `${t('call.openCrm')} (${call.crm.entity_type} ${call.crm.entity_id})`)]);
  }
  return section(t('call.info'), h('dl', { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}

function summaryBlocks(call) {
  const s = call.summary?.content;
  if (!s) return [section(t('call.summary'), h('p', { class: 'muted' }, t('call.noSummary')))];
  const blocks = [section(t('call.summary'), h('p', {}, s.summary || '—'),
    call.summary.call_kind && call.summary.call_kind !== 'conversation'
      ? h('p', { class: 'muted' }, `${t('call.kind')}: ${t(`kind.${call.summary.call_kind}`)}`) : null)];
  if (s.key_points?.length) blocks.push(section(t('call.keyPoints'), list(s.key_points)));
  if (s.tasks?.length) blocks.push(section(t('call.tasks'), list(s.tasks.map(taskText))));
  if (s.client_request) blocks.push(section(t('call.request'), h('p', {}, s.client_request)));
  if (s.next_steps && (!Array.isArray(s.next_steps) || s.next_steps.length)) {
    blocks.push(section(t('call.nextSteps'),
      Array.isArray(s.next_steps) ? list(s.next_steps) : h('p', {}, s.next_steps)));
  }
  blocks.push(section(t('call.tone'), h('p', {}, sentimentBadge(s.sentiment || call.summary.sentiment))));
  return blocks;
}

function transcriptBlock(call, audio) {
  if (!call.transcript.length) {
    return section(t('call.transcript'), h('p', { class: 'muted' }, t('call.noTranscript')));
  }
  const lines = call.transcript.map((seg, i) => {
    const speaker = seg.speaker || '';
    const button = h('button', {
      type: 'button', class: 'line', 'data-start-ms': seg.start_ms, 'data-index': i,
      disabled: !audio,
      onclick: () => {
        audio.currentTime = seg.start_ms / 1000;
        audio.play().catch(() => {});
      },
    },
    h('span', { class: 'line-meta' },
      h('span', { class: 'speaker' }, t(`speaker.${speaker}`)), ' ',
      h('time', {}, formatOffset(seg.start_ms))),
    h('span', { class: 'line-text' }, seg.text));
    return h('li', { class: `bubble bubble-${speaker || 'mono'}` }, button);
  });
  const ol = h('ol', { class: 'chat' }, lines);
  if (audio) {
    audio.addEventListener('timeupdate', () => {
      const ms = audio.currentTime * 1000;
      call.transcript.forEach((seg, i) => {
        lines[i].classList.toggle('current', ms >= seg.start_ms && ms < seg.end_ms);
      });
    });
  }
  return section(t('call.transcript'), audio ? h('p', { class: 'muted' }, t('call.seekHint')) : null, ol);
}

// Where the call's trackers were heard: each hit opens the call at its line.
function trackersBlock(call) {
  if (!call.tracker_hits?.length) return null;
  return section(t('call.trackers'), h('ul', { class: 'tracker-hits' }, call.tracker_hits.map((hit) =>
    h('li', {}, h('a', { href: `/calls/${call.id}#t=${hit.start_ms / 1000}`, 'data-link': true },
      h('strong', {}, hit.tracker), ': «', hit.said, '» ',
      h('span', { class: 'muted' }, `${hit.speaker ? `${t(`speaker.${hit.speaker}`)}, ` : ''}${formatOffset(hit.start_ms)}`))))));
}

function timelineBlock(call) {
  if (!call.stage_runs.length) return section(t('call.timeline'), h('p', { class: 'muted' }, t('call.noRuns')));
  return section(t('call.timeline'), h('div', { class: 'table-wrap' }, h('table', { class: 'timeline' },
    h('thead', {}, h('tr', {}, ['stage', 'attempt', 'started', 'took', 'outcome', 'error']
      .map((c) => h('th', { scope: 'col' }, t(`call.${c}`))))),
    h('tbody', {}, call.stage_runs.map((r) => h('tr', { class: `run-${r.outcome}` },
      h('td', {}, t(`stage.${r.stage}`)), h('td', {}, r.attempt), h('td', {}, formatTimeOfDay(r.started_at)),
      h('td', {}, formatMs(r.duration_ms)), h('td', {}, r.outcome), h('td', { class: 'error-cell' }, r.error || '')))))));
}

function deliveriesAndCost(call) {
  const out = [];
  if (call.deliveries.length) {
    out.push(section(t('call.deliveries'), h('table', {},
      h('thead', {}, h('tr', {}, ['channel', 'status', 'attempts', 'error'].map((c) => h('th', { scope: 'col' }, t(`call.${c}`))))),
      h('tbody', {}, call.deliveries.map((d) => h('tr', {},
        h('td', {}, d.channel), h('td', {}, d.status), h('td', {}, d.attempts), h('td', {}, d.last_error || '')))))));
  }
  out.push(section(t('call.cost'),
    h('p', {}, `${t('call.costTotal')}: `, h('strong', { 'data-cost': true }, formatUsd(call.cost_usd))),
    call.usage.length ? h('table', {},
      h('thead', {}, h('tr', {}, [t('call.stage'), t('call.provider'), t('call.model'), t('call.took'), t('call.cost')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, call.usage.map((u) => h('tr', {},
        h('td', {}, t(`stage.${u.stage}`)), h('td', {}, u.provider), h('td', {}, u.model || ''),
        h('td', {}, formatMs(u.latency_ms)), h('td', {}, formatUsd(u.cost_usd)))))) : null));
  return out;
}

function header(call, rerender) {
  const retryable = call.stage === 'failed' || call.stage === 'skipped';
  const status = h('p', { class: 'retry-status', role: 'status' });
  const button = h('button', {
    type: 'button', class: 'primary', id: 'retry', disabled: !retryable,
    onclick: async () => {
      button.disabled = true;
      try {
        const answer = await api(`/api/calls/${call.id}/retry`, { method: 'POST' });
        const stage = answer.call ? t(`stage.${answer.call.stage}`) : '';
        // Announced once the page shows the new stage, so what is read out is what is seen.
        await rerender(t('call.retried', { stage }));
        announce(t('call.retried', { stage }));
      } catch (e) {
        status.textContent = t('call.retryFailed', { error: e.message });
        button.disabled = false;
      }
    },
  }, t('call.retry'));
  const problem = call.stage === 'skipped' && call.skip_reason
    ? h('p', { class: 'notice' }, `${t('call.skipReason')}: ${call.skip_reason}`)
    : call.last_error ? h('p', { class: 'notice notice-error' }, `${t('call.lastError')}: ${call.last_error}`) : null;
  return h('div', { class: 'call-head' },
    h('p', {}, h('a', { href: '/', 'data-link': true }, t('call.back'))),
    h('h1', {}, t(`call.${call.direction}`), ' ', h('small', {}, formatDateTime(call.started_at))),
    h('div', { class: 'call-actions' }, h('span', { id: 'call-stage' }, stageBadge(call)), button),
    status, problem);
}

// `host`: the page's element a re-render replaces the content of (a re-render builds into a
// detached element first, and the actions on what it built must replace the page, not it).
export async function renderCall(main, id, message = '', host = main) {
  let call;
  try {
    call = await api(`/api/calls/${encodeURIComponent(id)}`);
  } catch (e) {
    main.append(h('h1', {}, t('calls.title')),
      h('p', { class: 'error-text', role: 'alert' }, e.status === 404 ? t('call.notFound') : t('error.load', { error: e.message })));
    return null;
  }
  const rerender = async (text) => {
    const fresh = h('div');
    await renderCall(fresh, id, text, host);
    host.replaceChildren(...fresh.childNodes);
  };
  const audio = call.has_recording
    ? h('audio', { controls: true, preload: 'metadata', src: `/api/calls/${call.id}/audio`, 'aria-label': t('call.recording') })
    : null;
  const head = header(call, rerender);
  if (message) head.querySelector('.retry-status').textContent = message;
  main.append(head,
    h('div', { class: 'call-grid' },
      h('div', { class: 'call-main' },
        ...summaryBlocks(call),
        section(t('call.recording'), audio || h('p', { class: 'muted' }, t('call.noRecording'))),
        talkBlock(call, audio, section),
        scorecardBlock(call, audio, rerender, section),
        transcriptBlock(call, audio)),
      h('div', { class: 'call-side' }, infoBlock(call), trackersBlock(call), timelineBlock(call), ...deliveriesAndCost(call),
        eraseBlock(call, host, section))));
  openAtHash(main, audio);
  return () => { if (audio) audio.pause(); };
}

// "#t=12.5" (a search hit): the transcript line playing at that second is shown and marked, and
// the player seeks there.
function openAtHash(main, audio) {
  const match = location.hash.match(/^#t=(\d+(?:\.\d+)?)$/);
  if (!match) return;
  const ms = Math.round(Number(match[1]) * 1000);
  let line = null;
  for (const button of main.querySelectorAll('button.line')) {
    if (Number(button.dataset.startMs) <= ms) line = button;
  }
  if (line) {
    line.closest('li').classList.add('found');
    line.scrollIntoView({ block: 'center' });
    if (!line.disabled) line.focus({ preventScroll: true });
  }
  if (!audio) return;
  const seek = () => { audio.currentTime = ms / 1000; };
  if (audio.readyState >= 1) seek(); else audio.addEventListener('loadedmetadata', seek, { once: true });
}
