// The single-page shell: routes /, /calls/{id}, /dashboard, /checklists, /trackers and /status to their page modules.
import { h, api } from './dom.js';
import { t, lang, setLang, translateStatic } from './i18n.js';
import { renderCalls } from './calls.js';
import { renderCall } from './call.js';
import { renderDashboard } from './dashboard.js';
import { renderStatus } from './status.js';
import { renderChecklists } from './checklists.js';
import { renderTrackers } from './trackers.js';

const main = document.getElementById('main');
let cleanup = null;

function route() {
  const path = location.pathname;
  if (path === '/' || path === '/calls') return { nav: 'calls', title: t('calls.title'), render: renderCalls };
  const call = path.match(/^\/calls\/([^/]+)$/);
  if (call) return { nav: 'calls', title: t('calls.title'), render: (el) => renderCall(el, decodeURIComponent(call[1])) };
  if (path === '/dashboard') return { nav: 'dashboard', title: t('dash.title'), render: renderDashboard };
  if (path === '/checklists') return { nav: 'checklists', title: t('cl.title'), render: renderChecklists };
  if (path === '/trackers') return { nav: 'trackers', title: t('trackers.title'), render: renderTrackers };
  if (path === '/status') return { nav: 'status', title: t('status.title'), render: renderStatus };
  return { nav: '', title: '', render: (el) => el.append(h('p', {}, t('notFound'))) };
}

export async function show({ focus = false } = {}) {
  if (cleanup) cleanup();
  cleanup = null;
  const r = route();
  document.title = r.title ? `${r.title} — callbrief` : 'callbrief';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  cleanup = (await r.render(main)) || null;
  if (focus) main.focus();
}

export function navigate(url) {
  history.pushState(null, '', url);
  show({ focus: true });
}

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-link]');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => show());

document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(lang() === 'ru' ? 'en' : 'ru');
  translateStatic();
  show();
});

translateStatic();
api('/api/session').then((session) => {
  document.getElementById('logout-form').hidden = session.auth !== 'session';
}).catch(() => {});
show();
