// The dashboard: per-day charts drawn with uPlot (embedded from npm at build time), each with its
// numbers as a table for screen readers and for copying.
import { h, api } from './dom.js';
import { t, formatDuration, formatUsd, formatNumber } from './i18n.js';
import { managersSection } from './managers.js';

const PERIODS = [7, 30, 90];
const COLORS = {
  calls: '#1d4ed8', done: '#15803d', skipped: '#a16207', failed: '#b91c1c',
  positive: '#15803d', neutral: '#6b7280', negative: '#b91c1c',
  latency: '#7c3aed', talk: '#0e7490', cost: '#be185d',
};

function dayToUnix(day) {
  return new Date(`${day}T00:00:00`).getTime() / 1000;
}

function chart(title, days, series, { bars = false } = {}) {
  const id = `chart-${series[0].key}-${series.length}`;
  const box = h('div', { class: 'chart', role: 'img', 'aria-labelledby': `${id}-title` });
  const table = h('details', { class: 'chart-data' }, h('summary', {}, t('dash.table')),
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dash.day')),
        series.map((s) => h('th', { scope: 'col' }, s.label)))),
      h('tbody', {}, days.map((d, i) => h('tr', {}, h('th', { scope: 'row' }, d.day),
        series.map((s) => h('td', {}, s.values[i] === null ? '—' : formatNumber(s.values[i]))))))));
  const figure = h('figure', { class: 'card chart-card', 'data-chart': series[0].key },
    h('figcaption', { id: `${id}-title` }, title), box, table);
  const draw = () => {
    if (!window.uPlot) return null;
    const width = Math.max(box.clientWidth, 280);
    return new window.uPlot({
      width, height: 220,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      legend: { show: series.length > 1 },
      axes: [{ stroke: '#374151' }, { stroke: '#374151' }],
      series: [{ label: t('dash.day') }, ...series.map((s) => ({
        label: s.label, stroke: COLORS[s.key], width: 2,
        fill: bars ? `${COLORS[s.key]}99` : undefined,
        paths: bars ? window.uPlot.paths.bars({ size: [0.6, 48] }) : undefined,
        points: { show: !bars && days.length < 40 },
        spanGaps: true,
      }))],
    }, [days.map((d) => dayToUnix(d.day)), ...series.map((s) => s.values)], box);
  };
  return { figure, draw };
}

function totals(stats) {
  const tt = stats.totals;
  const card = (label, value, key) => h('div', { class: 'stat', 'data-total': key },
    h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
  return h('div', { class: 'stats' },
    card(t('dash.calls'), formatNumber(tt.calls), 'calls'),
    card(t('dash.done'), formatNumber(tt.done), 'done'),
    card(t('dash.skipped'), formatNumber(tt.skipped), 'skipped'),
    card(t('dash.failed'), formatNumber(tt.failed), 'failed'),
    card(t('dash.talk'), formatDuration(tt.talk_seconds), 'talk'),
    card(t('dash.cost'), formatUsd(tt.cost_usd), 'cost'));
}

// Hits per tracker in the period, each linking to its calls.
async function trackerCounts(query) {
  const id = 'dash-trackers-title';
  const card = h('section', { class: 'card', 'aria-labelledby': id, 'data-trackers': true },
    h('h2', { id }, t('dash.trackers')));
  let counts;
  try {
    counts = (await api(`/api/trackers/stats?${query}`)).trackers;
  } catch (e) {
    card.append(h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return card;
  }
  if (counts.length === 0) {
    card.append(h('p', { class: 'muted' }, t('dash.noTrackers')));
    return card;
  }
  card.append(h('table', {},
    h('thead', {}, h('tr', {}, [t('trackers.col.name'), t('dash.trackerCalls'), t('dash.trackerHits')]
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, counts.map((c) => h('tr', { 'data-tracker-id': c.id },
      h('th', { scope: 'row' }, h('a', { href: `/?tracker=${c.id}`, 'data-link': true }, c.name)),
      h('td', {}, formatNumber(c.calls)), h('td', {}, formatNumber(c.hits)))))));
  return card;
}

export async function renderDashboard(main) {
  const params = new URLSearchParams(location.search);
  const days = PERIODS.includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
  main.append(h('h1', {}, t('dash.title')));
  const periodId = 'dash-period';
  const period = h('select', { id: periodId },
    PERIODS.map((n) => h('option', { value: n, selected: n === days }, t('dash.days', { n }))));
  period.addEventListener('change', () => {
    history.pushState(null, '', `/dashboard?days=${period.value}`);
    main.replaceChildren();
    renderDashboard(main);
  });
  main.append(h('div', { class: 'toolbar' }, h('label', { for: periodId }, t('dash.period')), period));

  const today = new Date();
  const from = new Date(today);
  from.setDate(from.getDate() - (days - 1));
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const tz = -today.getTimezoneOffset();
  let stats;
  try {
    stats = await api(`/api/stats?from=${iso(from)}&to=${iso(today)}&tz=${tz}`);
  } catch (e) {
    main.append(h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return null;
  }
  const d = stats.days;
  const pick = (f) => d.map(f);
  const charts = [
    chart(t('dash.chartCalls'), d, [{ key: 'calls', label: t('dash.calls'), values: pick((x) => x.calls) }], { bars: true }),
    chart(t('dash.chartOutcome'), d, [
      { key: 'done', label: t('dash.done'), values: pick((x) => x.done) },
      { key: 'skipped', label: t('dash.skipped'), values: pick((x) => x.skipped) },
      { key: 'failed', label: t('dash.failed'), values: pick((x) => x.failed) }]),
    chart(t('dash.chartSentiment'), d, [
      { key: 'positive', label: t('sent.positive'), values: pick((x) => x.sentiment.positive) },
      { key: 'neutral', label: t('sent.neutral'), values: pick((x) => x.sentiment.neutral) },
      { key: 'negative', label: t('sent.negative'), values: pick((x) => x.sentiment.negative) }]),
    chart(t('dash.chartLatency'), d, [{ key: 'latency', label: t('dash.latency'), values: pick((x) => x.median_latency_seconds) }]),
    chart(t('dash.chartTalk'), d, [{ key: 'talk', label: t('dash.talk'), values: pick((x) => Math.round(x.talk_seconds / 6) / 10) }], { bars: true }),
    chart(t('dash.chartCost'), d, [{ key: 'cost', label: t('dash.cost'), values: pick((x) => Math.round(x.cost_usd * 10000) / 10000) }], { bars: true }),
  ];
  main.append(totals(stats), h('div', { class: 'charts' }, charts.map((c) => c.figure)),
    managersSection(stats));
  main.append(await trackerCounts(`from=${iso(from)}&to=${iso(today)}&tz=${tz}`));
  const plots = charts.map((c) => c.draw()).filter(Boolean);
  const resize = () => {
    for (const plot of plots) plot.setSize({ width: Math.max(plot.root.parentElement.clientWidth, 280), height: 220 });
  };
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    for (const plot of plots) plot.destroy();
  };
}
