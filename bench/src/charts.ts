import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { LOGGER_SHAPES, loggerCaseName, WINSTON_CASE } from './logger-shapes.js';
import { median, type CaseResult } from './rounds.js';

/** One bar: a contender's median, and its lowest and highest round. */
interface Bar {
  contender: string;
  group: string;
  median: number;
  low: number;
  high: number;
}

export interface Chart {
  /** File name, without folder. */
  readonly file: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

function bars(result: CaseResult, metric: string, group = result.case): Bar[] {
  return Object.keys(result.samples).map((contender) => {
    const values = result.samples[contender]?.[metric] ?? [];
    return {
      contender,
      group,
      median: median(values),
      low: Math.min(...values),
      high: Math.max(...values),
    };
  });
}

/** Bars of the median with a rule from the lowest to the highest round, grouped when asked. */
function barChart(title: string, axis: string, data: Bar[], logScale = false): TopLevelSpec {
  const grouped = new Set(data.map((bar) => bar.group)).size > 1;
  const x = grouped
    ? { field: 'group', type: 'nominal' as const, title: null, sort: null }
    : { field: 'contender', type: 'nominal' as const, title: null, sort: null };
  const y = {
    field: 'median',
    type: 'quantitative' as const,
    title: axis,
    ...(logScale ? { scale: { type: 'log' as const } } : {}),
  };
  const offset = grouped ? { xOffset: { field: 'contender', sort: null } } : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: grouped ? 480 : 420,
    height: 240,
    data: { values: data },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          y,
          color: { field: 'contender', title: null, sort: null, legend: { labelLimit: 400 } },
          ...offset,
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: {
          x,
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
          ...offset,
        },
      },
    ],
  };
}

/** The charts of this run's HTTP, logger, orders and scrape cases, for those that ran. */
export function chartsFor(results: readonly CaseResult[]): Chart[] {
  const byCase = new Map(results.map((result) => [result.case, result]));
  const charts: Chart[] = [];
  const http = byCase.get('http');
  if (http !== undefined) {
    charts.push({
      file: 'http.svg',
      title: 'HTTP: requests per second',
      spec: barChart('HTTP: requests per second', 'req/s', bars(http, 'requests_per_second')),
    });
  }
  const shapes = LOGGER_SHAPES.flatMap((shape) => {
    const result = byCase.get(loggerCaseName(shape));
    return result === undefined ? [] : bars(result, 'lines_per_second', shape);
  });
  if (shapes.length > 0) {
    charts.push({
      file: 'logger.svg',
      title: 'Logger: lines per second by call shape, shipshape and pino (sync, async)',
      spec: barChart('Logger: lines per second by call shape', 'lines/s', shapes),
    });
  }
  const winston = byCase.get(WINSTON_CASE);
  if (winston !== undefined) {
    charts.push({
      file: 'logger-winston.svg',
      title: 'Logger with a winston File transport: lines per second',
      spec: barChart(
        'Logger with a winston File transport: lines per second',
        'lines/s',
        bars(winston, 'lines_per_second'),
      ),
    });
  }
  const orders = results.filter((result) => result.case.startsWith('orders-'));
  if (orders.length > 0) {
    charts.push({
      file: 'orders.svg',
      title: 'POST /v1/orders: requests per second, outbox and direct enqueue',
      spec: barChart(
        'POST /v1/orders: requests per second',
        'req/s',
        orders.flatMap((result) =>
          bars(result, 'requests_per_second', result.case.replace('orders-', '')),
        ),
      ),
    });
  }
  const scrapes = results.filter((result) => result.case.startsWith('metrics-'));
  if (scrapes.length > 0) {
    const data = (metric: string) =>
      scrapes.flatMap((result) =>
        bars(result, metric, `${result.case.replace('metrics-', '')} series`),
      );
    charts.push(
      {
        file: 'scrape-block.svg',
        title: 'Scrape: longest event-loop block',
        spec: barChart(
          'Scrape by another process: longest event-loop block (log scale)',
          'ms',
          data('longest_block_ms'),
          true,
        ),
      },
      {
        file: 'scrape-time.svg',
        title: 'Scrape: total time',
        spec: barChart('Scrape: total time (log scale)', 'ms', data('scrape_ms'), true),
      },
    );
  }
  return charts;
}

/** Renders a Vega-Lite spec to SVG in Node.js (Vega's headless view, no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
