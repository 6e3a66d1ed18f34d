import type { Response } from 'express';

/** One invalid input, RFC 9457 §3 "errors" extension style: where it is and what is wrong. */
export interface InvalidParam {
  /** JSON Pointer into the body (`#/items/0/quantity`), for body fields. */
  readonly pointer?: string;
  /** Query parameter name, for query fields. */
  readonly parameter?: string;
  /** Header name, for headers. */
  readonly header?: string;
  readonly detail: string;
}

export interface ProblemInit {
  readonly status: number;
  /** A short slug appended to {@link PROBLEM_TYPE_BASE}; omit for `about:blank`. */
  readonly type?: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly InvalidParam[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Extension members (snake_case), e.g. the existing order's id on a 409. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export const PROBLEM_TYPE_BASE = 'https://shipshape.dev/problems/';

/** An error the HTTP layer turns into `application/problem+json` as is. */
export class HttpProblem extends Error {
  readonly code = 'HTTP_PROBLEM';
  override readonly name = 'HttpProblem';
  readonly problem: ProblemInit;

  constructor(problem: ProblemInit) {
    super(
      `${problem.status} ${problem.title}${problem.detail === undefined ? '' : `: ${problem.detail}`}`,
    );
    this.problem = problem;
  }
}

export function sendProblem(
  res: Response,
  problem: ProblemInit,
  instance: string,
  requestId?: string,
): void {
  for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: problem.type === undefined ? 'about:blank' : `${PROBLEM_TYPE_BASE}${problem.type}`,
        title: problem.title,
        status: problem.status,
        ...(problem.detail === undefined ? {} : { detail: problem.detail }),
        instance,
        ...(problem.errors === undefined ? {} : { errors: problem.errors }),
        ...problem.extensions,
        ...(requestId === undefined ? {} : { request_id: requestId }),
      }),
    );
}
