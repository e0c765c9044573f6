import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { SavedSegmentsService, InvalidSegmentError } from './saved-segments.service';
import type { SavedSegment, SegmentPreview } from './saved-segments.repository';

const previewBody = z.object({ query: z.string(), sample: z.number().int().min(0).max(100).optional() }).strict();
const saveBody = z
  .object({ query: z.string(), name: z.string().max(200).optional(), description: z.string().max(2000).nullable().optional() })
  .strict();

/** Custom segments over HTTP: preview a query, save it under a key, list and remove saved segments. */
@Controller('shops/:domain/segments')
export class SegmentsController {
  constructor(@Inject(SavedSegmentsService) private readonly segments: SavedSegmentsService) {}

  @Post('preview')
  @HttpCode(200)
  preview(@Param('domain') domain: string, @Body() body: unknown): Promise<SegmentPreview & { runNumber: number }> {
    const { query, sample } = parse(previewBody, body);
    return this.segments.preview(domain, query, sample);
  }

  @Get()
  list(@Param('domain') domain: string): Promise<SavedSegment[]> {
    return this.segments.list(domain);
  }

  @Put(':key')
  save(@Param('domain') domain: string, @Param('key') key: string, @Body() body: unknown): Promise<SavedSegment> {
    return this.segments.save(domain, { key, ...parse(saveBody, body) });
  }

  @Delete(':key')
  @HttpCode(204)
  remove(@Param('domain') domain: string, @Param('key') key: string): Promise<void> {
    return this.segments.remove(domain, key);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidSegmentError(`${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`);
}
