// Request bodies that carry images: the JSON around the images once per prompt, each image's bytes once per run.
import { UsageError } from '../errors.js';
import type { Prompt, PromptImage } from '../workload/prompts.js';
import type { RequestState } from './request-state.js';
import { attachImageParts, IMAGE_MARKER } from './apis/image-parts.js';
import { buildBody } from './request-body.js';

/** Each image's base64 as bytes, made once and shared by every body that sends it (per thread). */
const shared = new WeakMap<PromptImage, Buffer>();

function bytesOf(image: PromptImage): Buffer {
  let bytes = shared.get(image);
  if (bytes === undefined) {
    bytes = Buffer.from(image.base64, 'latin1'); // base64 is ASCII: one byte a character
    shared.set(image, bytes);
  }
  return bytes;
}

/**
 * A body sent as a list of buffers: the JSON pieces of this prompt and the shared image bytes between them.
 * undici writes the pieces in turn under one Content-Length, so a request copies nothing and a run holds each
 * image once, whatever the number of prompts (a flat string would hold every image once per prompt, and undici
 * would copy it into a new buffer on every send).
 */
export class ImageBody {
  readonly parts: Buffer[];
  readonly bytes: number;
  private headers: string[] | null = null;
  private base: readonly string[] | null = null;

  constructor(parts: Buffer[]) {
    this.parts = parts;
    this.bytes = parts.reduce((sum, p) => sum + p.length, 0);
  }

  /** The run's headers with this body's Content-Length, built once (the run's headers never change). */
  headersWith(base: readonly string[]): string[] {
    if (this.headers === null || this.base !== base) {
      this.base = base;
      this.headers = [...base, 'content-length', String(this.bytes)];
    }
    return this.headers;
  }

  /** The whole body as text (tests, logs): never on the send path. */
  toString(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

/** The serialized body with its image markers swapped for the shared image bytes; the string itself when it has none. */
export function spliceImages(json: string, images: readonly PromptImage[]): string | ImageBody {
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of json.matchAll(IMAGE_MARKER)) {
    parts.push(Buffer.from(json.slice(last, match.index), 'utf8'), bytesOf(images[Number(match[1])]!));
    last = match.index! + match[0].length;
  }
  if (parts.length === 0) return json;
  parts.push(Buffer.from(json.slice(last), 'utf8'));
  return new ImageBody(parts);
}

/**
 * The body a prompt is sent with: buildBody's string, or with images, an ImageBody (built once per prompt; the
 * text-only JSON is parsed back here, a few microseconds, so the API body builders need not know about images).
 */
export function bodyWithImages(config: Parameters<typeof buildBody>[0], prompt: Prompt): string | ImageBody {
  const images = prompt.images;
  if (images === undefined || images.length === 0) return buildBody(config, prompt);
  if (config.api !== 'chat' && config.api !== 'responses' && config.api !== 'messages') {
    throw new UsageError(`--api ${config.api} takes no images; use --api chat, responses or messages`);
  }
  const body = JSON.parse(buildBody(config, prompt)) as Record<string, unknown>;
  attachImageParts(config.api, body, images);
  return spliceImages(JSON.stringify(body), images);
}

/** Notes on a request what images it carries (once per request, before it is sent). */
export function countImages(state: RequestState, prompt: Prompt): void {
  const images = prompt.images ?? [];
  state.inputImages = images.length;
  let bytes = 0;
  for (const image of images) bytes += image.bytes;
  state.inputImageBytes = bytes;
}
