import { Body, Controller, Get, Header, Inject, Param, Post } from '@nestjs/common';
import { renderHtmlReport } from '../reporting/html-report';
import type { RunSummary } from './run-summary';
import { SegmentReportsService } from './segment-reports.service';
import { SegmentRunService } from './segment-run.service';
import { parseRunRequest } from './run-request';

@Controller('shops/:domain/segment-runs')
export class SegmentRunsController {
  constructor(
    @Inject(SegmentRunService) private readonly runs: SegmentRunService,
    @Inject(SegmentReportsService) private readonly reports: SegmentReportsService,
  ) {}

  @Post()
  run(@Param('domain') domain: string, @Body() body: unknown): Promise<RunSummary> {
    return this.runs.runShop(domain, parseRunRequest(body));
  }

  @Get()
  list(@Param('domain') domain: string): Promise<RunSummary[]> {
    return this.reports.list(domain);
  }

  @Get('latest')
  async latest(@Param('domain') domain: string): Promise<RunSummary> {
    return (await this.reports.latest(domain)).summary;
  }

  @Get('latest/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async report(@Param('domain') domain: string): Promise<string> {
    const { summary, history } = await this.reports.latest(domain);
    return renderHtmlReport(summary, history);
  }
}
