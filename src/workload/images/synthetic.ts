// Synthetic images (--images): seeded shapes over a gradient with pixel noise, drawn once per run on @napi-rs/canvas.
import { createCanvas } from '@napi-rs/canvas';
import { seededRandom } from '../random.js';
import type { Prompt, PromptImage } from '../prompts.js';

export type ImageFormat = 'png' | 'jpeg';

/** A pixel size, e.g. 512x512. */
export interface ImageSize {
  widthPx: number;
  heightPx: number;
}

/** One entry of --image-size: a size, or with `upTo` a range whose width and height are drawn uniformly (seeded). */
export interface ImageSizeChoice extends ImageSize {
  upTo?: ImageSize;
}

/** What --images, --image-size, --image-format and --image-pool ask for. */
export interface SyntheticImageSpec {
  /** Images per request. */
  count: number;
  /** Each image's size is drawn (seeded) from this list, then within the entry's range if it has one. */
  sizes: ImageSizeChoice[];
  format: ImageFormat;
  /** Distinct images per slot; prompt k sends variant k mod pool in every slot. */
  pool: number;
}

/** JPEG quality 75: Pillow's default, which vLLM's `random-mm` images are saved with (vllm/benchmarks/dataset_utils.py). */
const JPEG_QUALITY = 75;

/** Noise amplitude per channel: enough that PNG cannot shrink flat areas to nothing (a photo-like ratio), small enough to keep the shapes. */
const NOISE = 24;

/**
 * Draws one image: a two-colour gradient, a dozen seeded rectangles and circles, then per-pixel noise. The same
 * seed gives the same bytes (same pixels, same encoder), so a run is repeatable and two seeds never share an image.
 */
export function drawImage(size: ImageSize, format: ImageFormat, seed: number): Buffer {
  const random = seededRandom(seed);
  const colour = (alpha = 1) => `rgba(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)},${alpha})`;
  const { widthPx: w, heightPx: h } = size;
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const gradient = ctx.createLinearGradient(0, 0, w * random(), h);
  gradient.addColorStop(0, colour());
  gradient.addColorStop(1, colour());
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, w, h);
  for (let i = 0; i < 12; i++) {
    ctx.fillStyle = colour(0.4 + random() * 0.6);
    const x = random() * w;
    const y = random() * h;
    if (random() < 0.5) ctx.fillRect(x, y, random() * w * 0.5, random() * h * 0.5);
    else {
      ctx.beginPath();
      ctx.arc(x, y, random() * Math.min(w, h) * 0.3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  const pixels = ctx.getImageData(0, 0, w, h);
  const data = pixels.data;
  // One xorshift32 draw a pixel, a byte of it per channel, scaled to -NOISE/2..NOISE/2 (the array clamps to 0..255):
  // a quarter of the cost of three calls into the seeded generator per pixel, on a million pixels.
  let x = Math.floor(random() * 0xffffffff) | 1;
  for (let i = 0; i < data.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = data[i]! + (((x & 0xff) * (NOISE + 1)) >> 8) - (NOISE >> 1);
    data[i + 1] = data[i + 1]! + ((((x >>> 8) & 0xff) * (NOISE + 1)) >> 8) - (NOISE >> 1);
    data[i + 2] = data[i + 2]! + ((((x >>> 16) & 0xff) * (NOISE + 1)) >> 8) - (NOISE >> 1);
  }
  ctx.putImageData(pixels, 0, 0);
  return format === 'png' ? canvas.encodeSync('png') : canvas.encodeSync('jpeg', JPEG_QUALITY);
}

/** A drawn image as prompts carry it (base64 once, here). */
function asPromptImage(bytes: Buffer, size: ImageSize, format: ImageFormat): PromptImage {
  return { mediaType: `image/${format}`, base64: bytes.toString('base64'), url: null, widthPx: size.widthPx, heightPx: size.heightPx, bytes: bytes.length };
}

/** A size from a list entry: the size itself, or uniform whole pixels within its range. */
function drawSize(choice: ImageSizeChoice, pick: () => number): ImageSize {
  if (choice.upTo === undefined) return { widthPx: choice.widthPx, heightPx: choice.heightPx };
  const between = (low: number, high: number) => low + Math.floor(pick() * (high - low + 1));
  return { widthPx: between(choice.widthPx, choice.upTo.widthPx), heightPx: between(choice.heightPx, choice.upTo.heightPx) };
}

/** Mixes seed, slot and variant into one 32-bit seed (distinct for every pair, the same for the same run seed). */
const imageSeed = (seed: number, slot: number, variant: number): number => (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + slot * 0x85ebca6b + variant * 0xc2b2ae35) >>> 0;

/**
 * The pool: pool[slot][variant], drawn once before the run (never in the timed window). Memory is
 * count x pool images, whatever the number of requests; `prompts` caps the variants at the prompts that use them.
 */
export function syntheticImagePool(spec: SyntheticImageSpec, seed: number, prompts = Infinity): PromptImage[][] {
  const pick = seededRandom(seed ^ 0x1b873593);
  // Fewer prompts than the pool: the variants no prompt would send are never drawn.
  const pool = Math.max(1, Math.min(spec.pool, prompts));
  const slots: PromptImage[][] = [];
  for (let slot = 0; slot < spec.count; slot++) {
    const variants: PromptImage[] = [];
    for (let variant = 0; variant < pool; variant++) {
      const size = drawSize(spec.sizes[Math.floor(pick() * spec.sizes.length)]!, pick);
      variants.push(asPromptImage(drawImage(size, spec.format, imageSeed(seed, slot, variant)), size, spec.format));
    }
    slots.push(variants);
  }
  return slots;
}

/** Gives every prompt its images from the pool: prompt k sends variant k mod pool in every slot (objects shared, not copied). */
export function attachSyntheticImages(prompts: Prompt[], pool: PromptImage[][]): void {
  prompts.forEach((prompt, k) => {
    prompt.images = [...(prompt.images ?? []), ...pool.map((variants) => variants[k % variants.length]!)];
  });
}
