// Content-Encoding of a response: undici's dispatch API does not decompress, so gzip, deflate and br are decoded here.
import type { Transform } from 'node:stream';
import { brotliDecompressSync, constants, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync } from 'node:zlib';

/** What one pass over a response's headers tells the client (done once per response, never per chunk). */
export interface ResponseHeaders {
  eventStream: boolean;
  /** Lower-cased Content-Encoding, null for none or identity. */
  encoding: string | null;
  /** The server's x-request-id (or request-id / x-amzn-requestid), null when absent. */
  requestId: string | null;
}

const REQUEST_ID_HEADERS = new Set(['x-request-id', 'request-id', 'x-amzn-requestid']);

export function readResponseHeaders(rawHeaders: Buffer[]): ResponseHeaders {
  const out: ResponseHeaders = { eventStream: false, encoding: null, requestId: null };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toString('latin1').toLowerCase();
    if (name === 'content-type') out.eventStream = rawHeaders[i + 1].toString('latin1').includes('text/event-stream');
    else if (name === 'content-encoding') {
      const value = rawHeaders[i + 1].toString('latin1').trim().toLowerCase();
      out.encoding = value === '' || value === 'identity' ? null : value;
    } else if (out.requestId === null && REQUEST_ID_HEADERS.has(name)) out.requestId = rawHeaders[i + 1].toString('latin1').slice(0, 200);
  }
  return out;
}

/** The encodings llmperf decodes; anything else is `unsupported_encoding`. */
export const DECODED_ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'br'] as const;

export const isDecodable = (encoding: string): boolean => (DECODED_ENCODINGS as readonly string[]).includes(encoding);

/** A streaming decompressor for an encoded SSE body; its output goes to the SSE decoder as it comes. */
export function createDecompressor(encoding: string): Transform {
  if (encoding === 'br') return createBrotliDecompress();
  if (encoding === 'deflate') return createInflate();
  return createGunzip();
}

/**
 * Decodes a whole (non-streaming or error) body, producing at most `maxBytes`: a small compressed body that
 * inflates to gigabytes throws a RangeError instead of filling memory.
 */
export function decodeBody(body: Buffer, encoding: string, maxBytes: number): Buffer {
  // Flush instead of finish: an error body is kept only up to a few KB, and its truncated start still decodes.
  if (encoding === 'br') return brotliDecompressSync(body, { maxOutputLength: maxBytes, finishFlush: constants.BROTLI_OPERATION_FLUSH });
  const options = { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH };
  if (encoding === 'deflate') return inflateSync(body, options);
  return gunzipSync(body, options);
}
