// api.js - the JSON API client: session cookie (sent by the browser), the
// CSRF token on every unsafe method, errors as ApiError, and "not available
// yet" detection for endpoints the server does not have (yet).

export class ApiError extends Error {
  constructor(status, code, message, data, unavailable) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.data = data || null;
    /** true when the server has no such endpoint (404 on an unknown route) */
    this.unavailable = !!unavailable;
  }
}

const state = { csrf: null, user: null, spec: null, onUnauthorized: null };

export const session = {
  get user() { return state.user; },
  get csrf() { return state.csrf; },
  set(user, csrf) { state.user = user; if (csrf) state.csrf = csrf; },
  clear() { state.user = null; state.csrf = null; },
  onUnauthorized(f) { state.onUnauthorized = f; },
};

// ---- the OpenAPI document: which paths exist ----
let specPromise = null;
export function loadSpec() {
  if (!specPromise) {
    specPromise = fetch('/api/v1/openapi.json', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((d) => {
        if (!d || !d.paths) return null;
        state.spec = Object.entries(d.paths).map(([p, ops]) => ({
          re: new RegExp('^' + p.split('/').map((seg) => (/^\{.+\}$/.test(seg) ? '[^/]+'
            : seg.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))).join('/') + '$'),
          methods: Object.keys(ops).map((m) => m.toUpperCase()),
          path: p,
        }));
        return state.spec;
      })
      .catch(() => null);
  }
  return specPromise;
}
/** Re-reads the OpenAPI document (endpoints appear while the server grows). */
export function reloadSpec() { specPromise = null; return loadSpec(); }

/** Whether the API document lists this path (and method). null = unknown. */
export function specHas(path, method = 'GET') {
  if (!state.spec) return null;
  const p = path.split('?')[0];
  return state.spec.some((s) => s.re.test(p) && s.methods.includes(method.toUpperCase()));
}

function qs(query) {
  if (!query) return '';
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

/** api('GET', '/api/v1/items', {query:{limit:20}}) -> parsed JSON.
 * Throws ApiError. body: an object (sent as JSON) or a string. */
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (method !== 'GET' && method !== 'HEAD') {
    if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType || 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
  }
  const url = path + qs(opts.query);
  let r;
  try {
    r = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'không kết nối được máy chủ / cannot reach the server');
  }
  if (opts.raw) return r;
  let data = null;
  const text = await r.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { text }; }
  }
  if (r.ok) return data;
  const err = (data && data.error) || {};
  let unavailable = false;
  if (r.status === 404) {
    await loadSpec();
    const pathOnly = path.split('?')[0];
    const routeMissing = typeof err.message === 'string' && err.message.endsWith('not found: ' + pathOnly);
    const inSpec = specHas(pathOnly, method);
    unavailable = routeMissing || inSpec === false;
  }
  if (r.status === 401 && state.onUnauthorized && !opts.noAuthRedirect) state.onUnauthorized();
  throw new ApiError(r.status, err.code, err.message, data, unavailable);
}

export const get = (path, query, opts = {}) => api('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body });
export const put = (path, body, opts = {}) => api('PUT', path, { ...opts, body });
export const del = (path, opts = {}) => api('DELETE', path, opts);

/** Whether an endpoint exists, without side effects: a GET that answers
 * 404 on an unknown route means no; 405 (the path exists for another
 * method), 2xx, 400 or 403 mean yes. */
export async function probe(path) {
  try {
    const r = await fetch(path, { method: 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (r.status !== 404) { r.body?.cancel?.(); return true; }
    let d = null;
    try { d = await r.json(); } catch { /* ignore */ }
    const msg = d?.error?.message || '';
    if (msg.endsWith('not found: ' + path.split('?')[0])) return false;
    await loadSpec();
    return specHas(path, 'GET') !== false || specHas(path, 'POST') === true;
  } catch {
    return false;
  }
}
