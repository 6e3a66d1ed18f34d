// The OpenTelemetry collector of the telemetry case, in a process of its own (on the load
// generator's core when pinned): accepts OTLP/HTTP on /v1/traces, /v1/metrics and /v1/logs, answers
// 200 and counts what arrived. Trace exports are decoded far enough (protobuf wire format, or JSON)
// to count their spans, so the run can check that the sampled contender's spans were delivered.
// GET /stats answers the counts as JSON.
import { createServer } from 'node:http';

const requests: Record<string, number> = {};
let spans = 0;
let bytes = 0;

/** Reads a protobuf varint at `offset`; returns the value and the offset after it. */
function varint(buffer: Buffer, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let at = offset; at < buffer.length; at++) {
    const byte = buffer[at] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
    shift += 7;
  }
  throw new Error('truncated protobuf varint');
}

/** The length-delimited fields numbered `field` of one protobuf message. */
function fields(message: Buffer, field: number): Buffer[] {
  const found: Buffer[] = [];
  let offset = 0;
  while (offset < message.length) {
    const [tag, afterTag] = varint(message, offset);
    const wireType = tag % 8;
    offset = afterTag;
    if (wireType === 0) offset = varint(message, offset)[1];
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === 2) {
      const [length, afterLength] = varint(message, offset);
      if (Math.floor(tag / 8) === field)
        found.push(message.subarray(afterLength, afterLength + length));
      offset = afterLength + length;
    } else throw new Error(`unexpected protobuf wire type ${wireType}`);
  }
  return found;
}

/** ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2). */
function countSpans(body: Buffer, contentType: string): number {
  if (contentType.startsWith('application/json')) {
    const payload = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
    };
    return (payload.resourceSpans ?? [])
      .flatMap((r) => r.scopeSpans ?? [])
      .reduce((sum, scope) => sum + (scope.spans?.length ?? 0), 0);
  }
  return fields(body, 1)
    .flatMap((resourceSpans) => fields(resourceSpans, 2))
    .reduce((sum, scopeSpans) => sum + fields(scopeSpans, 2).length, 0);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests, spans, bytes }));
      return;
    }
    const body = Buffer.concat(chunks);
    requests[path] = (requests[path] ?? 0) + 1;
    bytes += body.length;
    const contentType = req.headers['content-type'] ?? '';
    if (path === '/v1/traces') spans += countSpans(body, contentType);
    if (contentType.startsWith('application/json'))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    '@bench',
    JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }),
  );
});
