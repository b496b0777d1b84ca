// The one API client: cookies, CSRF on writes, one error shape, 401 → login.

let csrfToken = null;
let unauthorizedHandler = null;

export function setCsrfToken(t) { csrfToken = t || null; }
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export class ApiError extends Error {
  constructor(status, code, message, fields, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.retryAfter = retryAfter;
  }
}

export function qs(params) {
  if (!params) return '';
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.rawBody !== undefined) body = undefined;
  if (WRITES.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.headers) Object.assign(headers, opts.headers);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.rawBody !== undefined ? opts.rawBody : body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', String(e && e.message || e));
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(
      res.status,
      e.code || 'http_' + res.status,
      e.message || res.statusText,
      e.fields,
      res.headers.get('Retry-After'),
    );
    if (res.status === 401 && !opts.noAuthRedirect && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return data;
}

const base = '/api/v1/';
const url = (p) => (p.startsWith('/') ? p : base + p);

export const api = {
  get: (path, params, opts) => request('GET', url(path) + qs(params), undefined, opts),
  post: (path, body, opts) => request('POST', url(path), body === undefined ? {} : body, opts),
  patch: (path, body, opts) => request('PATCH', url(path), body, opts),
  del: (path, params, opts) => request('DELETE', url(path) + qs(params), undefined, opts),
};

export const auth = {
  login: (login, password) => request('POST', base + 'auth/login', { login, password }, { noAuthRedirect: true }),
  me: () => request('GET', base + 'auth/me', undefined, { noAuthRedirect: true }),
  logout: () => request('POST', base + 'auth/logout', undefined, { noAuthRedirect: true }),
};
