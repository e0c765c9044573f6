import { HttpException } from '@nestjs/common';
import { CredentialKeyError } from '../../shops/credential-cipher';
import { ShopifyAccessDeniedError, ShopifyApiError, ShopifyAuthenticationError } from './admin-api-client';
import { OAuthNotConfiguredError, OAuthRejectedError } from './oauth.service';
import { InvalidConnectionRequestError } from './shop-connection.service';

/** A connection failure as the HTTP answer it means (the messages hold no token); other errors pass. */
export function asHttpAnswer(error: unknown): unknown {
  const status =
    error instanceof InvalidConnectionRequestError || error instanceof OAuthRejectedError
      ? 400
      : error instanceof ShopifyAuthenticationError || error instanceof ShopifyAccessDeniedError
        ? 422
        : error instanceof ShopifyApiError
          ? 502
          : error instanceof CredentialKeyError || error instanceof OAuthNotConfiguredError
            ? 503
            : null;
  if (status === null) return error;
  const { name, message } = error as Error;
  return new HttpException({ statusCode: status, error: name, message }, status);
}
