// Formats the benchmark's results as plain-text tables (also what docs/performance.md shows).
import { formatProfile } from './profile-summary.js';
const fixed = (x, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(digits));
const int = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  return [line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

export function printTables(results) {
  const out = [];
  const m = results.machine;
  out.push(`Machine: ${m.cpus} cores (${m.model}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; ` +
    `${m.pinned ? `client on cores ${m.pinned.client}, server on core ${m.pinned.server}` : 'not pinned'}; ` +
    `load average ${m.loadAverageAtStart?.[0]} at start, ${m.loadAverageAtEnd?.[0]} at end`);
  if (results.throughput) {
    const rounds = results.throughput[0]?.llmperf.range ? ` (median of ${results.repeat ?? 1} interleaved runs; llmperf's range in brackets)` : '';
    out.push('', `Throughput on the burst server (CPU per event is the client process, user + system)${rounds}:`);
    out.push(table(
      ['events/resp', 'concurrency', 'floor events/s', 'floor us/event', 'undici loop us/event', 'llmperf events/s', 'llmperf us/event', 'ratio', 'floor RSS MB', 'llmperf RSS MB'],
      results.throughput.map((r) => [r.tokens + 2, r.concurrency, int(r.floor.eventsPerS), fixed(r.floor.cpuUsPerEvent), r.undici ? fixed(r.undici.cpuUsPerEvent) : '-', int(r.llmperf.eventsPerS),
        fixed(r.llmperf.cpuUsPerEvent) + (r.llmperf.range ? ` [${fixed(r.llmperf.range[0])}-${fixed(r.llmperf.range[1])}]` : ''), fixed(r.ratio) + 'x', int(r.floor.peakRssMb), int(r.llmperf.peakRssMb)]),
    ));
    out.push('Targets (issue 14): llmperf at most 1.5x the floor at 18 events per response, 1.3x at 258; the undici loop (bench/undici-client.js) is undici\'s dispatch API with the floor\'s per-event work and nothing else.');
  }
  for (const p of results.profiles ?? []) {
    out.push('', formatProfile(`CPU profile, llmperf at ${p.tokens + 2} events/response x ${p.concurrency} streams (bench/profile.js, measured window; ${p.cpuUsPerResponse} µs CPU per response)`, p, { areas: 9, top: 8 }));
  }
  if (results.workers) {
    out.push('', 'Worker threads (258 events/response, concurrency 256; marginal CPU per event excludes start-up; "vs main thread" is against the engine on the main thread):');
    out.push(table(
      ['engine', 'cores', 'events/s', 'us/event (marginal)', 'us/event (whole run)', 'vs main thread', 'modelled events/s, a free core per thread'],
      results.workers.map((w) => [w.label ?? `${w.workers} workers`, w.cores, int(w.eventsPerS), fixed(w.marginalCpuUsPerEvent), fixed(w.cpuUsPerEvent),
        w.overhead === undefined ? '-' : `${w.overhead >= 0 ? '+' : ''}${fixed(w.overhead * 100, 1)}%`, w.modelledEventsPerS ? int(w.modelledEventsPerS) : '-']),
    ));
    out.push('Model: N threads on N free cores deliver N x 1e6 / (their marginal us/event measured on one shared core) events/s, until the server is the limit; target: a worker within 10% of the main-thread engine.');
  }
  if (results.live) {
    out.push('', `Live metrics cost (--metrics-port, scraped every second by another process; CPU per event, median of ${results.live[0]?.without.values.length ?? 0} interleaved runs, range in brackets; target within 3%):`);
    out.push(table(
      ['events/resp', 'concurrency', 'without us/event', 'with --metrics-port us/event', 'difference'],
      results.live.map((r) => [r.tokens + 2, r.concurrency, `${fixed(r.without.median)} [${fixed(r.without.min)}-${fixed(r.without.max)}]`, `${fixed(r.with.median)} [${fixed(r.with.min)}-${fixed(r.with.max)}]`, `${r.difference >= 0 ? '+' : ''}${fixed(r.difference * 100, 1)}%`]),
    ));
    if (results.liveRecordUs !== null && results.liveRecordUs !== undefined) out.push(`The live export's own work per finished request (bench/live-cost.js, isolated): ${fixed(results.liveRecordUs)} µs of CPU.`);
  }
  if (results.fidelity) {
    out.push('', 'Timing fidelity against the simulator\'s own send times (reported minus true, ms; TTFT 50 ms, 100 tokens):');
    out.push(table(
      ['streams', 'ITL', 'client', 'TTFT err p50', 'TTFT err p99', 'ITL err p50', 'ITL err p99', 'events/s', 'sim lag p99', 'client'],
      results.fidelity.map((r) => [r.concurrency, r.itlMs, r.client, fixed(r.error.ttftP50), fixed(r.error.ttftP99), fixed(r.error.itlP50), fixed(r.error.itlP99), int(r.eventsPerS), fixed(r.simulatorLagMs.p99, 1), r.clientHealth ? (r.clientHealth.saturated ? `saturated (busy ${Math.round(r.clientHealth.utilization * 100)}%)` : 'ok') : '-']),
    ));
  }
  if (results.waves) {
    out.push('', `TTFT error per wave against the server's send times (reported minus true, ms; TTFT 50 ms, ${results.wavesTokens} tokens, n = waves x streams; ` +
      'each client a fresh process; llmperf pre-opens its connections and starts a request\'s clock at its write, the floor starts it at its write too):');
    out.push(table(
      ['streams', 'ITL', 'wave', 'true TTFT p50', 'llmperf err p50', 'llmperf err p99', 'floor err p50', 'floor err p99', 'target'],
      results.waves.map((r) => [r.concurrency, r.itlMs, r.wave, fixed(r.truthTtftP50), fixed(r.llmperf.p50), fixed(r.llmperf.p99), fixed(r.floor.p50), fixed(r.floor.p99), r.met ? 'met' : 'missed']),
    ));
    const pre = results.waves.find((r) => r.concurrency >= 1024 && r.connections)?.connections;
    if (pre) out.push(`Connection set-up at 1,024 streams, before the timed window: ${pre.preopened} opened in ${fixed(pre.preopenMs, 1)} ms (${pre.openedDuringRun} more during the run, ${pre.failed} failed).`);
    out.push('Targets: every wave within the floor\'s error + 1 ms (p50) and + 3 ms (p99); 1,024 streams in one wave under 5 ms (p50) and 20 ms (p99).');
  }
  if (results.scale) {
    const s = results.scale;
    out.push('', `Scale: ${int(s.streams)} concurrent streams: ${int(s.succeeded)} succeeded, ${int(s.failed)} failed, peak ${int(s.peakInFlight)} in flight ` +
      `(simulator saw ${int(s.simulator?.maxInFlight)}); memory per in-flight stream ${fixed(s.rssPerStreamKb, 1)} KB RSS, ${fixed(s.heapPerStreamKb, 1)} KB heap; ${fixed(s.wallS, 1)} s`);
  }
  out.push('', `Bench time: ${results.elapsedS} s`);
  return out.join('\n');
}
