// The status page: configuration checks (the doctor's), the Bitrix24 handler URL, the queue and
// the latest failures.
import { h, api, announce } from './dom.js';
import { t, formatDateTime, formatNumber } from './i18n.js';
import { stageBadge } from './calls.js';

function card(title, ...content) {
  const id = `status-${title.length}-${Math.random().toString(36).slice(2, 6)}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

// The report comes from the service's own checks; {"checks":[{name, ok, message}]} is drawn as a
// table, any other object as its fields.
function reportBlock(report) {
  if (report === null || report === undefined) return h('p', { class: 'muted' }, t('status.noReport'));
  const checks = Array.isArray(report) ? report : report.checks;
  if (Array.isArray(checks)) {
    return h('table', { class: 'checks' },
      h('thead', {}, h('tr', {}, [t('status.check'), t('status.result'), t('status.details')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, checks.map((c) => {
        const ok = c.ok ?? (c.status === 'ok');
        const state = c.status && !['ok', 'fail', 'failed', 'error'].includes(c.status) ? c.status : (ok ? 'ok' : 'fail');
        return h('tr', { class: `check-${state}` },
          h('th', { scope: 'row' }, c.name || c.check || '—'),
          h('td', {}, h('span', { class: `badge badge-${ok ? 'done' : state === 'fail' ? 'failed' : 'skipped'}` },
            state === 'ok' ? t('status.ok') : state === 'fail' ? t('status.fail')
              : state === 'warning' ? t('status.warning') : state)),
          h('td', {}, c.message || c.detail || ''));
      })));
  }
  return h('dl', { class: 'facts' }, Object.entries(report).map(([k, v]) => [
    h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

export async function renderStatus(main) {
  main.append(h('h1', {}, t('status.title')));
  let s;
  try {
    s = await api('/api/status');
  } catch (e) {
    main.append(h('p', { class: 'error-text', role: 'alert' }, t('error.load', { error: e.message })));
    return null;
  }
  const urlId = 'webhook-url';
  const copy = h('button', {
    type: 'button',
    onclick: async () => {
      const input = document.getElementById(urlId);
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        announce(t('status.copied'));
      } catch {
        document.execCommand('copy');
        announce(t('status.copied'));
      }
    },
  }, t('status.copy'));
  const order = ['received', 'resolve', 'download', 'prepare', 'transcribe', 'summarize', 'deliver',
    'done', 'skipped', 'failed'];
  const byStage = Object.entries(s.queue.by_stage || {})
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const webhook = card(t('status.webhook'),
      h('p', {}, t('status.webhookHint')),
      h('div', { class: 'copy-row' },
        h('label', { for: urlId, class: 'visually-hidden' }, t('status.webhook')),
        h('input', { id: urlId, type: 'text', readonly: true, value: s.webhook_url }), copy),
      s.webhook_url_from_public_url ? null : h('p', { class: 'muted' }, t('status.webhookGuess')));
  webhook.classList.add('wide');
  // The checks' messages say what to fix in a sentence or two: they get the whole width.
  const checks = card(t('status.checks'), reportBlock(s.report));
  checks.classList.add('wide');
  main.append(h('div', { class: 'status-grid' },
    webhook,
    checks,
    card(t('status.queue'),
      s.queue.error ? h('p', { class: 'error-text' }, s.queue.error) : [
        h('p', {}, `${t('status.inProgress')}: `, h('strong', { 'data-queue': true }, formatNumber(s.queue.in_progress))),
        byStage.length ? h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('call.stage')), h('th', { scope: 'col' }, t('status.count')))),
          h('tbody', {}, byStage.map(([stage, n]) => h('tr', {}, h('td', {}, t(`stage.${stage}`)), h('td', {}, formatNumber(n)))))) : null]),
    card(t('status.failures'), s.recent_failures.length === 0
      ? h('p', { class: 'muted' }, t('status.noFailures'))
      : h('ul', { class: 'failures' }, s.recent_failures.map((c) => h('li', {},
        h('a', { href: `/calls/${c.id}`, 'data-link': true }, `${formatDateTime(c.started_at)} ${c.client_number || c.bitrix_call_id}`),
        ' ', stageBadge(c), h('div', { class: 'muted' }, c.last_error || ''))))),
    card(t('status.access'), h('p', {}, s.admin_password_set ? t('status.passwordSet') : t('status.loopbackOnly')))));
  return null;
}
