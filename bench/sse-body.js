// Precomputed OpenAI-style SSE bodies for the burst server: N one-token chunks, a usage chunk, [DONE].
const WORDS = ['the', 'model', 'answers', 'with', 'a', 'short', 'and', 'plain', 'sentence', 'about', 'load', 'tests'];

/** SSE events per response for N tokens: N content chunks, one usage chunk, [DONE]. */
export const eventsPerResponse = (tokens) => tokens + 2;

/** The body bytes of one streamed chat completion of `tokens` tokens, shaped like vLLM's. */
export function sseBody(tokens, model = 'llmperf-bench') {
  const id = 'chatcmpl-7f3a9c2e51b84d0b9e6a1c4f2d8b3e70';
  const created = 1732780800;
  let text = '';
  for (let i = 0; i < tokens; i++) {
    const delta = i === 0 ? { role: 'assistant', content: WORDS[0] } : { content: ' ' + WORDS[i % WORDS.length] };
    const chunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: i === tokens - 1 ? 'length' : null }],
      usage: null,
    };
    text += `data: ${JSON.stringify(chunk)}\n\n`;
  }
  const usage = { id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: 24, completion_tokens: tokens, total_tokens: 24 + tokens } };
  text += `data: ${JSON.stringify(usage)}\n\n`;
  text += 'data: [DONE]\n\n';
  return Buffer.from(text, 'utf8');
}

/** A full HTTP/1.1 keep-alive response carrying `body` (Content-Length framing: one write per response). */
export function httpResponse(body) {
  const head =
    'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n' +
    `connection: keep-alive\r\ncontent-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
