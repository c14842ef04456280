// The floor's per-event work, shared by the bare clients (floor-client.js, undici-client.js) so they do exactly the same.

/**
 * Splits `text` (what is buffered plus the newly decoded bytes) into SSE events, JSON.parses each data event
 * but [DONE], counts events into `totals.events`, and returns the unfinished tail to keep for the next read.
 */
export function splitSseEvents(text, totals) {
  let start = 0;
  for (let sep = text.indexOf('\n\n'); sep >= 0; sep = text.indexOf('\n\n', start)) {
    const event = text.slice(start, sep);
    start = sep + 2;
    if (event.startsWith('data: ')) {
      const data = event.slice(6);
      if (data !== '[DONE]') JSON.parse(data);
      totals.events++;
    }
  }
  return start === 0 ? text : text.slice(start);
}
