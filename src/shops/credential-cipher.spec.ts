import { randomBytes } from 'node:crypto';
import { CredentialCipher, CredentialKeyError } from './credential-cipher';

describe('CredentialCipher', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never shows the secret in the sealed text', () => {
    const cipher = new CredentialCipher(key);
    const sealed = cipher.seal('shpat_0123456789abcdef');
    expect(sealed).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(sealed).not.toContain('shpat_0123456789abcdef');
    expect(cipher.open(sealed)).toBe('shpat_0123456789abcdef');
  });

  it('seals the same secret differently each time (fresh IV)', () => {
    const cipher = new CredentialCipher(key);
    expect(cipher.seal('pk_live')).not.toBe(cipher.seal('pk_live'));
  });

  it('refuses to open with another key, naming the variable', () => {
    const sealed = new CredentialCipher(key).seal('pk_live');
    expect(() => new CredentialCipher(randomBytes(32)).open(sealed)).toThrow(CredentialKeyError);
    expect(() => new CredentialCipher(randomBytes(32)).open(sealed)).toThrow(/SEGMENT_SYNC_SECRET_KEY/);
  });

  it('refuses a tampered value', () => {
    const cipher = new CredentialCipher(key);
    const [version, iv, tag, body] = cipher.seal('pk_live_abcdef').split(':');
    const altered = Buffer.from(body, 'base64');
    altered[0] ^= 1;
    expect(() => cipher.open([version, iv, tag, altered.toString('base64')].join(':'))).toThrow(CredentialKeyError);
  });
});
