// Talk metrics on the call page (issue 16): who spoke when as two lanes that seek the recording,
// and the measured figures beside Gong's benchmark (the seller talks about 43 %, listens 57 %).
import { h } from './dom.js';
import { t, formatDuration, formatOffset, formatNumber } from './i18n.js';

const BENCHMARK_SHARE = 0.43;  // docs/analytics.md: the manager's talk share of top sellers
const TOO_MUCH_SHARE = 0.65;   // above it win rates drop (same source)
const LANES = ['manager', 'client'];

export function formatShare(share) {
  if (share === null || share === undefined) return '—';
  return `${Math.round(share * 100)} %`;
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  // Tenths below a minute, where they matter (a 2.4 s silence); "1м 05с" above.
  return seconds < 60 ? `${formatNumber(Math.round(seconds * 10) / 10)} ${t('talk.s')}`
    : formatDuration(seconds);
}

// Where the manager's talk share stands against the benchmark, for a badge.
export function shareVerdict(share) {
  if (share === null || share === undefined) return null;
  if (share > TOO_MUCH_SHARE) return 'high';
  if (share > BENCHMARK_SHARE + 0.1) return 'above';
  return 'ok';
}

function seek(audio, ms) {
  if (!audio) return;
  audio.currentTime = ms / 1000;
  audio.play().catch(() => {});
}

// The timeline's length: the recording's when known (speech rarely fills it), else the last word.
function timelineMs(call) {
  const lastEnd = Math.max(0, ...call.transcript.map((s) => s.end_ms));
  const recorded = (call.audio?.duration_seconds ?? call.duration_seconds ?? 0) * 1000;
  return Math.max(lastEnd, recorded, 1);
}

// Two lanes, the manager's and the client's, each segment a button placed at its time: a click
// (or Enter) plays the recording from there; a click on the empty lane seeks to that moment.
function lanes(call, audio) {
  const total = timelineMs(call);
  const pct = (ms) => `${((ms / total) * 100).toFixed(3)}%`;
  const playheads = [];
  const rows = LANES.map((speaker) => {
    const track = h('div', { class: 'talk-track', 'data-lane': speaker },
      call.transcript.filter((s) => s.speaker === speaker).map((s) => {
        const bar = h('button', {
          type: 'button',
          class: `talk-bar talk-${speaker}`,
          'data-start-ms': s.start_ms,
          'aria-label': `${t(`speaker.${speaker}`)}, ${formatOffset(s.start_ms)}–${formatOffset(s.end_ms)}: ${s.text}`,
          title: `${formatOffset(s.start_ms)} ${s.text}`,
          disabled: !audio,
          onclick: (event) => { event.stopPropagation(); seek(audio, s.start_ms); },
        });
        // Through the CSSOM: the page's CSP (style-src 'self') refuses style attributes.
        bar.style.left = pct(s.start_ms);
        bar.style.width = pct(Math.max(s.end_ms - s.start_ms, total / 500));
        return bar;
      }));
    const playhead = h('div', { class: 'talk-playhead', 'aria-hidden': 'true' });
    playheads.push(playhead);
    track.append(playhead);
    if (audio) {
      track.addEventListener('click', (event) => {
        const box = track.getBoundingClientRect();
        seek(audio, Math.round(((event.clientX - box.left) / box.width) * total));
      });
    }
    return h('div', { class: 'talk-lane' },
      h('span', { class: 'talk-label' }, t(`speaker.${speaker}`)), track);
  });
  if (audio) {
    audio.addEventListener('timeupdate', () => {
      for (const playhead of playheads) playhead.style.left = pct(Math.min(audio.currentTime * 1000, total));
    });
  }
  return h('div', { class: 'talk-lanes', role: 'group', 'aria-label': t('talk.lanes') },
    ...rows,
    h('div', { class: 'talk-axis', 'aria-hidden': 'true' },
      h('span', {}, '00:00'), h('span', {}, formatOffset(total))));
}

const number = (value) => (value === null || value === undefined ? '—' : formatNumber(value));

function figures(m) {
  const rows = [];
  const add = (label, value) => rows.push([t(label), value]);
  if (m.layout === 'two_party') {
    const verdict = shareVerdict(m.talk_share_manager);
    add('talk.shareManager', h('span', {},
      h('strong', { 'data-metric': 'talk_share_manager' }, formatShare(m.talk_share_manager)),
      ' ', h('span', { class: `share share-${verdict}` }, t(`talk.share.${verdict}`))));
    add('talk.shareClient', formatShare(m.talk_share_client));
    add('talk.monologueManager', formatSeconds(m.longest_monologue_manager_seconds));
    add('talk.monologueClient', formatSeconds(m.longest_monologue_client_seconds));
    add('talk.interruptionsManager', m.interruptions_by_manager);
    add('talk.interruptionsClient', m.interruptions_by_client);
    add('talk.questionsManager', m.questions_manager);
    add('talk.questionsClient', m.questions_client);
    add('talk.wpmManager', number(m.words_per_minute_manager));
    add('talk.wpmClient', number(m.words_per_minute_client));
    add('talk.firstClientWord', formatSeconds(m.time_to_first_client_word_seconds));
  } else {
    add('talk.questions', m.questions);
    add('talk.wpm', number(m.words_per_minute));
  }
  add('talk.silence', `${formatShare(m.mutual_silence_share)} (${t('talk.longest')} ${formatSeconds(m.longest_silence_seconds)})`);
  return h('dl', { class: 'facts talk-figures' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// The call page's conversation card: lanes and figures for a two-party call; for a mono one the
// figures that can be measured and which cannot, with the reason the API gives.
export function talkBlock(call, audio, section) {
  const m = call.metrics;
  if (!m) return null;
  const absent = m.layout === 'mono' ? h('p', { class: 'muted' }, t('talk.mono')) : null;
  return section(t('talk.title'),
    m.layout === 'two_party' ? lanes(call, audio) : null,
    m.layout === 'two_party' && audio ? h('p', { class: 'muted' }, t('talk.seekHint')) : null,
    figures(m), absent);
}
