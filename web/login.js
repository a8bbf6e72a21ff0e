import { t, lang, setLang, translateStatic } from './i18n.js';

const params = new URLSearchParams(location.search);
document.getElementById('next').value = params.get('next') || '/';

function render() {
  translateStatic();
  document.title = `${t('login.submit')} — callbrief`;
  const error = document.getElementById('login-error');
  const kind = params.get('error');
  error.hidden = !kind;
  if (kind === 'wrong') error.textContent = t('login.wrong');
  if (kind === 'throttled') error.textContent = t('login.throttled', { s: params.get('retry') || '60' });
}

document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(lang() === 'ru' ? 'en' : 'ru');
  render();
});
render();
document.getElementById('password').focus();
