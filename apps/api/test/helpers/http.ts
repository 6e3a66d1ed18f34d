export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
  readonly body: any;
  readonly text: string;
}

/** fetch + JSON body (or text when it is not JSON). */
export async function call(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<JsonResponse> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  const res = await fetch(url, {
    ...rest,
    headers,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export const ORDER = {
  customer_email: 'a@b.co',
  items: [{ sku: 'SKU-1', quantity: 2, unit_price_cents: 1999 }],
} as const;
