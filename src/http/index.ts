// docket/http: the engine over HTTP on web-standard Request/Response, with an OpenAPI 3.1 document.
export { createHttpHandler, DEFAULT_MAX_BODY_BYTES, type HttpHandlerOptions } from './create-http-handler.js';
export { openApiDocument, type OpenApiOptions } from './openapi.js';
export { STATUS_BY_CODE, toProblem, problemResponse, type Problem } from './problem.js';
