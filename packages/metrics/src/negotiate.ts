import type { ExpositionFormat } from './format.js';

/**
 * Picks the exposition format from an Accept header. OpenMetrics wins when it is accepted with a
 * quality at least as high as the Prometheus text format; anything else gets text 0.0.4.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'prometheus';
  let openMetricsQuality = 0;
  let textQuality = 0;
  for (const part of accept.split(',')) {
    const [rawType = '', ...params] = part.split(';');
    const type = rawType.trim().toLowerCase();
    let quality = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() === 'q') {
        const parsed = Number.parseFloat(value.trim());
        quality = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (type === 'application/openmetrics-text') {
      openMetricsQuality = Math.max(openMetricsQuality, quality);
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      textQuality = Math.max(textQuality, quality);
    }
  }
  return openMetricsQuality > 0 && openMetricsQuality >= textQuality ? 'openmetrics' : 'prometheus';
}
