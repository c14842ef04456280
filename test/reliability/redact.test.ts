// Unit checks of the redactor: what counts as a secret, the forms it is found in, and what is left alone.
import { describe, expect, it } from 'vitest';
import { redact, Redactor, registerSecrets, REDACTED, secretsOf } from '../../src/util/redact.js';

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
