// docket/otel: OpenTelemetry spans and metrics for an engine (peer: @opentelemetry/api).
export { docketTelemetry, TELEMETRY_NAMES, type DocketTelemetry, type TelemetryOptions } from './otel-telemetry.js';
