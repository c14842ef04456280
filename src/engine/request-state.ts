// Everything measured about one request, as plain numeric fields the hot path updates without allocating.
import type { PackageTrace } from './package-tokens.js';
import type { OutputCheck } from './checks/output-check.js';
import type { ToolCallParts } from './checks/tool-calls.js';

/** Receives per-package timing from the decoder; the recorder implements it. */
export interface PackageGapSink {
  /** The gap between two consecutive packages of one request (pooled ITL). */
  recordItlUs(gapUs: number): void;
  /** A package arrived now: output over time is counted as it streams, corrected by usage at the request's end. */
  recordPackageAt(nowMs: number): void;
  /** --continuous-usage: a package delivered `tokens` tokens `gapUs` after the previous one (NaN for the first). */
  recordPackageTokens?(tokens: number, gapUs: number): void;
}

/**
 * Times are `performance.now()` milliseconds; NaN means "did not happen".
 * Plain numeric fields on a class so the hot path never allocates.
 */
export class RequestState {
  index: number;
  /** Intended send time (open loop) or NaN (closed loop). */
  intendedMs = NaN;
  /** Multi-turn: 0 for a conversation's first turn, 1+ for later ones; -1 outside multi-turn runs. */
  turn = -1;
  /** Conversation runs (multi-turn, --users): the index of the conversation's first request; -1 otherwise. */
  conversation = -1;
  /** max_tokens this request asked for (null: the server's default); bounds a plausible usage count. */
  maxOutputTokens: number | null = null;
  sendMs = NaN;
  /** Set-up time (TCP, and TLS on https) of a connection opened for this request, ms; NaN when it reused one. */
  connectMs = NaN;
  headersMs = NaN;
  /** Arrival of the first byte of the response body (HTTP phase: the server or gateway began the body). */
  firstByteMs = NaN;
  firstPackageMs = NaN;
  /** The second package's arrival (TTST); NaN for a one-package answer. */
  secondPackageMs = NaN;
  firstReasoningMs = NaN;
  firstAnswerMs = NaN;
  lastPackageMs = NaN;
  endMs = NaN;
  packages = 0;
  reasoningPackages = 0;
  contentChars = 0;
  reasoningChars = 0;
  promptTokens = -1;
  completionTokens = -1;
  reasoningTokens = -1;
  /** usage.prompt_tokens_details.cached_tokens (prefix-cache hits); -1 when the server did not report it. */
  cachedTokens = -1;
  /** Images the request carried (--images or the dataset's) and their file bytes (data URLs; remote URLs count 0 bytes). */
  inputImages = 0;
  inputImageBytes = 0;
  /** The shared-prefix group of the prompt (--prefix-groups, trace hash blocks); -1 for none. */
  prefixGroup = -1;
  /** The model (or adapter) this request asked for, and its replica's URL (credentials redacted): set once per request. */
  model: string | null = null;
  url: string | null = null;
  /** Why the server's usage was not taken (a value that is no plausible count), or null. */
  usageInvalid: string | null = null;
  /** The server's id for this request: the x-request-id header, else the response's `id`. */
  serverRequestId: string | null = null;
  inputTokensEstimate = 0;
  status = 0;
  sawDone = false;
  sawFinish = false;
  reconnected = false;
  /** Usage arrives in every chunk (--continuous-usage): each package's token count is the growth of completion_tokens. */
  continuousUsage = false;
  /** completion_tokens as of the previous package (--continuous-usage). */
  tokensAtLastPackage = 0;
  /** --tokenizer on a stream: each package's place in the text and arrival, tokenized at the end (null: not counted). */
  packageTrace: PackageTrace | null = null;
  errorKind: string | null = null;
  errorMessage: string | null = null;
  /** Kept only when the caller needs the text (eval); a load run keeps character counts only. */
  contentPieces: string[] | null = null;
  reasoningPieces: string[] | null = null;
  /** The parsed body of a non-streaming response, kept when the caller keeps text (logprobs live there). */
  responseJson: unknown = null;
  /** Non-streaming body or an error body (bounded). */
  bodyChunks: Buffer[] | null = null;
  /** contentPieces stop growing past this many characters (structured-output checks bound what they keep). */
  maxKeptChars = Infinity;
  /** The first tool-call fragment's arrival (delta.tool_calls, function_call_arguments, input_json_delta); NaN: none. */
  firstToolCallMs = NaN;
  /** Tool-call names and argument text as they stream: kept only when the request carries tools (checks/). */
  toolCalls: ToolCallParts | null = null;
  /** What the output is checked against once the request ends (tools, --response-format); null: no check. */
  outputCheck: OutputCheck | null = null;
  /** Check outcomes: tool calls made (-1: not checked), how many failed and why, the structured output's verdict. */
  toolCallCount = -1;
  toolCallsInvalid = 0;
  toolCallInvalidKinds: string[] | null = null;
  schemaValid: boolean | null = null;
  schemaInvalidKind: string | null = null;
  /** The first failed check, "kind: detail" (requests.csv). */
  outputInvalidReason: string | null = null;

  constructor(index: number) {
    this.index = index;
  }

  /** The first failure wins: later symptoms of the same fault never replace its cause. */
  fail(kind: string, message: string): void {
    if (this.errorKind === null) {
      this.errorKind = kind;
      this.errorMessage = message;
    }
  }
}
