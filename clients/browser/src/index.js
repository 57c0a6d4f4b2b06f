// The broker's browser client: one stream per origin and user, shared by every tab. No dependencies.
const STREAM = '/api/v1/sse/stream';
const TICKET = '/api/v1/sse/ticket';
const USER = 'user';
const BROADCAST = 'broadcast';
const topicStream = t => 'topic:' + t;
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Reads `v1.<epoch>-<seq>.…` into [epoch, seq] pairs; null for a server without history. */
const parseId = id => id && id.startsWith('v1.')
  ? id.slice(3).split('.').map(p => { const [e, s] = p.split('-'); return [e, parseInt(s, 16)]; })
  : null;

/** The index of the stream an event advanced: the one a step further in its epoch, else the first that changed. */
const advanced = (prev, next) => {
  let changed = -1;
  for (let i = 0; i < next.length; i++) {
    const p = prev && prev[i];
    if (p && p[0] === next[i][0] && next[i][1] === p[1] + 1) return i;
    if (changed < 0 && (!p || p[0] !== next[i][0] || p[1] !== next[i][1])) changed = i;
  }
  return changed;
};

class Refused extends Error {
  constructor(status, retryAfter, message) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

const refusal = async (response, what) => {
  let reason = '';
  try { reason = (await response.json()).error || ''; } catch { /* not JSON */ }
  const seconds = parseInt(response.headers.get('Retry-After'), 10);
  return new Refused(response.status, seconds >= 0 ? seconds * 1000 : 0, `${what} refused: ${response.status}${reason ? ' ' + reason : ''}`);
};

/**
 * Connects to the broker and returns a subscription (see index.d.ts and docs/client.md).
 * @param {import('./index').ConnectOptions} [options]
 * @returns {import('./index').Subscription}
 */
export function connect(options = {}) {
  const base = new URL(options.url || '/', globalThis.location && location.href).href.replace(/\/$/, '');
  const topics = [...new Set(options.topics || [])].filter(Boolean).sort();
  const minDelay = options.minDelay ?? 1000;
  const maxDelay = options.maxDelay ?? 30000;
  const fetchCredentials = options.credentials ? 'include' : 'same-origin';
  const handlers = new Map();
  const resetHandlers = new Set();
  const statusHandlers = new Set();
  const me = Math.random().toString(36).slice(2) + Date.now().toString(36);
  // The tabs known on the channel and their topics; positions seen per stream: [epoch, seq].
  const tabs = new Map([[me, topics]]);
  const positions = {};
  let state = { state: 'connecting' };
  let clientId;
  let closed = false;
  let channel = null;
  let leader = null;
  let stream = null;
  let releaseLock = () => {};
  const lockAbort = typeof AbortController === 'function' ? new AbortController() : null;

  const mine = s => s === USER || s === BROADCAST || s == null || topics.includes(s.slice(6));
  const post = m => { try { channel && channel.postMessage({ ...m, from: me }); } catch { /* closed */ } };
  const call = (set, arg) => { for (const h of set) { try { h(arg); } catch (e) { setTimeout(() => { throw e; }); } } };

  const setStatus = (next, reason, streamTopics) => {
    if (closed && next !== 'closed') return;
    // A follower is open once the shared stream carries its topics too.
    if (next === 'open' && streamTopics && !topics.every(t => streamTopics.includes(t))) next = 'connecting';
    if (state.state === next && state.reason === reason) return;
    state = reason ? { state: next, reason } : next === 'open' ? { state: next, clientId } : { state: next };
    call(statusHandlers, state);
  };

  // One event for this tab: its stream's, unless this tab has it already.
  const deliver = m => {
    if (m.s != null) {
      const seen = positions[m.s];
      if (seen && m.p && seen[0] === m.p[0] && m.p[1] <= seen[1]) return;
      if (m.p) positions[m.s] = m.p;
    }
    if (!mine(m.s)) return;
    const event = { type: m.n, data: m.d, lastEventId: m.id, stream: m.s };
    for (const set of [handlers.get(m.n), m.n !== 'heartbeat' && handlers.get('*')]) if (set) call(set, event);
  };

  const reset = streams => {
    const own = streams.filter(mine);
    if (own.length) call(resetHandlers, own);
  };

  const union = () => [...new Set([...tabs.values()].flat())].sort();

  /** The stream, read with fetch: it sees every event, its status code and Retry-After, and sends no token in a URL. */
  const open = solo => {
    const self = { topics: solo ? topics : union(), abort: null, stopped: false };
    const labels = () => [USER, ...self.topics.map(topicStream), BROADCAST];
    let placeholders = new Set();

    const resumeId = () => {
      placeholders = new Set();
      const names = labels();
      if (!names.some(n => positions[n])) return options.lastEventId || '';
      return 'v1.' + names.map(n => {
        const p = positions[n];
        if (p) return p[0] + '-' + p[1].toString(16);
        placeholders.add(n); // a stream never seen: its reset is only news to nobody
        return '0-0';
      }).join('.');
    };

    const ticket = async () => {
      if (options.ticket) return options.ticket(self.topics);
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (!token && !options.tickets) return null;
      const url = new URL(base + TICKET);
      if (self.topics.length) url.searchParams.set('topics', self.topics.join(','));
      const response = await fetch(url, {
        method: 'POST', credentials: fetchCredentials, cache: 'no-store',
        headers: token ? { Authorization: 'Bearer ' + token } : {},
      });
      if (!response.ok) throw await refusal(response, 'ticket');
      return (await response.json()).ticket;
    };

    const dispatch = (name, data, id, prev) => {
      if (name === 'close') { self.reason = 'closed by the server: ' + data; return prev; }
      if (name === 'reset') {
        let streams = [];
        try { streams = JSON.parse(data).streams || []; } catch { /* malformed */ }
        streams = streams.filter(s => !placeholders.has(s));
        if (streams.length) { reset(streams); if (!solo) post({ t: 'reset', streams }); }
        return prev;
      }
      const vector = parseId(id);
      const names = labels();
      if (vector && vector.length !== names.length) throw new Error('unexpected event id ' + id);
      if (name === 'message' && data.startsWith('{"type":"welcome"')) {
        if (vector) {
          names.forEach((n, i) => { positions[n] = vector[i]; });
          if (!solo) post({ t: 'positions', positions });
        } else if (!solo) {
          // Without history an event does not say its stream: every tab streams for itself.
          post({ t: 'solo' });
          solo = true;
          leader = null;
          stream = self;
          if (String(self.topics) !== String(topics)) { self.topics = topics; throw new Error('solo'); }
        }
        self.attempt = 0;
        try { clientId = JSON.parse(data).client_id; } catch { /* no id */ }
        setStatus('open', undefined, self.topics);
        if (!solo) post({ t: 'status', state: 'open', topics: self.topics, clientId });
        return vector;
      }
      // Heartbeats carry no position of their own: they reach only on('heartbeat').
      const i = vector && name !== 'heartbeat' ? advanced(prev, vector) : -1;
      const m = { s: i >= 0 ? names[i] : null, n: name, d: data, id, p: i >= 0 ? vector[i] : null };
      deliver(m);
      if (!solo) post({ t: 'event', ...m });
      return vector || prev;
    };

    const read = async body => {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let name = '', data = [], id = null, prev = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (done || self.stopped) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n')) >= 0) {
          let line = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (line === '') {
            if (data.length) prev = dispatch(name || 'message', data.join('\n'), id, prev);
            name = ''; data = []; id = null;
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') name = value;
          else if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
      }
    };

    const run = async () => {
      self.attempt = 0;
      let reason;
      while (!self.stopped) {
        const status = self.attempt ? 'reconnecting' : 'connecting';
        setStatus(status, reason);
        if (!solo) post({ t: 'status', state: status, reason });
        let wait = 0;
        self.reason = undefined;
        try {
          const url = new URL(base + STREAM);
          for (const [k, v] of Object.entries(options.query || {})) url.searchParams.set(k, v);
          if (self.topics.length) url.searchParams.set('topics', self.topics.join(','));
          const last = resumeId();
          if (last) url.searchParams.set('last_event_id', last);
          const t = await ticket();
          if (t) url.searchParams.set('ticket', t);
          self.abort = new AbortController();
          const response = await fetch(url, {
            credentials: fetchCredentials, cache: 'no-store', signal: self.abort.signal,
            headers: { Accept: 'text/event-stream' },
          });
          if (!response.ok) throw await refusal(response, 'stream');
          await read(response.body);
          reason = self.reason || 'the stream ended';
        } catch (e) {
          if (e.message === 'solo') continue;
          reason = e.message || String(e);
          wait = e.retryAfter || 0;
        } finally {
          self.abort && self.abort.abort();
        }
        if (self.stopped) return;
        // Jittered and growing, never giving up: each failure names its reason in a status.
        self.attempt++;
        const step = Math.min(maxDelay, minDelay * 2 ** Math.min(self.attempt - 1, 10));
        await sleep(Math.max(wait, step / 2 + Math.random() * step / 2));
      }
    };

    self.stop = () => { self.stopped = true; self.abort && self.abort.abort(); };
    self.done = run();
    return self;
  };

  let switching = null;
  const follow = () => {
    if (!leader || switching) return;
    // Debounced: tabs that open together cost one reconnect.
    switching = setTimeout(() => {
      switching = null;
      if (!leader || closed || String(union()) === String(leader.topics)) return;
      leader.stop();
      leader = open(false);
    }, 50);
  };

  const goSolo = () => {
    if (stream || closed) return;
    if (leader) { leader.stop(); leader = null; }
    stream = open(true);
  };

  const onMessage = ({ data: m }) => {
    if (closed || !m || m.from === me) return;
    switch (m.t) {
      case 'hello':
        if (!tabs.has(m.from)) post({ t: 'hello', topics });
        tabs.set(m.from, m.topics);
        if (stream) post({ t: 'solo' });
        if (leader) {
          // The newcomer learns where the streams are and whether the stream carries its topics yet.
          post({ t: 'positions', positions });
          post({ t: 'status', state: state.state, reason: state.reason, topics: leader.topics });
          follow();
        }
        break;
      case 'bye': tabs.delete(m.from); follow(); break;
      case 'event': if (!stream) deliver(m); break;
      case 'positions':
        if (!stream) for (const [k, v] of Object.entries(m.positions)) positions[k] = v;
        break;
      case 'reset': if (!stream) reset(m.streams); break;
      case 'status':
        tabs.leader = m.from;
        if (m.clientId) clientId = m.clientId;
        if (!stream && !leader) setStatus(m.state, m.reason, m.topics);
        break;
      case 'solo': goSolo(); break;
    }
  };

  const share = options.share !== false && typeof BroadcastChannel === 'function'
    && globalThis.navigator && navigator.locks && lockAbort;
  if (share) {
    const user = options.user ?? (options.query || {}).user_id ?? '';
    const key = 'sse-broker:' + base + '|' + user;
    channel = new BroadcastChannel(key);
    channel.onmessage = onMessage;
    post({ t: 'hello', topics });
    navigator.locks.request(key, { signal: lockAbort.signal }, () => {
      if (closed || stream) return;
      tabs.delete(tabs.leader);
      leader = open(false);
      return new Promise(r => { releaseLock = r; });
    }).catch(() => { /* aborted by close() */ });
    globalThis.addEventListener && addEventListener('pagehide', () => post({ t: 'bye' }));
  } else {
    stream = open(true);
  }

  return {
    on(name, handler) {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name).add(handler);
      return () => handlers.get(name).delete(handler);
    },
    onReset(handler) { resetHandlers.add(handler); return () => resetHandlers.delete(handler); },
    onStatus(handler) { statusHandlers.add(handler); handler(state); return () => statusHandlers.delete(handler); },
    get status() { return state; },
    get shared() { return !!channel && !stream; },
    close() {
      if (closed) return;
      post({ t: 'bye' });
      closed = true;
      leader && leader.stop();
      stream && stream.stop();
      lockAbort && lockAbort.abort();
      releaseLock();
      channel && channel.close();
      state = { state: 'closed', reason: 'closed by the application' };
      call(statusHandlers, state);
    },
  };
}
