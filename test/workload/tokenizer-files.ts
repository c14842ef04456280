// Small real tokenizer.json files for tests: a WordLevel model (whitespace words) and a byte-level BPE model.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORDS = 'alpha beta gamma delta omega river stone cloud light north south east west green amber'.split(' ');

/** WordLevel over whitespace-split words: "alpha beta." is 3 tokens; unknown words are [UNK]. */
export function wordLevelTokenizer(): object {
  const vocab: Record<string, number> = { '[UNK]': 0, '.': 1, ',': 2 };
  WORDS.forEach((word, i) => (vocab[word] = i + 3));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };
}

/**
 * Byte-level BPE (GPT-2 style): single letters, "Ġ" (a space), and merges that build " ab", " cab" and
 * the like, so words cost one or several tokens depending on the merges: a real test of exact fitting.
 */
export function byteLevelBpeTokenizer(): object {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const vocab: Record<string, number> = {};
  const add = (token: string) => (vocab[token] ??= Object.keys(vocab).length);
  for (const letter of letters) add(letter);
  add('Ġ');
  const merges: string[] = [];
  const merge = (a: string, b: string) => {
    merges.push(`${a} ${b}`);
    add(a + b);
  };
  for (const letter of 'abcdeo') merge('Ġ', letter);
  merge('Ġa', 'b');
  merge('Ġab', 'c');
  merge('Ġc', 'o');
  merge('Ġco', 'd');
  merge('Ġcod', 'e');
  merge('Ġd', 'o');
  merge('Ġe', 'b');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

/** Writes `tokenizer.json` into a fresh temp folder (plus a tokenizer_config.json) and returns the folder. */
export function tokenizerFolder(json: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmperf-tok-'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 4096 }));
  return dir;
}

/** A fake Hugging Face hub cache holding `modelId`'s tokenizer in one snapshot; returns the cache root (HF_HUB_CACHE). */
export function hubCache(modelId: string, json: object): string {
  const root = mkdtempSync(join(tmpdir(), 'llmperf-hub-'));
  const snapshot = join(root, `models--${modelId.replace('/', '--')}`, 'snapshots', '0123abcd');
  mkdirSync(snapshot, { recursive: true });
  writeFileSync(join(snapshot, 'tokenizer.json'), JSON.stringify(json));
  return root;
}
