/**
 * The logger cases: one per call shape, shipshape against pino with a synchronous and with an
 * asynchronous destination, and one for a winston transport against plain winston. Shared by the
 * case, its child, the targets, the report and the charts.
 */
export const LOGGER_SHAPES = ['context', 'fields', 'child', 'new-context'] as const;
export type LoggerShape = (typeof LOGGER_SHAPES)[number];

/** Every call shape is judged against both pino set-ups; the ratio column uses the first. */
export const PINO_CONTENDERS = ['pino-sync', 'pino-async'] as const;
export const SHAPE_CONTENDERS = ['shipshape', ...PINO_CONTENDERS] as const;

/** The winston case: shipshape writing through a winston File transport, and plain winston. */
export const WINSTON_CASE = 'logger-winston';
export const WINSTON_CONTENDERS = ['shipshape', 'winston'] as const;

export const loggerCaseName = (shape: LoggerShape): string => `logger-${shape}`;

/** How each shape is written, in words for the report. */
export const SHAPE_LABELS: Readonly<Record<LoggerShape, string>> = {
  context: 'ids from context',
  fields: 'ids as call fields',
  child: 'a child per request',
  'new-context': 'a new context per request',
};
