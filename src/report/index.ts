// Reports of a run in every file format, and the pieces other parts reuse (HTML sections, charts, tables).
import { writeFileSync } from 'node:fs';
import { makeOutDir } from '../util/out-dir.js';
import { join } from 'node:path';
import type { RequestRecord, ResultDocument } from '../metrics/schema.js';
import { buildCharts } from './charts.js';
import { renderSummaryCsv } from './csv.js';
import type { ReportFormat } from './formats.js';
import { renderHtml } from './html.js';
import { writeResultJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { writePngCharts } from './png.js';
import { readRecordsBeside } from './requests-file.js';

export interface WriteReportsOptions {
  /** Request records for the scatter and error charts; by default requests.csv in outDir, if any. */
  records?: readonly RequestRecord[] | null;
  /** Trusted HTML fragments for report.html (see renderHtml). */
  extraSections?: readonly string[];
}

/**
 * Writes one file per format into outDir (`table` writes nothing: the caller prints it) and returns the paths.
 * json -> result.json (atomic), csv -> summary.csv, md -> summary.md, html -> report.html, png -> charts/*.png.
 */
export async function writeReports(outDir: string, result: ResultDocument, formats: readonly ReportFormat[], options: WriteReportsOptions = {}): Promise<string[]> {
  makeOutDir(outDir);
  const records = options.records !== undefined ? options.records : readRecordsBeside(join(outDir, 'result.json'));
  const written: string[] = [];
  let charts: ReturnType<typeof buildCharts> | undefined;
  const chartsOnce = () => (charts ??= buildCharts(result, records));
  for (const format of formats) {
    switch (format) {
      case 'table':
        break;
      case 'json':
        written.push(writeResultJson(outDir, result));
        break;
      case 'csv': {
        const path = join(outDir, 'summary.csv');
        writeFileSync(path, renderSummaryCsv(result));
        written.push(path);
        break;
      }
      case 'md': {
        const path = join(outDir, 'summary.md');
        writeFileSync(path, renderMarkdown(result, records));
        written.push(path);
        break;
      }
      case 'html': {
        const path = join(outDir, 'report.html');
        writeFileSync(path, renderHtml(result, records, options.extraSections ?? [], chartsOnce()));
        written.push(path);
        break;
      }
      case 'png':
        written.push(...(await writePngCharts(outDir, chartsOnce())));
        break;
    }
  }
  return written;
}

export { buildCharts, type ChartSpec } from './charts.js';
export { csvCell, renderSummaryCsv } from './csv.js';
export { DEFAULT_FORMATS, parseFormats, REPORT_FORMATS, type ReportFormat } from './formats.js';
export { escapeHtml, jsonForScript, renderHtml } from './html.js';
export { writeResultJson } from './json.js';
export { loadResult, type LoadedResult } from './load.js';
export { renderMarkdown } from './markdown.js';
export { renderChartPng, writePngCharts, PNG_HEIGHT, PNG_WIDTH } from './png.js';
export { readRecordsBeside, readRequestRecords, REQUESTS_CSV_HEADER } from './requests-file.js';
export { distributionRows, flatMetrics, summaryConsoleTable, summaryRows } from './tables.js';
