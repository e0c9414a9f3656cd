// Issue 12, "never lie to a caller", at the HTTP contract: the document's shared refusal responses
// must name every DocketError code the handler answers with that status, and say which 503s are safe
// to retry. It said "STORE_UNAVAILABLE or ENGINE_CLOSED: retry later" for every 503, so a client
// retried STORE_OUTCOME_UNKNOWN (a commit that may have landed) blindly, and a POST /instances without
// an id then started a second instance; 422 did not name NO_APPROVER or INVALID_DEADLINE_RULE.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/http/index.js';
import { STATUS_BY_CODE } from '../src/http/problem.js';
import { contractApproval } from '../machines/index.js';

type Json = Record<string, any>;

describe('the OpenAPI refusal responses name every code of their status', () => {
  const doc = openApiDocument([contractApproval]) as Json;
  const send = doc.paths['/instances/{id}/events'].post.responses as Json;

  it('every code the handler maps to a status listed on a route is named in that response', () => {
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      const response = send[String(status)] as Json | undefined;
      if (response === undefined) continue;
      expect(response.description, `${code} → ${status}`).toContain(code);
    }
  });

  it('503 says STORE_OUTCOME_UNKNOWN may have landed, and how to retry a start safely', () => {
    const text = send['503'].description as string;
    expect(text).toMatch(/STORE_OUTCOME_UNKNOWN: the write may have been applied/);
    expect(text).toMatch(/STORE_UNAVAILABLE, ENGINE_CLOSED or MISSING_DEPENDENCY: nothing was written; retry later/);
    expect(doc.paths['/instances'].post.responses['503'].description).toContain('pass an id');
  });
});
