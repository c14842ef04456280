// The defaults of a run's settings, in one place for the command line's flags and the API's options.
import { DEFAULT_FORMATS } from '../report/formats.js';

/** Default values, as text, of the run settings that have one (the rest default to "not given"). */
export const RUN_DEFAULTS = {
  api: 'chat',
  apiKeyEnv: 'OPENAI_API_KEY',
  timeout: '60s',
  seed: '0',
  warmup: '0',
  grace: '10s',
  retries: '0',
  format: DEFAULT_FORMATS,
  workers: '1',
} as const;
