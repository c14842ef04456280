// Redacts credentials (the API key, every --header value) from any text before it is printed or written.

export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not treated as secrets: `--header "X-Debug: 1"` must not turn every "1" in an
 * error message into "[redacted]". No real key or token is this short.
 */
export const MIN_SECRET_LENGTH = 4;

/** Auth schemes whose credential part is also redacted on its own (a server may echo just the token). */
const SCHEME = /^(?:bearer|basic|token|apikey|api-key)\s+(.+)$/i;

/**
 * A URL as it may be printed: user and password, and every query value, replaced by `[redacted]`. Works on
 * text that does not parse as a URL too (a refused `--url` is echoed in its error), so it is pattern-based.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`)
    .replace(/([?&][^=&#]*=)[^&#]*/g, `$1${REDACTED}`)
    .replace(/([?&])([^=&#]+)(?=&|#|$)/g, (whole, sep: string, bare: string) => (bare === REDACTED ? whole : `${sep}${REDACTED}`));
}

/** The values of a URL's query (`?api_key=...`): a gateway's credential may ride there. */
function queryValues(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const values: string[] = [];
    for (const [, value] of new URL(url).searchParams) values.push(value);
    const raw = new URL(url).search.slice(1).split('&').map((part) => part.slice(part.indexOf('=') + 1));
    return [...values, ...raw];
  } catch {
    return [];
  }
}

/** The strings to hide for a target: the key, each header value, the credential inside "Bearer x", query values, and their encodings. */
export function secretsOf(target: { apiKey?: string; headers?: Record<string, string>; baseUrl?: string }): string[] {
  const raw: string[] = [...queryValues(target.baseUrl)];
  if (target.apiKey) raw.push(target.apiKey);
  for (const value of Object.values(target.headers ?? {})) {
    raw.push(value);
    const credential = SCHEME.exec(value.trim())?.[1];
    if (credential) raw.push(credential);
  }
  const all = new Set<string>();
  for (const secret of raw) {
    const trimmed = secret.trim();
    if (trimmed.length < MIN_SECRET_LENGTH) continue;
    all.add(trimmed);
    // The forms a server may echo it in: JSON-escaped, URL-encoded. (A Basic credential is base64 already.)
    all.add(JSON.stringify(trimmed).slice(1, -1));
    all.add(encodeURIComponent(trimmed));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...all].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  /** The text with every secret replaced by `[redacted]`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /**
   * A copy of a plain JSON-like value with every string (keys included) redacted. Meant for free text from outside
   * (samples, messages): on a whole result document a common header value ("chat") would blank real fields.
   */
  redactDeep<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.redact(key)] = this.walk(item);
      return out;
    }
    return value;
  }
}

/**
 * The process-wide redactor, for the last line of defence (the CLI's error printer) where the run's target is not
 * at hand. A command registers its secrets once they are known.
 */
const registered = new Set<string>();
let processRedactor = new Redactor([]);

export function registerSecrets(secrets: Iterable<string>): void {
  for (const secret of secrets) registered.add(secret);
  processRedactor = new Redactor(registered);
}

/** Redacts with every secret registered so far in this process. */
export function redact(text: string): string {
  return processRedactor.redact(text);
}
