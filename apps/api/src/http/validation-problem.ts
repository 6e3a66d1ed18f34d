import type { z } from 'zod';
import { HttpProblem, type InvalidParam } from './problem.js';

export type InputLocation = 'body' | 'query' | 'header';

/** Every issue zod found, one entry each (unknown keys: one entry per key), never just the first. */
export function invalidParams(
  error: z.ZodError,
  location: InputLocation,
  headerName?: string,
): InvalidParam[] {
  const params: InvalidParam[] = [];
  for (const issue of error.issues) {
    const keys =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => [...issue.path, key])
        : [issue.path];
    for (const path of keys) {
      const detail = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
      if (location === 'body') params.push({ pointer: toPointer(path), detail });
      else if (location === 'query')
        params.push({ parameter: path.map(String).join('.') || '(query)', detail });
      else params.push({ header: headerName ?? '(header)', detail });
    }
  }
  return params;
}

export function validationProblem(params: readonly InvalidParam[]): HttpProblem {
  return new HttpProblem({
    status: 400,
    type: 'validation-error',
    title: 'The request is invalid',
    detail: `${params.length} ${params.length === 1 ? 'input is' : 'inputs are'} invalid; see errors.`,
    errors: params,
  });
}

/** Parses or throws a 400 listing every invalid field. */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  location: InputLocation,
  headerName?: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationProblem(invalidParams(result.error, location, headerName));
}

/** RFC 6901: `~` → `~0`, `/` → `~1`, as a URI fragment. */
function toPointer(path: readonly PropertyKey[]): string {
  return `#${path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;
}
