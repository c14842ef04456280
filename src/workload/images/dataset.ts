// Images a dataset names: OpenAI content parts (image_url) in its messages, or an "images" list of files, URLs or data URLs.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { PromptImage } from '../prompts.js';
import { readImageHeader } from '../../util/image-header.js';

/** A dataset image file above this is refused: no real request carries one, and every body would hold it. */
export const MAX_IMAGE_FILE_BYTES = 20 * 1024 * 1024;

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i;

/** Messages whose content may be an array of parts, split into text messages and the image references they held. */
export function splitContentParts(value: unknown): { messages: unknown[]; refs: string[] } | string {
  if (!Array.isArray(value)) return { messages: [], refs: [] };
  const refs: string[] = [];
  const messages: unknown[] = [];
  for (const [i, m] of value.entries()) {
    const content = (m as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) {
      messages.push(m);
      continue;
    }
    const texts: string[] = [];
    for (const [j, part] of content.entries()) {
      const p = part as { type?: unknown; text?: unknown; image_url?: unknown } | null;
      if (p && (p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string') texts.push(p.text);
      else if (p && p.type === 'image_url') {
        const url = typeof p.image_url === 'string' ? p.image_url : (p.image_url as { url?: unknown } | null)?.url;
        if (typeof url !== 'string' || url.length === 0) return `messages[${i}].content[${j}]: an image_url part needs image_url.url`;
        refs.push(url);
      } else return `messages[${i}].content[${j}]: parts must be {"type":"text","text":...} or {"type":"image_url","image_url":{"url":...}}`;
    }
    messages.push({ ...(m as object), content: texts.join('\n') });
  }
  return { messages, refs };
}

/**
 * Resolves image references once each: a file path (relative to the dataset file), an http(s) URL (sent as is,
 * the server fetches it), or a data URL. The same reference in many records is one shared image.
 */
export class DatasetImages {
  private readonly cache = new Map<string, PromptImage>();
  private readonly baseDir: string;

  constructor(datasetPath: string) {
    this.baseDir = dirname(datasetPath);
  }

  /** The image, or a one-line reason it cannot be used. */
  resolve(ref: string): PromptImage | string {
    const cached = this.cache.get(ref);
    if (cached !== undefined) return cached;
    const image = this.load(ref);
    if (typeof image !== 'string') this.cache.set(ref, image);
    return image;
  }

  private load(ref: string): PromptImage | string {
    if (/^https?:\/\//i.test(ref)) return { mediaType: '', base64: '', url: ref, widthPx: 0, heightPx: 0, bytes: 0 };
    const data = DATA_URL.exec(ref);
    if (data) return inline(Buffer.from(data[2]!.replace(/\s+/g, ''), 'base64'), `a data URL`);
    if (ref.startsWith('data:')) return 'a data URL must be data:image/<type>;base64,<data>';
    const path = isAbsolute(ref) ? ref : resolve(this.baseDir, ref);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return `image ${ref}: no such file (paths are relative to the dataset file)`;
    }
    if (size > MAX_IMAGE_FILE_BYTES) return `image ${ref}: ${size} bytes, more than the ${MAX_IMAGE_FILE_BYTES} llmperf sends`;
    return inline(readFileSync(path), `image ${ref}`);
  }
}

function inline(bytes: Buffer, what: string): PromptImage | string {
  if (bytes.length > MAX_IMAGE_FILE_BYTES) return `${what}: ${bytes.length} bytes, more than the ${MAX_IMAGE_FILE_BYTES} llmperf sends`;
  const header = readImageHeader(bytes);
  if (header === null) return `${what}: not a PNG, JPEG, GIF or WebP image`;
  return { mediaType: header.mediaType, base64: bytes.toString('base64'), url: null, widthPx: header.widthPx, heightPx: header.heightPx, bytes: bytes.length };
}

/** A record's images: its content parts' references, then its "images" list. */
export function recordImages(record: Record<string, unknown>, refs: string[], images: DatasetImages): PromptImage[] | string {
  const listed = record.images;
  if (listed !== undefined && (!Array.isArray(listed) || !listed.every((x) => typeof x === 'string' && x.length > 0))) {
    return '"images" must be a list of file paths, http(s) URLs or data URLs';
  }
  const out: PromptImage[] = [];
  for (const ref of [...refs, ...((listed as string[] | undefined) ?? [])]) {
    const image = images.resolve(ref);
    if (typeof image === 'string') return image;
    out.push(image);
  }
  return out;
}
