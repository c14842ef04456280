// Approximate token counting, used only when neither the server's usage nor a real tokenizer is available.

/**
 * The documented default: one token per 4 characters (rounded up), the usual rule of thumb for
 * English text with BPE tokenizers. Results that rely on it say `token_counts_estimated: true`.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateTokensFromChars(characters: number): number {
  return characters === 0 ? 0 : Math.ceil(characters / CHARS_PER_TOKEN);
}
