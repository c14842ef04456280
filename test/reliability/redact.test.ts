// Unit checks of the redactor: what counts as a secret, the forms it is found in, and what is left alone.
import { describe, expect, it } from 'vitest';
import { redact, redactUrl, Redactor, registerSecrets, REDACTED, secretsOf } from '../../src/util/redact.js';

describe('secretsOf and Redactor', () => {
  const key = 'sk-test-Abc123+/=xyz';
  const secrets = secretsOf({ apiKey: key, headers: { Authorization: 'Bearer tok-98765', 'X-Debug': '1', 'X-Org': 'org "quoted"' } });
  const r = new Redactor(secrets);

  it('hides the key, each header value and the token inside "Bearer ..."', () => {
    expect(r.redact(`key=${key}`)).toBe(`key=${REDACTED}`);
    expect(r.redact('Authorization: Bearer tok-98765')).toBe(`Authorization: ${REDACTED}`);
    expect(r.redact('token tok-98765 refused')).toBe(`token ${REDACTED} refused`);
    expect(r.redact('org is org "quoted"!')).toBe(`org is ${REDACTED}!`);
  });

  it('finds the JSON-escaped and URL-encoded forms a server may echo', () => {
    expect(r.redact(JSON.stringify({ got: 'org "quoted"' }))).not.toContain('quoted');
    expect(r.redact(`/v1?key=${encodeURIComponent(key)}`)).toBe(`/v1?key=${REDACTED}`);
  });

  it('leaves short values alone (a "1" is not a secret) and text without secrets unchanged', () => {
    expect(r.redact('HTTP 401 after 1 try')).toBe('HTTP 401 after 1 try');
    expect(new Redactor([]).empty).toBe(true);
  });

  it('redacts every string of a nested value, keys included, without touching numbers', () => {
    const value = { samples: { http_401: `bad key ${key}` }, list: [key, 3], [key]: true };
    const out = r.redactDeep(value);
    expect(JSON.stringify(out)).not.toContain(key);
    expect(out.list[1]).toBe(3);
    expect(value.samples.http_401).toContain(key); // the input is not modified
  });

  it('the process-wide redactor knows every registered secret', () => {
    registerSecrets(['first-secret-1']);
    registerSecrets(['second-secret-2']);
    expect(redact('first-secret-1 and second-secret-2')).toBe(`${REDACTED} and ${REDACTED}`);
  });
});

describe('redactUrl', () => {
  it('hides user:password and every query value, parseable or not; a plain URL is unchanged', () => {
    expect(redactUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
    expect(redactUrl('ftp://user:PASS@host/x')).toBe('ftp://[redacted]@host/x');
    expect(redactUrl('https://gw/v1?api_key=SECRET&api-version=2024-02-01#frag')).toBe('https://gw/v1?api_key=[redacted]&api-version=[redacted]#frag');
    expect(redactUrl('http://u:p@host:99999/?token=abc&BARESECRET')).toBe('http://[redacted]@host:99999/?token=[redacted]&[redacted]');
    expect(redactUrl('not a url?key=v')).toBe('not a url?key=[redacted]');
  });

  it("secretsOf takes the base URL's query values, so free text echoing them is redacted", () => {
    const redactor = new Redactor(secretsOf({ baseUrl: 'https://gw?api_key=qk-FAKE-123456&x=1' }));
    expect(redactor.redact('401: bad key qk-FAKE-123456 in /v1/chat?api_key=qk-FAKE-123456')).toBe('401: bad key [redacted] in /v1/chat?api_key=[redacted]');
  });
});
