// The one-line input-image view of a run (how many images, how many bytes), from the result document only.
import type { ResultDocument } from '../metrics/schema.js';

/** 1536 -> "1.5 KB", 2_500_000 -> "2.4 MB" (binary units, as file sizes are shown). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Null when no request carried images. */
export function imagesLine(result: ResultDocument): string | null {
  const s = result.summary;
  if (!s.image_requests || s.input_images === undefined || s.input_image_bytes === undefined) return null;
  const each = s.input_images > 0 ? s.input_image_bytes / s.input_images : 0;
  return (
    `Input images: ${s.input_images} in ${s.image_requests} requests (${s.input_images_per_request} per request), ` +
    `${formatBytes(s.input_image_bytes)} of image files (${formatBytes(each)} each on average; base64 sends 4/3 of that)`
  );
}
