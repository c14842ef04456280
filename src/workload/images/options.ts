// The image flags of `run` (--images, --image-size, --image-format, --image-pool), validated into a spec at the edge.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { ImageFormat, ImageSizeChoice, SyntheticImageSpec } from './synthetic.js';

export interface ImageFlags {
  images?: string;
  imageSize?: string;
  imageFormat?: string;
  imagePool?: string;
}

export const DEFAULT_IMAGE_SIZE = '512x512';
export const DEFAULT_IMAGE_POOL = 8;
/** Bounds that keep the pool's memory sane (count x pool images of at most 8192x8192 pixels). */
const MAX_IMAGES = 64;
const MAX_POOL = 256;
const MAX_SIDE_PX = 8192;
/** Pixels the pool may hold at most (a billion: ~4 GB while drawing, minutes of encoding); beyond, a typo is likelier than intent. */
const MAX_POOL_PIXELS = 1e9;

/** APIs whose request bodies can carry images. */
export const IMAGE_APIS = ['chat', 'responses', 'messages'];

export function addImageOptions(command: Command): Command {
  return command
    .option('--images <n>', 'attach n synthetic images to every request (data URLs; --api chat, responses or messages)')
    .option('--image-size <WxH,...>', `--images: pixel size, a range WxH-WxH, or a comma list of them drawn from per image (default ${DEFAULT_IMAGE_SIZE})`)
    .option('--image-format <jpeg|png>', '--images: encoding (default jpeg, as vLLM bench random-mm sends)')
    .option('--image-pool <k>', `--images: distinct images per slot, reused across requests (default ${DEFAULT_IMAGE_POOL})`);
}

function wholeNumber(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`${flag} ${text}: must be a whole number from 1 to ${max}`);
  return value;
}

/** `512x512`, `512x512,1024x768` or `256x256-1024x1024` (a range: width and height each drawn within it). */
export function parseImageSizes(text: string): ImageSizeChoice[] {
  const bad = () =>
    new UsageError(`--image-size ${text}: each size must be WxH or a range WxH-WxH with sides from 1 to ${MAX_SIDE_PX} px, e.g. 512x512, 512x512,1024x768 or 256x256-1024x1024`);
  const size = (part: string) => {
    const match = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(part);
    const widthPx = Number(match?.[1]);
    const heightPx = Number(match?.[2]);
    if (!match || widthPx < 1 || heightPx < 1 || widthPx > MAX_SIDE_PX || heightPx > MAX_SIDE_PX) throw bad();
    return { widthPx, heightPx };
  };
  return text.split(',').map((entry) => {
    const ends = entry.split('-');
    if (ends.length > 2) throw bad();
    const low = size(ends[0]!);
    if (ends.length === 1) return low;
    const high = size(ends[1]!);
    if (high.widthPx < low.widthPx || high.heightPx < low.heightPx) {
      throw new UsageError(`--image-size ${text}: a range WxH-WxH goes from the smaller size to the larger, e.g. 256x256-1024x1024`);
    }
    return { ...low, upTo: high };
  });
}

/** The synthetic image spec, or undefined without --images; every error is one line naming the flag. */
export function imageSpec(flags: ImageFlags, api: string): SyntheticImageSpec | undefined {
  if (flags.images === undefined) {
    const stray = flags.imageSize !== undefined ? '--image-size' : flags.imageFormat !== undefined ? '--image-format' : flags.imagePool !== undefined ? '--image-pool' : null;
    if (stray !== null) throw new UsageError(`${stray} shapes synthetic images: add --images N`);
    return undefined;
  }
  const count = wholeNumber(flags.images, '--images', MAX_IMAGES);
  if (!IMAGE_APIS.includes(api)) throw new UsageError(`--images: --api ${api} takes no images; use --api chat, responses or messages`);
  // JPEG by default: vLLM's benchmark sends its synthetic images as JPEG data URLs, and PNG costs ~5x to draw.
  const format = flags.imageFormat ?? 'jpeg';
  if (format !== 'png' && format !== 'jpeg') throw new UsageError(`--image-format ${format}: must be jpeg or png`);
  const pool = flags.imagePool === undefined ? DEFAULT_IMAGE_POOL : wholeNumber(flags.imagePool, '--image-pool', MAX_POOL);
  const sizes = parseImageSizes(flags.imageSize ?? DEFAULT_IMAGE_SIZE);
  const largest = Math.max(...sizes.map((s) => (s.upTo ?? s).widthPx * (s.upTo ?? s).heightPx));
  if (count * pool * largest > MAX_POOL_PIXELS) {
    throw new UsageError(
      `--images ${count} x --image-pool ${pool} images of up to ${largest / 1e6} megapixels would draw ${Math.round((count * pool * largest) / 1e6)} megapixels before the run; keep it under ${MAX_POOL_PIXELS / 1e6} (fewer images, a smaller pool or smaller sizes)`,
    );
  }
  return { count, sizes, format: format as ImageFormat, pool };
}

/** How the result's config records the images of a run. */
export function describeImageSpec(spec: SyntheticImageSpec): Record<string, unknown> {
  return {
    images: spec.count,
    image_size: spec.sizes.map((s) => `${s.widthPx}x${s.heightPx}${s.upTo ? `-${s.upTo.widthPx}x${s.upTo.heightPx}` : ''}`).join(','),
    image_format: spec.format,
    image_pool: spec.pool,
  };
}
