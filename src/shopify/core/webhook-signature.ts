import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs every webhook with the app's secret: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of
 * the raw request body. Compared in constant time; anything malformed is simply not a valid signature.
 */
export function webhookSignature(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function isValidWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined | null): boolean {
  if (!header || !secret) return false;
  const given = Buffer.from(header.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // timingSafeEqual needs equal lengths; a wrong length is a wrong signature, and says nothing about the secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
