// live.js - Server-Sent Events from GET /api/v1/events (event types item,
// alert, measure; JSON data). One connection per page, shared by every
// listener. EventSource reconnects by itself after a network error; when
// the server closes the stream for good (an HTTP error such as 404 before
// the endpoint exists, or 401) we back off and try again ourselves, and a
// 404 shows as "not available yet" instead of a retry storm.
import { probe } from './api.js';

const URL_EVENTS = '/api/v1/events';
const listeners = { item: new Set(), alert: new Set(), measure: new Set(), reset: new Set(), status: new Set() };
let es = null;
let status = 'idle'; // idle | connecting | open | retrying | unavailable
let retryTimer = null;
let backoff = 2000;
let wanted = false;

function setStatus(s) {
  status = s;
  listeners.status.forEach((f) => f(s));
}

function dispatch(type, ev) {
  let data = null;
  try { data = JSON.parse(ev.data); } catch { return; }
  listeners[type].forEach((f) => f(data, ev));
}

function open() {
  clearTimeout(retryTimer);
  if (!wanted) return;
  setStatus(status === 'open' ? 'open' : 'connecting');
  es = new EventSource(URL_EVENTS, { withCredentials: true });
  es.onopen = () => { backoff = 2000; setStatus('open'); };
  for (const t of ['item', 'alert', 'measure', 'reset']) es.addEventListener(t, (ev) => dispatch(t, ev));
  // Unnamed events: {type, data} or an item.
  es.onmessage = (ev) => {
    let d = null;
    try { d = JSON.parse(ev.data); } catch { return; }
    const t = d && listeners[d.type] && d.type !== 'status' ? d.type : 'item';
    listeners[t].forEach((f) => f(d.data ?? d.item ?? d, ev));
  };
  es.onerror = async () => {
    if (!es || es.readyState !== EventSource.CLOSED) { setStatus('retrying'); return; }
    es = null;
    const exists = await probeEvents();
    setStatus(exists ? 'retrying' : 'unavailable');
    const wait = exists ? backoff : 60000;
    backoff = Math.min(backoff * 2, 30000);
    retryTimer = setTimeout(open, wait);
  };
}

async function probeEvents() {
  // A GET on an event stream never ends: abort once the status is known.
  const ctl = new AbortController();
  try {
    const r = await fetch(URL_EVENTS, { credentials: 'same-origin', signal: ctl.signal, headers: { Accept: 'text/event-stream' } });
    const st = r.status;
    ctl.abort();
    if (st !== 404) return true;
    return probe(URL_EVENTS);
  } catch {
    return true; // a network error: the server may come back
  }
}

export const live = {
  start() { if (wanted) return; wanted = true; open(); },
  stop() {
    wanted = false;
    clearTimeout(retryTimer);
    if (es) es.close();
    es = null;
    setStatus('idle');
  },
  get status() { return status; },
  on(type, f) { listeners[type].add(f); return () => listeners[type].delete(f); },
};
