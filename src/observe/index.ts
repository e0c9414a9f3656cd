// Observability that needs no extra package: structured logging of an engine's events.
// OpenTelemetry lives in ./otel.ts, the `docket/otel` subpath (its peer is optional).
export { logEngine, silentLogger, type DocketLogger, type LogFields } from '../engine/engine-logger.js';
