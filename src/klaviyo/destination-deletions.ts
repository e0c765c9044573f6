import type { SqlExecutor } from '../store/sql-executor';
import { CredentialCipher } from '../shops/credential-cipher';
import { e164, emailOf } from './core/profiles';
import type { DeletionSubject, KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository } from './klaviyo-sync.repository';

/**
 * Privacy first: before a sync, the shop's queued Klaviyo deletions (destination_deletions, filled by
 * customers/redact) are carried out through Klaviyo's Data Privacy API. The profile is named by its
 * Klaviyo id when the ledger still holds it, else by the email or phone sealed in the queue, else found
 * by external_id (the Shopify customer id, the queue's key). Then the ledger row is erased and the queue
 * row closed, its sealed contact dropped. A failure is recorded on the row and retried at the next sync;
 * it never stops the sync. Returns the number of deletions requested.
 */
export async function processDeletions(
  db: SqlExecutor,
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  secretKey: Buffer | null,
): Promise<number> {
  const [{ present }] = await db.query(`SELECT to_regclass('destination_deletions') IS NOT NULL AS present`);
  if (!present) return 0;
  const queued: { id: string; subject_key: string; sealed_contact: string | null }[] = await db.query(
    `SELECT id, subject_key, sealed_contact FROM destination_deletions
     WHERE shop_id = $1 AND destination = 'klaviyo' AND status = 'pending' ORDER BY id`,
    [shopId],
  );
  const cipher = secretKey ? new CredentialCipher(secretKey) : null;
  let done = 0;
  for (const row of queued) {
    try {
      const subject = await subjectOf(client, repository, shopId, row.subject_key, row.sealed_contact, cipher);
      if (subject) await client.requestDeletion(subject);
      await repository.forget(shopId, row.subject_key);
      await db.query(
        `UPDATE destination_deletions SET status = 'done', completed_at = now(), sealed_contact = NULL, last_error = NULL
         WHERE id = $1`,
        [row.id],
      );
      if (subject) done += 1;
    } catch (error) {
      await db.query(`UPDATE destination_deletions SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
        row.id,
        (error as Error).message,
      ]);
    }
  }
  return done;
}

async function subjectOf(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  customerId: string,
  sealed: string | null,
  cipher: CredentialCipher | null,
): Promise<DeletionSubject | null> {
  const entry = await repository.ledgerEntry(shopId, customerId);
  if (entry?.profileId) return { profileId: entry.profileId };
  if (sealed && cipher) {
    const contact = JSON.parse(cipher.open(sealed)) as { email?: string | null; phone?: string | null };
    const email = emailOf(contact.email);
    if (email) return { email };
    const phone = e164(contact.phone);
    if (phone) return { phoneNumber: phone };
  }
  const found = await client.profileIdsByExternalId([customerId]);
  const profileId = found.get(customerId);
  return profileId ? { profileId } : null;
}
