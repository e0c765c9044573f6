import type { SqlExecutor } from '../store/sql-executor';
import { CredentialCipher, CredentialKeyError } from './credential-cipher';

/** The vendors a shop keeps a credential for. */
export type CredentialService = 'shopify' | 'klaviyo' | 'twilio';

/**
 * A shop's vendor credentials, sealed before they are written and opened only when a client needs them.
 * Without SEGMENT_SYNC_SECRET_KEY nothing can be stored or read, and the error says so.
 */
export class ShopCredentialsRepository {
  private readonly cipher: CredentialCipher | null;

  constructor(
    private readonly db: SqlExecutor,
    secretKey: Buffer | null,
  ) {
    this.cipher = secretKey ? new CredentialCipher(secretKey) : null;
  }

  async put(shopId: number, service: CredentialService, secret: string, scopes: string | null = null): Promise<void> {
    const sealed = this.requireCipher(`store the ${service} credential`).seal(secret);
    await this.db.query(
      `INSERT INTO shop_credentials (shop_id, service, sealed, scopes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (shop_id, service) DO UPDATE SET sealed = EXCLUDED.sealed, scopes = EXCLUDED.scopes, updated_at = now()`,
      [shopId, service, sealed, scopes],
    );
  }

  /** The shop's credential for that service in clear, or null when none is stored. */
  async get(shopId: number, service: CredentialService): Promise<string | null> {
    const rows: { sealed: string }[] = await this.db.query(
      `SELECT sealed FROM shop_credentials WHERE shop_id = $1 AND service = $2`,
      [shopId, service],
    );
    if (rows.length === 0) return null;
    return this.requireCipher(`read the ${service} credential`).open(rows[0].sealed);
  }

  async scopes(shopId: number, service: CredentialService): Promise<string | null> {
    const rows = await this.db.query(`SELECT scopes FROM shop_credentials WHERE shop_id = $1 AND service = $2`, [shopId, service]);
    return rows[0]?.scopes ?? null;
  }

  async remove(shopId: number, service: CredentialService): Promise<void> {
    await this.db.query(`DELETE FROM shop_credentials WHERE shop_id = $1 AND service = $2`, [shopId, service]);
  }

  /**
   * The start-up check: when credentials are stored, the key must be set and must open them. Throws a
   * CredentialKeyError that names the variable; never prints a credential.
   */
  async verifyKey(): Promise<void> {
    const rows: { sealed: string }[] = await this.db.query(`SELECT sealed FROM shop_credentials LIMIT 1`);
    if (rows.length === 0) return;
    this.requireCipher('open the stored vendor credentials').open(rows[0].sealed);
  }

  private requireCipher(purpose: string): CredentialCipher {
    if (!this.cipher) {
      throw new CredentialKeyError(
        `SEGMENT_SYNC_SECRET_KEY is not set: it is needed to ${purpose} (32 bytes as 64 hex characters or base64; ` +
          `generate one with: openssl rand -hex 32)`,
      );
    }
    return this.cipher;
  }
}
