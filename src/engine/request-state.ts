// Everything measured about one request, as plain numeric fields the hot path updates without allocating.

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
  /** The shared-prefix group of the prompt (--prefix-groups, trace hash blocks); -1 for none. */
  prefixGroup = -1;
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
  errorKind: string | null = null;
  errorMessage: string | null = null;
  /** Kept only when the caller needs the text (eval); a load run keeps character counts only. */
  contentPieces: string[] | null = null;
  reasoningPieces: string[] | null = null;
  /** The parsed body of a non-streaming response, kept when the caller keeps text (logprobs live there). */
  responseJson: unknown = null;
  /** Non-streaming body or an error body (bounded). */
  bodyChunks: Buffer[] | null = null;

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
