// Writes the small synthetic trace samples shipped in prompts/ (one per --trace-format), seeded: the same files every time.
// They are made up, in the published formats (no production data is copied): `node scripts/make-trace-samples.mjs`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = (name) => fileURLToPath(new URL(`../prompts/${name}`, import.meta.url));

/** mulberry32: a small seeded generator, so the samples never change between runs. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REQUESTS = 48;
const random = seeded(19);
const between = (min, max) => min + Math.floor(random() * (max - min + 1));

// Bursty arrivals: quiet gaps, then several requests within a few tens of ms, over about 12 s.
const timesMs = [];
let t = 0;
while (timesMs.length < REQUESTS) {
  const burst = between(1, 5);
  for (let k = 0; k < burst && timesMs.length < REQUESTS; k++) timesMs.push(Math.round(t + k * between(5, 40)));
  t += between(150, 600);
}

// Mooncake: timestamp (ms), input_length, output_length, hash_ids (512-token blocks). Four "documents" of 2-4 blocks
// are shared as prefixes (same id, same text), each request adds blocks of its own, as in the published trace.
const documents = [[0, 1, 2], [3, 4], [5, 6, 7, 8], [9, 10]];
let nextId = 11;
const mooncake = timesMs.map((timestamp) => {
  const shared = documents[between(0, documents.length - 1)];
  const own = Array.from({ length: between(0, 2) }, () => nextId++);
  const ids = [...shared, ...own];
  const input_length = (ids.length - 1) * 512 + between(64, 512);
  return JSON.stringify({ timestamp, input_length, output_length: between(8, 64), hash_ids: ids });
});
writeFileSync(out('trace-mooncake.jsonl'), mooncake.join('\n') + '\n');

// Azure LLM inference trace: TIMESTAMP (UTC wall clock, 7 fraction digits), ContextTokens, GeneratedTokens.
const origin = Date.UTC(2023, 10, 16, 18, 15, 46);
const azure = ['TIMESTAMP,ContextTokens,GeneratedTokens'];
for (const ms of timesMs) {
  const iso = new Date(origin + ms).toISOString(); // 2023-11-16T18:15:46.123Z
  const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(between(0, 9999)).padStart(4, '0')}`;
  azure.push(`${stamp},${between(100, 2000)},${between(8, 64)}`);
}
writeFileSync(out('trace-azure.csv'), azure.join('\n') + '\n');

// BurstGPT: Timestamp (s), Model, Request tokens, Response tokens, Total tokens, Log Type. A 0-token response
// is a failed request in BurstGPT; the sample keeps one, which replay skips.
const burst = ['Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type'];
timesMs.forEach((ms, i) => {
  const request = between(50, 1500);
  const response = i === 7 ? 0 : between(8, 64);
  burst.push(`${(ms / 1000).toFixed(3)},${random() < 0.7 ? 'ChatGPT' : 'GPT-4'},${request},${response},${request + response},${random() < 0.8 ? 'Conversation log' : 'API log'}`);
});
writeFileSync(out('trace-burstgpt.csv'), burst.join('\n') + '\n');
