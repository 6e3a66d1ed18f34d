import { describe, expect, it } from 'vitest';
import { groupingLabels, metricNames, selectors } from './lib/promql.js';

// The metric-name extraction decides what the cross-checks against the running apps look for, so it
// is pinned on the shapes the rules and dashboards use.
describe('PromQL selector extraction', () => {
  it('finds metric names inside functions, aggregations and binary operators', () => {
    const expr = `sum by (namespace, service) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[5m]))
      / on (service) group_left sum without (pod) (rate(other_metric_total[1h] offset 5m)) > (14.4 * 0.001) and bool up == 0`;
    expect(metricNames(expr)).toEqual([
      'http_server_request_duration_seconds_count',
      'other_metric_total',
      'up',
    ]);
  });

  it('reads label matchers, including escaped quotes and commas inside values', () => {
    const [selector] = selectors(
      'histogram_quantile(0.99, x_bucket{le="0.5", http_route!="/v1/orders/:id", a=~"b,c", q="say \\"hi\\""})',
    );
    expect(selector).toEqual({
      name: 'x_bucket',
      matchers: [
        { label: 'le', op: '=', value: '0.5' },
        { label: 'http_route', op: '!=', value: '/v1/orders/:id' },
        { label: 'a', op: '=~', value: 'b,c' },
        { label: 'q', op: '=', value: 'say "hi"' },
      ],
    });
  });

  it('ignores Grafana variables, durations, numbers and recording-rule style names are kept', () => {
    const expr =
      'max(service:http_server_request_errors:ratio_rate1h{namespace=~"$namespace"}) * 1e3 + rate(a_total[$__rate_interval])';
    expect(metricNames(expr)).toEqual([
      'service:http_server_request_errors:ratio_rate1h',
      'a_total',
    ]);
  });

  it('finds nothing in an expression of only literals', () => {
    expect(metricNames('vector(1) * 2')).toEqual([]);
  });

  it('lists the labels a query groups by', () => {
    expect(
      groupingLabels(
        'sum by (namespace, service) (rate(a[5m])) / on (service) group_left (x) max without(pod) (b)',
      ),
    ).toEqual(['namespace', 'service', 'x', 'pod']);
  });
});
