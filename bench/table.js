// Formats the benchmark's results as plain-text tables (also what docs/performance.md shows).
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
    out.push('', 'Throughput on the burst server (CPU per event is the client process, user + system):');
    out.push(table(
      ['events/resp', 'concurrency', 'floor events/s', 'floor us/event', 'llmperf events/s', 'llmperf us/event', 'ratio', 'floor RSS MB', 'llmperf RSS MB'],
      results.throughput.map((r) => [r.tokens + 2, r.concurrency, int(r.floor.eventsPerS), fixed(r.floor.cpuUsPerEvent), int(r.llmperf.eventsPerS), fixed(r.llmperf.cpuUsPerEvent), fixed(r.ratio) + 'x', int(r.floor.peakRssMb), int(r.llmperf.peakRssMb)]),
    ));
  }
  if (results.workers) {
    out.push('', 'Worker threads (258 events/response, concurrency 256; marginal CPU per event excludes start-up):');
    out.push(table(['workers', 'cores', 'events/s', 'us/event (marginal)', 'us/event (whole run)'], results.workers.map((w) => [w.workers, w.cores, int(w.eventsPerS), fixed(w.marginalCpuUsPerEvent), fixed(w.cpuUsPerEvent)])));
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
