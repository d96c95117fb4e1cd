// route.js - hash routes: #/search?q=x -> {path, parts, params}.
export function parseHash(h = location.hash) {
  const s = h.replace(/^#/, '') || '/';
  const i = s.indexOf('?');
  const p = i < 0 ? s : s.slice(0, i);
  const q = i < 0 ? '' : s.slice(i + 1);
  const path = p.startsWith('/') ? p : '/' + p;
  const params = Object.fromEntries(new URLSearchParams(q));
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), params };
}

/** Builds '#/path?k=v' (empty values left out). */
export function href(path, params) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString() : '';
  return '#' + path + (q ? '?' + q : '');
}

export function go(path, params) { location.hash = href(path, params); }
