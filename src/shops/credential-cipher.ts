import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Raised when a sealed credential cannot be opened: the key is not the one it was sealed with, or the text was altered. */
export class CredentialKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialKeyError';
  }
}

const VERSION = 'v1';

/**
 * Seals vendor credentials (Shopify tokens, Klaviyo keys) with AES-256-GCM before they reach the database:
 * `v1:<iv>:<tag>:<ciphertext>`, base64 parts, a fresh 12-byte IV each time. The authentication tag makes a
 * wrong key or a tampered value fail loudly instead of yielding garbage.
 */
export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new CredentialKeyError('the credential key must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new CredentialKeyError('a stored credential is not in the sealed format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialKeyError(
        'SEGMENT_SYNC_SECRET_KEY does not open the stored credentials: it is not the key they were sealed with',
      );
    }
  }
}
