// Hash routing: #/clients, #/clients/12, #/clients?q=abc&kind=company
import { useEffect, useState } from 'preact/hooks';

// A link cut or mangled on the way (`%E0%A4`) cannot be decoded: the route
// says so ({ bad: true }) and the app shows an error page instead of none.
export function parseHash(hash) {
  try {
    return parseHashOrThrow(hash);
  } catch (e) {
    if (!(e instanceof URIError)) throw e;
    return { parts: [], query: {}, bad: true };
  }
}

function parseHashOrThrow(hash) {
  const h = (hash || '').replace(/^#\/?/, '');
  const qi = h.indexOf('?');
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const query = {};
  if (qi >= 0) {
    for (const part of h.slice(qi + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = decodeURIComponent(eq >= 0 ? part.slice(0, eq) : part);
      const v = eq >= 0 ? decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' ')) : '';
      query[k] = v;
    }
  }
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query };
}

export function href(path, query) {
  let s = '#/' + path.replace(/^\/+/, '');
  if (query) {
    const q = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v)))
      .join('&');
    if (q) s += '?' + q;
  }
  return s;
}

export function navigate(path, query, replace) {
  const h = href(path, query);
  if (replace) history.replaceState(null, '', h), window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = h;
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
