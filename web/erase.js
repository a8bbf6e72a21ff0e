// "Erase this call": a data subject's request for deletion (docs/privacy.md), in two steps — the
// first click only shows what will go and what stays, the second erases (POST /api/calls/{id}/erase).
import { h, api, announce } from './dom.js';
import { t } from './i18n.js';

// `section(title, ...content)` builds the card; `host` is the page's element the erased page replaces.
export function eraseBlock(call, host, section) {
  const status = h('p', { class: 'erase-status', role: 'status' });
  const confirm = h('div', { class: 'erase-confirm', id: 'erase-panel', hidden: true },
    h('p', {}, t('erase.what')),
    h('p', { class: 'muted' }, t('erase.stays')));
  const cancel = h('button', { type: 'button', onclick: () => close() }, t('erase.cancel'));
  const erase = h('button', {
    type: 'button', class: 'danger', id: 'erase-confirm',
    onclick: async () => {
      erase.disabled = true;
      cancel.disabled = true;
      try {
        await api(`/api/calls/${call.id}/erase`, { method: 'POST' });
        host.replaceChildren(
          h('h1', { tabindex: '-1' }, t('erase.done')),
          h('p', {}, t('erase.doneText')),
          h('p', {}, h('a', { href: '/', 'data-link': true }, t('call.back'))));
        host.querySelector('h1').focus();
        announce(t('erase.done'));
      } catch (e) {
        status.textContent = t('erase.failed', { error: e.message });
        erase.disabled = false;
        cancel.disabled = false;
      }
    },
  }, t('erase.confirm'));
  confirm.append(h('div', { class: 'erase-actions' }, erase, cancel));
  const open = h('button', {
    type: 'button', id: 'erase', 'aria-expanded': 'false', 'aria-controls': 'erase-panel',
    onclick: () => {
      confirm.hidden = false;
      open.setAttribute('aria-expanded', 'true');
      erase.focus();
    },
  }, t('erase.open'));
  const close = () => {
    confirm.hidden = true;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  };
  return section(t('erase.title'), open, confirm, status);
}
