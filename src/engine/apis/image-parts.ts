// Image content parts as each API spells them, put into a built body's last user message (chat, responses, messages).
import type { PromptImage } from '../../workload/prompts.js';

/**
 * Stands for image i's base64 in a body being serialized; image-body.ts swaps it for the image's shared bytes, so
 * the megabytes of an image are never copied into a body string. The nonce keeps a prompt's own text from matching.
 */
const NONCE = Math.floor(Math.random() * 0xffffffff).toString(36);
export const IMAGE_MARKER = new RegExp(`@@llmperf-image-${NONCE}-(\\d+)@@`, 'g');
const marker = (i: number): string => `@@llmperf-image-${NONCE}-${i}@@`;

const dataUrl = (image: PromptImage, i: number): string => image.url ?? `data:${image.mediaType};base64,${marker(i)}`;

/** One image as a content part of the given API. */
function part(api: string, image: PromptImage, i: number): Record<string, unknown> {
  if (api === 'responses') return { type: 'input_image', image_url: dataUrl(image, i), detail: 'auto' };
  if (api === 'messages') {
    const source = image.url !== null ? { type: 'url', url: image.url } : { type: 'base64', media_type: image.mediaType, data: marker(i) };
    return { type: 'image', source };
  }
  return { type: 'image_url', image_url: { url: dataUrl(image, i) } };
}

/**
 * Replaces the last user message of `body.messages` (chat, messages) or `body.input` (responses) by a copy whose
 * content is the text part and the image parts. Anthropic advises images before the text; OpenAI's examples put the
 * text first. The prompt's own messages are never changed (the copy is the body's).
 */
export function attachImageParts(api: string, body: Record<string, unknown>, images: readonly PromptImage[]): void {
  const key = api === 'responses' ? 'input' : 'messages';
  const messages = Array.isArray(body[key]) ? [...(body[key] as Array<{ role: string; content: unknown }>)] : [];
  let at = messages.length - 1;
  while (at >= 0 && messages[at]!.role !== 'user') at--;
  if (at < 0) {
    messages.push({ role: 'user', content: '' });
    at = messages.length - 1;
  }
  const text = typeof messages[at]!.content === 'string' ? (messages[at]!.content as string) : '';
  const imageParts = images.map((image, i) => part(api, image, i));
  // No empty text part for an image-only message: Anthropic refuses empty text blocks.
  const textParts = text === '' ? [] : [{ type: api === 'responses' ? 'input_text' : 'text', text }];
  messages[at] = { ...messages[at]!, content: api === 'messages' ? [...imageParts, ...textParts] : [...textParts, ...imageParts] };
  body[key] = messages;
}
