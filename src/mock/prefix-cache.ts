// The simulator's prefix cache: which leading blocks of a prompt it has seen, and how much prefill that saves.
import { hash32, tokenizeSimple } from './tokens.js';

/** Tokens per cache block, as vLLM's default KV block: only whole blocks are cached and matched. */
export const PREFIX_BLOCK_TOKENS = 16;

/**
 * The documented prefill rule: the cached share of the prompt skips its share of the prefill,
 *   ttft = sim_ttft * (prompt_tokens - cached_tokens) / prompt_tokens,
 * and the last prompt token is always computed (cached_tokens <= prompt_tokens - 1, as vLLM recomputes it
 * to get the first token's logits), so a full hit still takes a little prefill time.
 */
export function prefillMs(ttftMs: number, promptTokens: number, cachedTokens: number): number {
  if (promptTokens <= 0 || cachedTokens <= 0) return ttftMs;
  return (ttftMs * (promptTokens - cachedTokens)) / promptTokens;
}

/**
 * Blocks keyed by a chained hash (each block's key hashes the previous key and its own tokens), so a block
 * matches only after the same whole prefix, as in vLLM's automatic prefix caching. Least recently used
 * blocks are evicted past `capacityTokens`. A Map keeps insertion order: re-inserting on use makes it an LRU.
 */
export class PrefixCache {
  private readonly blocks = new Map<number, true>();
  /** Two 32-bit hashes make a 53-bit key: a chance collision (a false hit) is out of reach at any cache size. */
  private readonly capacityBlocks: number;
  hitTokens = 0;
  promptTokens = 0;

  constructor(capacityTokens: number) {
    this.capacityBlocks = Math.max(1, Math.floor(capacityTokens / PREFIX_BLOCK_TOKENS));
  }

  /**
   * Looks a prompt up and stores its blocks: returns the tokens served from the cache (whole leading blocks
   * already present, at most promptTokens - 1). Called once per request, at arrival.
   */
  lookup(text: string, promptTokens: number): number {
    const tokens = tokenizeSimple(text);
    const fullBlocks = Math.floor(tokens.length / PREFIX_BLOCK_TOKENS);
    let high = 0x811c9dc5;
    let low = 0x01000193;
    let matched = 0;
    let stillMatching = true;
    for (let b = 0; b < fullBlocks; b++) {
      let blockText = '';
      for (let t = b * PREFIX_BLOCK_TOKENS; t < (b + 1) * PREFIX_BLOCK_TOKENS; t++) blockText += tokens[t]!.text;
      high = hash32(blockText, high);
      low = hash32(blockText, low ^ 0x5bd1e995);
      const key = high * 0x200000 + (low & 0x1fffff);
      if (stillMatching && this.blocks.has(key)) {
        matched++;
        this.blocks.delete(key); // re-inserted below: now the most recently used
      } else stillMatching = false;
      this.blocks.set(key, true);
    }
    while (this.blocks.size > this.capacityBlocks) this.blocks.delete(this.blocks.keys().next().value as number);
    const cached = Math.max(0, Math.min(matched * PREFIX_BLOCK_TOKENS, promptTokens - 1));
    this.hitTokens += cached;
    this.promptTokens += promptTokens;
    return cached;
  }

  /** Empties the cache (vLLM's POST /reset_prefix_cache). */
  reset(): void {
    this.blocks.clear();
  }
}
