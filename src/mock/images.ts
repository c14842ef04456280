// Images in requests: found in each API's content parts, checked like a real server checks them, counted as tokens.
//
// Token rule (Qwen2-VL's, without its resizing): the vision encoder cuts an image into 14x14-pixel patches and
// merges each 2x2 group into one token, so an image of W x H pixels is ceil(W / 28) * ceil(H / 28) tokens
// (512x512: 19 * 19 = 361). Remote http(s) URLs are not fetched: they count as 512x512. Each image token also adds
// `imageTokenMs` to the request's prefill (the vision encoder's time), on top of the text prefill.
import { createHash } from 'node:crypto';
import { readImageHeader } from '../util/image-header.js';

/** Pixels per token side: 14-pixel patches merged 2x2. */
export const IMAGE_TOKEN_PX = 28;
/** What an unfetched remote image counts as. */
export const REMOTE_IMAGE_PX = 512;

/** One image a request carried, as the simulator saw it. */
export interface ReceivedImage {
  /** image/png, image/jpeg...; 'url' for a remote URL. */
  mediaType: string;
  widthPx: number;
  heightPx: number;
  /** Decoded file bytes (0 for a remote URL). */
  bytes: number;
  /** A 64-bit digest of the image's bytes (or of the URL), so tests can tell images apart without keeping them. */
  digest: string;
  tokens: number;
}

export const imageTokens = (widthPx: number, heightPx: number): number => Math.ceil(widthPx / IMAGE_TOKEN_PX) * Math.ceil(heightPx / IMAGE_TOKEN_PX);

const DATA_URL = /^data:([^;,]+);base64,/;

/**
 * Base64 image data checked as vLLM and OpenAI check it: a bad one is a 400 naming the problem. The decode is
 * Node's native one; it skips characters outside the alphabet, so a shorter result than the length promises
 * means the data was not valid base64.
 */
function fromBase64(base64: string, declaredType: string, where: string): ReceivedImage | string {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = base64.length % 4 === 0 ? Buffer.from(base64, 'base64') : null;
  if (bytes === null || base64.length === 0 || bytes.length !== (base64.length / 4) * 3 - padding) return `${where}: invalid base64 image data`;
  const header = readImageHeader(bytes);
  if (header === null) return `${where}: the data is not a PNG, JPEG, GIF or WebP image`;
  if (header.mediaType !== declaredType) return `${where}: declared ${declaredType} but the data is ${header.mediaType}`;
  const digest = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  return { mediaType: header.mediaType, widthPx: header.widthPx, heightPx: header.heightPx, bytes: bytes.length, digest, tokens: imageTokens(header.widthPx, header.heightPx) };
}

function fromUrl(url: unknown, where: string): ReceivedImage | string {
  if (typeof url !== 'string' || url.length === 0) return `${where}: the image URL is missing`;
  if (/^https?:\/\//i.test(url)) return { mediaType: 'url', widthPx: REMOTE_IMAGE_PX, heightPx: REMOTE_IMAGE_PX, bytes: 0, digest: createHash('sha1').update(url).digest('hex').slice(0, 16), tokens: imageTokens(REMOTE_IMAGE_PX, REMOTE_IMAGE_PX) };
  const data = DATA_URL.exec(url);
  if (data === null) return `${where}: the image URL must be an http(s) URL or a data:image/...;base64, URL`;
  return fromBase64(url.slice(data[0].length), data[1]!, where);
}

/** One content part: an image (chat image_url, responses input_image, messages image), null for any other part. */
function imageOf(part: Record<string, unknown>, where: string): ReceivedImage | string | null {
  if (part.type === 'image_url') {
    const value = part.image_url;
    return fromUrl(typeof value === 'string' ? value : (value as { url?: unknown } | null)?.url, where);
  }
  if (part.type === 'input_image') return fromUrl(part.image_url, where);
  if (part.type === 'image') {
    const source = part.source as { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown } | null;
    if (source?.type === 'url') return fromUrl(source.url, where);
    if (source?.type !== 'base64' || typeof source.data !== 'string' || typeof source.media_type !== 'string') {
      return `${where}: source must be {type: "base64", media_type, data} or {type: "url", url}`;
    }
    return fromBase64(source.data, source.media_type, where);
  }
  return null;
}

/**
 * The images of a request read as chat (the Responses and Messages routes convert their input to `messages`
 * first, keeping the content parts): the list, or the 400 message for the first bad one.
 */
export function readRequestImages(body: Record<string, unknown>): ReceivedImage[] | string {
  const images: ReceivedImage[] = [];
  if (!Array.isArray(body.messages)) return images;
  for (const [i, message] of body.messages.entries()) {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) continue;
    for (const [j, part] of content.entries()) {
      if (part === null || typeof part !== 'object') continue;
      const image = imageOf(part as Record<string, unknown>, `messages[${i}].content[${j}]`);
      if (typeof image === 'string') return image;
      if (image !== null) images.push(image);
    }
  }
  return images;
}
