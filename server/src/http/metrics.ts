/** Prometheus metrics: request counts and latencies by route class and status. */
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const requests = new Counter({
  name: 'iop_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'area', 'status'], registers: [metricsRegistry],
});
const duration = new Histogram({
  name: 'iop_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'area'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [metricsRegistry],
});

export function recordMetrics(req: Request, res: Response, next: NextFunction): void {
  const end = duration.startTimer();
  // Label by area, not path, to keep cardinality bounded.
  const area = req.path.split('/')[1] || 'root';
  res.on('finish', () => {
    const labels = { method: req.method, area: ['fhir', 'healthz', 'readyz', 'metrics'].includes(area) ? area : 'other' };
    end(labels);
    requests.inc({ ...labels, status: String(res.statusCode) });
  });
  next();
}
