// Reduces a V8 CPU profile to where the ticks went: top self-time functions and self time per area of the client.

/** Areas of the per-request and per-event path, matched on a frame's script URL (first match wins) or its name. */
const AREAS = [
  ['SSE decode + JSON.parse (per event)', (url, name) => /engine\/stream\.js|engine\/apis\/|eventsource-parser|string_decoder|bench\/(floor|undici)-client/.test(url) || name === 'JSON.parse'],
  ['recorder: histograms, counters (per event + request)', (url) => /engine\/recorder\.js|hdr-histogram-js|engine\/live-histogram/.test(url)],
  ['requests.csv rows', (url) => /engine\/request-log\.js|bench\/llmperf-client/.test(url) || /node:fs$/.test(url)],
  ['engine per request: run, client handler, scheduler', (url) => /engine\/(run|client|scheduler|request-state|request-body|payload|usage|retry|cancel|connections|dispatcher|encoding|warm-up)\.js|engine\/pool/.test(url)],
  ['undici: dispatch, HTTP/1.1 writer, llhttp', (url) => /undici/.test(url) || /^wasm/.test(url)],
  ['node streams and sockets', (url) => /node:(net|stream|internal\/stream|internal\/streams|internal\/net|buffer|internal\/buffer)/.test(url)],
  ['timers, immediates, microtasks', (url) => /node:internal\/(timers|process\/task_queues)|node:timers/.test(url)],
  ['events (emit)', (url) => /node:events/.test(url)],
];

const NATIVE = { '(garbage collector)': 'garbage collection', '(program)': 'V8 / native (program)', '(idle)': 'idle (waiting on the network)' };

function key(frame) {
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

/**
 * Self time per function and per area, as shares of the busy (non-idle) time. A native frame with no script
 * (writev, a builtin) is counted in its caller's area: `writev` under node streams, JSON.parse under the decoder.
 */
export function summarizeProfile(profile, { top = 15 } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByNode = new Map();
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map();
  const areas = new Map();
  let busy = 0;
  let idle = 0;
  const underProfiler = (id) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur).callFrame.url === 'node:inspector') return true;
    return false;
  };
  for (const [id, t] of selfByNode) {
    const frame = byId.get(id).callFrame;
    if (underProfiler(id)) continue; // starting and stopping the profiler itself (Session.post) is not the client's work
    if (frame.functionName === '(idle)') {
      idle += t;
      continue;
    }
    busy += t;
    functions.set(key(frame), (functions.get(key(frame)) ?? 0) + t);
    const area = areaOf(byId, parent, id);
    areas.set(area, (areas.get(area) ?? 0) + t);
  }
  const share = (t) => Math.round((t / busy) * 1000) / 10;
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    top: [...functions].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, t]) => ({ name, percent: share(t) })),
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([name, t]) => ({ name, percent: share(t) })),
  };
}

function areaOf(byId, parent, id) {
  const frame = byId.get(id).callFrame;
  if (NATIVE[frame.functionName]) return NATIVE[frame.functionName];
  // Walk up to the first frame with a script (a native leaf such as writev or JSON.parse belongs to its caller).
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    if (f.url === '' && cur === id && f.functionName === 'JSON.parse') return AREAS[0][0];
    if (f.url === '') continue;
    for (const [name, match] of AREAS) if (match(f.url, f.functionName)) return name;
    return 'other';
  }
  return 'other';
}

/** Plain-text lines for the bench's output. */
export function formatProfile(label, summary, { areas = 8, top = 8 } = {}) {
  const lines = [`${label}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle; self time by area (share of busy):`];
  for (const a of summary.areas.slice(0, areas)) lines.push(`  ${String(a.percent).padStart(5)}%  ${a.name}`);
  lines.push('  top functions (self):');
  for (const f of summary.top.slice(0, top)) lines.push(`  ${String(f.percent).padStart(5)}%  ${f.name}`);
  return lines.join('\n');
}
