import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ShopNotFoundError } from './shops/shops.repository';
import { InvalidRunRequestError } from './segmentation/run-request';
import { NoFinishedRunError } from './segmentation/segment-reports.service';
import { InvalidSegmentError, SegmentNotFoundError } from './segmentation/saved-segments.service';
import { SegmentQueryError } from './segmentation/core/query';
import { InvalidShopSettingsError } from './segmentation/segmentation-settings';

function statusOf(error: unknown): number {
  if (error instanceof ShopNotFoundError || error instanceof NoFinishedRunError || error instanceof SegmentNotFoundError) {
    return 404;
  }
  if (
    error instanceof InvalidRunRequestError ||
    error instanceof InvalidSegmentError ||
    error instanceof InvalidShopSettingsError ||
    error instanceof SegmentQueryError
  ) {
    return 400;
  }
  return 500;
}

/** Domain errors become the HTTP answers they mean; anything else is a 500 without internals. */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      response.status(error.getStatus()).type('application/json').json(error.getResponse());
      return;
    }
    const status = statusOf(error);
    if (status === 500) this.logger.error((error as Error)?.stack ?? String(error));
    // A route may have set another content type (the HTML report) before it failed.
    response.status(status).type('application/json').json({
      statusCode: status,
      error: status === 500 ? 'Internal Server Error' : (error as Error).name,
      message: status === 500 ? 'The request failed; see the service log' : (error as Error).message,
      // A bad segment query also says where: the editor can point at the token.
      ...(error instanceof SegmentQueryError
        ? { position: error.position, line: error.line, column: error.column, token: error.token }
        : {}),
    });
  }
}
