import ru from './ru.js';
import en from './en.js';

const dicts = { ru, en };
const KEY = 'servitor.lang';
let lang = 'ru';
try {
  const saved = localStorage.getItem(KEY);
  if (saved && dicts[saved]) lang = saved;
} catch { /* storage may be unavailable */ }
document.documentElement.lang = lang;

export function getLang() { return lang; }
export function setLang(l) {
  if (!dicts[l]) return;
  lang = l;
  document.documentElement.lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* ignore */ }
}

export function has(key) { return key != null && Object.prototype.hasOwnProperty.call(dicts[lang], key); }

// t('key', {n: 1}) → translated string with {n} replaced; falls back to English, then the key.
export function t(key, vars) {
  let s = dicts[lang][key];
  if (s === undefined) s = dicts.en[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// First key that exists, else the fallback text.
export function tFirst(keys, fallback) {
  for (const k of keys) if (k && has(k)) return dicts[lang][k];
  for (const k of keys) if (k && Object.prototype.hasOwnProperty.call(dicts.en, k)) return dicts.en[k];
  return fallback;
}

export function plural(n, one, few, many) {
  if (lang !== 'ru') return n === 1 ? one : many;
  const m10 = n % 10, m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

export function fmtDate(s) {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return lang === 'ru' ? `${m[3]}.${m[2]}.${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`;
  return fmtDateTime(s);
}

export function fmtDateTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (isNaN(d)) return String(s);
  return d.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}
